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
fusion down.

Usage: /usr/bin/python3 bench/plateau_oracle.py PROJECT [--batch 8] [--epochs 4]
       [--seed 1] [--attention] [--grid N [--overlap]] [--distractors N [--fresh]]
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
    def __init__(self, vocab, answers, attention, width):
        super().__init__()
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
        self.output = nn.Linear(2 * h if attention else h, h)
        self.head = nn.Sequential(nn.Linear(h, 256), nn.ReLU(), nn.Linear(256, answers))

    def forward(self, regions, ids, lengths):
        _, state = self.gru(nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True,
                                                              enforce_sorted=False))
        film = self.generator(state[-1]).view(-1, 2, 2, HIDDEN)
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
        pooled = x.max(1).values
        return self.head(F.relu(self.output(torch.cat([pooled, attended], 1) if self.attention else pooled)))


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--batch", type=int, default=8, help="images a step, each with all its questions")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--attention", action="store_true", help="FiLM blocks pool by attention (film_attention)")
    parser.add_argument("--grid", type=int, default=0, help="lay the objects on an N x N grid of regions")
    parser.add_argument("--overlap", action="store_true", help="with --grid: an object in every cell its box touches")
    parser.add_argument("--distractors", type=int, default=0, help="random features appended to every region")
    parser.add_argument("--fresh", action="store_true", help="draw the distractors anew every epoch (nothing to memorise)")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout on the regions' features while training")
    parser.add_argument("--sgd", type=float, default=0.0, help="SGD with momentum 0.9 at this learning rate, not AdamW")
    parser.add_argument("--input-decay", type=float, default=0.01, help="AdamW's weight decay on the regions' input layer")
    parser.add_argument("--input-scale", type=float, default=1.0, help="the input layer's initial weights times this")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    objects, questions, splits, vocab, answers = load(args.project, args.grid, args.overlap)
    true_objects = dict(objects)

    def draw_distractors():
        for image_id, regions in true_objects.items():
            objects[image_id] = [r + torch.randn(args.distractors).tolist() for r in regions]

    draw_distractors()
    if not splits["train"] or not splits["val"]:
        raise SystemExit("the project needs train and val images with object regions (tandem-cli demo makes them)")
    model = OracleFilm(vocab, answers, args.attention, len(next(iter(objects.values()))[0]))
    optimizer = make_optimizer(model, args)
    for epoch in range(1, args.epochs + 1):
        started = time.time()
        if args.fresh and epoch > 1:
            draw_distractors()
        order = [splits["train"][i] for i in torch.randperm(len(splits["train"])).tolist()]
        model.train()
        for regions, ids, lengths, targets, _ in batches(order, args.batch, objects, questions):
            regions = F.dropout(regions, args.dropout) if args.dropout > 0 else regions
            step(model, optimizer, F.cross_entropy(model(regions, ids, lengths), targets))
        accuracy = accuracy_by_type(model, batches(splits["val"], 50, objects, questions))
        print(f"epoch {epoch} ({time.time() - started:.0f} s): {accuracy}", flush=True)


if __name__ == "__main__":
    main()
