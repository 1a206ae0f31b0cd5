#!/usr/bin/env python3
"""Captioning benchmark: the attention captioner (Show, Attend and Tell) trained
by `tandem-cli train --task caption` on generated Sort-of-CLEVR captions and
scored on the held-out test images with `tandem-cli caption` (greedy and beam
search) against their 3-5 reference captions: BLEU-1..4, ROUGE-L and CIDEr-D
computed as the COCO caption evaluation does.

One captioner per --rewards entry: "none" trains with cross-entropy alone; with
"cider_d" or "bleu4" the last --self-critical epochs (default 5) learn from that
metric of captions sampled from the model (self-critical sequence training).

Usage: python3 bench/caption_bench.py [--images 5000] [--epochs 25] [--self-critical 5]
         [--rewards none,cider_d] [--build build]"""
import os
import subprocess
import time

from benchutil import cli_json, training_parser

METRICS = ("bleu1", "bleu2", "bleu3", "bleu4", "rouge_l", "cider_d")


def train(cli, project, args, reward, work):
    """Trains one captioner; reward "none" is cross-entropy alone. Returns (checkpoint, minutes, captions/s)."""
    checkpoint = os.path.join(work, "captioner_%s.pt" % reward)
    if os.path.exists(checkpoint):
        os.remove(checkpoint)
    command = [cli, "train", project, "--task", "caption", "--epochs", str(args.epochs), "--batch", str(args.batch),
               "--lr", str(args.lr), "--checkpoint", checkpoint, "--json"] + ([] if args.progress else ["-q"])
    if reward != "none":
        command += ["--self-critical", str(args.self_critical), "--reward", reward]
    start = time.perf_counter()
    trained = cli_json(command)
    return checkpoint, (time.perf_counter() - start) / 60, trained["samples_per_second"]


def main():
    parser = training_parser(__doc__, "bench-caption", images=5000, epochs=25, batch=16, lr=2e-3)
    parser.add_argument("--self-critical", type=int, default=5, help="last epochs trained on the reward")
    parser.add_argument("--rewards", default="none,cider_d",
                        help="one captioner per reward: none (cross-entropy alone), cider_d, bleu4")
    args = parser.parse_args()
    cli = os.path.join(args.build, "bin", "tandem-cli")
    os.makedirs(args.work, exist_ok=True)
    project = os.path.join(args.work, "captions_%d.tandem" % args.images)
    if not os.path.exists(project):
        subprocess.check_call([cli, "demo", project, "--images", str(args.images), "--size", "64", "-q"],
                              stdout=subprocess.DEVNULL)
    print("Attention captioner, Sort-of-CLEVR %d images (test split: %d), %d epochs, the last %d self-critical"
          % (args.images, round(args.images * 0.1), args.epochs, args.self_critical), flush=True)
    print("%-9s %-9s" % ("reward", "decoding") + "".join("%9s" % m for m in METRICS) + "  minutes", flush=True)
    best = 0.0
    for reward in args.rewards.split(","):
        checkpoint, minutes, _ = train(cli, project, args, reward, args.work)
        for beam in (1, 3):
            metrics = cli_json([cli, "caption", project, "--model", checkpoint, "--split", "test", "--beam", str(beam),
                                "--json", "-q"])["metrics"]
            print("%-9s %-9s" % (reward, "greedy" if beam == 1 else "beam %d" % beam)
                  + "".join("%9.3f" % metrics[m] for m in METRICS) + "%9.1f" % minutes, flush=True)
            best = max(best, metrics["bleu4"])
    print("target: BLEU-4 >= 0.5 -> %s (best %.3f)" % ("met" if best >= 0.5 else "not met", best))


if __name__ == "__main__":
    main()
