#!/usr/bin/env python3
"""Is the answer-prior plateau FiLM's? The CNN+MLP baseline of the public
Sort-of-CLEVR reproductions (kimhc6028/relational-networks: four 3x3 stride-2
convolutions of 24 channels at the scenes' own 75 pixels, the 5 x 5 x 24 map
flattened beside the question, an MLP of 256, 256 with dropout 0.5; batches of
64 questions, each from its own image, Adam) on a Tandem project. No max over
regions and no FiLM: where a position sits is a weight of the first layer. The
question is a bag of its words (their one-hot question vector is the colour and
the question type, which the words say too).

Needs Debian's python3-torch and python3-pil (/usr/bin/python3). Prints per
epoch the validation accuracy per question type.

Usage: /usr/bin/python3 bench/plateau_cnn_mlp.py PROJECT [--lr 0.0001] [--batch 64]
       [--epochs 6] [--size 75] [--seed 1]"""
import argparse
import collections
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from plateau_decoder import load


class CnnMlp(nn.Module):
    def __init__(self, vocab, answers, size):
        super().__init__()
        layers, inputs = [], 3
        for _ in range(4):
            layers += [nn.Conv2d(inputs, 24, 3, 2, 1), nn.ReLU(), nn.BatchNorm2d(24)]
            inputs = 24
        self.cnn = nn.Sequential(*layers)
        flat = self.cnn(torch.zeros(1, 3, size, size)).numel()
        self.fc1 = nn.Linear(flat + vocab, 256)
        self.fc2 = nn.Linear(256, 256)
        self.fc3 = nn.Linear(256, answers)

    def forward(self, images, words):
        x = F.relu(self.fc1(torch.cat([self.cnn(images).flatten(1), words], 1)))
        return self.fc3(F.dropout(F.relu(self.fc2(x)), 0.5, self.training))


def batch(items, pixels, vocab):
    """(image, question) items -> images, bags of words, answers, question types."""
    words = torch.zeros(len(items), vocab)
    for row, (_, (ids, _, _)) in enumerate(items):
        words[row, ids] = 1
    return (torch.stack([pixels[i] for i, _ in items]), words, torch.tensor([q[1] for _, q in items]),
            [q[2] for _, q in items])


def accuracy_by_type(model, items, pixels, vocab):
    model.eval()
    right, total = collections.Counter(), collections.Counter()
    with torch.no_grad():
        for start in range(0, len(items), 500):
            images, words, targets, kinds = batch(items[start:start + 500], pixels, vocab)
            for kind, hit in zip(kinds, (model(images, words).argmax(1) == targets).tolist()):
                right[kind] += hit
                total[kind] += 1
    return ", ".join(f"{k} {100 * right[k] / total[k]:.1f}" for k in sorted(total))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--lr", type=float, default=1e-4, help="Adam's learning rate (theirs: 0.0001)")
    parser.add_argument("--batch", type=int, default=64, help="questions a step, each from its own image")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--size", type=int, default=75, help="pixels the images are resized to")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    pixels, questions, splits, vocab, answers = load(args.project, args.size)
    train = [(i, q) for i in splits["train"] for q in questions[i]]
    val = [(i, q) for i in splits["val"] for q in questions[i]]
    model = CnnMlp(vocab, answers, args.size)
    optimizer = torch.optim.Adam(model.parameters(), args.lr)
    for epoch in range(1, args.epochs + 1):
        started = time.time()
        model.train()
        order = torch.randperm(len(train)).tolist()
        for start in range(0, len(order), args.batch):
            images, words, targets, _ = batch([train[k] for k in order[start:start + args.batch]], pixels, vocab)
            loss = F.cross_entropy(model(images, words), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch} ({time.time() - started:.0f} s): {accuracy_by_type(model, val, pixels, vocab)}", flush=True)


if __name__ == "__main__":
    main()
