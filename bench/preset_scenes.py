#!/usr/bin/env python3
"""The standard preset on three kinds of Sort-of-CLEVR scenes, several seeds:
what a user gets from `tandem-cli train PROJECT --seed S` without tuning
(issue 14's target: >= 99% non-relational and >= 95% relational on the test
split within 30 minutes, on every kind of scene, repeatable within a point).

Scenes (10,000 images each by default, made once in --work and reused):
  demo     Tandem's generator: 64 px, muted antialiased colours, standard wording
  variant  the other generator's look: 75 px, 10-px objects, pure colours, other wording
  v128     128 px, pure colours, other wording, another generator seed

Each run trains with nothing but --seed (and --threads), answers the test split
and prints one row per run (per question type, minutes of training), then per
scene kind the spread of relational accuracy between the seeds. --parallel 2
trains two runs side by side, one thread each (how the README's table was
measured on 2 cores); the minutes then include sharing the machine.

Usage: python3 bench/preset_scenes.py [--scenes demo,variant,v128] [--seeds 1,2]
         [--images 10000] [--threads 2] [--parallel 1] [--epochs N] [--build build] [--work DIR]"""
import argparse
import concurrent.futures
import os
import time

from benchutil import BUILD, cli_json, machine_load
from sortofclevr_bench import make_demo, score

SCENES = {
    "demo": ["--size", "64"],
    "variant": ["--size", "75", "--object-size", "10", "--colors", "pure", "--wording", "alternate"],
    "v128": ["--size", "128", "--colors", "pure", "--wording", "alternate", "--seed", "2"],
}


def make_scenes(cli, work, kind, images):
    project = os.path.join(work, "%s_%d.tandem" % (kind, images))
    make_demo(cli, project, images, SCENES[kind])
    return project


def train_and_score(cli, project, seed, args, tag):
    checkpoint = os.path.join(args.work, "%s_seed%d.ckpt" % (tag, seed))
    for stale in (checkpoint, checkpoint.replace(".ckpt", ".last.ckpt")):
        if os.path.exists(stale):
            os.remove(stale)
    command = [cli, "train", project, "--seed", str(seed), "--threads", str(args.threads), "--checkpoint", checkpoint,
               "--json", "-q"] + (["--epochs", str(args.epochs)] if args.epochs else [])
    start = time.perf_counter()
    trained = cli_json(command)
    minutes = (time.perf_counter() - start) / 60.0
    answered = cli_json([cli, "answer", project, "--model", checkpoint, "--split", "test", "--json", "-q"])
    row = score(project, answered["answers"])
    row.update(scenes=tag, seed=seed, minutes=minutes, epochs=len(trained["epochs"]))
    return row


def print_row(r):
    print("%-8s %4d %7.1f%% %7.1f%%  %6.1f %6.1f %6.1f %8.1f %8.1f %6.1f  %6d %8.1f" % (
        r["scenes"], r["seed"], r["non_relational"], r["relational"], r["shape"], r["left"], r["top"], r["closest"],
        r["furthest"], r["count"], r["epochs"], r["minutes"]), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=BUILD)
    parser.add_argument("--work", default=os.path.join(BUILD, "bench-preset-scenes"))
    parser.add_argument("--scenes", default=",".join(SCENES))
    parser.add_argument("--seeds", default="1,2")
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=0, help="override the preset's epochs (0: the preset's)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--parallel", type=int, default=1, help="runs trained side by side")
    args = parser.parse_args()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    os.makedirs(args.work, exist_ok=True)
    kinds = args.scenes.split(",")
    unknown = [k for k in kinds if k not in SCENES]
    if unknown:
        parser.error("unknown scenes: %s (known: %s)" % (", ".join(unknown), ", ".join(SCENES)))
    projects = {kind: make_scenes(cli, args.work, kind, args.images) for kind in kinds}
    runs = [(kind, int(seed)) for kind in kinds for seed in args.seeds.split(",")]
    print("The standard preset (tandem-cli train P --seed S), %d images a kind, test split, %d thread(s) a run, "
          "%d side by side; before: %s" % (args.images, args.threads, args.parallel, machine_load()), flush=True)
    print("%-8s %4s %8s %8s  %6s %6s %6s %8s %8s %6s  %6s %8s" % (
        "scenes", "seed", "non-rel", "rel", "shape", "left", "top", "closest", "furthest", "count", "epochs",
        "minutes"), flush=True)
    rows = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.parallel) as pool:
        futures = [pool.submit(train_and_score, cli, projects[kind], seed, args, kind) for kind, seed in runs]
        for future in concurrent.futures.as_completed(futures):
            rows.append(future.result())
            print_row(rows[-1])
    print("after: %s" % machine_load())
    met = all(r["non_relational"] >= 99 and r["relational"] >= 95 and r["minutes"] <= 30 for r in rows)
    spread = 0.0
    for kind in kinds:
        rel = [r["relational"] for r in rows if r["scenes"] == kind]
        spread = max(spread, max(rel) - min(rel))
        print("%-8s relational %.1f-%.1f%% (spread %.1f points)" % (kind, min(rel), max(rel), max(rel) - min(rel)))
    print("target (>= 99%% / >= 95%% within 30 min, every run): %s; largest spread between seeds %.1f points "
          "(target: within 1)" % ("met" if met else "NOT met", spread))


if __name__ == "__main__":
    main()
