#!/usr/bin/env python3
"""Captioning benchmark: the attention captioner (Show, Attend and Tell) trained
by `tandem-cli train --task caption` on generated Sort-of-CLEVR captions and
scored on the held-out test images with `tandem-cli caption` (greedy and beam
search) against their 3-5 reference captions: BLEU-1..4, ROUGE-L and CIDEr-D
computed as the COCO caption evaluation does.

Usage: python3 bench/caption_bench.py [--images 5000] [--epochs 25] [--build build]"""
import os
import subprocess
import time

from benchutil import cli_json, training_parser

METRICS = ("bleu1", "bleu2", "bleu3", "bleu4", "rouge_l", "cider_d")


def main():
    args = training_parser(__doc__, "bench-caption", images=5000, epochs=25, batch=16, lr=2e-3).parse_args()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    os.makedirs(args.work, exist_ok=True)
    project = os.path.join(args.work, "captions_%d.tandem" % args.images)
    if not os.path.exists(project):
        subprocess.check_call([cli, "demo", project, "--images", str(args.images), "--size", "64", "-q"],
                              stdout=subprocess.DEVNULL)
    checkpoint = os.path.join(args.work, "captioner.pt")
    if os.path.exists(checkpoint):
        os.remove(checkpoint)
    start = time.perf_counter()
    trained = cli_json([cli, "train", project, "--task", "caption", "--epochs", str(args.epochs), "--batch",
                        str(args.batch), "--lr", str(args.lr), "--checkpoint", checkpoint, "--json"]
                       + ([] if args.progress else ["-q"]))
    minutes = (time.perf_counter() - start) / 60
    print("Attention captioner, Sort-of-CLEVR %d images (test split: %d), %d epochs, %.1f min training, %.0f captions/s"
          % (args.images, round(args.images * 0.1), args.epochs, minutes, trained["samples_per_second"]))
    print("%-10s" % "decoding" + "".join("%9s" % m for m in METRICS))
    best = 0.0
    for beam in (1, 3):
        metrics = cli_json([cli, "caption", project, "--model", checkpoint, "--split", "test", "--beam", str(beam),
                            "--json", "-q"])["metrics"]
        print("%-10s" % ("greedy" if beam == 1 else "beam %d" % beam) + "".join("%9.3f" % metrics[m] for m in METRICS))
        best = max(best, metrics["bleu4"])
    print("target: BLEU-4 >= 0.5 with either decoding -> %s" % ("met" if best >= 0.5 else "not met"))


if __name__ == "__main__":
    main()
