#!/usr/bin/env python3
"""A measurement for docs/performance.md ("Where the plateau lives"): Tandem's
FiLM VQA model in Python (CoordConv cnn, GRU, two FiLM blocks, max pool, answer
MLP; AdamW 0.001, constant) on a Sort-of-CLEVR project's 64-pixel images. With
--weight W > 0 a linear decoder from each region's features to its own 8x8
pixels adds W times its mean squared error to the loss, so that the regions
keep what the pixels show before the answers ask for it. Prints per epoch the
decoder's error and the validation accuracy per question type.

Needs Debian's python3-torch and python3-pil (/usr/bin/python3).

Usage: /usr/bin/python3 bench/plateau_decoder.py PROJECT [--weight 0] [--batch 8]
       [--epochs 4] [--seed 1]"""
import argparse
import collections
import os
import sqlite3
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from plateau_oracle import accuracy_by_type, load_questions, padded, step

HIDDEN, CHANNELS, SIZE, GRID = 256, 32, 64, 4
CELL = SIZE // GRID  # pixels a region covers


def load(path):
    db = sqlite3.connect(path)
    root = db.execute("SELECT path FROM media_roots LIMIT 1").fetchone()[0]
    if not os.path.isabs(root):
        root = os.path.join(os.path.dirname(os.path.abspath(path)), root)
    splits, pixels = collections.defaultdict(list), {}
    for image_id, name, split in db.execute("SELECT id, name, split FROM images ORDER BY id"):
        if split in ("train", "val"):
            splits[split].append(image_id)
            image = Image.open(os.path.join(root, name)).convert("RGB").resize((SIZE, SIZE), Image.BOX)
            pixels[image_id] = torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1).float() / 255
    questions, vocab, answers = load_questions(db)
    return pixels, questions, splits, vocab, answers


def region_pixels(images):
    """[B,3,64,64] -> [B,16,192]: each region's 16x16 pixels averaged down to 8x8."""
    b = images.size(0)
    cells = images.unfold(2, CELL, CELL).unfold(3, CELL, CELL)  # [B,3,4,4,16,16]
    small = F.avg_pool2d(cells.reshape(-1, 1, CELL, CELL), 2).view(b, 3, GRID, GRID, (CELL // 2) ** 2)
    return small.permute(0, 2, 3, 1, 4).reshape(b, GRID * GRID, -1)


class PixelFilm(nn.Module):
    def __init__(self, vocab, answers):
        super().__init__()
        layers, inputs = [], 5  # RGB and the CoordConv planes
        for _ in range(4):
            layers += [nn.Conv2d(inputs, CHANNELS, 3, 2, 1, bias=False), nn.BatchNorm2d(CHANNELS), nn.ReLU()]
            inputs = CHANNELS
        self.cnn = nn.Sequential(*layers)
        self.decoder = nn.Linear(CHANNELS, 3 * (CELL // 2) ** 2)
        self.embedding = nn.Embedding(vocab, 64, padding_idx=0)
        self.gru = nn.GRU(64, 128, batch_first=True)
        self.input = nn.Linear(CHANNELS + 2, HIDDEN)
        self.generator = nn.Linear(128, 2 * HIDDEN * 2)
        self.first = nn.ModuleList(nn.Linear(HIDDEN, HIDDEN) for _ in range(2))
        self.second = nn.ModuleList(nn.Linear(HIDDEN, HIDDEN) for _ in range(2))
        self.output = nn.Linear(HIDDEN, HIDDEN)
        self.head = nn.Sequential(nn.Linear(HIDDEN, 256), nn.ReLU(), nn.Linear(256, answers))

    def regions(self, images):
        b = images.size(0)
        line = torch.linspace(-1, 1, SIZE)
        planes = [line.view(1, 1, 1, SIZE).expand(b, 1, SIZE, SIZE), line.view(1, 1, SIZE, 1).expand(b, 1, SIZE, SIZE)]
        return self.cnn(torch.cat([images] + planes, 1)).flatten(2).transpose(1, 2)  # [B,16,C]

    def forward(self, images, image_index, ids, lengths):
        features = self.regions(images)
        decoded = self.decoder(features)
        centres = (torch.arange(GRID) + 0.5) * (2 / GRID) - 1
        xy = torch.stack([centres.view(1, GRID).expand(GRID, GRID), centres.view(GRID, 1).expand(GRID, GRID)], -1)
        regions = torch.cat([features, xy.reshape(1, -1, 2).expand(images.size(0), -1, 2)], -1)[image_index]
        _, state = self.gru(nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True,
                                                              enforce_sorted=False))
        film = self.generator(state[-1]).view(-1, 2, 2, HIDDEN)
        x = F.relu(self.input(regions))
        for i in range(2):
            y = F.layer_norm(self.second[i](F.relu(self.first[i](x))), (HIDDEN,))
            x = x + F.relu((1 + film[:, i, 0].unsqueeze(1)) * y + film[:, i, 1].unsqueeze(1))
        return self.head(F.relu(self.output(x.max(1).values))), decoded


def chunks(image_ids, questions, per_step):
    """(image, its questions) items; with per_step, each image's questions in a random
    order cut into items of per_step questions, all items in a random order."""
    if not per_step:
        return [(i, questions[i]) for i in image_ids]
    items = []
    for i in image_ids:
        mine = [questions[i][q] for q in torch.randperm(len(questions[i])).tolist()]
        items += [(i, mine[q:q + per_step]) for q in range(0, len(mine), per_step)]
    return [items[n] for n in torch.randperm(len(items)).tolist()]


def batches(items, size, pixels):
    for start in range(0, len(items), size):
        rows = [i for i, _ in items[start:start + size]]
        texts, targets, kinds, index = [], [], [], []
        for row, (_, mine) in enumerate(items[start:start + size]):
            for ids, answer, kind in mine:
                texts.append(ids)
                targets.append(answer)
                kinds.append(kind)
                index.append(row)
        ids, lengths = padded(texts)
        yield torch.stack([pixels[i] for i in rows]), torch.tensor(index), ids, lengths, torch.tensor(targets), kinds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--weight", type=float, default=0.0, help="of the decoder's mean squared error; 0: no decoder")
    parser.add_argument("--batch", type=int, default=8, help="images a step, each with all its questions")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--questions", type=int, default=0,
                        help="questions of an image a step (its others in other steps); 0: all")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    pixels, questions, splits, vocab, answers = load(args.project)
    model = PixelFilm(vocab, answers)
    optimizer = torch.optim.AdamW(model.parameters(), 1e-3, weight_decay=0.01)
    for epoch in range(1, args.epochs + 1):
        started, errors = time.time(), []
        order = [splits["train"][i] for i in torch.randperm(len(splits["train"])).tolist()]
        model.train()
        for images, index, ids, lengths, targets, _ in batches(chunks(order, questions, args.questions), args.batch, pixels):
            logits, decoded = model(images, index, ids, lengths)
            error = F.mse_loss(decoded, region_pixels(images))
            loss = F.cross_entropy(logits, targets) + (args.weight * error if args.weight > 0 else 0)
            step(model, optimizer, loss)
            errors.append(float(error))
        accuracy = accuracy_by_type(model, batches(chunks(splits["val"], questions, 0), 50, pixels))
        print(f"epoch {epoch} ({time.time() - started:.0f} s, decoder error {sum(errors) / len(errors):.4f}): {accuracy}",
              flush=True)


if __name__ == "__main__":
    main()
