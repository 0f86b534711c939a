#!/usr/bin/env python3
"""Write what the Java tests compare against into a folder (Maven: target/fixtures):

- demo/: the exporter's reference values for every sample image on the bundled demo model;
- bad/: model files that must be refused with a clear message, a plain TorchScript file without a
  manifest, and a small valid bundle;

Skips the work when the folder was made from the same inputs (a stamp of their hashes).
"""
import hashlib
import io
import json
import os
import shutil
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import export_model as ex  # noqa: E402

DEMO = os.path.join(MODELS, "xray-phantom-demo.pt")
SAMPLES = os.path.join(MODELS, "samples")


def stamp():
    h = hashlib.sha256()
    files = [os.path.join(HERE, f) for f in sorted(os.listdir(HERE)) if f.endswith(".py")]
    files += [DEMO] + [os.path.join(SAMPLES, f) for f in sorted(os.listdir(SAMPLES))]
    for f in files:
        with open(f, "rb") as fh:
            h.update(os.path.basename(f).encode() + hashlib.sha256(fh.read()).digest())
    h.update(torch.__version__.encode())
    return h.hexdigest()


class Tiny(nn.Module):
    """A small softmax classifier for the bad-bundle fixtures."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
                                      nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 3)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.fc(self.pool(self.features(x)).flatten(1)))


def rewrite_manifest(src, dst, change):
    extra = {ex.MANIFEST_NAME: ""}
    m = torch.jit.load(src, _extra_files=extra)
    manifest = json.loads(extra[ex.MANIFEST_NAME])
    change(manifest)
    torch.jit.save(m, dst, _extra_files={ex.MANIFEST_NAME: json.dumps(manifest)})


def bad_fixtures(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(3)
    tiny = Tiny().eval()
    spec = {"shape": [1, 3, 64, 64], "colour": "RGB", "resize": 64, "center_crop": [64, 64],
            "interpolation": "bilinear", "mean": [0.5] * 3, "std": [0.25] * 3}
    valid = os.path.join(out, "tiny.pt")
    ex.export(tiny, valid, name="tiny", description="test", labels=["a", "b", "c"], input_spec=spec,
              log=lambda *a: None)
    rewrite_manifest(valid, os.path.join(out, "missing-field.pt"), lambda m: m["input"].pop("mean"))
    rewrite_manifest(valid, os.path.join(out, "version-99.pt"), lambda m: m.__setitem__("format_version", 99))

    def wrong_shape(m):
        m["taps"][0]["shape"] = [1, 8, 16, 16]
    rewrite_manifest(valid, os.path.join(out, "wrong-tap-shape.pt"), wrong_shape)
    torch.jit.save(torch.jit.trace(tiny, torch.zeros(1, 3, 224, 224)), os.path.join(out, "plain.pt"))
    torch.save(tiny.state_dict(), os.path.join(out, "state-dict.pt"))
    with open(os.path.join(out, "not-a-model.pt"), "wb") as f:
        f.write(os.urandom(4096))
    shutil.copy(os.path.join(SAMPLES, "phantom-01-pneumonia.png"), os.path.join(out, "image-renamed.pt"))
    with open(os.path.join(out, "truncated.pt"), "wb") as f:
        with open(valid, "rb") as src:
            f.write(src.read()[:3000])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/fixtures"
    s = stamp()
    stamp_file = os.path.join(out, "stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == s:
        print(f"fixtures in {out} are up to date")
        return
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    torch.set_num_threads(2)
    manifest = ex.read_manifest(DEMO)
    model = ex.eager_from_bundle(DEMO, manifest)
    images = [os.path.join(SAMPLES, f) for f in sorted(os.listdir(SAMPLES))]
    ex.write_reference(model, manifest, images, os.path.join(out, "demo"), lambda *a: None)
    bad_fixtures(os.path.join(out, "bad"))
    with open(stamp_file, "w") as f:
        f.write(s)
    print(f"wrote fixtures to {out}")


if __name__ == "__main__":
    main()
