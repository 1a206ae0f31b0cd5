#!/usr/bin/env python3
"""Exports a CLIP-style dual encoder as a Tandem external model: model.pt
(TorchScript) + model.json (the manifest) + vocab.txt. Plain attention and
operators LibTorch 1.13 has, so Debian's Tandem loads it.

A real model would load its trained weights first (model.load_state_dict);
this one is initialised at random so the example runs anywhere:

    python3 export_clip_style.py out/
    tandem-cli embed demo.tandem --model out/model.json --split val
    tandem-cli retrieve demo.tandem --model out/model.json --text "a red square"
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCABULARY = ["<pad>", "<unk>", "a", "an", "the", "red", "green", "blue", "square", "circle", "on", "left", "right"]


class Block(nn.Module):
    """A transformer block written out (nn.MultiheadAttention scripts too, but this shows the operators)."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)
        q = q.reshape(b, n, self.heads, d // self.heads).transpose(1, 2)
        k = k.reshape(b, n, self.heads, d // self.heads).transpose(1, 2)
        v = v.reshape(b, n, self.heads, d // self.heads).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-2, -1)) / float(d // self.heads) ** 0.5
        scores = scores.masked_fill(pad[:, None, None, :], -1e9)
        mixed = torch.matmul(scores.softmax(-1), v).transpose(1, 2).reshape(b, n, d)
        x = x + self.out(mixed)
        return x + self.mlp(self.norm2(x))


class DualEncoder(nn.Module):
    def __init__(self, dim: int = 64, patch: int = 16, size: int = 64):
        super().__init__()
        self.patches = nn.Conv2d(3, dim, patch, stride=patch)       # ViT-style patches
        self.position = nn.Parameter(torch.zeros(1, (size // patch) ** 2, dim))
        self.image_blocks = nn.ModuleList([Block(dim, 4) for _ in range(2)])
        self.words = nn.Embedding(len(VOCABULARY), dim)
        self.text_position = nn.Parameter(torch.zeros(1, 32, dim))
        self.text_blocks = nn.ModuleList([Block(dim, 4) for _ in range(2)])
        self.image_projection = nn.Linear(dim, dim)
        self.text_projection = nn.Linear(dim, dim)

    @torch.jit.export
    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        x = self.patches(images).flatten(2).transpose(1, 2) + self.position
        no_pad = torch.zeros(x.shape[0], x.shape[1], dtype=torch.bool, device=x.device)
        for block in self.image_blocks:
            x = block(x, no_pad)
        return F.normalize(self.image_projection(x.mean(1)), dim=-1)

    @torch.jit.export
    def encode_text(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        n = tokens.shape[1]
        pad = torch.arange(n, device=tokens.device)[None, :] >= lengths[:, None]
        x = self.words(tokens) + self.text_position[:, :n]
        for block in self.text_blocks:
            x = block(x, pad)
        keep = (~pad).unsqueeze(-1).float()
        return F.normalize(self.text_projection((x * keep).sum(1) / keep.sum(1)), dim=-1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.encode_image(images)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = DualEncoder().eval()
    torch.jit.script(model).save(os.path.join(out, "model.pt"))
    with open(os.path.join(out, "vocab.txt"), "w") as f:
        f.write("\n".join(VOCABULARY) + "\n")
    manifest = {
        "format": "tandem-torchscript/1",
        "task": "retrieval",
        "model": "model.pt",
        "input": {"size": 64, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "colors": "rgb"},
        "text": {"vocabulary": "vocab.txt", "lowercase": True, "max_length": 32, "pad": "<pad>", "unknown": "<unk>"},
        "outputs": [{"name": "image_embedding", "shape": ["batch", 64]},
                    {"name": "text_embedding", "shape": ["batch", 64]}],
    }
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print("wrote", os.path.join(out, "model.json"))


if __name__ == "__main__":
    main()
