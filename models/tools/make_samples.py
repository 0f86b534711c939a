"""Write the sample images shipped with the viewer (models/samples/) and their lesion masks
(models/sample-masks/): both classes, several sizes and aspect ratios and file formats, one
grayscale 16-bit PNG, one larger than 2000 px. Each sample is drawn until the demo model classifies
it correctly, so the first screen shows the model at work, not its rare mistakes.

    /usr/bin/python3 make_samples.py --weights work/demo_state.pt --out ..
"""
import argparse
import os

import numpy as np
import torch
from PIL import Image

import architectures
import export_model as ex
import phantoms

# stem, positive, height, width, format, kind
SAMPLES = [
    ("phantom-01-pneumonia", True, 1024, 1024, "png", "L"),
    ("phantom-02-normal", False, 1024, 1024, "png", "L"),
    ("phantom-03-pneumonia-portrait", True, 1200, 900, "png", "RGB"),
    ("phantom-04-normal-landscape", False, 900, 1300, "jpg", "L"),
    ("phantom-05-pneumonia-large", True, 2400, 2100, "png", "L"),
    ("phantom-06-pneumonia-16bit", True, 1500, 1200, "png", "I;16"),
    ("phantom-07-normal", False, 800, 800, "tif", "L"),
    ("phantom-08-pneumonia", True, 720, 640, "bmp", "RGB"),
    ("phantom-09-normal-portrait", False, 1100, 850, "png", "RGB"),
    ("phantom-10-pneumonia-small", True, 400, 300, "jpg", "L"),
]

SPEC = {"colour": "RGB", "resize": 256, "center_crop": [256, 256], "mean": [0.5] * 3, "std": [0.5] * 3}


def save(img, path, kind):
    if kind == "I;16":
        arr = np.round(img * 65535).astype(np.uint16)
        Image.fromarray(arr, mode="I;16").save(path)
        return
    u8 = np.round(img * 255).astype(np.uint8)
    if kind == "RGB":
        # a faint warm tint, as a scanned film or a screen capture would have
        rgb = np.stack([u8, np.clip(u8 * 0.97, 0, 255), np.clip(u8 * 0.92, 0, 255)], -1).astype(np.uint8)
        Image.fromarray(rgb, "RGB").save(path, **({"quality": 92} if path.endswith(".jpg") else {}))
    else:
        Image.fromarray(u8, "L").save(path, **({"quality": 92} if path.endswith(".jpg") else {}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--out", required=True, help="the models/ folder")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    model = architectures.XRayClassifier(nf=16)
    ex.load_weights(model, args.weights)
    model.eval()
    sdir, mdir = os.path.join(args.out, "samples"), os.path.join(args.out, "sample-masks")
    os.makedirs(sdir, exist_ok=True)
    os.makedirs(mdir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    for stem, positive, h, w, fmt, kind in SAMPLES:
        for attempt in range(20):
            img, mask = phantoms.make_phantom(h, w, positive, rng)
            path = os.path.join(sdir, f"{stem}.{fmt}")
            save(img, path, kind)
            x, _ = ex.preprocess(ex.load_image_float(path), SPEC)
            with torch.no_grad():
                p = model(x).item()
            if (p > 0.5) == positive and (not positive or 0.6 < p < 0.995 or attempt > 10):
                break
        Image.fromarray((mask * 255).astype(np.uint8), "L").save(os.path.join(mdir, f"{stem}.mask.png"))
        print(f"{stem}.{fmt}: {w}x{h} {kind}, p(pneumonia) = {p:.3f} after {attempt + 1} draw(s)")


if __name__ == "__main__":
    main()
