#!/usr/bin/env python3
"""GUI open benchmark: a generated 100k-image project opened by `tandem`
(offscreen), timing start -> first screen of thumbnails on screen, and the
peak resident memory. Side by side: the first open (thumbnail cache cold:
every visible image decoded from its PNG and cached) and every later open
(cache warm), with the ratio; then a scroll through the grid, page by page
every 10 ms, reporting how long the GUI event loop was ever held up.

The project is made once with `tandem-cli demo --size 64` and kept in --work.

Usage: python3 bench/gui_open_bench.py [--build build] [--images 100000] [--runs 3]"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def make_project(cli, project, images):
    if os.path.exists(project):
        return
    print("generating %d images into %s ..." % (images, project), flush=True)
    start = time.perf_counter()
    subprocess.check_call([cli, "demo", project, "--images", str(images), "--size", "64",
                           "--questions", "2", "--quiet"])
    print("  done in %.0f s" % (time.perf_counter() - start), flush=True)


def run_gui(gui, project, *options):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([gui, project, *options], env=env, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, timeout=120).stdout.decode()
    return json.loads(out.strip().splitlines()[-1])


def drop_thumbnail_cache(project):
    for path in glob.glob(project + ".thumbs*"):
        os.remove(path)


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--images", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scroll-pages", type=int, default=300)
    parser.add_argument("--work", default="/tmp/tandem-gui-bench")
    args = parser.parse_args()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    gui = os.path.join(args.build, "bin", "tandem")
    os.makedirs(args.work, exist_ok=True)
    project = os.path.join(args.work, "p%d.tandem" % args.images)
    make_project(cli, project, args.images)

    cold, warm = [], []
    for _ in range(args.runs):
        drop_thumbnail_cache(project)
        cold.append(run_gui(gui, project, "--report-open"))
        warm.append(run_gui(gui, project, "--report-open"))
    scroll = run_gui(gui, project, "--report-scroll", str(args.scroll_pages))

    def row(name, runs):
        ms = median([r["first_screen_ms"] for r in runs])
        rss = max(r["peak_rss_mb"] for r in runs)
        print("%-40s %10d %10.0f MiB" % (name, ms, rss))
        return ms

    print("\nOpen %d-image project to first screen of thumbnails (median of %d, %d cores, offscreen)"
          % (args.images, args.runs, os.cpu_count()))
    print("%-40s %10s %14s" % ("", "ms", "peak RSS"))
    cold_ms = row("first open (thumbnail cache cold)", cold)
    warm_ms = row("later open (thumbnail cache warm)", warm)
    print("ratio (cold / warm): %.2fx   targets: < 1000 ms, < 400 MiB" % (cold_ms / max(warm_ms, 1)))
    print("scroll: %d pages, one every %d ms: p99 gap %d ms, worst gap %d ms, peak RSS %.0f MiB"
          % (scroll["scroll_pages"], scroll["scroll_tick_ms"], scroll["scroll_p99_gap_ms"],
             scroll["scroll_max_gap_ms"], scroll["peak_rss_mb"]))


if __name__ == "__main__":
    sys.exit(main())
