#!/usr/bin/env python3
"""The Python PyTorch twins of Tandem's built-in VQA model (cnn + gru + film +
answer MLP) and attention captioner (cnn + Show-Attend-Tell with an LSTMCell),
timed the way `tandem-cli ask/explain --repeat` times Tandem: one image, one
call at a time, in inference mode. Layer sizes, image size, vocabulary and
answer counts come from the architecture Tandem stored in the project for the
checkpoint; the weights are random (the time does not depend on them).

vqa: the image is decoded and encoded once (as Tandem's session keeps it);
each timed call tokenises the question, runs the GRU, FiLM and the head, and
returns the top 5 answers. new_image_ms: one call that decodes and encodes
the image first.
caption: each timed call decodes the PNG (OpenCV, as Tandem), resizes it,
encodes it and decodes --steps words greedily (random weights never stop by
themselves: the driver passes the steps Tandem's caption took), returning each
word's attention map scaled to a maximum of 1.

Prints one JSON line: {"first_ms", "median_ms", "p90_ms", "max_ms", "calls", ...}

Usage: baseline_latency.py PROJECT --task vqa|caption --architecture JSON --image ID
           [--question TEXT] [--steps N] [--repeat 20] [--warmup 2] [--threads 2]"""
import argparse
import json
import math
import os
import re
import sqlite3
import time

import cv2
import torch
import torch.nn as nn
import torch.nn.functional as F

from baseline_vqa_train import FilmVqa

BOS, EOS = 2, 3  # Tandem's special ids: <pad> 0, <unk> 1, <bos> 2, <eos> 3


def tokenize(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def image_path(project, image_id):
    db = sqlite3.connect(project)
    root, name = db.execute("SELECT r.path, i.name FROM images i JOIN media_roots r ON r.id = i.root_id"
                            " WHERE i.id = ?", (image_id,)).fetchone()
    if not os.path.isabs(root):
        root = os.path.join(os.path.dirname(os.path.abspath(project)), root)
    return os.path.join(root, name)


def project_words(project):
    words = {"<pad>": 0, "<unk>": 1, "<bos>": 2, "<eos>": 3}
    answers = []
    for text, answer in sqlite3.connect(project).execute("SELECT text, multiple_choice_answer FROM questions"):
        for w in tokenize(text):
            words.setdefault(w, len(words))
        if answer not in answers:
            answers.append(answer)
    return words, answers


def load_pixels(path, size):
    """What selecting an image costs: decode, RGB, area resize, [1, 3, H, W] in [0, 1]."""
    image = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    if image.shape[0] != size or image.shape[1] != size:
        image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)
    return torch.from_numpy(image).permute(2, 0, 1).float().div_(255).unsqueeze(0)


def small_cnn(channels, stages):
    layers, cin = [], 3
    for _ in range(stages):
        layers += [nn.Conv2d(cin, channels, 3, 2, 1, bias=False), nn.BatchNorm2d(channels), nn.ReLU()]
        cin = channels
    return nn.Sequential(*layers)


def regions_of(cnn, pixels):
    """[1, 3, H, W] -> [1, R, C + 2]: the grid's regions with their x, y centre appended."""
    m = cnn(pixels)
    b, c, h, w = m.shape
    ys = ((torch.arange(h) + 0.5) * 2 / h - 1).view(h, 1).expand(h, w)
    xs = ((torch.arange(w) + 0.5) * 2 / w - 1).view(1, w).expand(h, w)
    xy = torch.stack([xs, ys], -1).reshape(1, h * w, 2).expand(b, h * w, 2)
    return torch.cat([m.flatten(2).transpose(1, 2), xy], -1), h, w


class Vqa(FilmVqa):
    """The training twin's layers, called in two halves as Tandem's ask does."""

    def __init__(self, a):
        super().__init__(a["vocab_size"], a["num_answers"], a["vision_channels"], a["embed_dim"], a["text_dim"],
                         a["fusion_hidden"], a["film_blocks"])
        self.cnn = small_cnn(a["vision_channels"], a["vision_stages"])
        self.film_output = nn.Linear(a["fusion_hidden"], a["fusion_dim"])
        self.head = nn.Sequential(nn.Linear(a["fusion_dim"], a["answer_hidden"]), nn.ReLU(),
                                  nn.Linear(a["answer_hidden"], a["num_answers"]))

    def answer(self, regions, ids, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True,
                                                   enforce_sorted=False)
        question = self.gru(packed)[1][-1]
        x = F.relu(self.film_input(regions))
        film = self.generator(question).view(-1, self.blocks, 2, self.hidden)
        for i in range(self.blocks):
            y = F.layer_norm(self.second[i](F.relu(self.first[i](x))), (self.hidden,))
            x = x + F.relu((1 + film[:, i, 0].unsqueeze(1)) * y + film[:, i, 1].unsqueeze(1))
        return self.head(F.relu(self.film_output(x.max(1).values)))


class Captioner(nn.Module):
    """Show, Attend and Tell as Tandem's AttentionCaptioner: additive attention, gated context, LSTMCell."""

    def __init__(self, a):
        super().__init__()
        dv, h, att = a["vision_channels"] + 2, a["decoder_dim"], a["attention_dim"]
        self.cnn = small_cnn(a["vision_channels"], a["vision_stages"])
        self.embedding = nn.Embedding(a["vocab_size"], a["embed_dim"], padding_idx=0)
        self.init_h, self.init_c = nn.Linear(dv, h), nn.Linear(dv, h)
        self.attend_region, self.attend_hidden = nn.Linear(dv, att), nn.Linear(h, att, bias=False)
        self.attend_score, self.gate = nn.Linear(att, 1), nn.Linear(h, dv)
        self.cell = nn.LSTMCell(a["embed_dim"] + dv, h)
        self.output = nn.Linear(h, a["vocab_size"])

    def caption(self, pixels, steps):
        regions, gh, gw = regions_of(self.cnn, pixels)
        projected = self.attend_region(regions)
        mean = regions.mean(1)
        h, c = torch.tanh(self.init_h(mean)), torch.tanh(self.init_c(mean))
        word = torch.full((1,), BOS, dtype=torch.long)
        words, maps, log_prob = [], [], 0.0
        for _ in range(steps):
            energy = torch.tanh(projected + self.attend_hidden(h).unsqueeze(1))
            alpha = torch.softmax(self.attend_score(energy).squeeze(-1), 1)
            context = torch.sigmoid(self.gate(h)) * (alpha.unsqueeze(-1) * regions).sum(1)
            h, c = self.cell(torch.cat([self.embedding(word), context], 1), (h, c))
            log_probs = torch.log_softmax(self.output(h), 1)
            word = log_probs.argmax(1)
            log_prob += float(log_probs[0, word])
            words.append(int(word))
            maps.append((alpha[0] / alpha[0].max()).tolist())
        return words, maps, log_prob, (gh, gw)


def summary(first, times, extra):
    s = sorted(times)
    n = len(s)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    result = {"calls": n, "first_ms": first, "median_ms": median,
              "p90_ms": s[min(n, max(1, math.ceil(0.9 * n))) - 1], "max_ms": s[-1]}
    result.update(extra)
    return result


def timed(call):
    start = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - start) * 1000


def run_vqa(args, architecture, path):
    words, answers = project_words(args.project)
    model = Vqa(architecture).eval()
    labels = (answers + ["?"] * architecture["num_answers"])[:architecture["num_answers"]]

    def ask(regions):
        tokens = [words.get(w, 1) % architecture["vocab_size"] for w in tokenize(args.question)] or [0]
        ids = torch.tensor([tokens[:architecture["max_length"]]])
        probabilities = model.answer(regions, ids, torch.tensor([ids.shape[1]])).softmax(1)[0]
        top, index = probabilities.topk(5)
        return [(labels[i], p) for i, p in zip(index.tolist(), top.tolist())]

    def encode():
        return regions_of(model.cnn, load_pixels(path, args.size))[0]

    _, first = timed(lambda: ask(encode()))
    _, new_image = timed(lambda: ask(encode()))
    regions = encode()
    times = []
    for i in range(args.warmup + args.repeat):
        _, ms = timed(lambda: ask(regions))
        if i >= args.warmup:
            times.append(ms)
    return summary(first, times, {"new_image_ms": new_image})


def run_caption(args, architecture, path):
    model = Captioner(architecture).eval()

    def caption():
        return model.caption(load_pixels(path, args.size), args.steps)

    _, first = timed(caption)
    times = []
    for i in range(args.warmup + args.repeat):
        _, ms = timed(caption)
        if i >= args.warmup:
            times.append(ms)
    return summary(first, times, {"steps": args.steps})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--task", choices=["vqa", "caption"], required=True)
    parser.add_argument("--architecture", required=True, help="the JSON Tandem stored in the models table")
    parser.add_argument("--image", type=int, required=True)
    parser.add_argument("--question", default="what shape is the red object?")
    parser.add_argument("--steps", type=int, default=10, help="caption: decoder steps")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    architecture = {k: (int(v) if str(v).lstrip("-").isdigit() else v)
                    for k, v in json.loads(args.architecture).items()}
    path = image_path(args.project, args.image)
    with torch.inference_mode():
        run = run_vqa if args.task == "vqa" else run_caption
        print(json.dumps(run(args, architecture, path)))


if __name__ == "__main__":
    main()
