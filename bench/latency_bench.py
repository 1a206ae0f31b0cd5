#!/usr/bin/env python3
"""Latency on the CPU: the time from a typed question to its answers, and from
selecting an image to its caption with every word's attention map, for the
built-in models (VQA: cnn + gru + film; the attention captioner), against the
same models in Python PyTorch (bench/baseline_latency.py, Debian's
python3-torch, installed by the script if missing) with the same threads.

Makes a Sort-of-CLEVR project (`tandem-cli demo`, 128-pixel images), trains
each model for one epoch (weights do not change the time, and greedy decoding
is made to take the same number of words on both sides; the VQA model twice:
as plain FiLM, the twin's, and as the standard preset trains it, which is
timed on Tandem's side only), then alternates
`tandem-cli ask/explain --repeat` and the Python twin, --pairs times. Each run
reports the median of its timed calls; the table gives the median of those
medians and their spread (min–max). Python runs twice, as a user starts it
(OpenMP's default waiting) and with OMP_WAIT_POLICY=PASSIVE, which tandem-cli
sets for itself; the ratio is taken against the faster of the two. Both sides
run the OpenBLAS kernels tandem-cli picks (`tandem-cli version --json`).

Usage: python3 bench/latency_bench.py [--pairs 5] [--threads 2] [--env OPENBLAS_CORETYPE=SkylakeX]"""
import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile

from benchutil import BUILD, PLAIN_FILM, cli_json, machine_load, model_environment

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, where python3-torch lives
TARGETS = {"ask": 30.0, "caption": 100.0}  # ms, on 2 cores


def ensure_python_torch():
    if subprocess.call([PYTHON, "-c", "import torch, cv2, numpy"], stderr=subprocess.DEVNULL) == 0:
        return
    apt = ["apt-get", "install", "-y", "-qq", "python3-torch", "python3-opencv", "python3-numpy"]
    subprocess.check_call(apt if os.geteuid() == 0 else ["sudo"] + apt)


def make_project(cli, work, images):
    project = os.path.join(work, "demo.tandem")
    subprocess.check_call([cli, "demo", project, "--images", str(images), "-q"], stdout=subprocess.DEVNULL)
    # vqa: the twin's plain FiLM; preset: what the standard preset trains (timed on Tandem's side only).
    for task, name, options in (("vqa", "vqa", PLAIN_FILM), ("vqa", "preset", []), ("caption", "cap", [])):
        cli_json([cli, "train", project, "--task", task, "--epochs", "1", "--checkpoint",
                  os.path.join(work, name + ".ckpt"), "--json", "-q"] + options)
    db = sqlite3.connect(project)
    image_id, question = db.execute(
        "SELECT i.id, q.text FROM images i JOIN questions q ON q.image_id = i.id WHERE i.split = 'val'"
        " ORDER BY i.id, q.id LIMIT 1").fetchone()
    architectures = {name: architecture for name, architecture in db.execute("SELECT name, architecture FROM models")}
    return project, image_id, question, architectures


def environment(extra, passive):
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)  # tandem-cli sets PASSIVE for itself
    if passive:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    env.update(extra)
    return env


class Runs:
    """Each side's per-run timings, in the order they ran."""

    def __init__(self):
        self.runs = {}

    def add(self, side, task, timing):
        self.runs.setdefault((side, task), []).append(timing)

    def median(self, side, task, key="median_ms"):
        return statistics.median(t[key] for t in self.runs[(side, task)])

    def cell(self, side, task, key="median_ms"):
        values = [t[key] for t in self.runs[(side, task)]]
        return "%7.2f (%.2f–%.2f)" % (statistics.median(values), min(values), max(values))


def tandem(cli, project, image, args, extra, task, question):
    asking = task in ("ask", "ask_preset")
    model = os.path.join(args.work_dir, {"ask": "vqa", "ask_preset": "preset", "caption": "cap"}[task] + ".ckpt")
    command = [cli, "ask", project, question, "--model", model] if asking \
        else [cli, "explain", project, "--caption", "--model", model]
    repeat = args.repeat if asking else args.caption_repeat
    return cli_json(command + ["--image", str(image), "--threads", str(args.threads), "--device", "cpu",
                               "--repeat", str(repeat), "--warmup", str(args.warmup), "--json"],
                    environment(extra, False))


def python(project, image, args, extra, task, question, architecture, steps, passive):
    repeat = args.repeat if task == "ask" else args.caption_repeat
    return cli_json([PYTHON, os.path.join(HERE, "baseline_latency.py"), project,
                     "--task", "vqa" if task == "ask" else "caption", "--architecture", architecture,
                     "--image", str(image), "--question", question, "--steps", str(steps),
                     "--threads", str(args.threads), "--repeat", str(repeat), "--warmup", str(args.warmup)],
                    environment(extra, passive))


def decoder_steps(result, architecture):
    """Greedy steps Tandem took: one per word and one for the <eos>, unless cut at the word limit."""
    words, limit = len(result["maps"]), int(json.loads(architecture)["max_length"]) - 2
    return words if words >= limit else words + 1


def report(runs, args, question, steps):
    sides = [("tandem", "tandem-cli ask / explain --repeat"), ("python", "Python PyTorch, default OpenMP waits"),
             ("passive", "Python PyTorch, OMP_WAIT_POLICY=PASSIVE")]
    print("Latency, CPU, %d threads, %d runs of each, alternating; median of the runs' medians (min–max), ms"
          % (args.threads, args.pairs))
    print("answer: %d calls a run to %r; caption: %d calls a run, %d decoder steps with a map per word"
          % (args.repeat, question, args.caption_repeat, steps))
    print("%-42s %24s %24s" % ("", "answer", "caption + maps"))
    for side, label in sides:
        print("%-42s %24s %24s" % (label, runs.cell(side, "ask"), runs.cell(side, "caption")))
    print("%-42s %24s %24s" % ("tandem: first call (loads the model)", runs.cell("tandem", "ask", "first_ms"),
                               runs.cell("tandem", "caption", "first_ms")))
    print("%-42s %24s" % ("tandem: a new image, then the answer", runs.cell("tandem", "ask", "new_image_ms")))
    print("%-42s %24s" % ("tandem: the standard preset's VQA model", runs.cell("tandem", "ask_preset")))
    print("%-42s %24s" % ("  a new image, then the answer", runs.cell("tandem", "ask_preset", "new_image_ms")))
    print("%-42s %24s" % ("python: a new image, then the answer", runs.cell("passive", "ask", "new_image_ms")))
    for task in ("ask", "caption"):
        mine = runs.median("tandem", task)
        best = min(runs.median("python", task), runs.median("passive", task))
        print("%-8s ratio (best Python / Tandem) %.2fx; target < %.0f ms and faster than Python: %s"
              % (task, best / mine, TARGETS[task], "met" if mine < TARGETS[task] and mine < best else "MISSED"))
    preset = runs.median("tandem", "ask_preset", "new_image_ms")
    print("preset   a new image and its answer %.2f ms; target < %.0f ms: %s"
          % (preset, TARGETS["ask"], "met" if preset < TARGETS["ask"] else "MISSED"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=BUILD)
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--pairs", type=int, default=5, help="runs of each side, alternating")
    parser.add_argument("--repeat", type=int, default=100, help="timed answers a run")
    parser.add_argument("--caption-repeat", type=int, default=30, help="timed captions a run")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="set for both sides (e.g. OPENBLAS_CORETYPE=SkylakeX)")
    args = parser.parse_args()
    ensure_python_torch()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    # Both sides run the OpenBLAS kernels tandem-cli picks for itself
    extra = {k: v for k, v in model_environment(cli).items() if k == "OPENBLAS_CORETYPE"}
    extra.update(item.split("=", 1) for item in args.env)
    args.work_dir = tempfile.mkdtemp(prefix="tandem-latency-")
    runs = Runs()
    before = machine_load()
    try:
        project, image, question, architectures = make_project(cli, args.work_dir, args.images)
        steps = decoder_steps(tandem(cli, project, image, args, extra, "caption", question), architectures["cap"])
        for _ in range(args.pairs):
            runs.add("tandem", "ask_preset", tandem(cli, project, image, args, extra, "ask_preset", question)["timing"])
            for task, model in (("ask", "vqa"), ("caption", "cap")):
                runs.add("tandem", task, tandem(cli, project, image, args, extra, task, question)["timing"])
                for side in ("python", "passive"):
                    runs.add(side, task, python(project, image, args, extra, task, question, architectures[model],
                                                steps, side == "passive"))
    finally:
        shutil.rmtree(args.work_dir, ignore_errors=True)
    report(runs, args, question, steps)
    print("machine before: %s\nmachine after:  %s" % (before, machine_load()))


if __name__ == "__main__":
    main()
