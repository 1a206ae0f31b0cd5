#!/usr/bin/env python3
"""Where a Sort-of-CLEVR model's "closest" and "furthest" errors lie: in the
questions that the region grid's centres answer, or in those they leave
ambiguous. Reads the project's regions (the "red circle" boxes that
`tandem-cli demo` stores) and the answers a run saved (`tandem-cli answer
PROJECT --model M --split test --save NAME`).

A question is ambiguous on the grid when measuring between the centres of
the grid cells that hold the objects (a 64-pixel image, 4 x 4 regions, as the
models see it) does not single out the right shape: two candidates tie, or
the nearest (furthest) by cell centre has another shape. A model that only
knows which region holds what cannot do better than chance there; one that
knows where in its region each object lies can. (docs/performance.md,
"Object positions".)

    bench/closest_ambiguity.py PROJECT [--run N] [--grid 4]

Prints, per question type, the count and the error rate of each kind.
"""
import argparse
import collections
import re
import sqlite3


def objects_by_image(con):
    objects = collections.defaultdict(list)
    for image, x, y, w, h, label in con.execute("select image_id, x, y, width, height, label from regions"):
        colour, shape = label.split(" ", 1)
        objects[image].append((colour, shape, x + w / 2, y + h / 2))
    return objects


def image_sizes(con):
    return {i: (w, h) for i, w, h in con.execute("select id, width, height from images")}


def ambiguous(question_type, colour, truth, objects, size, grid):
    def cell_centre(c, extent):
        return (min(grid - 1, int(c * grid / extent)) + 0.5) * extent / grid

    def cell_distance(a, b):
        return sum((cell_centre(a[i], size[i - 2]) - cell_centre(b[i], size[i - 2])) ** 2 for i in (2, 3))

    named = next(o for o in objects if o[0] == colour)
    others = [o for o in objects if o is not named]
    pick = min if question_type == "closest" else max
    best = pick(cell_distance(named, o) for o in others)
    tied = {o[1] for o in others if abs(cell_distance(named, o) - best) < 1e-9}
    return tied != {truth}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project")
    parser.add_argument("--run", type=int, help="the answers' run (default: the latest inference run)")
    parser.add_argument("--grid", type=int, default=4, help="regions a side as the model sees them (default 4)")
    args = parser.parse_args()
    con = sqlite3.connect(args.project)
    run = args.run or con.execute("select max(id) from runs where kind = 'infer'").fetchone()[0]
    objects, sizes = objects_by_image(con), image_sizes(con)
    counts = collections.Counter()
    rows = con.execute(
        "select q.question_type, q.text, q.multiple_choice_answer, p.text, q.image_id from predictions p "
        "join questions q on q.id = p.question_id where p.run_id = ? and q.question_type in ('closest', 'furthest')",
        (run,))
    for question_type, text, truth, answer, image in rows:
        colour = re.search(r"the (\w+) object\?", text).group(1)
        kind = "ambiguous" if ambiguous(question_type, colour, truth, objects[image], sizes[image], args.grid) else "clear"
        counts[(question_type, kind)] += 1
        counts[(question_type, kind, "wrong")] += answer != truth
    print(f"run {run}, a {args.grid} x {args.grid} grid")
    for question_type in ("closest", "furthest"):
        for kind in ("clear", "ambiguous"):
            n, wrong = counts[(question_type, kind)], counts[(question_type, kind, "wrong")]
            print(f"{question_type:9s} {kind:10s} {n:6d} questions  {wrong:5d} wrong ({100 * wrong / max(n, 1):5.1f}%)")


if __name__ == "__main__":
    main()
