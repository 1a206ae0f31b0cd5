#!/usr/bin/env python3
"""Sort-of-CLEVR benchmark: every VQA fusion of Tandem trained on the same
generated set (default 10,000 images x 20 questions, 80/10/10 split) and
scored on the held-out test images, split into non-relational (shape, left,
top) and relational (closest, furthest, count) questions, with the training
wall time and speed. Prints one table row per fusion.

Usage: python3 bench/sortofclevr_bench.py [--images 10000] [--epochs 10]
         [--fusions film,relation,...] [--build build] [--work DIR]

The whole run at the defaults takes hours on a 2-core CPU; --images and
--epochs scale it down (e.g. --images 2000 --epochs 5 for a quick look)."""
import os
import sqlite3
import subprocess
import time

from benchutil import cli_json, training_parser

FUSIONS = ["concat", "late", "gmu", "film", "mfb", "cross_attention", "relation"]
NON_RELATIONAL = ("shape", "left", "top")
TYPES = ("shape", "left", "top", "closest", "furthest", "count")


def make_demo(cli, project, images, options):
    """Generates the project with `tandem-cli demo` and the generator's options, unless it exists (reused)."""
    if os.path.exists(project):
        return
    subprocess.check_call([cli, "demo", project, "--images", str(images), "-q"] + options)


def score(project, answers):
    """Per question type accuracy (%) of answers [{question_id, answer}] against the project's answers."""
    db = sqlite3.connect(project)
    truth = dict(((qid, (qtype, answer)) for qid, qtype, answer in
                  db.execute("SELECT id, question_type, multiple_choice_answer FROM questions")))
    right = {t: 0 for t in TYPES}
    total = {t: 0 for t in TYPES}
    for a in answers:
        qtype, answer = truth[a["question_id"]]
        total[qtype] += 1
        right[qtype] += a["answer"] == answer
    group = lambda types: 100.0 * sum(right[t] for t in types) / max(1, sum(total[t] for t in types))
    row = {t: 100.0 * right[t] / max(1, total[t]) for t in TYPES}
    row["non_relational"] = group(NON_RELATIONAL)
    row["relational"] = group([t for t in TYPES if t not in NON_RELATIONAL])
    row["questions"] = sum(total.values())
    return row


def bench_fusion(cli, project, fusion, args, work):
    checkpoint = os.path.join(work, "%s.pt" % fusion)
    command = [cli, "train", project, "--fusion", fusion, "--epochs", str(args.epochs), "--batch", str(args.batch),
               "--lr", str(args.lr), "--checkpoint", checkpoint, "--seed", str(args.seed), "--no-augment", "--json"]
    if not args.progress:
        command.append("-q")
    # No augmentation: shifting a scene changes the answers to "is it on the left?".
    if os.path.exists(checkpoint):
        os.remove(checkpoint)
    start = time.perf_counter()
    trained = cli_json(command + args.train_option)
    wall = time.perf_counter() - start
    answered = cli_json([cli, "answer", project, "--model", checkpoint, "--split", "test", "--json", "-q"])
    row = score(project, answered["answers"])
    row.update(fusion=fusion, minutes=wall / 60.0, qps=trained["samples_per_second"])
    return row


def main():
    parser = training_parser(__doc__, "bench-sortofclevr", images=10000, epochs=10, batch=8, lr=1e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fusions", default=",".join(FUSIONS))
    parser.add_argument("--train-option", action="append", default=[],
                        help="an extra 'tandem-cli train' argument, repeatable (e.g. --train-option=--no-augment)")
    args = parser.parse_args()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    os.makedirs(args.work, exist_ok=True)
    project = os.path.join(args.work, "sortofclevr_%d.tandem" % args.images)
    make_demo(cli, project, args.images, ["--size", "64", "--seed", str(args.seed)])
    header = "%-16s %8s %8s  %6s %6s %6s %8s %8s %6s  %8s %7s" % (
        "fusion", "non-rel", "rel", "shape", "left", "top", "closest", "furthest", "count", "minutes", "q/s")
    print("Sort-of-CLEVR, %d images x 20 questions (test split), %d epochs, batch %d images, %d cores"
          % (args.images, args.epochs, args.batch, os.cpu_count()), flush=True)
    print(header, flush=True)
    rows = []
    for fusion in args.fusions.split(","):
        r = bench_fusion(cli, project, fusion, args, args.work)
        rows.append(r)
        print("%-16s %7.1f%% %7.1f%%  %6.1f %6.1f %6.1f %8.1f %8.1f %6.1f  %8.1f %7.0f" % (
            fusion, r["non_relational"], r["relational"], r["shape"], r["left"], r["top"], r["closest"],
            r["furthest"], r["count"], r["minutes"], r["qps"]), flush=True)
    best = max(rows, key=lambda r: r["relational"] + r["non_relational"])
    print("best: %s, %.1f%% non-relational, %.1f%% relational in %.1f min   target: >= 98%% / >= 90%% within 60 min"
          % (best["fusion"], best["non_relational"], best["relational"], best["minutes"]))


if __name__ == "__main__":
    main()
