#!/usr/bin/env python3
"""Export time and peak memory of the exporter's defaults on torchvision models (random weights:
the time does not depend on them). Each model runs in its own process so that its peak RSS is its
own. Prints a Markdown table.

    /usr/bin/python3 bench_export.py [--models resnet50 vit_b_16 ...] [--check]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
MODELS = ["resnet50", "densenet121", "efficientnet_b0", "convnext_tiny", "mobilenet_v3_large",
          "regnet_y_400mf", "vgg16", "vit_b_16", "swin_t"]
IMAGENET = ["--size", "224", "224", "--resize", "256", "--crop", "224",
            "--mean", "0.485", "0.456", "0.406", "--std", "0.229", "0.224", "0.225"]


def run(model, out_dir):
    labels = os.path.join(out_dir, "labels.txt")
    with open(labels, "w") as f:
        f.write("\n".join(f"class {i}" for i in range(1000)))
    out = os.path.join(out_dir, model + ".pt")
    argv = [os.path.join(HERE, "export_model.py"), "--arch", model, "--labels-file", labels, "--out", out] + IMAGENET
    # the child reports its own peak RSS: VmHWM, which starts afresh at exec (ru_maxrss does not: it
    # would carry this process's size at the fork)
    wrapper = ("import runpy, sys\n"
               f"sys.argv = {argv!r}\nsys.path.insert(0, {HERE!r})\ncode = 0\n"
               "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
               "except SystemExit as e:\n    code = e.code or 0\n"
               "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
               "print('PEAK_KB', hwm[0], file=sys.stderr)\n"
               "sys.exit(code)\n")
    start = time.time()
    proc = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True)
    seconds = time.time() - start
    peaks = [int(l.split()[1]) for l in proc.stderr.splitlines() if l.startswith("PEAK_KB")]
    peak_mb = peaks[-1] / 1024 if peaks else float("nan")
    if proc.returncode != 0:
        errors = [l for l in proc.stderr.splitlines() if not l.startswith("PEAK_KB")]
        return {"model": model, "error": errors[-1] if errors else "failed"}
    extra = {"gradcam/manifest.json": ""}
    import torch
    torch.jit.load(out, _extra_files=extra)
    m = json.loads(extra["gradcam/manifest.json"])
    sources = {}
    for t in m["taps"]:
        s = t["geometry"]["source"] if t.get("geometry") else "none"
        sources[s] = sources.get(s, 0) + 1
    kinds = sorted({t.get("layout", {}).get("kind", "channels_first") for t in m["taps"]})
    size_mb = os.path.getsize(out) / 1e6
    cam_diff = against_hooks(model, out, m) if CHECK else None
    os.remove(out)
    return {"model": model, "seconds": seconds, "peak_mb": peak_mb, "taps": len(m["taps"]),
            "default": m["default_layer"], "sources": sources, "layouts": kinds, "bundle_mb": size_mb,
            "cam_diff": cam_diff}


CHECK = False


def against_hooks(model_name, bundle, manifest):
    """Largest difference over the five methods between the bundle's maps at its default layer and
    maps from pytorch-grad-cam-style hooks on the eager model (forward hook, tensor hook on the
    output, the reshape its README gives for the layer's layout), for one random input."""
    import torch
    import torchvision
    import export_model as ex
    torch.manual_seed(0)
    model = getattr(torchvision.models, model_name)().eval()
    traced = torch.jit.load(bundle)  # the same weights: the bundle keeps the model under 'model.'
    model.load_state_dict({k[len("model."):]: v for k, v in traced.state_dict().items() if k.startswith("model.")})
    if model_name.startswith("vit"):  # torchvision starts the head at zero: no gradient anywhere
        torch.nn.init.normal_(model.heads.head.weight, std=0.02)
        traced = None
    tap = next(t for t in manifest["taps"] if t["name"] == manifest["default_layer"])
    x = torch.randn(1, 3, 224, 224)
    layout = tap["layout"]

    def reshape(t):
        if layout["kind"] == "tokens":
            h, w = layout["grid"]
            r = t[:, layout["class_tokens"]:, :].reshape(t.size(0), h, w, t.size(2))
            return r.transpose(2, 3).transpose(1, 2)
        return t.permute(0, 3, 1, 2) if layout["kind"] == "channels_last" else t

    store = {}

    def hook(m, i, o):
        # a copy: densenet's forward applies an in-place ReLU to `features` afterwards, and a detached
        # view would show it (as pytorch-grad-cam's own hook on the CPU does)
        store["a"] = o.detach().clone()
        o.register_hook(lambda g: store.__setitem__("g", g.detach()))

    h = model.get_submodule(tap["name"]).register_forward_hook(hook)
    y = model(x)
    h.remove()
    target = int(y.argmax())
    y[0, target].backward()
    ref = ex.reference_cams(reshape(store["a"]), reshape(store["g"]))
    if traced is None:  # re-export with the changed head
        path = bundle + ".check.pt"
        ex.export(model, path, name="check", description="", labels=[str(i) for i in range(1000)],
                  input_spec=manifest["input"], taps=[tap["name"]], measure="none", log=lambda *a: None)
        traced = torch.jit.load(path)
        os.remove(path)
        probes = [torch.zeros(tap["shape"], requires_grad=True)]
    else:
        probes = [torch.zeros(t["shape"], requires_grad=True) for t in manifest["taps"]]
    outs = traced(x, *probes)
    k = [t["name"] for t in manifest["taps"]].index(tap["name"]) if len(probes) > 1 else 0
    first = 2 if manifest["output"]["returns_logits"] else 1
    g, = torch.autograd.grad(outs[0][0, target], probes[k])
    got = ex.reference_cams(outs[first + k].detach(), g)
    return max(float((got[name] - ref[name]).abs().max()) for name in ref)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=MODELS)
    ap.add_argument("--check", action="store_true",
                    help="also compare the default layer's maps with pytorch-grad-cam-style hooks")
    args = ap.parse_args()
    global CHECK
    CHECK = args.check
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for model in args.models:
            r = run(model, d)
            rows.append(r)
            print(json.dumps(r), file=sys.stderr, flush=True)
    print("| model | export | peak RSS | taps | default layer | geometry (taps by source) | layouts | bundle | max map difference to hooks |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['model']} | failed: {r['error']} | | | | | | | |")
            continue
        src = ", ".join(f"{k} {v}" for k, v in sorted(r["sources"].items()))
        print(f"| {r['model']} | {r['seconds']:.1f} s | {r['peak_mb']:.0f} MB | {r['taps']} | `{r['default']}` | {src} | "
              f"{', '.join(r['layouts'])} | {r['bundle_mb']:.0f} MB | "
              f"{'' if r['cam_diff'] is None else format(r['cam_diff'], '.1e')} |")


if __name__ == "__main__":
    main()
