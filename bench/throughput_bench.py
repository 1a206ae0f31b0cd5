#!/usr/bin/env python3
"""Training throughput: Tandem's default VQA model (cnn + gru + film) trained
by `tandem-cli train` and its Python PyTorch twin (bench/baseline_vqa_train.py,
Debian's python3-torch) on the same Sort-of-CLEVR project, with the same
threads and batches, run alternately. Prints questions per second and the
ratio. Best of --runs for each side.

Python runs twice: as a user starts it (OpenMP's default waiting) and with
OMP_WAIT_POLICY=PASSIVE, which tandem-cli sets for itself; the ratio is taken
against the faster of the two.

Usage: python3 bench/throughput_bench.py [--images 2000] [--batch 8] [--runs 2]"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from benchutil import cli_json

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, where python3-torch lives


def ensure_python_torch():
    if subprocess.call([PYTHON, "-c", "import torch, PIL, numpy"], stderr=subprocess.DEVNULL) == 0:
        return
    apt = ["apt-get", "install", "-y", "-qq", "python3-torch", "python3-pil", "python3-numpy"]
    subprocess.check_call(apt if os.geteuid() == 0 else ["sudo"] + apt)


def tandem_rate(cli, project, args, work):
    checkpoint = os.path.join(work, "throughput.pt")
    return cli_json([cli, "train", project, "--fusion", "film", "--epochs", "1", "--batch", str(args.batch),
                     "--threads", str(args.threads), "--no-augment", "--checkpoint", checkpoint, "--json",
                     "-q"])["samples_per_second"]


def python_rate(project, args, steps, passive):
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    if passive:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    return cli_json([PYTHON, os.path.join(HERE, "baseline_vqa_train.py"), project, "--batch", str(args.batch),
                     "--steps", str(steps), "--threads", str(args.threads)], env)["questions_per_second"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    ensure_python_torch()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    work = tempfile.mkdtemp(prefix="tandem-throughput-")
    try:
        project = os.path.join(work, "demo.tandem")
        subprocess.check_call([cli, "demo", project, "--images", str(args.images), "--size", "64", "-q"],
                              stdout=subprocess.DEVNULL)
        steps = int(args.images * 0.8) // args.batch  # one epoch of the train split, as tandem-cli runs
        tandem, default, passive = [], [], []
        for _ in range(args.runs):
            tandem.append(tandem_rate(cli, project, args, work))
            default.append(python_rate(project, args, steps, False))
            passive.append(python_rate(project, args, steps, True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    python_best = max(max(default), max(passive))
    print("VQA training throughput (cnn + gru + film), Sort-of-CLEVR %d images, batch %d images x 20 questions,"
          " %d threads, best of %d" % (args.images, args.batch, args.threads, args.runs))
    print("%-44s %12s" % ("", "questions/s"))
    print("%-44s %12.0f" % ("tandem-cli train", max(tandem)))
    print("%-44s %12.0f" % ("Python PyTorch (default OpenMP waits)", max(default)))
    print("%-44s %12.0f" % ("Python PyTorch (OMP_WAIT_POLICY=PASSIVE)", max(passive)))
    print("ratio (tandem / best Python): %.2fx   target: >= 1.2x" % (max(tandem) / python_best))


if __name__ == "__main__":
    main()
