#!/usr/bin/env python3
"""Rename the weights of an XRayClassifier exported before exporter 1.1 to the article's names.

Before 1.1 the built-in XRayClassifier called its blocks `base_model.0-4` and its head
`base_model.5`; the article (and now this project) calls them `resnet_blocks.0-4` and
`classifier.0`. The tensors are the same, one to one. Reads a bundle (or a state_dict) with the old
names and writes a state_dict with the new ones, ready for `export_model.py --arch XRayClassifier`.

    rename_legacy_xray.py old-bundle.pt state.pt
"""
import re
import sys

import torch


def rename(key):
    key = key[len("model."):] if key.startswith("model.") else key
    m = re.match(r"base_model\.(\d+)\.(.*)", key)
    if m and int(m.group(1)) < 5:
        return f"resnet_blocks.{m.group(1)}.{m.group(2)}"
    if key == "base_model.5.weight":
        return "classifier.0.weight"
    raise ValueError(f"not a legacy XRayClassifier weight: {key}")


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst = argv
    try:
        state = torch.jit.load(src, map_location="cpu").state_dict()
    except RuntimeError:
        state = torch.load(src, map_location="cpu")
    renamed = {rename(k): v.clone() for k, v in state.items()}
    torch.save(renamed, dst)
    print(f"wrote {dst}: {len(renamed)} tensors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
