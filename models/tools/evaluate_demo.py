"""Measure the demo bundle on fresh phantoms: accuracy, ROC AUC, and the Grad-CAM pointing game per
block with the article's recipe (output score, half-pixel resize) and the viewer's default (logit
score, cells on their receptive-field centres), beside blind baselines. Prints Markdown and JSON.

    /usr/bin/python3 evaluate_demo.py --weights work/demo_state.pt --bundle ../xray-phantom-demo.pt
"""
import argparse
import json
import zipfile

import numpy as np
import torch

import architectures
import export_model as ex
import phantoms
import placement
from train_demo import to_input

BLOCKS = [f"resnet_blocks.{i}" for i in range(5)]


def roc_auc(scores, labels):
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels > 0.5
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--n", type=int, default=1000, help="held-out phantoms for accuracy and AUC")
    ap.add_argument("--n-pointing", type=int, default=200, help="positive phantoms for the pointing game")
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--lesion-sigma", type=float, nargs=2, default=phantoms.LESION_SIGMA)
    ap.add_argument("--json")
    args = ap.parse_args()
    torch.set_num_threads(2)

    model = architectures.XRayClassifier(nf=16)
    ex.load_weights(model, args.weights)
    model.eval()
    with zipfile.ZipFile(args.bundle) as z:
        name = next(n for n in z.namelist() if n.endswith("extra/gradcam/manifest.json"))
        manifest = json.loads(z.read(name))
    geometry = {t["name"]: t["geometry"] for t in manifest["taps"]}
    info = {t["name"]: {"shape": t["shape"]} for t in manifest["taps"]}

    rng = np.random.default_rng(args.seed)
    xs, ys = [], []
    for i in range(args.n):
        positive = i % 2 == 1
        img, _ = phantoms.make_phantom(256, 256, positive, rng, lesion_sigma=tuple(args.lesion_sigma))
        xs.append(np.round(img * 255).astype(np.uint8))
        ys.append(float(positive))
    xs, ys = np.stack(xs), np.asarray(ys)
    with torch.no_grad():
        p = torch.cat([model(to_input(xs[i:i + 50])) for i in range(0, len(xs), 50)]).reshape(-1).numpy()
    accuracy = float(np.mean((p > 0.5) == (ys > 0.5)))
    auc = float(roc_auc(p, ys))
    saturated = float(np.mean((p >= 1.0) | (p <= 0.0)))

    modes = ("article", "article-logit", "viewer-probability", "viewer", "hirescam")
    hits = {(mode, b): 0 for mode in modes for b in BLOCKS}
    base_random, base_correct = 0, 0
    rng = np.random.default_rng(args.seed + 1)
    for i in range(args.n_pointing):
        meta = {}
        img, mask = phantoms.make_phantom(256, 256, True, rng, meta=meta, lesion_sigma=tuple(args.lesion_sigma))
        x = to_input(np.round(img * 255).astype(np.uint8)[None])
        for score in ("probability", "logit"):
            grads = ex.eager_probe_gradients(model, x, BLOCKS, info, "classifier.2",
                                             lambda y, z: ex.target_score(y, z, "sigmoid", 1, score))
            with torch.no_grad():
                acts = ex.TappedModel(model, BLOCKS, "classifier.2")(x, *ex.zero_probes(info, BLOCKS))[2:]
            for b, a, g in zip(BLOCKS, acts, grads):
                if score == "logit":
                    hi = ex.reference_cams(a, g)["hirescam"].numpy()
                    up = placement.upscale_receptive(hi, 256, 256, geometry[b]["origin"], geometry[b]["step"])
                    yy, xx = np.unravel_index(np.argmax(up), up.shape)
                    hits[("hirescam", b)] += bool(mask[yy, xx])
                cam = ex.article_gradcam(a, g).numpy()
                for place in ("resize", "receptive"):
                    if place == "resize":
                        up = placement.upscale_resize(cam, 256, 256)
                    else:
                        up = placement.upscale_receptive(cam, 256, 256, geometry[b]["origin"], geometry[b]["step"])
                    mode = {("probability", "resize"): "article", ("logit", "receptive"): "viewer",
                            ("probability", "receptive"): "viewer-probability", ("logit", "resize"): "article-logit"}[(score, place)]
                    yy, xx = np.unravel_index(np.argmax(up), up.shape)
                    hits[(mode, b)] += bool(mask[yy, xx])
        centres = meta["lung_centres"]
        lung = centres[rng.integers(0, 2)]
        base_random += bool(mask[int(round(lung[0])), int(round(lung[1]))])
        lung = centres[meta["lesion_lungs"][0]]
        base_correct += bool(mask[int(round(lung[0])), int(round(lung[1]))])

    n = args.n_pointing
    result = {"accuracy": accuracy, "roc_auc": auc, "held_out": args.n, "saturated_outputs": saturated,
              "pointing_positives": n,
              "pointing": {mode: {b: hits[(mode, b)] / n for b in BLOCKS} for mode in modes},
              "baseline_random_lung_centre": base_random / n, "baseline_correct_lung_centre": base_correct / n}
    print(f"held-out accuracy {accuracy:.3f}, ROC AUC {auc:.4f} ({args.n} phantoms, half positive); "
          f"saturated outputs {saturated:.1%}")
    print("| block | Grad-CAM, article (output score, half-pixel resize) | logit score, half-pixel | output score, receptive field | **viewer default** (logit, receptive field) | HiResCAM (logit, receptive field) |")
    print("|---|---|---|---|---|---|")
    for b in BLOCKS:
        r = result["pointing"]
        print(f"| `{b}` | {r['article'][b]:.1%} | {r['article-logit'][b]:.1%} | {r['viewer-probability'][b]:.1%} | "
              f"**{r['viewer'][b]:.1%}** | {r['hirescam'][b]:.1%} |")
    print(f"blind baselines: centre of a random lung {base_random / n:.1%}, centre of the correct lung {base_correct / n:.1%}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
