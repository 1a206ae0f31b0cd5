#!/usr/bin/env python3
"""Where the answer-prior plateau lives: Tandem's FiLM VQA model (GRU question,
FiLM blocks, max pool, answer MLP) trained on Sort-of-CLEVR with the image
encoder replaced by the scenes' true objects, read from the project's regions
("red circle" boxes that `tandem-cli demo` stores): each object a region of
colour one-hot, shape one-hot and its centre. If this learns a question type
in an epoch or two where the full model sits on the plateau, the plateau is
the image encoder's; if it does not, the fusion's or the question's.
(Santoro et al. 2017 train on such "state descriptions" too.)

Needs Debian's python3-torch (/usr/bin/python3). Prints per epoch the
validation accuracy per question type.

With --grid N the objects are laid on an N x N grid of regions as a CNN's
last stage lays them: each cell holds the sum of the features of the objects
whose centre falls in it (with --overlap: whose box touches it) and the cell's
own centre, empty cells only their centre. If that still learns in an epoch
or two, what the CNN lacks is the features, not the grid.

With --distractors N every region also carries N features drawn once from a
normal distribution (fixed for the run, like features that describe the
scene but answer nothing): whether features the answers do not need slow the
fusion down. With --mix those features and the true ones (not the centre)
are rotated by one random orthogonal matrix, as a CNN's channels mix what they
see; --ica unmixes them again by FastICA before training. --gate scales each
feature by the question (or by a learnt constant) before the fusion's first
layer; --select lets the question pick a region by a bilinear score; --code K
maps each region to a softmax over K channels; --pool replaces the max over
the regions. (docs/performance.md, "Mixed features".)

Usage: /usr/bin/python3 bench/plateau_oracle.py PROJECT [--batch 8] [--epochs 4]
       [--seed 1] [--attention] [--grid N [--overlap]] [--distractors N [--fresh]]
       [--mix] [--gate none|question|static] [--code K] [--select] [--ica] [--pool max|mean|flatten]
       [--dropout P] [--sgd LR] [--input-decay WD] [--input-scale S]"""
import argparse
import collections
import re
import sqlite3
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

COLOURS = ["red", "green", "blue", "orange", "yellow", "gray"]
SHAPES = ["circle", "square"]
HIDDEN = 256


def question_type(text):
    t = text.lower()
    for word, kind in (("left", "left"), ("upper", "top"), (" top", "top"), ("many", "count"), ("nearest", "closest"),
                       ("closest", "closest"), ("farthest", "furthest"), ("furthest", "furthest")):
        if word in t:
            return kind
    return "shape"


def load_questions(db):
    """Each image's questions as (word ids, answer id, question type); the vocabulary's and answers' sizes."""
    vocab, answers = {"<pad>": 0}, {}
    questions = collections.defaultdict(list)
    for image_id, text, answer in db.execute("SELECT image_id, text, multiple_choice_answer FROM questions ORDER BY id"):
        ids = [vocab.setdefault(w, len(vocab)) for w in re.findall(r"[a-z0-9]+", text.lower())]
        questions[image_id].append((ids, answers.setdefault(answer, len(answers)), question_type(text)))
    return questions, len(vocab), len(answers)


def padded(texts):
    """Word ids [N, longest] with 0 after each text's end, and the lengths [N]."""
    lengths = torch.tensor([len(t) for t in texts])
    ids = torch.zeros(len(texts), int(lengths.max()), dtype=torch.long)
    for n, t in enumerate(texts):
        ids[n, :len(t)] = torch.tensor(t)
    return ids, lengths


def step(model, optimizer, loss):
    """One AdamW step with the gradient clipped to norm 1, as Tandem's trainer."""
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()


def accuracy_by_type(model, batches_of_val):
    """"closest 66.5, count 99.5, ...": the share of right answers per question type;
    each batch is (model inputs..., targets, kinds)."""
    model.eval()
    right, total = collections.Counter(), collections.Counter()
    with torch.no_grad():
        for *inputs, targets, kinds in batches_of_val:
            logits = model(*inputs)
            logits = logits[0] if isinstance(logits, tuple) else logits
            for kind, hit in zip(kinds, (logits.argmax(1) == targets).tolist()):
                right[kind] += hit
                total[kind] += 1
    return ", ".join(f"{k} {100 * right[k] / total[k]:.1f}" for k in sorted(total))


def cells(grid, lo, hi):
    """The grid cells, along one axis in [-1, 1], that [lo, hi] touches."""
    return range(max(0, int((lo + 1) / 2 * grid)), min(grid - 1, int((hi + 1) / 2 * grid)) + 1)


def gridded(found, grid, overlap):
    """Objects (features, box in [-1, 1]) -> grid x grid regions: summed features and the cell's centre."""
    width = len(COLOURS) + len(SHAPES) + 2
    regions = [[0.0] * width + [(c + 0.5) * 2 / grid - 1, (r + 0.5) * 2 / grid - 1] for r in range(grid) for c in range(grid)]
    for f, (x0, y0, x1, y1) in found:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        rows = cells(grid, y0, y1) if overlap else cells(grid, cy, cy)
        columns = cells(grid, x0, x1) if overlap else cells(grid, cx, cx)
        for r in rows:
            for c in columns:
                regions[r * grid + c][:width] = [a + b for a, b in zip(regions[r * grid + c][:width], f)]
    return regions


def load(path, grid=0, overlap=False):
    db = sqlite3.connect(path)
    side = {}
    found = collections.defaultdict(list)
    for image_id, width in db.execute("SELECT id, width FROM images"):
        side[image_id] = float(width or 75)
    for image_id, x, y, w, h, label in db.execute("SELECT image_id, x, y, width, height, label FROM regions"):
        colour, shape = label.split()
        f = [0.0] * (len(COLOURS) + len(SHAPES))
        f[COLOURS.index(colour)] = 1
        f[len(COLOURS) + SHAPES.index(shape)] = 1
        half = side[image_id] / 2
        box = (x / half - 1, y / half - 1, (x + w) / half - 1, (y + h) / half - 1)
        found[image_id].append((f + [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2], box))
    objects = {i: gridded(f, grid, overlap) if grid else [o for o, _ in f] for i, f in found.items()}
    objects = collections.defaultdict(list, objects)
    questions, vocab, answers = load_questions(db)
    splits = collections.defaultdict(list)
    for image_id, split in db.execute("SELECT id, split FROM images ORDER BY id"):
        if objects[image_id]:
            splits[split].append(image_id)
    return objects, questions, splits, vocab, answers


class OracleFilm(nn.Module):
    def __init__(self, vocab, answers, attention, width, pool="max", regions=16, gate="none", code=0, select=False):
        super().__init__()
        # select: the question scores each region's own features (a bilinear form, blind to how
        # they are mixed), a softmax over the regions picks, and the picked features join the output
        self.select = nn.Linear(128, width) if select else None
        picked = width if select else 0  # the picked region's features, before any code
        self.code = nn.Linear(width - 2, code) if code else None  # a competitive code: softmax over K channels
        width = code + 2 if code else width
        self.pool = pool
        self.gate = gate
        if gate == "question":  # a per-feature scale of the regions from the question
            self.gate_layer = nn.Linear(128, width)
        elif gate == "static":  # a per-feature scale, learnt, the same for every question
            self.gate_scale = nn.Parameter(torch.ones(width))
        if pool == "flatten":
            self.flatten = nn.Linear(regions * HIDDEN, HIDDEN)
        h = HIDDEN
        self.embedding = nn.Embedding(vocab, 64, padding_idx=0)
        self.gru = nn.GRU(64, 128, batch_first=True)
        self.input = nn.Linear(width, h)
        self.generator = nn.Linear(128, 2 * h * 2)
        self.first = nn.ModuleList(nn.Linear(h, h) for _ in range(2))
        self.second = nn.ModuleList(nn.Linear(h, h) for _ in range(2))
        self.attention = attention
        if attention:  # as film_attention=true
            self.attend = nn.ModuleList(nn.Linear(h, 1) for _ in range(2))
            self.context = nn.Linear(h, h, bias=False)
        self.output = nn.Linear((2 * h if attention else h) + picked, h)
        self.head = nn.Sequential(nn.Linear(h, 256), nn.ReLU(), nn.Linear(256, answers))

    def forward(self, regions, ids, lengths):
        _, state = self.gru(nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True,
                                                              enforce_sorted=False))
        film = self.generator(state[-1]).view(-1, 2, 2, HIDDEN)
        picked = None
        if self.select is not None:
            weights = torch.softmax(torch.bmm(regions, self.select(state[-1]).unsqueeze(-1)).squeeze(-1), 1)
            picked = torch.bmm(weights.unsqueeze(1), regions).squeeze(1)
        if self.code is not None:
            regions = torch.cat([torch.softmax(self.code(regions[..., :-2]), -1), regions[..., -2:]], -1)
        if self.gate == "question":
            regions = regions * (1 + self.gate_layer(state[-1])).unsqueeze(1)
        elif self.gate == "static":
            regions = regions * self.gate_scale
        x = F.relu(self.input(regions))
        attended = None
        for i in range(2):
            z = self.first[i](x)
            if attended is not None:
                z = z + self.context(attended).unsqueeze(1)
            y = F.layer_norm(self.second[i](F.relu(z)), (HIDDEN,))
            x = x + F.relu((1 + film[:, i, 0].unsqueeze(1)) * y + film[:, i, 1].unsqueeze(1))
            if self.attention:
                weights = torch.softmax(self.attend[i](x).squeeze(-1), 1)
                attended = torch.bmm(weights.unsqueeze(1), x).squeeze(1)
        if self.pool == "mean":
            pooled = x.mean(1)
        elif self.pool == "flatten":
            pooled = F.relu(self.flatten(x.flatten(1)))
        else:
            pooled = x.max(1).values
        pooled = torch.cat([pooled, attended], 1) if self.attention else pooled
        return self.head(F.relu(self.output(pooled if picked is None else torch.cat([pooled, picked], 1))))


def fast_ica(rows, iterations=200):
    """The unmixing [d, d] of rows [N, d] by symmetric FastICA (log-cosh contrast) after whitening:
    centred rows times it give components as independent as it finds, one a column."""
    centred = rows - rows.mean(0)
    values, vectors = torch.linalg.eigh(centred.T @ centred / len(rows))
    whiten = vectors / values.clamp_min(1e-9).sqrt()
    z = centred @ whiten
    w = torch.linalg.qr(torch.randn(z.size(1), z.size(1)))[0]
    for _ in range(iterations):
        g = torch.tanh(z @ w)
        w = z.T @ g / len(z) - w * (1 - g * g).mean(0)
        u, _, v = torch.linalg.svd(w)
        w = u @ v  # symmetric decorrelation: the nearest orthogonal matrix
    return whiten @ w


def batches(image_ids, size, objects, questions):
    for start in range(0, len(image_ids), size):
        regions, texts, targets, kinds = [], [], [], []
        for image_id in image_ids[start:start + size]:
            for ids, answer, kind in questions[image_id]:
                regions.append(objects[image_id])
                texts.append(ids)
                targets.append(answer)
                kinds.append(kind)
        ids, lengths = padded(texts)
        yield torch.tensor(regions), ids, lengths, torch.tensor(targets), kinds


def make_optimizer(model, args):
    """AdamW 0.001 as Tandem's trainer (the input layer's initial weights scaled and
    its decay set by --input-scale and --input-decay), or SGD with --sgd."""
    with torch.no_grad():
        model.input.weight.mul_(args.input_scale)
    if args.sgd > 0:
        return torch.optim.SGD(model.parameters(), args.sgd, momentum=0.9)
    others = [p for n, p in model.named_parameters() if n != "input.weight"]
    return torch.optim.AdamW([{"params": others}, {"params": [model.input.weight], "weight_decay": args.input_decay}],
                             1e-3, weight_decay=0.01)


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--batch", type=int, default=8, help="images a step, each with all its questions")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--attention", action="store_true", help="FiLM blocks pool by attention (film_attention)")
    parser.add_argument("--pool", default="max", choices=["max", "mean", "flatten"], help="how the regions meet")
    parser.add_argument("--gate", default="none", choices=["none", "question", "static"],
                        help="scale each region feature before the input layer: by the question, or learnt")
    parser.add_argument("--code", type=int, default=0,
                        help="map each region to a softmax over K channels first (a competitive, axis-aligned code)")
    parser.add_argument("--select", action="store_true",
                        help="the question picks a region by a softmax over a bilinear score; its features join the output")
    parser.add_argument("--grid", type=int, default=0, help="lay the objects on an N x N grid of regions")
    parser.add_argument("--overlap", action="store_true", help="with --grid: an object in every cell its box touches")
    parser.add_argument("--distractors", type=int, default=0, help="random features appended to every region")
    parser.add_argument("--fresh", action="store_true", help="draw the distractors anew every epoch (nothing to memorise)")
    parser.add_argument("--mix", action="store_true",
                        help="rotate the regions' features and distractors (not the centre) by a random orthogonal matrix")
    parser.add_argument("--ica", action="store_true", help="unmix the regions' features by FastICA before training")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout on the regions' features while training")
    parser.add_argument("--sgd", type=float, default=0.0, help="SGD with momentum 0.9 at this learning rate, not AdamW")
    parser.add_argument("--input-decay", type=float, default=0.01, help="AdamW's weight decay on the regions' input layer")
    parser.add_argument("--input-scale", type=float, default=1.0, help="the input layer's initial weights times this")
    return parser.parse_args()


class RegionFeatures:
    """Each image's regions as the model reads them: the true features, then --distractors
    normal features, then the centre (last, as Tandem appends coordinates); with --mix all
    but the centre rotated by one orthogonal matrix, with --ica unmixed again by FastICA
    (fitted on the first draw: the mixing stays the same)."""

    def __init__(self, true_objects, args):
        self.true_objects, self.args = true_objects, args
        width = len(next(iter(true_objects.values()))[0]) + args.distractors - 2
        self.mixing = torch.linalg.qr(torch.randn(width, width))[0] if args.mix else None
        self.unmixing = None

    def draw(self):
        drawn = {}
        for image_id, regions in self.true_objects.items():
            rows = torch.tensor([r[:-2] + torch.randn(self.args.distractors).tolist() + r[-2:] for r in regions])
            if self.mixing is not None:
                rows = torch.cat([rows[:, :-2] @ self.mixing, rows[:, -2:]], 1)
            drawn[image_id] = rows
        if self.args.ica:
            if self.unmixing is None:
                sample = torch.cat([drawn[i] for i in list(drawn)[:4000]])[:, :-2]
                self.unmixing = (sample.mean(0), fast_ica(sample))
            mean, unmixing = self.unmixing
            drawn = {i: torch.cat([(rows[:, :-2] - mean) @ unmixing, rows[:, -2:]], 1) for i, rows in drawn.items()}
        return {i: rows.tolist() for i, rows in drawn.items()}


def main():
    args = parse_arguments()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    objects, questions, splits, vocab, answers = load(args.project, args.grid, args.overlap)
    if not splits["train"] or not splits["val"]:
        raise SystemExit("the project needs train and val images with object regions (tandem-cli demo makes them)")
    features = RegionFeatures(dict(objects), args)
    objects.update(features.draw())
    first = next(iter(objects.values()))
    model = OracleFilm(vocab, answers, args.attention, len(first[0]), args.pool, len(first), args.gate, args.code,
                       args.select)
    optimizer = make_optimizer(model, args)
    for epoch in range(1, args.epochs + 1):
        started = time.time()
        if args.fresh and epoch > 1:
            objects.update(features.draw())
        order = [splits["train"][i] for i in torch.randperm(len(splits["train"])).tolist()]
        model.train()
        for regions, ids, lengths, targets, _ in batches(order, args.batch, objects, questions):
            regions = F.dropout(regions, args.dropout) if args.dropout > 0 else regions
            step(model, optimizer, F.cross_entropy(model(regions, ids, lengths), targets))
        accuracy = accuracy_by_type(model, batches(splits["val"], 50, objects, questions))
        print(f"epoch {epoch} ({time.time() - started:.0f} s): {accuracy}", flush=True)


if __name__ == "__main__":
    main()
