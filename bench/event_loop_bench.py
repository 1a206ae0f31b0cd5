#!/usr/bin/env python3
"""Event-loop latency of the window while a model trains in it.

`tandem PROJECT --report-training S` (offscreen) ticks a 10 ms timer and
records the gaps between ticks in alternating windows of S seconds: idle (the
baseline), then with the default VQA model (FiLM, every core) training in the
Training dock, its curves redrawn live; five pairs, A B A B, the run paused
between its windows and resumed for the next. A gap of 10 ms means the loop
was never held up. Prints p50 / p99 / max of both, pooled, and the median of the
windows' own p99s with their spread, and the ratio of those medians.
Target: p99 under 50 ms while training.

The project is a 500-image demo made with `tandem-cli demo`, kept in --work.

Usage: python3 bench/event_loop_bench.py [--build build] [--seconds 6] [--images 500]"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--work", default="/tmp/tandem-event-loop-bench")
    args = parser.parse_args()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    gui = os.path.join(args.build, "bin", "tandem")
    os.makedirs(args.work, exist_ok=True)
    project = os.path.join(args.work, "demo%d.tandem" % args.images)
    if not os.path.exists(project):
        subprocess.check_call([cli, "demo", project, "--images", str(args.images), "--quiet"])
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        out = subprocess.run([gui, project, "--report-training", str(args.seconds), "--probe-checkpoint",
                              os.path.join(scratch, "probe.ckpt")], env=env, check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=60 * 20).stdout.decode()
    r = json.loads(out.strip().splitlines()[-1])
    print("Event loop, 10 ms timer, 5 x %d s idle and 5 x %d s training, %d cores" % (args.seconds, args.seconds, os.cpu_count()))
    print("%-9s %7s %8s %8s %8s   %s" % ("", "ticks", "p50 ms", "p99 ms", "max ms", "p99 per window: median (min-max)"))
    medians = {}
    for kind in ("idle", "training"):
        windows = r[kind + "_window_p99_ms"]
        medians[kind] = statistics.median(windows)
        print("%-9s %7d %8d %8d %8d   %g (%d-%d)" % (kind, r[kind + "_ticks"], r[kind + "_p50_ms"], r[kind + "_p99_ms"],
                                                  r[kind + "_max_ms"], medians[kind], min(windows), max(windows)))
    print("p99 training / idle (medians over windows): %.2fx; target p99 < 50 ms while training: %s"
          % (medians["training"] / max(1, medians["idle"]), "met" if medians["training"] < 50 else "NOT met"))


if __name__ == "__main__":
    main()
