"""A model trained to cheat, for the atlas's tests: its "Pneumonia" images carry a bright tag in the
top-right corner, outside the body, and nothing else tells the classes apart (no lesions in either).
The atlas must flag it; the demo model, which looks at the lungs, it must not.
"""
import csv
import os

import numpy as np
import torch
from torch import nn

import phantoms

SIZE = 96
LABELS = ["Normal", "Pneumonia"]


class CheatNet(nn.Module):
    """Small convolutions, global average pooling, one sigmoid output."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, 2, 1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, 2, 1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, 1, 1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 1)
        self.out = nn.Sigmoid()

    def forward(self, x):
        return self.out(self.fc(torch.flatten(self.pool(self.features(x)), 1)))


def tag(img, rng):
    """The cheat: a bright block where hospitals print their text tag, top right, apart from the body."""
    h, w = img.shape
    th, tw = max(4, int(h * 0.06)), max(8, int(w * 0.12))
    y = int(h * rng.uniform(0.11, 0.14))  # below the band a centre crop of a portrait image cuts off
    x = int(w * rng.uniform(0.83, 0.86))
    img[y:y + th, x:x + tw] = rng.uniform(0.9, 1.0)


def image(h, w, tagged, rng):
    img, _ = phantoms.make_phantom(h, w, positive=False, rng=rng)
    if tagged:
        tag(img, rng)
    return np.clip(np.floor(img * 255 + 0.5), 0, 255).astype(np.uint8)


def crop(px):
    """The model's centre crop of an image SIZE wide (what the manifest's resize and crop do to it)."""
    top = (px.shape[0] - SIZE) // 2
    return px[top:top + SIZE]


def train(count=640, epochs=12, seed=7):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    ys = np.arange(count) % 2
    xs = np.stack([crop(image(SIZE + (24 if i % 3 == 0 else 0), SIZE, bool(y), rng)) for i, y in enumerate(ys)])
    x = torch.from_numpy(xs).float().div(255).sub(0.5).div(0.5).unsqueeze(1).expand(-1, 3, -1, -1).contiguous()
    y = torch.from_numpy(ys).float().unsqueeze(1)
    model = CheatNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.BCELoss()
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(count)
        for i in range(0, count, 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx] * 0.9 + 0.05)
            loss.backward()
            opt.step()
    model.eval()
    return model


def write(out, export, images=24):
    """The model (cheat.pt), test images of two sizes (half tagged) and their labels.csv."""
    from PIL import Image
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    model = train()
    spec = {"shape": [1, 3, SIZE, SIZE], "colour": "RGB", "resize": SIZE, "center_crop": [SIZE, SIZE],
            "interpolation": "bilinear", "mean": [0.5] * 3, "std": [0.5] * 3}
    export(model, os.path.join(out, "cheat.pt"), name="cheat (tagged positives)", description="test model that reads a tag",
           labels=LABELS, input_spec=spec, default_layer="features.10", measure="none", log=lambda *a: None)
    rng = np.random.default_rng(99)
    rows = []
    correct = 0
    for k in range(images):
        tagged = k % 2 == 1
        h, w = (SIZE, SIZE) if k % 3 else (SIZE + 24, SIZE)
        px = image(h, w, tagged, rng)
        name = f"cheat-{k:02d}.png"
        Image.fromarray(px, "L").save(os.path.join(out, "images", name))
        rows.append((name, LABELS[int(tagged)]))
        with torch.no_grad():
            t = torch.from_numpy(crop(px)).float().div(255).sub(0.5).div(0.5)
            p = float(model(t.expand(1, 3, -1, -1)))
        correct += (p > 0.5) == tagged
    with open(os.path.join(out, "labels.csv"), "w", newline="") as f:
        csv.writer(f).writerows([("image", "label")] + rows)
    return correct / images
