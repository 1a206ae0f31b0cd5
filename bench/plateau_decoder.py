#!/usr/bin/env python3
"""A measurement for docs/performance.md ("Where the plateau lives"): Tandem's
FiLM VQA model in Python (CoordConv cnn, GRU, two FiLM blocks, max pool, answer
MLP; AdamW 0.001, constant) on a Sort-of-CLEVR project's 64-pixel images, with
--weight W > 0 a linear decoder from each region's features to its own 8x8
pixels, W times the mean squared error added to the loss. Prints per epoch the
decoder's error and the validation accuracy per question type.

Needs Debian's python3-torch and python3-pil (/usr/bin/python3).
Usage: /usr/bin/python3 bench/plateau_decoder.py PROJECT [SEED BATCH WEIGHT]  (default 1 8 0)"""
import re, sqlite3, sys, time, collections, os
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from PIL import Image
seed, bs, AUX = (int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])) if len(sys.argv) > 4 else (1, 8, 0.0)
torch.manual_seed(seed); torch.set_num_threads(1)
db = sqlite3.connect(sys.argv[1])
root = db.execute("SELECT path FROM media_roots LIMIT 1").fetchone()[0]
if not os.path.isabs(root): root = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), root)
split = {}; pix = {}
for iid, name, sp in db.execute("select id, name, split from images"):
    if sp not in ("train", "val"): continue
    split[iid] = sp
    im = Image.open(os.path.join(root, name)).convert("RGB").resize((64, 64), Image.BOX)
    pix[iid] = torch.from_numpy(np.asarray(im).copy()).permute(2, 0, 1).float() / 255
tok = lambda t: re.findall(r"[a-z0-9]+", t.lower())
vocab, answers = {"<pad>": 0}, {}
qs = collections.defaultdict(list)
def qtype(t):
    t = t.lower()
    return "left" if "left" in t else "top" if "upper" in t else "count" if "many" in t else "nearest" if "nearest" in t else "farthest" if "farthest" in t else "shape"
for iid, text, ans in db.execute("select image_id, text, multiple_choice_answer from questions order by id"):
    qs[iid].append(([vocab.setdefault(w, len(vocab)) for w in tok(text)], answers.setdefault(ans, len(answers)), qtype(text)))
H = 256
class M(nn.Module):
    def __init__(s):
        super().__init__()
        L, cin = [], 5
        for _ in range(4): L += [nn.Conv2d(cin, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU()]; cin = 32
        s.cnn = nn.Sequential(*L); s.dec = nn.Linear(32, 3 * 8 * 8)
        s.emb = nn.Embedding(len(vocab), 64, padding_idx=0); s.gru = nn.GRU(64, 128, batch_first=True)
        s.inp = nn.Linear(34, H); s.gen = nn.Linear(128, 2 * H * 2)
        s.first = nn.ModuleList(nn.Linear(H, H) for _ in range(2)); s.second = nn.ModuleList(nn.Linear(H, H) for _ in range(2))
        s.out = nn.Linear(H, H); s.head = nn.Sequential(nn.Linear(H, 256), nn.ReLU(), nn.Linear(256, len(answers)))
    def forward(s, images, idx, ids, lengths):
        b = images.shape[0]
        ys = torch.linspace(-1, 1, 64).view(1, 1, 64, 1).expand(b, 1, 64, 64); xs = torch.linspace(-1, 1, 64).view(1, 1, 1, 64).expand(b, 1, 64, 64)
        m = s.cnn(torch.cat([images, xs, ys], 1)); r = m.flatten(2).transpose(1, 2)  # [b,16,32]
        aux = 0.0
        if AUX > 0:
            target = images.unfold(2, 16, 16).unfold(3, 16, 16)  # [b,3,4,4,16,16]
            target = F.avg_pool2d(target.reshape(-1, 1, 16, 16), 2).view(b, 3, 4, 4, 64).permute(0, 2, 3, 1, 4).reshape(b, 16, 192)
            aux = F.mse_loss(s.dec(r), target)
        g = ((torch.arange(4) + 0.5) / 2 - 1)
        xy = torch.stack([g.view(1, 4).expand(4, 4), g.view(4, 1).expand(4, 4)], -1).reshape(1, 16, 2).expand(b, 16, 2)
        regions = torch.cat([r, xy], -1)[idx]
        _, h = s.gru(nn.utils.rnn.pack_padded_sequence(s.emb(ids), lengths, batch_first=True, enforce_sorted=False))
        film = s.gen(h[-1]).view(-1, 2, 2, H)
        x = F.relu(s.inp(regions))
        for i in range(2):
            y = F.layer_norm(s.second[i](F.relu(s.first[i](x))), (H,))
            x = x + F.relu((1 + film[:, i, 0].unsqueeze(1)) * y + film[:, i, 1].unsqueeze(1))
        return s.head(F.relu(s.out(x.max(1).values))), aux
def batches(ids_, bs):
    for k in range(0, len(ids_) - bs + 1, bs):
        I, L, T, Q, X = [], [], [], [], []
        rows = ids_[k:k + bs]
        for n, iid in enumerate(rows):
            for q, a, t in qs[iid]: I.append(q); L.append(len(q)); T.append(a); Q.append(t); X.append(n)
        ids = torch.zeros(len(I), max(L), dtype=torch.long)
        for n, q in enumerate(I): ids[n, :len(q)] = torch.tensor(q)
        yield torch.stack([pix[i] for i in rows]), torch.tensor(X), ids, torch.tensor(L), torch.tensor(T), Q
train = [i for i, s in split.items() if s == "train"]; val = [i for i, s in split.items() if s == "val"]
m = M(); opt = torch.optim.AdamW(m.parameters(), 1e-3, weight_decay=0.01)
for epoch in range(1, 9):
    perm = torch.randperm(len(train)).tolist(); t0 = time.time(); m.train(); auxsum = 0; n = 0
    for im, X, ids, L, T, _ in batches([train[p] for p in perm], bs):
        logits, aux = m(im, X, ids, L)
        loss = F.cross_entropy(logits, T) + AUX * aux
        opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
        auxsum += float(aux); n += 1
    m.eval(); right = collections.Counter(); total = collections.Counter()
    with torch.no_grad():
        for im, X, ids, L, T, Q in batches(val, 50):
            p = m(im, X, ids, L)[0].argmax(1)
            for q, ok in zip(Q, (p == T).tolist()): right[q] += ok; total[q] += 1
    print(epoch, f"{time.time()-t0:.0f}s aux {auxsum/max(n,1):.4f}", " ".join(f"{q} {100*right[q]/total[q]:.1f}" for q in sorted(total)), flush=True)
