#!/usr/bin/env python3
"""A measurement for docs/performance.md ("Where the plateau lives"): Tandem's
FiLM VQA model in Python (CoordConv cnn, GRU, two FiLM blocks, max pool, answer
MLP; AdamW 0.001, constant) on a Sort-of-CLEVR project's 64-pixel images. With
--weight W > 0 a linear decoder from each region's features to its own 8x8
pixels adds W times its mean squared error to the loss, so that the regions
keep what the pixels show before the answers ask for it. Prints per epoch the
decoder's error and the validation accuracy per question type.

With --condition N the question scales and shifts the first N CNN stages after
their BatchNorm (de Vries et al.'s conditional batch norm; the CNN then runs
once per question). With --ica a linear layer after the CNN starts as FastICA's
unmixing of the untrained CNN's region features, and --gate lets the question
scale every region feature before the fusion; --pixel-channels P adds a
full-resolution path (3x3 and 1x1 convolutions, each region's max over its
pixels) beside the CNN (what unmixed features need in
bench/plateau_oracle.py).

Needs Debian's python3-torch and python3-pil (/usr/bin/python3).

Usage: /usr/bin/python3 bench/plateau_decoder.py PROJECT [--weight 0] [--batch 8]
       [--epochs 4] [--seed 1] [--questions K] [--condition N] [--pixel-channels P] [--ica] [--gate]"""
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

from plateau_oracle import accuracy_by_type, fast_ica, load_questions, padded, step

HIDDEN, CHANNELS, SIZE, GRID = 256, 32, 64, 4
CELL = SIZE // GRID  # pixels a region covers


def load(path, size=SIZE):
    """Train and val images as [3, size, size] floats, each image's questions, the splits,
    the vocabulary's and the answers' sizes."""
    db = sqlite3.connect(path)
    root = db.execute("SELECT path FROM media_roots LIMIT 1").fetchone()[0]
    if not os.path.isabs(root):
        root = os.path.join(os.path.dirname(os.path.abspath(path)), root)
    splits, pixels = collections.defaultdict(list), {}
    for image_id, name, split in db.execute("SELECT id, name, split FROM images ORDER BY id"):
        if split in ("train", "val"):
            splits[split].append(image_id)
            image = Image.open(os.path.join(root, name)).convert("RGB")
            if image.size != (size, size):
                image = image.resize((size, size), Image.BOX)
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
    def __init__(self, vocab, answers, conditioned=0, pixel_channels=0):
        super().__init__()
        self.width = CHANNELS + pixel_channels  # features a region has (before its centre)
        # With pixel_channels: a 3x3 and a 1x1 convolution at full resolution, each region's max over its pixels.
        self.pixel = nn.Sequential(nn.Conv2d(5, pixel_channels, 3, 1, 1, bias=False), nn.BatchNorm2d(pixel_channels),
                                   nn.ReLU(), nn.Conv2d(pixel_channels, pixel_channels, 1, bias=False),
                                   nn.BatchNorm2d(pixel_channels), nn.ReLU()) if pixel_channels else None
        self.conditioned = conditioned  # CNN stages whose BatchNorm the question scales and shifts
        self.stage_film = nn.ModuleList(nn.Linear(128, 2 * CHANNELS) for _ in range(conditioned))
        layers, inputs = [], 5  # RGB and the CoordConv planes
        for _ in range(4):
            layers += [nn.Conv2d(inputs, CHANNELS, 3, 2, 1, bias=False), nn.BatchNorm2d(CHANNELS), nn.ReLU()]
            inputs = CHANNELS
        self.cnn = nn.Sequential(*layers)
        self.decoder = nn.Linear(CHANNELS, 3 * (CELL // 2) ** 2)
        self.embedding = nn.Embedding(vocab, 64, padding_idx=0)
        self.gru = nn.GRU(64, 128, batch_first=True)
        self.input = nn.Linear(self.width + 2, HIDDEN)
        self.unmix = None  # set by unmix_by_ica: a linear map of the CNN's channels, ICA-initialised
        self.gate = None   # with --gate: the question scales every region feature before the input layer
        self.generator = nn.Linear(128, 2 * HIDDEN * 2)
        self.first = nn.ModuleList(nn.Linear(HIDDEN, HIDDEN) for _ in range(2))
        self.second = nn.ModuleList(nn.Linear(HIDDEN, HIDDEN) for _ in range(2))
        self.output = nn.Linear(HIDDEN, HIDDEN)
        self.head = nn.Sequential(nn.Linear(HIDDEN, 256), nn.ReLU(), nn.Linear(256, answers))

    def regions(self, images, question=None):
        b = images.size(0)
        line = torch.linspace(-1, 1, SIZE)
        planes = [line.view(1, 1, 1, SIZE).expand(b, 1, SIZE, SIZE), line.view(1, 1, SIZE, 1).expand(b, 1, SIZE, SIZE)]
        x = inputs = torch.cat([images] + planes, 1)
        for stage in range(4):
            conv, norm, relu = self.cnn[3 * stage:3 * stage + 3]
            x = norm(conv(x))
            if stage < self.conditioned:  # as de Vries et al.'s conditional batch norm
                gamma, beta = self.stage_film[stage](question).view(-1, 2, CHANNELS, 1, 1).unbind(1)
                x = (1 + gamma) * x + beta
            x = relu(x)
        x = x.flatten(2).transpose(1, 2)  # [B,16,C]
        if self.pixel is not None:
            x = torch.cat([x, F.max_pool2d(self.pixel(inputs), CELL).flatten(2).transpose(1, 2)], -1)
        return x

    def forward(self, images, image_index, ids, lengths):
        _, state = self.gru(nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True,
                                                              enforce_sorted=False))
        if self.conditioned:  # the CNN runs once per question
            images, image_index = images[image_index], torch.arange(len(image_index))
        features = self.regions(images, state[-1])
        decoded = self.decoder(features[..., :CHANNELS])
        centres = (torch.arange(GRID) + 0.5) * (2 / GRID) - 1
        xy = torch.stack([centres.view(1, GRID).expand(GRID, GRID), centres.view(GRID, 1).expand(GRID, GRID)], -1)
        regions = torch.cat([features, xy.reshape(1, -1, 2).expand(images.size(0), -1, 2)], -1)[image_index]
        film = self.generator(state[-1]).view(-1, 2, 2, HIDDEN)
        if self.unmix is not None:
            regions = torch.cat([self.unmix(regions[..., :-2]), regions[..., -2:]], -1)
        if self.gate is not None:
            regions = regions * (1 + self.gate(state[-1])).unsqueeze(1)
        x = F.relu(self.input(regions))
        for i in range(2):
            y = F.layer_norm(self.second[i](F.relu(self.first[i](x))), (HIDDEN,))
            x = x + F.relu((1 + film[:, i, 0].unsqueeze(1)) * y + film[:, i, 1].unsqueeze(1))
        return self.head(F.relu(self.output(x.max(1).values))), decoded


def unmix_by_ica(model, pixels, image_ids):
    """Puts a linear layer after the CNN that starts as FastICA's unmixing of the
    untrained CNN's region features over these images."""
    with torch.no_grad():
        features = torch.cat([model.regions(torch.stack([pixels[i] for i in image_ids[s:s + 200]]))
                              for s in range(0, len(image_ids), 200)]).reshape(-1, model.width)
        unmixing = fast_ica(features)
        model.unmix = nn.Linear(model.width, model.width)
        model.unmix.weight.copy_(unmixing.T)
        model.unmix.bias.copy_(-features.mean(0) @ unmixing)


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
    parser.add_argument("--condition", type=int, default=0,
                        help="the question scales and shifts the first N CNN stages (the CNN runs per question)")
    parser.add_argument("--ica", action="store_true",
                        help="a linear layer after the CNN, initialised as FastICA's unmixing of the untrained CNN's features")
    parser.add_argument("--pixel-channels", type=int, default=0,
                        help="a full-resolution path of this many channels, max-pooled per region, beside the CNN")
    parser.add_argument("--gate", action="store_true", help="the question scales every region feature first")
    parser.add_argument("--questions", type=int, default=0,
                        help="questions of an image a step (its others in other steps); 0: all")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    pixels, questions, splits, vocab, answers = load(args.project)
    model = PixelFilm(vocab, answers, args.condition, args.pixel_channels)
    if args.gate:
        model.gate = nn.Linear(128, model.width + 2)
    if args.ica:
        unmix_by_ica(model, pixels, splits["train"][:2000])
    optimizer = torch.optim.AdamW(model.parameters(), 1e-3, weight_decay=0.01)
    for epoch in range(1, args.epochs + 1):
        started, errors = time.time(), []
        order = [splits["train"][i] for i in torch.randperm(len(splits["train"])).tolist()]
        model.train()
        for images, index, ids, lengths, targets, _ in batches(chunks(order, questions, args.questions), args.batch, pixels):
            logits, decoded = model(images, index, ids, lengths)
            error = F.mse_loss(decoded, region_pixels(images[index] if args.condition else images))
            loss = F.cross_entropy(logits, targets) + (args.weight * error if args.weight > 0 else 0)
            step(model, optimizer, loss)
            errors.append(float(error))
        accuracy = accuracy_by_type(model, batches(chunks(splits["val"], questions, 0), 50, pixels))
        print(f"epoch {epoch} ({time.time() - started:.0f} s, decoder error {sum(errors) / len(errors):.4f}): {accuracy}",
              flush=True)


if __name__ == "__main__":
    main()
