#!/usr/bin/env python3
"""The Python PyTorch twin of Tandem's default VQA model (cnn vision, gru
text, film fusion, answer MLP) trained the way Tandem's trainer does: the
project's train images, each batch a set of images with all their questions,
each image encoded once and shared by its questions, AdamW with gradient
clipping. Written the usual way: each question's regions are gathered right
after the CNN (Tandem runs FiLM's question-independent first block per image
before gathering; the arithmetic is the same). Images are decoded once up front (an advantage Tandem does not
take: it decodes with OpenCV in a background thread every epoch).

Prints one JSON line: {"questions_per_second": ..., "steps": ..., "seconds": ...}

Usage: baseline_vqa_train.py PROJECT --batch 8 --steps 200 --threads 2"""
import argparse
import json
import os
import re
import sqlite3
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image


def load_project(path):
    db = sqlite3.connect(path)
    root = db.execute("SELECT path FROM media_roots LIMIT 1").fetchone()[0]
    if not os.path.isabs(root):
        root = os.path.join(os.path.dirname(os.path.abspath(path)), root)
    images = db.execute("SELECT id, name FROM images WHERE split = 'train' ORDER BY id").fetchall()
    questions = {}
    for image_id, text, answer in db.execute(
            "SELECT q.image_id, q.text, q.multiple_choice_answer FROM questions q JOIN images i ON i.id = q.image_id"
            " WHERE i.split = 'train' ORDER BY q.id"):
        questions.setdefault(image_id, []).append((text, answer))
    return root, images, questions


def tokenize(text):
    return re.findall(r"[a-z0-9]+", text.lower())


class FilmVqa(nn.Module):
    def __init__(self, vocab, answers, channels=32, embed=64, text=128, hidden=256, blocks=2):
        super().__init__()
        layers, cin = [], 3
        for _ in range(4):
            layers += [nn.Conv2d(cin, channels, 3, 2, 1, bias=False), nn.BatchNorm2d(channels), nn.ReLU()]
            cin = channels
        self.cnn = nn.Sequential(*layers)
        self.embedding = nn.Embedding(vocab, embed, padding_idx=0)
        self.gru = nn.GRU(embed, text, batch_first=True)
        region = channels + 2
        self.film_input = nn.Linear(region, hidden)
        self.generator = nn.Linear(text, 2 * hidden * blocks)
        self.first = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(blocks))
        self.second = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(blocks))
        self.film_output = nn.Linear(hidden, hidden)
        self.head = nn.Sequential(nn.Linear(hidden, 256), nn.ReLU(), nn.Linear(256, answers))
        self.hidden, self.blocks = hidden, blocks

    def forward(self, images, ids, lengths, image_index):
        m = self.cnn(images)
        b, c, h, w = m.shape
        regions = m.flatten(2).transpose(1, 2)
        ys = ((torch.arange(h) + 0.5) * 2 / h - 1).view(h, 1).expand(h, w)
        xs = ((torch.arange(w) + 0.5) * 2 / w - 1).view(1, w).expand(h, w)
        xy = torch.stack([xs, ys], -1).reshape(1, h * w, 2).expand(b, h * w, 2)
        regions = torch.cat([regions, xy], -1)[image_index]
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True,
                                                   enforce_sorted=False)
        _, hidden = self.gru(packed)
        question = hidden[-1]
        x = F.relu(self.film_input(regions))
        film = self.generator(question).view(-1, self.blocks, 2, self.hidden)
        for i in range(self.blocks):
            y = self.second[i](F.relu(self.first[i](x)))
            y = F.layer_norm(y, (self.hidden,))
            x = x + F.relu((1 + film[:, i, 0].unsqueeze(1)) * y + film[:, i, 1].unsqueeze(1))
        return self.head(F.relu(self.film_output(x.max(1).values)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--bf16", action="store_true", help="bfloat16 autocast on the CPU (a measurement, docs/performance.md)")
    args = parser.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    root, images, questions = load_project(args.project)
    vocab = {"<pad>": 0, "<unk>": 1}
    answers = {}
    for qs in questions.values():
        for text, answer in qs:
            for word in tokenize(text):
                vocab.setdefault(word, len(vocab))
            answers.setdefault(answer, len(answers))
    pixels = []
    for _, name in images:
        image = Image.open(os.path.join(root, name)).convert("RGB").resize((args.size, args.size), Image.BOX)
        pixels.append(torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1).float() / 255)
    model = FilmVqa(len(vocab), len(answers))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    order = torch.randperm(len(images)).tolist()
    done, seconds, start = 0, 0.0, None
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            start = time.perf_counter()
        first = (step * args.batch) % (len(order) - args.batch)
        rows = order[first:first + args.batch]
        texts, targets, index = [], [], []
        for row, k in enumerate(rows):
            for text, answer in questions.get(images[k][0], []):
                texts.append([vocab.get(w, 1) for w in tokenize(text)])
                targets.append(answers[answer])
                index.append(row)
        lengths = torch.tensor([len(t) for t in texts])
        ids = torch.zeros(len(texts), int(lengths.max()), dtype=torch.long)
        for i, t in enumerate(texts):
            ids[i, :len(t)] = torch.tensor(t)
        batch = torch.stack([pixels[k] for k in rows])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            logits = model(batch, ids, lengths, torch.tensor(index))
        loss = F.cross_entropy(logits.float(), torch.tensor(targets))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step >= args.warmup:
            done += len(texts)
    seconds = time.perf_counter() - start
    print(json.dumps({"questions_per_second": done / seconds, "steps": args.steps, "seconds": seconds}))


if __name__ == "__main__":
    main()
