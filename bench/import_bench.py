#!/usr/bin/env python3
"""Import benchmark: a COCO train2017-sized captions file (118k images, 592k
captions) imported by `tandem-cli import` and, side by side, by the
straightforward Python json + sqlite3 baseline (bench/baseline_import.py).
Prints wall time, peak memory (max RSS) and the ratio. Best of --runs.

Usage: python3 bench/import_bench.py [--build build] [--runs 3]"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

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


def best_of(runs, make_command, work):
    results = []
    for i in range(runs):
        target = os.path.join(work, "run%d.db" % i)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(target + suffix):
                os.remove(target + suffix)
        results.append(measure(make_command(target)))
    return min(r[0] for r in results), max(r[1] for r in results)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "captions_train2017.json")
        subprocess.check_call([sys.executable, os.path.join(HERE, "make_coco.py"), data])
        size_mb = os.path.getsize(data) / 1e6
        images = os.path.join(work, "train2017")  # not there: every image is flagged missing
        tandem = best_of(args.runs, lambda db: [cli, "import", db, data, "--format", "coco", "--images", images,
                                                "--quiet"], work)
        baseline = best_of(args.runs, lambda db: [sys.executable, os.path.join(HERE, "baseline_import.py"),
                                                  data, db], work)
    print("COCO-captions import, 118,287 images / 591,753 captions (%.0f MB JSON), best of %d, %d cores"
          % (size_mb, args.runs, os.cpu_count()))
    print("%-34s %9s %12s" % ("", "wall (s)", "peak RSS"))
    print("%-34s %9.2f %9.0f MiB" % ("tandem-cli import", tandem[0], tandem[1]))
    print("%-34s %9.2f %9.0f MiB" % ("Python json + sqlite3 baseline", baseline[0], baseline[1]))
    print("ratio (baseline / tandem): %.2fx   target: < 5 s and >= 3x" % (baseline[0] / tandem[0]))


if __name__ == "__main__":
    main()
