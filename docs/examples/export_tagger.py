#!/usr/bin/env python3
"""A multi-label image tagger as TorchScript with its Tandem manifest.

A stand-in for a real tagger trained elsewhere: a fixed colour statistic per tag
(no weights to download), written with torch.jit.script so that Tandem's LibTorch
loads it. Tandem runs it with `tandem-cli tag PROJECT --model tagger.json` or from
the Models dock (Add..., Run); the tags it suggests are accepted like captions.

    /usr/bin/python3 docs/examples/export_tagger.py OUT_DIR

Writes OUT_DIR/tagger.pt, tags.txt and tagger.json. The test data in
tests/data/tagger was made with this script (Debian's python3-torch 1.13)."""
import json
import os
import sys

import torch

TAGS = ["shapes", "bright", "dark", "colourful"]


class Tagger(torch.nn.Module):
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        # images: [B, 3, 64, 64], normalised with mean 0.5 and std 0.5 (so in [-1, 1])
        brightness = images.mean(dim=[1, 2, 3])
        saturation = (images.max(dim=1).values - images.min(dim=1).values).mean(dim=[1, 2])
        shapes = torch.full_like(brightness, 4.0)  # every Sort-of-CLEVR scene has shapes
        return torch.stack([shapes, 8.0 * brightness, -8.0 * brightness, 10.0 * saturation - 1.0], dim=1)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    torch.jit.script(Tagger()).save(os.path.join(out, "tagger.pt"))
    with open(os.path.join(out, "tags.txt"), "w") as f:
        f.write("\n".join(TAGS) + "\n")
    manifest = {
        "format": "tandem-torchscript/1",
        "task": "tagging",
        "model": "tagger.pt",
        "input": {"size": 64, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "colors": "rgb"},
        "tags": "tags.txt",
        "scores": "logits",
        "outputs": [{"name": "scores", "shape": ["batch", "tags"]}],
    }
    with open(os.path.join(out, "tagger.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
