#!/usr/bin/env python3
"""Export time and peak memory of the exporter's defaults on torchvision models (random weights:
the time does not depend on them). Each model runs in its own process so that its peak RSS is its
own. Prints a Markdown table.

    /usr/bin/python3 bench_export.py [--models resnet50 vit_b_16 ...] [--out DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
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
    # the child reports its own peak RSS (RUSAGE_CHILDREN would give the largest of all children so far)
    wrapper = ("import resource, runpy, sys\n"
               f"sys.argv = {argv!r}\nsys.path.insert(0, {HERE!r})\ncode = 0\n"
               "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
               "except SystemExit as e:\n    code = e.code or 0\n"
               "print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
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
    os.remove(out)
    return {"model": model, "seconds": seconds, "peak_mb": peak_mb, "taps": len(m["taps"]),
            "default": m["default_layer"], "sources": sources, "layouts": kinds, "bundle_mb": size_mb}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=MODELS)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for model in args.models:
            r = run(model, d)
            rows.append(r)
            print(json.dumps(r), file=sys.stderr, flush=True)
    print("| model | export | peak RSS | taps | default layer | geometry (taps by source) | layouts | bundle |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['model']} | failed: {r['error']} | | | | | | |")
            continue
        src = ", ".join(f"{k} {v}" for k, v in sorted(r["sources"].items()))
        print(f"| {r['model']} | {r['seconds']:.1f} s | {r['peak_mb']:.0f} MB | {r['taps']} | `{r['default']}` | {src} | "
              f"{', '.join(r['layouts'])} | {r['bundle_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
