#!/usr/bin/env python3
"""The same batch as `gradcam-viewer explain`, done the way a pytorch-grad-cam user's script does it,
for scripts/bench-batch.sh to compare images per second: PIL decodes, the article's preprocessing,
a forward hook and a full backward hook on the default layer, Grad-CAM (channel-mean gradients),
cv2's bicubic upscale onto the original image, cv2's jet colormap, a 0.4 blend, a PNG per image.

usage: bench_batch_python.py MODEL_BUNDLE IMAGE_FOLDER OUT_FOLDER   (prints: images, seconds, images/s)
"""
import os
import sys
import time

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_model as ex  # noqa: E402


def main(model_path, in_dir, out_dir):
    start = time.perf_counter()
    torch.set_num_threads(2)
    manifest = ex.read_manifest(model_path)
    model = ex.eager_from_bundle(model_path, manifest)
    for m in model.modules():
        if hasattr(m, "inplace"):
            m.inplace = False
    spec, activation = manifest["input"], manifest["output"]["activation"]
    logits_module = manifest["output"].get("logits_module")
    store = {}
    layer = model.get_submodule(manifest["default_layer"])
    layer.register_forward_hook(lambda mod, i, o: store.__setitem__("a", o.detach()))
    layer.register_full_backward_hook(lambda mod, gi, go: store.__setitem__("g", go[0].detach()))
    if logits_module:
        model.get_submodule(logits_module).register_forward_hook(lambda mod, i, o: store.__setitem__("z", i[0]))
    os.makedirs(out_dir, exist_ok=True)
    files = sorted(f for f in os.listdir(in_dir) if f.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")))
    for name in files:
        path = os.path.join(in_dir, name)
        arr = ex.load_image_float(path)
        x, _ = ex.preprocess(arr, spec)
        y = model(x.requires_grad_(True))
        probs = ex.probabilities(y.detach()[0], activation)
        target = int(torch.argmax(probs))
        score = ex.target_score(y[0], store.get("z"), activation, target, "logit")
        model.zero_grad()
        score.backward()
        a, g = store["a"], store["g"]
        cam = torch.relu((g.mean(dim=(2, 3), keepdim=True) * a).mean(1))[0].numpy()
        cam = cam / cam.max() if cam.max() > 0 else cam
        h, w = arr.shape[:2]
        cam = cv2.resize(cam, (w, h), interpolation=cv2.INTER_CUBIC)
        heat = cv2.applyColorMap(np.uint8(255 * np.clip(cam, 0, 1)), cv2.COLORMAP_JET)
        base = np.uint8(np.round(255 * (np.repeat(arr, 3, axis=2) if arr.shape[2] == 1 else arr[:, :, ::-1])))
        overlay = cv2.addWeighted(heat, 0.4, base, 0.6, 0)
        cv2.imwrite(os.path.join(out_dir, os.path.splitext(name)[0] + ".png"), overlay)
    seconds = time.perf_counter() - start
    print(f"{len(files)} images, {seconds:.2f} s, {len(files) / seconds:.2f} images/s")


if __name__ == "__main__":
    main(*sys.argv[1:4])
