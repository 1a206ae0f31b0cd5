#!/usr/bin/env python3
"""The arithmetic of one training step of the default VQA model (cnn + gru +
film), counted from the layer shapes: multiply-adds of the convolutions, the
GRU and the linear layers, x2 for FLOPs, x3 for forward and backward (the
backward pass computes a gradient for the inputs and one for the weights).
Element-wise work is not counted: it is memory-bound, not arithmetic.

Both ways are counted: Tandem's (the first block's layers once per image, the
GRU and FiLM's generator once per distinct question text of the batch: Sort-of-CLEVR has 36, and a
batch of 160 questions asks 35.9 of them on average) and the Python twin's (every
layer once per question).

Usage: python3 bench/step_flops.py [--batch 8] [--questions 20] [--words 10] [--size 64] [--distinct 35.9]"""
import argparse


def conv_flops(size, channels_in, channels, stages):
    total, side = 0, size
    for stage in range(stages):
        side //= 2
        total += 2 * side * side * channels * (channels_in if stage == 0 else channels) * 9
    return total, side


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=8, help="images a step")
    parser.add_argument("--questions", type=int, default=20, help="questions an image")
    parser.add_argument("--words", type=float, default=10, help="mean words a question")
    parser.add_argument("--distinct", type=float, default=35.9, help="distinct question texts a step")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--channels", type=int, default=32)
    parser.add_argument("--stages", type=int, default=4)
    parser.add_argument("--embed", type=int, default=64)
    parser.add_argument("--text", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--blocks", type=int, default=2)
    parser.add_argument("--answers", type=int, default=10)
    args = parser.parse_args()
    images, questions = args.batch, args.batch * args.questions
    conv, side = conv_flops(args.size, 3, args.channels, args.stages)
    regions = side * side
    region_dim = args.channels + 2
    h = args.hidden
    linear = lambda rows, n_in, n_out: 2 * rows * n_in * n_out
    gru = lambda texts: texts * args.words * 2 * 3 * (args.embed * args.text + args.text * args.text)
    parts = {
        "convolutions": images * conv,
        "FiLM generator": linear(questions, args.text, 2 * h * args.blocks),
        "FiLM later blocks": (args.blocks - 1) * 2 * linear(questions * regions, h, h),
        "FiLM output + answer head": linear(questions, h, h) + linear(questions, h, 256) + linear(questions, 256, args.answers),
    }
    first_block = lambda rows: linear(rows, region_dim, h) + 2 * linear(rows, h, h)
    texts = min(args.distinct, questions)
    tandem = dict(parts, **{"GRU": gru(texts), "FiLM generator": linear(texts, args.text, 2 * h * args.blocks),
                            "FiLM input + first block": first_block(images * regions)})
    twin = dict(parts, **{"GRU": gru(questions), "FiLM input + first block": first_block(questions * regions)})
    print("forward FLOPs of one step: %d images, %d questions, %dx%d regions" % (images, questions, side, side))
    for name in tandem:
        print("  %-28s %8.1f M (twin %8.1f M)" % (name, tandem[name] / 1e6, twin[name] / 1e6))
    t, p = sum(tandem.values()), sum(twin.values())
    print("forward + backward (x3): Tandem %.2f GFLOP, twin %.2f GFLOP a step" % (3 * t / 1e9, 3 * p / 1e9))


if __name__ == "__main__":
    main()
