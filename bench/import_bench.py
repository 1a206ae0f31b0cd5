#!/usr/bin/env python3
"""Import benchmark: a COCO train2017-sized captions file (118k images, 592k
captions) imported by `tandem-cli import` and, side by side, by the
straightforward Python json + sqlite3 baseline (bench/baseline_import.py).
Runs alternate (Tandem, Python, Tandem, ...) --runs times each; prints the
median wall time with its range, the peak memory (max RSS), the median of
the per-pair ratios with their range, and what else was running.

Usage: python3 bench/import_bench.py [--build build] [--runs 5]"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import benchutil

HERE = os.path.dirname(os.path.abspath(__file__))


def measure(command):
    """Runs a command; returns (wall seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed (%d): %s" % (os.waitstatus_to_exitcode(status), " ".join(command)))
    return wall, usage.ru_maxrss / 1024.0


def fresh(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def spread(values):
    """median (min-max)"""
    return "%.2f (%.2f-%.2f)" % (statistics.median(values), min(values), max(values))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    tandem, baseline = [], []
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "captions_train2017.json")
        subprocess.check_call([sys.executable, os.path.join(HERE, "make_coco.py"), data])
        size_mb = os.path.getsize(data) / 1e6
        images = os.path.join(work, "train2017")  # not there: every image is flagged missing
        target = os.path.join(work, "run.db")
        before = benchutil.machine_load()
        for _ in range(args.runs):
            tandem.append(measure([cli, "import", fresh(target), data, "--format", "coco", "--images", images, "--quiet"]))
            baseline.append(measure([sys.executable, os.path.join(HERE, "baseline_import.py"), data, fresh(target)]))
        after = benchutil.machine_load()
    ratios = [b[0] / t[0] for t, b in zip(tandem, baseline)]
    print("COCO-captions import, 118,287 images / 591,753 captions (%.0f MB JSON), %d alternating pairs, %d cores"
          % (size_mb, args.runs, os.cpu_count()))
    print("%-32s %22s %16s" % ("", "wall s, median (range)", "peak RSS, max"))
    print("%-32s %22s %12.0f MiB" % ("tandem-cli import", spread([t[0] for t in tandem]), max(t[1] for t in tandem)))
    print("%-32s %22s %12.0f MiB" % ("Python json + sqlite3 baseline", spread([b[0] for b in baseline]),
                                      max(b[1] for b in baseline)))
    print("ratio (baseline / tandem), per pair: %s   target: >= 3x in no more memory" % spread(ratios))
    print("machine before: %s" % before)
    print("machine after:  %s" % after)


if __name__ == "__main__":
    main()
