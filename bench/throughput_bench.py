#!/usr/bin/env python3
"""Training throughput: Tandem's default VQA model (cnn + gru + film) trained
by `tandem-cli train` and its Python PyTorch twin (bench/baseline_vqa_train.py,
Debian's python3-torch) on the same Sort-of-CLEVR project, with the same
threads and batches. Each round runs every configuration once, in turn
(A B C A B C ...); prints each one's median questions/s with its spread
(min-max) and the median of the per-round ratios.

The twin runs in two set-ups:
  passive      OMP_WAIT_POLICY=PASSIVE, as a Python user tunes it (OpenMP's
               default spinning is slower still on 2 cores);
  same pools   the environment tandem-cli sets up for itself (util/threadsetup.h,
               `tandem-cli version --json`): Debian's OpenMP build of OpenBLAS
               first on LD_LIBRARY_PATH, so that matrix products run in
               LibTorch's OpenMP pool, and a short OpenMP spin (GOMP_SPINCOUNT=100000).
Both run OpenBLAS's kernels of tandem-cli's choice (OPENBLAS_CORETYPE): the
widest this CPU runs, even where the machine's environment names narrower ones.
Both count from their 11th step (tandem-cli's samples_per_second leaves a run's
first 10 steps out, the twin its 10 warm-up steps).
The target (issue 14) is counted against the better of the two.

With --bf16 each round also runs `tandem-cli train --bf16` and the twin under
torch.autocast(bfloat16) with the same pools, and prints the ratio at equal
precision (bf16 against bf16) beside the mixed one (Tandem bf16 against the
better float32 twin).

Usage: python3 bench/throughput_bench.py [--images 1000] [--batch 8] [--rounds 5] [--epochs 1] [--bf16]"""
import argparse
import collections
import os
import shutil
import statistics
import subprocess
import tempfile

from benchutil import PLAIN_FILM, cli_json, machine_load, model_environment

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, where python3-torch lives


def ensure_python_torch():
    if subprocess.call([PYTHON, "-c", "import torch, PIL, numpy"], stderr=subprocess.DEVNULL) == 0:
        return
    apt = ["apt-get", "install", "-y", "-qq", "python3-torch", "python3-pil", "python3-numpy"]
    subprocess.check_call(apt if os.geteuid() == 0 else ["sudo"] + apt)


def tandem_rate(cli, project, args, work, bf16=False):
    checkpoint = os.path.join(work, "throughput.pt")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    return cli_json([cli, "train", project, "--fusion", "film", "--epochs", str(args.epochs), "--batch",
                     str(args.batch), "--threads", str(args.threads), "--no-augment", "--checkpoint", checkpoint,
                     "--json", "-q"] + PLAIN_FILM + (["--bf16"] if bf16 else []), env)["samples_per_second"]


def python_rate(project, args, steps, setup, tandem_env, bf16=False):
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    if setup == "passive":
        env["OMP_WAIT_POLICY"] = "PASSIVE"
        if "OPENBLAS_CORETYPE" in tandem_env:
            env["OPENBLAS_CORETYPE"] = tandem_env["OPENBLAS_CORETYPE"]
    else:
        env.update(tandem_env)
    return cli_json([PYTHON, os.path.join(HERE, "baseline_vqa_train.py"), project, "--batch", str(args.batch),
                     "--steps", str(steps), "--threads", str(args.threads)] + (["--bf16"] if bf16 else []),
                    env)["questions_per_second"]


def print_ratio(label, numerators, denominators):
    ratios = [t / p for t, p in zip(numerators, denominators)]
    print("%-46s %.2fx (%.2f-%.2f)" % (label, statistics.median(ratios), min(ratios), max(ratios)))


def spread(values):
    return "%8.0f (%.0f-%.0f)" % (statistics.median(values), min(values), max(values))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=1, help="tandem-cli's epochs a round (the twin runs as many steps)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bf16", action="store_true", help="also Tandem and the same-pools twin in bfloat16")
    args = parser.parse_args()
    ensure_python_torch()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    work = tempfile.mkdtemp(prefix="tandem-throughput-")
    before = machine_load()
    tandem_env = model_environment(cli)
    try:
        project = os.path.join(work, "demo.tandem")
        subprocess.check_call([cli, "demo", project, "--images", str(args.images), "--size", "64", "-q"],
                              stdout=subprocess.DEVNULL)
        steps = args.epochs * (int(args.images * 0.8) // args.batch)  # the train split, as tandem-cli runs it
        rates = collections.defaultdict(list)
        for _ in range(args.rounds):
            rates["tandem"].append(tandem_rate(cli, project, args, work))
            rates["passive"].append(python_rate(project, args, steps, "passive", tandem_env))
            rates["same pools"].append(python_rate(project, args, steps, "same pools", tandem_env))
            if args.bf16:
                rates["tandem bf16"].append(tandem_rate(cli, project, args, work, bf16=True))
                rates["same pools bf16"].append(python_rate(project, args, steps, "same pools", tandem_env, bf16=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("VQA training throughput (cnn + gru + film), Sort-of-CLEVR %d images, batch %d images x 20 questions, "
          "%d threads, %d rounds alternating" % (args.images, args.batch, args.threads, args.rounds))
    print("machine before: %s" % before)
    print("tandem-cli's set-up, the same-pools twin's too: %s" % " ".join("%s=%s" % kv for kv in sorted(tandem_env.items())))
    print("the environment's OPENBLAS_CORETYPE: %s" % os.environ.get("OPENBLAS_CORETYPE", "(unset)"))
    print("%-46s %s" % ("", "questions/s, median (min-max)"))
    print("%-46s %s" % ("tandem-cli train", spread(rates["tandem"])))
    print("%-46s %s" % ("Python PyTorch, OMP_WAIT_POLICY=PASSIVE", spread(rates["passive"])))
    print("%-46s %s" % ("Python PyTorch, tandem-cli's thread set-up", spread(rates["same pools"])))
    if args.bf16:
        print("%-46s %s" % ("tandem-cli train --bf16", spread(rates["tandem bf16"])))
        print("%-46s %s" % ("Python PyTorch, same set-up, bf16 autocast", spread(rates["same pools bf16"])))
    for name in ("passive", "same pools"):
        print_ratio("ratio against " + name, rates["tandem"], rates[name])
    better = [max(a, b) for a, b in zip(rates["passive"], rates["same pools"])]
    print_ratio("ratio against the better twin, per round", rates["tandem"], better)
    if args.bf16:
        print_ratio("bf16: Tandem against the twin, both bf16", rates["tandem bf16"], rates["same pools bf16"])
        print_ratio("bf16: Tandem against the better float32 twin", rates["tandem bf16"], better)
        print_ratio("bf16: Tandem bf16 against Tandem float32", rates["tandem bf16"], rates["tandem"])
    print("per round (tandem / same-pools twin): " + ", ".join(
        "%.0f/%.0f" % (t, p) for t, p in zip(rates["tandem"], rates["same pools"])))
    print("target: >= 2x the better twin (issue 14)")
    print("machine after: %s" % machine_load())


if __name__ == "__main__":
    main()
