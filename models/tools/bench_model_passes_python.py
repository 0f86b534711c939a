"""The work `gradcam-viewer bench --method scorecam|ablationcam --metrics` times, done the way a
pytorch-grad-cam user's script does it on the demo's eager model, for `scripts/bench-model-passes.sh`
to set side by side: Score-CAM (hooks, UpsamplingBilinear2d masks, 16 masked inputs per forward
pass, its default), Ablation-CAM (a hook zeroing one channel per batch item, the input repeated 32
times per pass, its default) and one map's faithfulness (deletion and insertion curves of 33 inputs
each plus the confidence change for the map and its inverse, 16 per pass). Prints the median and
minimum of --runs timings in milliseconds.

    /usr/bin/python3 bench_model_passes_python.py --model ../xray-phantom-demo.pt --image ../samples/phantom-01-pneumonia.png
"""
import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

import export_model as ex


def activations_of(model, x, layer):
    acts = {}
    handle = dict(model.named_modules())[layer].register_forward_hook(lambda m, i, o: acts.__setitem__("a", o.detach()))
    with torch.no_grad():
        model(x)
    handle.remove()
    return acts["a"]


def score_cam(model, x, layer, batch=16):
    a = activations_of(model, x, layer)
    with torch.no_grad():
        up = torch.nn.UpsamplingBilinear2d(size=x.shape[-2:])(a)
        flat = up.view(up.size(0), up.size(1), -1)
        mins, maxs = flat.min(-1)[0][:, :, None, None], flat.max(-1)[0][:, :, None, None]
        up = (up - mins) / (maxs - mins + 1e-8)
        masked = x[:, None] * up[:, :, None]
        scores = []
        for i in range(0, masked.size(1), batch):
            scores.extend(float(o.flatten()[0]) for o in model(masked[0, i:i + batch]))
        w = torch.softmax(torch.tensor(scores), -1)
        return torch.relu((w[:, None, None] * a[0]).sum(0))


def ablation_cam(model, x, layer, batch=32):
    a = activations_of(model, x, layer)
    module = dict(model.named_modules())[layer]
    channels = a.shape[1]
    with torch.no_grad():
        original = float(model(x).flatten()[0])
        scores = []
        for i in range(0, channels, batch):
            n = min(batch, channels - i)

            def zero(m, inp, out, i=i, n=n):
                out = out.clone()
                for j in range(n):
                    out[j, i + j] = 0
                return out
            handle = module.register_forward_hook(zero)
            scores.extend(float(o.flatten()[0]) for o in model(x.repeat(n, 1, 1, 1)))
            handle.remove()
        w = (original - torch.tensor(scores)) / original
        return torch.relu((w[:, None, None] * a[0]).sum(0))


def faithfulness(model, x, cam, mean, std, steps=32, batch=16):
    c, h, w = x.shape[1:]
    m = F.interpolate(cam[None, None], size=(h, w), mode="bilinear", align_corners=False)[0, 0].flatten()
    order = torch.argsort(-m)
    n = h * w
    flat = x[0].reshape(c, n)
    black = ((0 - torch.tensor(mean)) / torch.tensor(std))[:, None].expand(c, n)
    g = torch.exp(-((torch.arange(11.0) - 5) ** 2) / 50)
    g = g / g.sum()
    blur = F.conv2d(x, (g[:, None] * g[None, :]).expand(c, 1, 11, 11).contiguous(), padding=5, groups=c)[0].reshape(c, n)
    inputs = []
    for start, end in ((flat, black), (blur, flat)):
        for i in range(steps + 1):
            k = int(i * n / steps + 0.5)
            v = start.clone()
            v[:, order[:k]] = end[:, order[:k]]
            inputs.append(v.reshape(c, h, w))
    inputs += [x[0], (flat * m).reshape(c, h, w), (flat * (1 - m)).reshape(c, h, w)]
    with torch.no_grad():
        return [float(o.flatten()[0]) for i in range(0, len(inputs), batch) for o in model(torch.stack(inputs[i:i + batch]))]


def timed(fn, runs):
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times = sorted(times[1:])
    return f"median {np.median(times):.0f} ms, min {times[0]:.0f} ms, {len(times)} runs"


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
    spec = manifest["input"]
    x, _ = ex.preprocess(ex.load_image_float(args.image), spec)
    layer = args.layer or manifest["default_layer"]
    print(f"python (torch {torch.__version__}), {layer}:")
    print(f"  Score-CAM     {timed(lambda: score_cam(model, x, layer), args.runs)}")
    print(f"  Ablation-CAM  {timed(lambda: ablation_cam(model, x, layer), args.runs)}")
    cam = score_cam(model, x, layer)
    cam = cam / cam.max()
    print(f"  faithfulness  {timed(lambda: faithfulness(model, x, cam, spec['mean'], spec['std']), args.runs)}")


if __name__ == "__main__":
    main()
