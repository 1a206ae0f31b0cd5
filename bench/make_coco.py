#!/usr/bin/env python3
"""Writes a synthetic COCO-captions file the size of COCO train2017
(118,287 images, 591,753 captions), seeded, with caption lengths and a
vocabulary shaped like the real one. Usage: make_coco.py OUT.json [--images N]"""
import argparse
import json
import random

NOUNS = ("man woman person people child boy girl dog cat horse bird cow sheep elephant giraffe zebra "
         "bear car truck bus train motorcycle bicycle airplane boat plane table chair bench bed couch "
         "kitchen room street road field beach water ocean snow grass tree building sign clock pizza "
         "sandwich plate bowl cake banana umbrella kite surfboard skateboard frisbee ball bat racket "
         "laptop phone computer television window door toilet sink mirror desk shelf fence wall").split()
ADJS = "small large white black red blue green yellow brown young old wooden tall busy empty little big".split()
VERBS = ("sitting standing walking riding holding eating playing flying looking laying parked "
         "running driving carrying watching waiting crossing hanging covered filled").split()
PREPS = "on in next to near with under at behind over along by beside across".split()


def caption(rng):
    words = ["a", rng.choice(ADJS), rng.choice(NOUNS), "is", rng.choice(VERBS)]
    for _ in range(rng.choice((1, 1, 2))):
        words += [rng.choice(PREPS), "a" if rng.random() < 0.6 else "the", rng.choice(NOUNS)]
    if rng.random() < 0.3:
        words += ["with", rng.choice(ADJS), rng.choice(NOUNS)]
    text = " ".join(words)
    return text[0].upper() + text[1:] + ("." if rng.random() < 0.7 else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--images", type=int, default=118287)
    parser.add_argument("--captions", type=int, default=591753)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    ids = rng.sample(range(1, 600000), args.images)
    images = [{"license": rng.randint(1, 8), "file_name": "%012d.jpg" % i, "coco_url": "",
               "height": rng.choice((375, 427, 480, 500, 640)), "width": 640,
               "date_captured": "2013-11-14 16:28:13", "flickr_url": "", "id": i} for i in ids]
    annotations = []
    for n in range(args.captions):
        image_id = ids[n % args.images] if n < args.images * 5 else rng.choice(ids)
        annotations.append({"image_id": image_id, "id": n + 1, "caption": caption(rng)})
    doc = {"info": {"description": "synthetic COCO-sized captions", "version": "1.0", "year": 2017},
           "licenses": [{"url": "", "id": i, "name": "license %d" % i} for i in range(1, 9)],
           "images": images, "annotations": annotations}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
