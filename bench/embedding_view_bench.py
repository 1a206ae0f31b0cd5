#!/usr/bin/env python3
"""The embedding view at scale: whether it stays interactive with 100,000 points.

Runs the GUI test binary's timing slot (test_gui_embeddings speedAtScale,
skipped in the test suite) offscreen with TANDEM_VIEW_BENCH=N and prints what it
measured: loading the points, a full redraw, a hover hit test, a lasso over a
quarter of the plot, and ringing 10% of the points (the grid's selection) with a
redraw; medians of 9 runs each. There is no reference program to run beside it:
the measure is the 50 ms a redraw may take before panning feels sluggish.

Usage: python3 bench/embedding_view_bench.py [--points 100000] [--runs 5]"""
import argparse
import os
import re
import statistics
import subprocess

from benchutil import BUILD


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=BUILD)
    parser.add_argument("--points", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=5, help="processes, each reporting medians of 9")
    args = parser.parse_args()
    binary = os.path.join(args.build, "bin", "test_gui_embeddings")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TANDEM_VIEW_BENCH=str(args.points))
    keys = ("load", "redraw", "hover", "lasso", "ring 10% + redraw")
    figures = {k: [] for k in keys}
    for _ in range(args.runs):
        out = subprocess.run([binary, "speedAtScale"], env=env, capture_output=True, text=True).stdout
        line = next((l for l in out.splitlines() if "embedding view" in l), None)
        if not line:
            raise SystemExit("no timing line from %s:\n%s" % (binary, out))
        for key in keys:
            figures[key].append(float(re.search(re.escape(key) + r" ([0-9.]+) ms", line).group(1)))
    print("Embedding view, %d points, %d processes (median of each process's median of 9, min-max)" % (args.points, args.runs))
    for key in keys:
        values = figures[key]
        print("  %-18s %8.2f ms  (%.2f-%.2f)" % (key, statistics.median(values), min(values), max(values)))
    print("redraw target: < 50 ms  %s" % ("met" if statistics.median(figures["redraw"]) < 50 else "NOT met"))


if __name__ == "__main__":
    main()
