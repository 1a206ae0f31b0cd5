#!/usr/bin/python3
"""2-D projections on the CPU: `tandem-cli project` against the usual
references, on the same data and threads, run alternately (A B A B).

  t-SNE  tandem-cli --method tsne (perplexity 30, 1000 iterations, Barnes-Hut
         0.5, PCA start) against scikit-learn's TSNE with the same settings
         (Debian's python3-sklearn, in a fresh /usr/bin/python3 process per run).
         Quality: KL(P || Q) of both layouts, computed here by one function
         (tsne_kl) that follows core/explain/tsne.cpp's tsneKlDivergence: P
         perplexity-calibrated on the exact 3 * perplexity nearest neighbours and
         symmetrised, Q the Student-t affinities normalised over all pairs.
         scikit-learn's own kl_divergence_ (a Barnes-Hut estimate) and the
         trustworthiness (k = 10) of both layouts are printed too.
  UMAP   tandem-cli --method umap (15 neighbours, min distance 0.1, 500 epochs)
         against umap-js 1.4.0 under node, seeded. Quality: trustworthiness
         (sklearn.manifold.trustworthiness, k = 10) of each layout.
  PCA    tandem-cli --method pca against numpy's SVD of the centred matrix:
         the largest difference of the two components after aligning signs,
         relative to each component's largest absolute value.

Data: seeded Gaussian clusters (10 clusters of unequal width whose centres
overlap, --sizes rows x 64 dims, float32 .npy), and the image and caption
vectors of an embed run, read straight from a project's SQLite file
(--project P --run N). Without --project the script makes one under
BUILD/bench-projection/: `tandem-cli demo` (2,000 images, 64 pixels, seed 1),
6 epochs of retrieval training, `tandem-cli embed --split train`, and reuses it
on later runs (--remake to start again).

Timing: ours is the wall time of the whole tandem-cli process (start, reading
the .npy, the layout, writing the CSV); theirs is the fit alone, timed inside
the Python or node process (no interpreter start, imports or file I/O), so the
ratio (theirs / ours, > 1 = Tandem faster) errs against Tandem. Each method
runs --pairs times per data set, ours then theirs; the table gives the median
time of each side and the median (min–max) of the per-pair ratios. Quality
comes from the first pair (the layouts are seeded, so every pair gives the
same ones). scikit-learn runs with OMP_WAIT_POLICY=PASSIVE, as tandem-cli
sets for itself: with OpenMP's default spinning it ran ~3x slower on a busy
2-core machine (--sklearn-omp-wait default to see that). umap-js is installed
with npm into BUILD/bench-projection/node on first use, with its runner
script, so nothing extra lives in the repository.

--large times t-SNE alone on 100,000 x 64 clusters: one run, Tandem only,
against the 120 s target (no KL: its exact Q is O(n^2)). --data large runs only
that. --quick is a smoke test: 2,000 points (embed data sampled to 2,000),
one pair, 300 t-SNE iterations.

Needs: build/bin/tandem-cli, /usr/bin/python3 with python3-sklearn (numpy,
scipy), node (v20) and npm (first run only, to fetch umap-js).

Usage: /usr/bin/python3 bench/projection_bench.py [--pairs 5] [--threads 2] [--sizes 10000]
           [--data clusters,embed] [--methods tsne,umap,pca] [--project P --run N] [--large] [--quick]"""
import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchutil import BUILD  # noqa: E402

INSTALL_HINT = ("this benchmark needs numpy, scipy and scikit-learn: run it with Debian's Python,\n"
                "  /usr/bin/python3 bench/projection_bench.py ...\n"
                "after `apt-get install python3-sklearn` (brings python3-numpy and python3-scipy)")
try:
    import numpy as np
    import scipy.sparse
    import sklearn
    from sklearn.manifold import trustworthiness
except ImportError as error:
    sys.exit("projection_bench: %s\n%s (this is %s)" % (error, INSTALL_HINT, sys.executable))

UMAP_JS = "umap-js@1.4.0"
TARGETS = {"tsne_speedup": 3.0, "tsne_kl": 0.05, "pca_relative": 1e-5, "large_seconds": 120.0}

NODE_RUNNER = r"""// Written by bench/projection_bench.py. umap-js on a matrix file:
// node umapjs_run.js IN.f32 OUT.f32 epochs neighbours minDist seed
// IN: uint32 rows, uint32 dims, float32 row-major; OUT: the same with dims 2.
// Prints JSON: {"seconds": the fit alone, "rows", "dims", "epochs"}.
const fs = require('fs');
const { UMAP } = require('umap-js');

const [inPath, outPath] = process.argv.slice(2, 4);
const epochs = Number(process.argv[4]);
const neighbours = Number(process.argv[5]);
const minDist = Number(process.argv[6]);
let state = BigInt(process.argv[7]);

// mulberry32: seeded uniform [0, 1)
function seededRandom() {
  state = (state + 0x6D2B79F5n) & 0xFFFFFFFFn;
  let t = Number(state);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const buffer = fs.readFileSync(inPath);
const rows = buffer.readUInt32LE(0), dims = buffer.readUInt32LE(4);
const values = new Float32Array(buffer.buffer.slice(buffer.byteOffset + 8, buffer.byteOffset + 8 + rows * dims * 4));
const data = [];
for (let i = 0; i < rows; ++i) data.push(Array.from(values.subarray(i * dims, (i + 1) * dims)));

const umap = new UMAP({ nComponents: 2, nNeighbors: neighbours, minDist, nEpochs: epochs, random: seededRandom });
const start = process.hrtime.bigint();
const embedding = umap.fit(data);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

const out = Buffer.alloc(8 + rows * 8);
out.writeUInt32LE(rows, 0);
out.writeUInt32LE(2, 4);
embedding.forEach((p, i) => { out.writeFloatLE(p[0], 8 + i * 8); out.writeFloatLE(p[1], 12 + i * 8); });
fs.writeFileSync(outPath, out);
console.log(JSON.stringify({ seconds, rows, dims, epochs }));
"""


# ---------------------------------------------------------------- helpers

def fail(message):
    sys.exit("projection_bench: " + message)


def run(command, what, env=None):
    """Runs a command, returns its stdout; a failure names the command and shows the end of its stderr."""
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if result.returncode != 0:
        fail("%s failed (exit %d): %s\n%s" % (what, result.returncode, " ".join(command),
                                              result.stderr.strip()[-2000:]))
    return result.stdout


def last_json(text):
    """The JSON a command printed: all of stdout when it starts with "{", else its last line."""
    text = text.strip()
    return json.loads(text if text.startswith("{") else text.splitlines()[-1])


def write_matrix(path, data):
    """The umap-js runner's format: uint32 rows, uint32 dims, float32 row-major."""
    with open(path, "wb") as f:
        np.array(data.shape, dtype="<u4").tofile(f)
        np.ascontiguousarray(data, dtype="<f4").tofile(f)


def read_matrix(path):
    with open(path, "rb") as f:
        rows, dims = np.fromfile(f, dtype="<u4", count=2)
        return np.fromfile(f, dtype="<f4", count=int(rows) * int(dims)).reshape(int(rows), int(dims))


def read_layout_csv(path, rows):
    """tandem-cli --out for --input: row,name,x,y with rows numbered from 1."""
    table = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 2, 3), ndmin=2)
    if len(table) != rows or not np.array_equal(table[:, 0], np.arange(1, rows + 1)):
        fail("%s: expected rows 1..%d in order" % (path, rows))
    return table[:, 1:].astype(np.float64)


def spread(values):
    return "%.2fx (%.2f–%.2f)" % (statistics.median(values), min(values), max(values))


# ---------------------------------------------------------------- checks and set-up

def check_cli(build):
    cli = os.path.join(build, "bin", "tandem-cli")
    if not os.access(cli, os.X_OK):
        fail("no tandem-cli at %s: build it first (cmake -S . -B build && cmake --build build --target tandem-cli)"
             ", or pass --build DIR" % cli)
    return cli


def check_node(work):
    """node and umap-js: installs umap-js into work/node with npm when missing; returns the runner's path."""
    node = shutil.which("node")
    if not node:
        fail("node is not on PATH: UMAP is compared with umap-js under Node.js 20 (apt-get install nodejs npm, "
             "or nodesource's node 20), or leave UMAP out with --methods tsne,pca")
    version = run([node, "--version"], "node --version").strip()
    folder = os.path.join(work, "node")
    if not os.path.isfile(os.path.join(folder, "node_modules", "umap-js", "package.json")):
        npm = shutil.which("npm")
        if not npm:
            fail("umap-js is not installed in %s and npm is not on PATH to install it (apt-get install npm)" % folder)
        os.makedirs(folder, exist_ok=True)
        print("installing %s into %s" % (UMAP_JS, folder), file=sys.stderr)
        run([npm, "install", "--prefix", folder, "--no-audit", "--no-fund", UMAP_JS],
            "npm install %s (needs the npm registry)" % UMAP_JS)
    runner = os.path.join(folder, "umapjs_run.js")
    with open(runner, "w") as f:
        f.write(NODE_RUNNER)
    return node, runner, version


# ---------------------------------------------------------------- data

def clusters(rows, dims, count, seed):
    """`count` Gaussian clusters of unequal width (sd 0.5–1.5) around N(0, 1.5^2) centres: they overlap."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 1.0, (count, dims)) * 1.5
    labels = rng.integers(0, count, rows)
    widths = rng.uniform(0.5, 1.5, count)
    return (centres[labels] + rng.normal(0.0, 1.0, (rows, dims)) * widths[labels, None]).astype(np.float32)


def embed_vectors(project, run_id):
    """The images' and captions' vectors of an embed run, ordered by item_kind, item_id."""
    if not os.path.isfile(project):
        fail("no project file %s" % project)
    db = sqlite3.connect("file:%s?mode=ro" % project, uri=True)
    try:
        blobs = [row[0] for row in db.execute(
            "SELECT vector FROM embeddings WHERE run_id = ? AND item_kind IN ('image', 'caption')"
            " ORDER BY item_kind, item_id", (run_id,))]
    finally:
        db.close()
    if not blobs:
        fail("%s has no image or caption vectors for run %d (see `tandem-cli runs %s`; for the project this script"
             " made, --remake makes it again)" % (project, run_id, project))
    if len({len(b) for b in blobs}) != 1:
        fail("run %d's vectors differ in length" % run_id)
    return np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), -1).astype(np.float32)


def make_embed_run(cli, work, remake):
    """A demo project with a retrieval model's embed run, made once under work/ and reused."""
    folder = os.path.join(work, "embed")
    project, checkpoint, marker = (os.path.join(folder, name)
                                   for name in ("demo.tandem", "retrieval.ckpt", "run.json"))
    if not remake and os.path.isfile(marker) and os.path.isfile(project):
        with open(marker) as f:
            return project, json.load(f)["run_id"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    print("making an embed run in %s (demo, 6 epochs of retrieval training, embed)" % folder, file=sys.stderr)
    run([cli, "demo", project, "--images", "2000", "--size", "64", "--seed", "1", "-q"], "tandem-cli demo")
    run([cli, "train", project, "--task", "retrieval", "--epochs", "6", "--batch", "32", "--image-size", "64",
         "--checkpoint", checkpoint, "-q"], "tandem-cli train")
    result = last_json(run([cli, "embed", project, "--model", checkpoint, "--split", "train", "-q", "--json"],
                           "tandem-cli embed"))
    with open(marker, "w") as f:
        json.dump({"run_id": result["run_id"], "images": result.get("images"), "captions": result.get("captions")}, f)
    return project, result["run_id"]


# ---------------------------------------------------------------- quality

def knn_squared(x, k, chunk=1024):
    """Exact k nearest neighbours (never the point itself) by squared Euclidean distance, nearest first."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.einsum("ij,ij->i", x, x)
    n = len(x)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float64)
    for begin in range(0, n, chunk):
        end = min(n, begin + chunk)
        d = norms[begin:end, None] + norms[None, :] - 2.0 * (x[begin:end] @ x.T)
        np.maximum(d, 0.0, out=d)
        d[np.arange(end - begin), np.arange(begin, end)] = np.inf
        part = np.argpartition(d, k, axis=1)[:, :k]
        dpart = np.take_along_axis(d, part, axis=1)
        order = np.argsort(dpart, axis=1, kind="stable")
        indices[begin:end] = np.take_along_axis(part, order, axis=1)
        distances[begin:end] = np.take_along_axis(dpart, order, axis=1)
    return indices, distances


def calibrate(squared, perplexity, steps=100, tolerance=1e-5):
    """Per-row bisection on the Gaussian precision until the entropy is log(perplexity), as calibrateRow:
    distances measured from the nearest one's, beta from 1, doubled/halved until bracketed."""
    d = squared - squared[:, :1]
    n = len(d)
    desired = np.log(perplexity)
    beta = np.ones(n)
    low = np.full(n, -np.inf)
    high = np.full(n, np.inf)
    p = np.zeros_like(d)
    active = np.arange(n)
    for _ in range(steps):
        if not len(active):
            break
        b = beta[active]
        rows = np.exp(-d[active] * b[:, None])
        total = rows.sum(axis=1)
        rows /= total[:, None]
        p[active] = rows
        excess = np.log(total) + b * (d[active] * rows).sum(axis=1) - desired
        going = np.abs(excess) > tolerance
        active, b, excess = active[going], b[going], excess[going]
        up = excess > 0
        lo, hi = low[active], high[active]
        lo = np.where(up, b, lo)
        hi = np.where(up, hi, b)
        beta[active] = np.where(up, np.where(np.isinf(hi), b * 2, (b + hi) / 2),
                                np.where(np.isinf(lo), b / 2, (b + lo) / 2))
        low[active], high[active] = lo, hi
    return p


def tsne_affinities(points, perplexity, chunk=1024):
    """P as core/explain/tsne.cpp builds it: the floor(3 * perplexity + 1) exact nearest neighbours (squared
    Euclidean), each row calibrated to entropy log(perplexity), P = (C + C^T) / sum. Returns (rows, columns, p)."""
    n = len(points)
    k = int(min(n - 1, np.floor(3 * perplexity + 1)))
    indices, squared = knn_squared(points, k, chunk)
    conditional = calibrate(squared, perplexity)
    c = scipy.sparse.csr_matrix((conditional.ravel(), indices.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))
    p = (c + c.T).tocoo()
    return p.row, p.col, p.data / max(p.data.sum(), np.finfo(float).eps)


def tsne_kl(affinities, layout, chunk=1024):
    """KL(P || Q) as tsneKlDivergence: Q = (1 + d^2)^-1 / Z, Z summed exactly over all pairs i != j in row chunks;
    only P's non-zeros add. Checked against the C++ on the same points and layouts (equal to 1e-6)."""
    rows, columns, values = affinities
    y = np.asarray(layout, dtype=np.float64)
    n = len(y)
    norms = np.einsum("ij,ij->i", y, y)
    z = 0.0
    for begin in range(0, n, chunk):
        end = min(n, begin + chunk)
        d = np.maximum(norms[begin:end, None] + norms[None, :] - 2.0 * (y[begin:end] @ y.T), 0.0)
        z += (1.0 / (1.0 + d)).sum() - (end - begin)  # less the diagonal's 1 / (1 + 0) each
    diff = y[rows] - y[columns]
    q = np.maximum(1.0 / (1.0 + (diff * diff).sum(axis=1)) / z, np.finfo(float).tiny)
    keep = values > 0
    return float((values[keep] * np.log(values[keep] / q[keep])).sum())


def trust(points, layout):
    return float(trustworthiness(points, layout, n_neighbors=10))


def pca_reference(points):
    """The first two principal components' scores, U S, from numpy's SVD of the centred matrix (float64)."""
    x = np.asarray(points, dtype=np.float64)
    u, s, _ = np.linalg.svd(x - x.mean(axis=0), full_matrices=False)
    return u[:, :2] * s[:2]


# ---------------------------------------------------------------- the scikit-learn side (a fresh process per run)

def sklearn_worker(argv):
    """--sklearn-tsne IN.npy OUT.npy perplexity iterations threads seed: prints {"seconds", "kl_divergence", ...}."""
    import inspect
    from sklearn.manifold import TSNE
    source, target, perplexity, iterations, threads, seed = argv
    x = np.load(source)
    steps = "max_iter" if "max_iter" in inspect.signature(TSNE).parameters else "n_iter"  # renamed in 1.5
    tsne = TSNE(n_components=2, perplexity=float(perplexity), init="pca", learning_rate="auto",
                method="barnes_hut", angle=0.5, n_jobs=int(threads), random_state=int(seed),
                **{steps: int(iterations)})
    start = time.perf_counter()
    y = tsne.fit_transform(x)
    seconds = time.perf_counter() - start
    np.save(target, y)
    print(json.dumps({"seconds": seconds, "kl_divergence": float(tsne.kl_divergence_),
                      "n_iter": int(getattr(tsne, "n_iter_", -1)), "sklearn": sklearn.__version__}))


# ---------------------------------------------------------------- the two sides

def ours(cli, source, out, method, options, threads):
    command = [cli, "project", "--input", source, "--method", method] + options + \
        ["--threads", str(threads), "--out", out, "--json", "-q"]
    start = time.perf_counter()
    stdout = run(command, "tandem-cli project --method " + method)
    wall = time.perf_counter() - start
    return wall, last_json(stdout)


def theirs_tsne(source, out, args):
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    if args.sklearn_omp_wait == "passive":
        env["OMP_WAIT_POLICY"] = "PASSIVE"  # as tandem-cli sets for itself
    stdout = run([sys.executable, os.path.abspath(__file__), "--sklearn-tsne", source, out, str(args.perplexity),
                  str(args.iterations), str(args.threads), str(args.seed)], "scikit-learn TSNE", env)
    return last_json(stdout)


def theirs_umap(node, runner, matrix, out, args):
    return last_json(run([node, runner, matrix, out, str(args.epochs), str(args.neighbours), str(args.min_distance),
                          str(args.seed)], "umap-js under node"))


def compare(name, points, args, cli, node_runner, results):
    """Every chosen method on one data set, --pairs times A B; appends rows to results."""
    folder = os.path.join(args.work, "data")
    os.makedirs(folder, exist_ok=True)
    stem = os.path.join(folder, "%s-%d" % (name.split()[0], len(points)))
    source = stem + ".npy"
    np.save(source, points)
    label = "%s %d×%d" % (name, points.shape[0], points.shape[1])
    n = len(points)
    print("\n== %s" % label, flush=True)

    if "tsne" in args.methods:
        options = ["--perplexity", str(args.perplexity), "--iterations", str(args.iterations), "--seed", str(args.seed)]
        times, layouts = {"ours": [], "theirs": []}, {}
        for pair in range(args.pairs):
            wall, summary = ours(cli, source, stem + "-tsne-ours.csv", "tsne", options, args.threads)
            times["ours"].append(wall)
            sk = theirs_tsne(source, stem + "-tsne-sklearn.npy", args)
            times["theirs"].append(sk["seconds"])
            print("  t-SNE pair %d: tandem %.2f s (its own count %.2f s), scikit-learn %.2f s"
                  % (pair + 1, wall, summary["seconds"], sk["seconds"]), flush=True)
            if pair == 0:
                layouts["ours"] = read_layout_csv(stem + "-tsne-ours.csv", n)
                layouts["theirs"] = np.load(stem + "-tsne-sklearn.npy").astype(np.float64)
                sk_kl = sk["kl_divergence"]
        affinities = tsne_affinities(points, args.perplexity)
        kl = {side: tsne_kl(affinities, layouts[side]) for side in layouts}
        tw = {side: trust(points, layouts[side]) for side in layouts}
        ratios = [t / o for o, t in zip(times["ours"], times["theirs"])]
        print("  KL (tsne_kl): tandem %.4f, scikit-learn %.4f (%+.2f%%); scikit-learn's kl_divergence_ %.4f"
              % (kl["ours"], kl["theirs"], 100 * (kl["ours"] / kl["theirs"] - 1), sk_kl))
        print("  trustworthiness (k=10): tandem %.4f, scikit-learn %.4f" % (tw["ours"], tw["theirs"]))
        met = (statistics.median(ratios) >= TARGETS["tsne_speedup"]
               and kl["ours"] <= kl["theirs"] * (1 + TARGETS["tsne_kl"]))
        results.append(("t-SNE", label, times, ratios, "KL %.3f / %.3f" % (kl["ours"], kl["theirs"]),
                        "≥3x sklearn, KL ≤ +5%", met))

    if "umap" in args.methods:
        node, runner = node_runner
        matrix = stem + ".f32"
        write_matrix(matrix, points)
        options = ["--neighbours", str(args.neighbours), "--min-distance", str(args.min_distance),
                   "--epochs", str(args.epochs), "--seed", str(args.seed)]
        times, layouts = {"ours": [], "theirs": []}, {}
        for pair in range(args.pairs):
            wall, summary = ours(cli, source, stem + "-umap-ours.csv", "umap", options, args.threads)
            times["ours"].append(wall)
            js = theirs_umap(node, runner, matrix, stem + "-umap-js.f32", args)
            times["theirs"].append(js["seconds"])
            print("  UMAP pair %d: tandem %.2f s (its own count %.2f s), umap-js %.2f s"
                  % (pair + 1, wall, summary["seconds"], js["seconds"]), flush=True)
            if pair == 0:
                layouts["ours"] = read_layout_csv(stem + "-umap-ours.csv", n)
                layouts["theirs"] = read_matrix(stem + "-umap-js.f32").astype(np.float64)
        tw = {side: trust(points, layouts[side]) for side in layouts}
        ratios = [t / o for o, t in zip(times["ours"], times["theirs"])]
        print("  trustworthiness (k=10): tandem %.4f, umap-js %.4f" % (tw["ours"], tw["theirs"]))
        met = statistics.median(ratios) > 1 and tw["ours"] >= tw["theirs"]
        results.append(("UMAP", label, times, ratios, "T %.4f / %.4f" % (tw["ours"], tw["theirs"]),
                        "faster than umap-js, T ≥ umap-js", met))

    if "pca" in args.methods:
        times, worst = {"ours": [], "theirs": []}, None
        for pair in range(args.pairs):
            wall, summary = ours(cli, source, stem + "-pca-ours.csv", "pca", [], args.threads)
            times["ours"].append(wall)
            start = time.perf_counter()
            reference = pca_reference(points)
            times["theirs"].append(time.perf_counter() - start)
            if pair == 0:
                mine = read_layout_csv(stem + "-pca-ours.csv", n)
                mine *= np.where((mine * reference).sum(axis=0) < 0, -1.0, 1.0)  # align each component's sign
                scale = np.abs(reference).max(axis=0)
                difference = np.abs(mine - reference).max(axis=0)
                worst = float((difference / scale).max())
                print("  PCA: component scale %s, max |difference| %s, relative %.2e"
                      % (np.array2string(scale, precision=4), np.array2string(difference, precision=2), worst))
            print("  PCA pair %d: tandem %.3f s (its own count %.3f s), numpy SVD %.3f s"
                  % (pair + 1, wall, summary["seconds"], times["theirs"][-1]), flush=True)
        ratios = [t / o for o, t in zip(times["ours"], times["theirs"])]
        results.append(("PCA", label, times, ratios, "rel. diff %.1e / —" % worst, "= SVD to 1e-5",
                        worst <= TARGETS["pca_relative"]))


def large(args, cli, results):
    rows = args.large_rows
    folder = os.path.join(args.work, "data")
    os.makedirs(folder, exist_ok=True)
    source = os.path.join(folder, "large-%d.npy" % rows)
    np.save(source, clusters(rows, 64, 10, args.data_seed))
    label = "clusters %d×64" % rows
    print("\n== %s: t-SNE, Tandem only, one run" % label, flush=True)
    options = ["--perplexity", str(args.perplexity), "--iterations", str(args.iterations), "--seed", str(args.seed)]
    wall, summary = ours(cli, source, os.path.join(folder, "large-tsne-ours.csv"), "tsne", options, args.threads)
    print("  t-SNE: tandem %.1f s (its own count %.1f s); target < %.0f s: %s"
          % (wall, summary["seconds"], TARGETS["large_seconds"],
             "met" if wall < TARGETS["large_seconds"] else "MISSED"))
    results.append(("t-SNE", label, {"ours": [wall], "theirs": []}, [], "—", "< 120 s",
                    wall < TARGETS["large_seconds"]))


def table(results, args):
    print("\nProjection benchmark: %d threads, %d pair(s) A B, t-SNE %d iterations (scikit-learn with %s OpenMP"
          " waits), UMAP %d epochs;\nours = tandem-cli wall time, theirs = fit time; ratio = theirs / ours,"
          " median (min–max)\n" % (args.threads, args.pairs, args.iterations, args.sklearn_omp_wait, args.epochs))
    print("| method | data | ours s | theirs s | ratio | quality ours / theirs | target | met? |")
    print("|---|---|---|---|---|---|---|---|")
    for method, label, times, ratios, quality, target, met in results:
        digits = 3 if method == "PCA" else 2
        theirs = "%.*f" % (digits, statistics.median(times["theirs"])) if times["theirs"] else "—"
        print("| %s | %s | %.*f | %s | %s | %s | %s | %s |"
              % (method, label, digits, statistics.median(times["ours"]), theirs,
                 spread(ratios) if ratios else "—", quality, target, "yes" if met else "**no**"))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--sklearn-tsne":
        return sklearn_worker(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=BUILD)
    parser.add_argument("--work", help="data, umap-js and the made project (default BUILD/bench-projection)")
    parser.add_argument("--pairs", type=int, default=5, help="runs of each side per method, alternating")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sizes", default="10000", help="cluster rows, comma-separated (64 dims each)")
    parser.add_argument("--data", default="clusters,embed", help="clusters, embed and/or large")
    parser.add_argument("--methods", default="tsne,umap,pca")
    parser.add_argument("--project", help="an existing project with an embed run (with --run)")
    parser.add_argument("--run", type=int, help="its embed run's id")
    parser.add_argument("--remake", action="store_true", help="make the demo embed run again")
    parser.add_argument("--max-points", type=int, help="sample the embed vectors down to this many (seeded)")
    parser.add_argument("--large", action="store_true", help="also time t-SNE on 100,000 x 64 (Tandem only)")
    parser.add_argument("--large-rows", type=int, default=100000, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="smoke test: 2,000 points, 1 pair, 300 iterations")
    parser.add_argument("--perplexity", type=float, default=30)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--neighbours", type=int, default=15)
    parser.add_argument("--min-distance", type=float, default=0.1)
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--sklearn-omp-wait", choices=("passive", "default"), default="passive",
                        help="scikit-learn's OpenMP waiting: OMP_WAIT_POLICY=PASSIVE (default; as tandem-cli sets"
                             " for itself) or OpenMP's default spinning")
    parser.add_argument("--seed", type=int, default=1, help="the layouts' seed (both sides)")
    parser.add_argument("--data-seed", type=int, default=42)
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.pairs, args.iterations = "2000", 1, 300
        args.max_points = args.max_points or 2000
    args.build = os.path.abspath(args.build)
    args.work = os.path.abspath(args.work or os.path.join(args.build, "bench-projection"))
    args.methods = [m for m in args.methods.split(",") if m]
    data = [d for d in args.data.split(",") if d] + (["large"] if args.large else [])
    for value, allowed, option in ((args.methods, {"tsne", "umap", "pca"}, "--methods"),
                                   (data, {"clusters", "embed", "large"}, "--data")):
        if set(value) - allowed:
            parser.error("%s takes %s" % (option, ", ".join(sorted(allowed))))
    if (args.project is None) != (args.run is None):
        parser.error("--project and --run go together")
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")

    cli = check_cli(args.build)
    os.makedirs(args.work, exist_ok=True)
    node_runner = None
    if "umap" in args.methods and set(data) & {"clusters", "embed"}:
        node, runner, version = check_node(args.work)
        node_runner = (node, runner)
        print("node %s, %s, scikit-learn %s, numpy %s" % (version, UMAP_JS, sklearn.__version__, np.__version__),
              file=sys.stderr)

    results = []
    if "clusters" in data:
        for rows in (int(s) for s in args.sizes.split(",") if s):
            compare("clusters", clusters(rows, 64, 10, args.data_seed), args, cli, node_runner, results)
    if "embed" in data:
        project, run_id = (args.project, args.run) if args.project else make_embed_run(cli, args.work, args.remake)
        points = embed_vectors(project, run_id)
        if args.max_points and len(points) > args.max_points:
            keep = np.sort(np.random.default_rng(args.data_seed).choice(len(points), args.max_points, replace=False))
            points = points[keep]
        compare("embed run %d," % run_id, points, args, cli, node_runner, results)
    if "large" in data:
        large(args, cli, results)
    table(results, args)


if __name__ == "__main__":
    main()
