"""Score-CAM the way a pytorch-grad-cam user runs it, for `scripts/bench-scorecam.sh` to set beside
`gradcam-viewer bench --method scorecam`: the demo's eager model, a forward hook on the layer, each
channel's activation upsampled (UpsamplingBilinear2d), min-max normalised, multiplied into the input,
16 masked inputs per forward pass (its default batch), soft-max of the target's scores. Prints the
median and minimum of --runs timings in milliseconds.

    /usr/bin/python3 bench_scorecam_python.py --model ../xray-phantom-demo.pt --image ../samples/phantom-01-pneumonia.png
"""
import argparse
import time

import numpy as np
import torch

import export_model as ex


def score_cam(model, x, layer, target_fn, batch=16):
    acts = {}
    handle = dict(model.named_modules())[layer].register_forward_hook(lambda m, i, o: acts.__setitem__("a", o.detach()))
    with torch.no_grad():
        model(x)
        handle.remove()
        a = acts["a"]
        up = torch.nn.UpsamplingBilinear2d(size=x.shape[-2:])(a)
        flat = up.view(up.size(0), up.size(1), -1)
        mins, maxs = flat.min(-1)[0][:, :, None, None], flat.max(-1)[0][:, :, None, None]
        up = (up - mins) / (maxs - mins + 1e-8)
        masked = x[:, None] * up[:, :, None]
        scores = []
        for i in range(0, masked.size(1), batch):
            out = model(masked[0, i:i + batch])
            scores.extend(target_fn(o) for o in out)
        w = torch.softmax(torch.tensor(scores), -1)
        cam = torch.relu((w[:, None, None] * a[0]).sum(0))
    return cam / cam.max()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--layer")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(2)
    manifest = ex.read_manifest(args.model)
    model = ex.eager_from_bundle(args.model, manifest).eval()
    x, _ = ex.preprocess(ex.load_image_float(args.image), manifest["input"])
    layer = args.layer or manifest["default_layer"]
    # the target's output value per masked input (for timing, which score is taken does not matter)
    times = []
    for _ in range(args.runs + 1):
        t = time.perf_counter()
        score_cam(model, x, layer, lambda o: float(o.flatten()[0]))
        times.append((time.perf_counter() - t) * 1000)
    times = sorted(times[1:])
    print(f"python-score-cam {layer}: median {np.median(times):.0f} ms, min {times[0]:.0f} ms, {len(times)} runs (torch {torch.__version__})")


if __name__ == "__main__":
    main()
