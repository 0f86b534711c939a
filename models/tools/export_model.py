#!/usr/bin/env python3
"""Export a PyTorch classifier as a Grad-CAM Viewer model bundle.

The bundle is a TorchScript archive whose traced forward is

    forward(x, p_1, ..., p_k) -> (y, [logits,] A_1, ..., A_k)

where a forward hook on each tapped layer replaces its output A_i by A_i + p_i (p_i an extra zero
input of A_i's shape) and hands out a clone of it. The gradient of a score with respect to p_i is
the gradient with respect to A_i, so one forward+backward gives every tapped layer. The archive
carries `gradcam/manifest.json` (see ../../README.md and the design notes).

Examples:
    export_model.py --arch XRayClassifier --nf 16 --weights state.pt --out model.pt
    export_model.py --arch resnet18 --labels-file imagenet.txt --resize 256 --crop 224 \
        --mean 0.485 0.456 0.406 --std 0.229 0.224 0.225 --out resnet18.pt
    export_model.py ... --reference refdir sample1.png sample2.png
"""
import argparse
import copy
import json
import math
import os
import sys
import tempfile
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

import architectures

FORMAT = "gradcam-viewer-bundle"
FORMAT_VERSION = 1
EXPORTER_VERSION = "1.0.0"
MANIFEST_NAME = "gradcam/manifest.json"
MAX_AUTO_TAPS = 128


class ExportError(Exception):
    """A problem with the user's input, reported as one line."""


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

def load_weights(model, path):
    if not os.path.isfile(path):
        raise ExportError(f"weights file not found: {path}")
    try:
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except TypeError:  # torch < 1.13 has no weights_only
            state = torch.load(path, map_location="cpu")
    except Exception as e:
        raise ExportError(f"{path} is not a PyTorch state_dict file (torch.load failed: {type(e).__name__})")
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ExportError(f"{path} does not hold a state_dict (a dict of tensor names to tensors)")
    try:
        model.load_state_dict(state)
    except RuntimeError as e:
        first = [l.strip() for l in str(e).splitlines() if l.strip()][:3]
        raise ExportError(f"{path} does not fit this architecture: {' '.join(first)[:300]}")


# --------------------------------------------------------------------------------------------
# Looking at the model: which modules run, how often, what they output
# --------------------------------------------------------------------------------------------

def inspect_modules(model, x):
    """Run one forward and record, per named module, how often it ran and its output shape.

    Returns (info, y) where info is an OrderedDict name -> dict(calls, shape, order, type, finish)
    in the order modules first finished.
    """
    info = OrderedDict()
    counter = [0]
    handles = []

    def make_hook(name):
        def hook(module, inputs, output):
            entry = info.get(name)
            if entry is None:
                entry = info[name] = {"calls": 0, "type": type(module).__name__}
            entry["calls"] += 1
            entry["shape"] = list(output.shape) if isinstance(output, torch.Tensor) else None
            entry["finish"] = counter[0]
            counter[0] += 1
        return hook

    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(make_hook(name)))
    try:
        with torch.no_grad():
            y = model(x)
    finally:
        for h in handles:
            h.remove()
    return info, y


def eligible_reason(entry):
    """None if the module can be tapped, else why not."""
    if entry is None:
        return "does not run in forward"
    if entry["calls"] != 1:
        return f"runs {entry['calls']} times per forward (a shared module: its gradient would mix several places)"
    shape = entry.get("shape")
    if shape is None:
        return "does not output a tensor"
    if len(shape) != 4:
        return f"outputs a {len(shape)}-D tensor, not a 4-D feature map"
    if shape[2] * shape[3] <= 1:
        return "has a 1x1 output: no spatial map"
    return None


def choose_taps(model, info, spec):
    """spec: 'auto', 'all' or a list of names. Returns (taps, skipped) in forward order."""
    names = [n for n, _ in model.named_modules() if n]
    known = set(names)
    if spec in ("auto", "all"):
        eligible = [n for n in info if eligible_reason(info[n]) is None]
        skipped = [{"name": n, "reason": eligible_reason(info.get(n))} for n in names
                   if n in info and eligible_reason(info[n]) is not None and info[n].get("shape") is not None
                   and len(info[n]["shape"]) == 4 and info[n]["calls"] != 1]
        if spec == "auto" and len(eligible) > MAX_AUTO_TAPS:
            ranked = sorted(eligible, key=lambda n: (n.count("."), info[n]["finish"]))
            keep = set(ranked[:MAX_AUTO_TAPS])
            for n in eligible:
                if n not in keep:
                    skipped.append({"name": n, "reason": f"beyond the first {MAX_AUTO_TAPS} of --taps auto (use --taps all)"})
            eligible = [n for n in eligible if n in keep]
        return eligible, skipped
    taps = []
    for n in spec:
        if n not in known:
            raise ExportError(f"no module named '{n}' in the model (names are dotted, as in named_modules())")
        reason = eligible_reason(info.get(n))
        if reason is not None:
            raise ExportError(f"layer '{n}' cannot be tapped: it {reason}")
        taps.append(n)
    taps.sort(key=lambda n: info[n]["finish"])
    return taps, []


def find_final_activation(model, x):
    """If the model's output comes straight from a Sigmoid or Softmax module, return its name."""
    last = {}

    def make_hook(name):
        def hook(module, inputs, output):
            last["name"], last["output"] = name, output
        return hook

    handles = [m.register_forward_hook(make_hook(n)) for n, m in model.named_modules()
               if n and isinstance(m, (nn.Sigmoid, nn.Softmax))]
    try:
        with torch.no_grad():
            y = model(x)
    finally:
        for h in handles:
            h.remove()
    if "name" in last and isinstance(y, torch.Tensor) and last["output"].numel() == y.numel() \
            and torch.equal(last["output"].reshape(y.shape), y):
        return last["name"]
    return None


# --------------------------------------------------------------------------------------------
# Cell geometry: where each cell of a tap's map sits in model-input pixels
# --------------------------------------------------------------------------------------------

POINTWISE = (nn.BatchNorm2d, nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Sigmoid,
             nn.Tanh, nn.Hardswish, nn.Hardsigmoid, nn.Identity, nn.Dropout, nn.Dropout2d,
             nn.GroupNorm, nn.InstanceNorm2d, nn.PReLU, nn.Mish, nn.LocalResponseNorm)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _window_geometry(module):
    """(kernel, stride, padding, dilation) per axis for convs and pools, else None."""
    if isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
        k = _pair(module.kernel_size)
        s = _pair(module.stride if module.stride is not None else module.kernel_size)
        p = module.padding
        if isinstance(p, str):
            if p != "valid" and p != "same":
                return None
            p = (0, 0) if p == "valid" else tuple((kk - 1) * dd // 2 for kk, dd in zip(k, _pair(module.dilation)))
        p = _pair(p)
        d = _pair(getattr(module, "dilation", 1))
        return k, s, p, d
    return None


def analytic_geometry(model, x, taps):
    """Propagate (origin, step) per axis through the modules as they run.

    A conv or pool moves the centre of output cell i to input position i*s - p + (k-1)*d/2; pointwise
    modules keep it. Tensors made outside modules (an addition, a concatenation) are matched by
    spatial size to the tensors seen so far, which is sound when all of those agree. Returns
    name -> (origin, step) or None where the path holds something else.
    """
    geom = {}          # id(tensor) -> ((oy, ox), (sy, sx)) or None
    by_size = {}       # (h, w) -> set of geometries seen (None = unknown)
    keep = []          # keeps tensors alive so that ids stay unique
    result = {}
    tapset = set(taps)

    def record(t, g):
        keep.append(t)
        geom[id(t)] = g
        by_size.setdefault(tuple(t.shape[-2:]), set()).add(g)

    def lookup(t):
        if id(t) in geom:
            return geom[id(t)]
        seen = by_size.get(tuple(t.shape[-2:]), set())
        return next(iter(seen)) if len(seen) == 1 else None

    def make_hook(name, is_leaf):
        def hook(module, inputs, output):
            if not isinstance(output, torch.Tensor) or output.dim() != 4:
                return
            if is_leaf:
                src = inputs[0] if inputs and isinstance(inputs[0], torch.Tensor) and inputs[0].dim() == 4 else None
                g_in = lookup(src) if src is not None else None
                window = _window_geometry(module)
                if g_in is None:
                    g = None
                elif window is not None:
                    k, s, p, d = window
                    g = (tuple(g_in[0][a] + g_in[1][a] * ((k[a] - 1) * d[a] / 2.0 - p[a]) for a in range(2)),
                         tuple(g_in[1][a] * s[a] for a in range(2)))
                elif isinstance(module, POINTWISE) and tuple(output.shape[-2:]) == tuple(src.shape[-2:]):
                    g = g_in
                else:
                    g = None
                record(output, g)
            elif id(output) not in geom:
                record(output, lookup(output))
            if name in tapset:
                result[name] = geom.get(id(output))
        return hook

    handles = []
    for name, module in model.named_modules():
        if name:
            is_leaf = len(list(module.children())) == 0
            handles.append(module.register_forward_hook(make_hook(name, is_leaf)))
    record(x, ((0.0, 0.0), (1.0, 1.0)))
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return result


class _Stop(Exception):
    pass


def measured_geometry(model, tap, input_shape, tries=(2, 3, 4), max_side=1024, seeds=3):
    """Measure a tap's cell geometry from receptive fields: back-propagate from two neighbouring
    cells to a larger random input and take the centre of each cell's nonzero input gradient.
    Returns ((oy, ox), (sy, sx)) or None when the receptive field does not fit in max_side."""
    module = model.get_submodule(tap)
    _, c, h, w = input_shape
    for factor in tries:
        H, W = h * factor, w * factor
        if max(H, W) > max_side:
            break
        boxes = {}
        clipped = False
        for seed in range(seeds):
            gen = torch.Generator().manual_seed(seed)
            x = torch.randn(1, c, H, W, generator=gen, requires_grad=True)
            store = {}

            def hook(m, inputs, output):
                store["out"] = output
                raise _Stop()

            handle = module.register_forward_hook(hook)
            try:
                model(x)
            except _Stop:
                pass
            finally:
                handle.remove()
            out = store["out"]
            oh, ow = out.shape[-2:]
            ci, cj = oh // 2 - 1, ow // 2 - 1
            for di in (0, 1):
                grad, = torch.autograd.grad(out[0, :, ci + di, cj + di].sum(), x, retain_graph=True)
                mag = grad[0].abs().sum(0)
                rows = torch.nonzero(mag.sum(1) > 0).flatten()
                cols = torch.nonzero(mag.sum(0) > 0).flatten()
                if len(rows) == 0:
                    continue
                box = [rows.min().item(), rows.max().item(), cols.min().item(), cols.max().item()]
                if box[0] == 0 or box[1] == H - 1 or box[2] == 0 or box[3] == W - 1:
                    clipped = True
                old = boxes.get(di)
                boxes[di] = box if old is None else [min(old[0], box[0]), max(old[1], box[1]),
                                                     min(old[2], box[2]), max(old[3], box[3])]
        if clipped or len(boxes) < 2:
            continue
        centres = {di: ((b[0] + b[1]) / 2.0, (b[2] + b[3]) / 2.0) for di, b in boxes.items()}
        step = (centres[1][0] - centres[0][0], centres[1][1] - centres[0][1])
        origin = (centres[0][0] - ci * step[0], centres[0][1] - cj * step[1])
        return origin, step
    return None


def tap_geometries(model, x, taps, measure="some", default_layer=None, tolerance=1.0):
    """Analytic geometry for every tap, measured where analytic is unknown, and cross-checked on a
    selection ('some': first, middle, last and default taps; 'all'; 'none')."""
    analytic = analytic_geometry(model, x, taps)
    check = set()
    if measure == "all":
        check = set(taps)
    elif measure == "some" and taps:
        check = {taps[0], taps[len(taps) // 2], taps[-1]}
        if default_layer in taps:
            check.add(default_layer)
    out = {}
    for tap in taps:
        a = analytic.get(tap)
        m = measured_geometry(model, tap, tuple(x.shape)) if (a is None or tap in check) else None
        if a is not None and m is not None:
            diff = max(abs(a[i][j] - m[i][j]) for i in range(2) for j in range(2))
            if diff > tolerance:
                raise ExportError(f"cell geometry of '{tap}' disagrees: analytic origin {a[0]} step {a[1]}, "
                                  f"measured origin {m[0]} step {m[1]}")
        g = a if a is not None else m
        entry = {"origin": list(g[0]), "step": list(g[1]),
                 "source": "analytic" if a is not None else "measured"} if g is not None else None
        if entry is not None and m is not None:
            entry["measured"] = {"origin": list(m[0]), "step": list(m[1])}
        out[tap] = entry
    return out


# --------------------------------------------------------------------------------------------
# The traced bundle
# --------------------------------------------------------------------------------------------

class TappedModel(nn.Module):
    """forward(x, *probes) -> (y, [logits,] *activations); see the module docstring."""

    def __init__(self, model, taps, logits_module=None):
        super().__init__()
        self.model = model
        self.taps = list(taps)
        self.logits_module = logits_module

    def forward(self, x, *probes):
        acts = {}
        captured = {}
        handles = []

        def make_tap_hook(name, probe):
            def hook(module, inputs, output):
                tapped = output + probe
                acts[name] = tapped.clone()
                return tapped
            return hook

        for name, probe in zip(self.taps, probes):
            handles.append(self.model.get_submodule(name).register_forward_hook(make_tap_hook(name, probe)))
        if self.logits_module is not None:
            def logit_hook(module, inputs, output):
                captured["logits"] = inputs[0]
            handles.append(self.model.get_submodule(self.logits_module).register_forward_hook(logit_hook))
        try:
            y = self.model(x)
        finally:
            for h in handles:
                h.remove()
        outs = [y]
        if self.logits_module is not None:
            outs.append(captured["logits"].reshape(y.shape))
        outs.extend(acts[name] for name in self.taps)
        return tuple(outs)


def zero_probes(info, taps, dtype=torch.float32):
    return [torch.zeros(info[t]["shape"], dtype=dtype) for t in taps]


def eager_probe_gradients(model, x, taps, info, logits_module, score_fn, dtype=torch.float32):
    """Gradients of score_fn(y, logits) w.r.t. each tap's output, from the eager model."""
    wrapper = TappedModel(model, taps, logits_module)
    probes = [p.requires_grad_(True) for p in zero_probes(info, taps, dtype)]
    outs = wrapper(x, *probes)
    y, logits = outs[0], (outs[1] if logits_module else None)
    grads = torch.autograd.grad(score_fn(y, logits), probes, allow_unused=True)
    return [g if g is not None else torch.zeros_like(p) for g, p in zip(grads, probes)]


def verify(traced, model, x, taps, info, logits_module, log):
    """The bundle must compute what the eager model computes, gradients included."""
    with torch.no_grad():
        y_eager = model(x)
        outs = traced(x, *zero_probes(info, taps))
    diff = (outs[0] - y_eager).abs().max().item()
    log(f"verify: output max |traced - eager| = {diff:.3g}")
    if not torch.allclose(outs[0], y_eager, rtol=1e-4, atol=1e-5):
        raise ExportError(f"traced output differs from the eager model by {diff:.3g}")

    def score(y, logits):
        src = logits if logits is not None else y
        weights = torch.linspace(1.0, 2.0, src.numel()).reshape(src.shape)
        return (src * weights).sum()

    eager = eager_probe_gradients(model, x, taps, info, logits_module, score)
    probes = [p.requires_grad_(True) for p in zero_probes(info, taps)]
    outs = traced(x, *probes)
    traced_grads = torch.autograd.grad(score(outs[0], outs[1] if logits_module else None), probes, allow_unused=True)
    worst = 0.0
    for name, g_e, g_t, act in zip(taps, eager, traced_grads, outs[2 if logits_module else 1:]):
        g_t = g_t if g_t is not None else torch.zeros_like(g_e)
        d = (g_t - g_e).abs().max().item()
        scale = max(g_e.abs().max().item(), 1e-12)
        log(f"verify: tap {name}: gradient max |traced - eager| = {d:.3g} (max |grad| {scale:.3g})")
        if d > 1e-5 + 1e-4 * scale:
            raise ExportError(f"probe gradient of '{name}' differs from the eager gradient by {d:.3g}")
        worst = max(worst, d)
        if tuple(act.shape) != tuple(info[name]["shape"]):
            raise ExportError(f"tap '{name}' returned shape {tuple(act.shape)}, expected {info[name]['shape']}")
    return worst


def save_bundle(traced, manifest, out_path):
    """Write the archive whole or not at all."""
    directory = os.path.dirname(os.path.abspath(out_path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".pt", dir=directory)
    os.close(fd)
    try:
        torch.jit.save(traced, tmp, _extra_files={MANIFEST_NAME: json.dumps(manifest, indent=1)})
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# --------------------------------------------------------------------------------------------
# Preprocessing (the article's: resize shorter side, centre crop, normalise), on float data
# --------------------------------------------------------------------------------------------

def load_image_float(path):
    """Decode to float32 in [0, 1], shape (H, W, C) with C = 1 or 3 (alpha dropped)."""
    from PIL import Image
    try:
        img = Image.open(path)
        img.load()
    except Exception as e:
        raise ExportError(f"cannot read image {path}: {e}")
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        # integer grayscale (PIL opens 16-bit PNGs as "I" or "I;16"): taken as 16-bit samples
        arr = np.asarray(img).astype(np.float64)
        return (arr / 65535.0).astype(np.float32)[:, :, None]
    if img.mode == "L":
        return (np.asarray(img).astype(np.float32) / 255.0)[:, :, None]
    return np.asarray(img.convert("RGB")).astype(np.float32) / 255.0


def resized_size(h, w, resize):
    if resize is None:
        return h, w
    if w <= h:
        return int(resize * h / w), resize
    return resize, int(resize * w / h)


def preprocess(arr, spec):
    """float (H, W, C) -> tensor (1, channels, crop_h, crop_w) as the manifest's input section says.
    Also returns the crop's place in the original: (top, left, height, width) in original pixels."""
    from PIL import Image
    h, w, c = arr.shape
    colour = spec["colour"]
    if colour == "RGB" and c == 1:
        arr = np.repeat(arr, 3, axis=2)
    elif colour == "L" and c == 3:
        arr = (arr[:, :, 0] * 0.299 + arr[:, :, 1] * 0.587 + arr[:, :, 2] * 0.114)[:, :, None]
    rh, rw = resized_size(h, w, spec.get("resize"))
    channels = []
    for k in range(arr.shape[2]):
        plane = Image.fromarray(np.ascontiguousarray(arr[:, :, k]), mode="F")
        if (rh, rw) != (h, w):
            plane = plane.resize((rw, rh), Image.BILINEAR)
        channels.append(np.asarray(plane, dtype=np.float32))
    res = np.stack(channels, 0)
    ch, cw = spec["center_crop"] if spec.get("center_crop") else (rh, rw)
    if ch > rh or cw > rw:
        raise ExportError(f"centre crop {ch}x{cw} is larger than the resized image {rh}x{rw}")
    top, left = int(round((rh - ch) / 2.0)), int(round((rw - cw) / 2.0))
    res = res[:, top:top + ch, left:left + cw]
    mean = np.asarray(spec["mean"], np.float32)[:, None, None]
    std = np.asarray(spec["std"], np.float32)[:, None, None]
    x = torch.from_numpy(((res - mean) / std).astype(np.float32)).unsqueeze(0)
    sy, sx = h / rh, w / rw
    return x, (top * sy, left * sx, ch * sy, cw * sx)


# --------------------------------------------------------------------------------------------
# Reference values for the Java tests
# --------------------------------------------------------------------------------------------

def probabilities(y, activation):
    y = y.flatten()
    if activation == "sigmoid":
        return torch.stack([1 - y[0], y[0]]) if y.numel() == 1 else y
    if activation == "softmax":
        return y
    return torch.sigmoid(y).flatten() if y.numel() == 1 else torch.softmax(y, 0)


def target_score(y, logits, activation, target, score):
    """The scalar the article back-propagates ('probability') or its pre-activation ('logit')."""
    y = y.flatten()
    one = y.numel() == 1
    if score == "probability":
        if activation == "logits":
            p = torch.sigmoid(y[0]) if one else torch.softmax(y, 0)[target]
        else:
            p = y[0] if one else y[target]
        return (1 - p) if one and target == 0 else p
    z = (logits.flatten() if logits is not None else y)
    if activation != "logits" and logits is None:
        raise ExportError("the model returns no logits; use --score probability")
    return (-z[0] if target == 0 else z[0]) if one else z[target]


def normalise(cam):
    m = cam.max()
    return (cam / m if m > 0 else cam).float()


def reference_cams(acts, grads):
    """Every method, written independently of the Java code, in float64 (pytorch-grad-cam's
    definitions; the article's channel mean for Grad-CAM). Returns name -> normalised map."""
    a, g = acts[0].double(), grads[0].double()
    eps = 1e-7
    sum_a = a.sum(dim=(1, 2))
    g2, g3 = g ** 2, g ** 3
    alpha = torch.where(g != 0, g2 / (2 * g2 + sum_a[:, None, None] * g3 + eps), torch.zeros_like(g))
    w_pp = (alpha * torch.relu(g)).sum(dim=(1, 2))
    w_x = (g * a / (sum_a[:, None, None] + eps)).sum(dim=(1, 2))
    return {
        "gradcam": article_gradcam(acts, grads),
        "gradcampp": normalise(torch.relu((w_pp[:, None, None] * a).sum(0))),
        "xgradcam": normalise(torch.relu((w_x[:, None, None] * a).sum(0))),
        "layercam": normalise(torch.relu((torch.relu(g) * a).sum(0))),
        "hirescam": normalise(torch.relu((g * a).sum(0))),
    }


def article_gradcam(acts, grads):
    """The article's Grad-CAM: weights = spatial mean of gradients; ReLU(mean_k w_k A_k) / max."""
    a, g = acts[0].double(), grads[0].double()
    w = g.mean(dim=(1, 2))
    cam = torch.relu((w[:, None, None] * a).mean(0))
    m = cam.max()
    return (cam / m if m > 0 else cam).float()


def article_hook_gradients(model, x, tap, activation, logits_module, target, score):
    """Activation and gradient of one tap with the article's hooks (forward hook + full backward
    hook) on a copy whose modules compute out of place. None if the hooks cannot run here."""
    return article_hooks(model, x, [tap], activation, logits_module, target, score).get(tap)


def article_hooks(model, x, taps, activation, logits_module, target, score):
    """The article's hooks on every tap at once, in one forward and backward pass: tap -> (activation,
    gradient); empty when the hooks cannot run on this model (a full backward hook refuses a module
    whose output a parent then changes in place, as torchvision's ResNet does with `out += identity`)."""
    m = copy.deepcopy(model)
    for mod in m.modules():
        if hasattr(mod, "inplace"):
            mod.inplace = False
    store = {}
    handles = []
    for tap in taps:
        module = m.get_submodule(tap)
        handles.append(module.register_forward_hook(lambda mod, i, o, t=tap: store.__setitem__(("a", t), o.detach())))
        handles.append(module.register_full_backward_hook(lambda mod, gi, go, t=tap: store.__setitem__(("g", t), go[0].detach())))
    captured = {}
    if logits_module:
        handles.append(m.get_submodule(logits_module).register_forward_hook(
            lambda mod, i, o: captured.__setitem__("z", i[0])))
    try:
        y = m(x.clone().requires_grad_(True))
        s = target_score(y, captured.get("z"), activation, target, score)
        s.backward()
        failed = False
    except RuntimeError:
        failed = True
    finally:
        for h in handles:
            h.remove()
    if failed:
        return {}
    return {t: (store[("a", t)], store[("g", t)]) for t in taps if ("a", t) in store and ("g", t) in store}


def write_reference(model, manifest, images, out_dir, log, taps=None, methods=False):
    """Per image: the preprocessed input, prediction, and for each tap (default: all) the article's
    Grad-CAM from eager hooks, from the output and from the logit; with methods=True also the
    other four methods, each as <stem>.<tap>.<method>.<score>.npy.

    Activations, gradients and maps are computed in float64 (a double copy of the model fed the
    float32 input exactly), so that a float32 implementation can be judged by its own rounding
    alone; with methods=True the float64 activations and gradients are saved too."""
    os.makedirs(out_dir, exist_ok=True)
    spec, activation = manifest["input"], manifest["output"]["activation"]
    all_taps = [t["name"] for t in manifest["taps"]]
    taps = list(taps) if taps else all_taps
    logits_module = manifest["output"].get("logits_module")
    info = {t["name"]: {"shape": t["shape"]} for t in manifest["taps"]}
    index = {"model": manifest["model"]["name"], "taps": taps, "methods": methods, "images": []}

    def save(name, arr, dtype=np.float32):
        np.save(os.path.join(out_dir, name), np.asarray(arr, dtype=dtype))
        return name

    model64 = copy.deepcopy(model).double().eval()

    for path in images:
        stem = os.path.splitext(os.path.basename(path))[0]
        x, crop = preprocess(load_image_float(path), spec)
        with torch.no_grad():
            wrapper = TappedModel(model, [], logits_module)
            outs = wrapper(x)
        y, logits = outs[0], (outs[1] if logits_module else None)
        probs = probabilities(y, activation)
        target = int(torch.argmax(probs).item())
        entry = {"file": os.path.basename(path), "stem": stem, "crop": list(crop), "target": target,
                 "input": save(f"{stem}.input.npy", x.numpy()),
                 "output": save(f"{stem}.output.npy", y.numpy()),
                 "probabilities": save(f"{stem}.probabilities.npy", probs.numpy()),
                 "cams": {}}
        if logits is not None:
            entry["logits"] = save(f"{stem}.logits.npy", logits.numpy())
        for score in ("probability", "logit"):
            if score == "logit" and logits is None and activation != "logits":
                continue
            x64 = x.double()
            probe_grads = eager_probe_gradients(
                model64, x64, taps, info, logits_module,
                lambda yy, zz: target_score(yy, zz, activation, target, score), dtype=torch.float64)
            with torch.no_grad():
                acts = TappedModel(model64, taps, logits_module)(
                    x64, *zero_probes(info, taps, torch.float64))[2 if logits_module else 1:]
            all_hooked = article_hooks(model64, x64, taps, activation, logits_module, target, score)
            for i, tap in enumerate(taps):
                hooked = all_hooked.get(tap)
                a, g, source = (hooked[0], hooked[1], "article-hooks") if hooked else (acts[i], probe_grads[i], "eager-probe")
                cam = article_gradcam(a, g)
                name = save(f"{stem}.{tap}.gradcam.{score}.npy", cam.numpy())
                entry["cams"].setdefault(tap, {})[score] = {"file": name, "gradient": source,
                                                            "all_zero_gradient": bool((g == 0).all())}
                if methods:
                    files = {m: save(f"{stem}.{tap}.{m}.{score}.npy", c.numpy())
                             for m, c in reference_cams(a, g).items() if m != "gradcam"}
                    entry["cams"][tap][score]["methods"] = files
                    # the tensors the maps were made from, so that methods can be checked on equal inputs
                    entry["cams"][tap][score]["activations"] = save(f"{stem}.{tap}.{score}.activations.npy", a.numpy(), np.float64)
                    entry["cams"][tap][score]["gradients"] = save(f"{stem}.{tap}.{score}.gradients.npy", g.numpy(), np.float64)
        index["images"].append(entry)
        log(f"reference: {path}: target {target}, p = {probs.numpy().round(4).tolist()}")
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(index, f, indent=1)


# --------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------

def export(model, out_path, *, name, description, labels, input_spec, taps="auto", default_layer=None,
           activation="auto", measure="some", architecture=None, arguments=None, log=print):
    model.eval()
    shape = input_spec["shape"]
    torch.manual_seed(0)
    x = torch.randn(*shape)
    info, y = inspect_modules(model, x)
    if not isinstance(y, torch.Tensor) or y.dim() != 2 or y.shape[0] != 1:
        raise ExportError(f"the model must return one tensor of shape [1, classes]; it returned "
                          f"{tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__}")
    final = find_final_activation(model, x)
    if activation == "auto":
        activation = {"Sigmoid": "sigmoid", "Softmax": "softmax"}.get(
            type(model.get_submodule(final)).__name__ if final else None, "logits")
    logits_module = final if activation in ("sigmoid", "softmax") and final else None
    n_out = y.shape[1]
    expected = 2 if n_out == 1 else n_out
    if len(labels) != expected:
        raise ExportError(f"the model has {n_out} output(s), so it needs {expected} labels; got {len(labels)}")
    tap_names, skipped = choose_taps(model, info, taps)
    if not tap_names:
        log("warning: no layer can be tapped; the bundle will predict but not explain")
    if default_layer is None and tap_names:
        default_layer = max(tap_names, key=lambda n: info[n]["finish"])
    if default_layer is not None and default_layer not in tap_names:
        raise ExportError(f"default layer '{default_layer}' is not among the taps")
    for s in skipped:
        log(f"not tapped: {s['name']}: {s['reason']}")
    geometry = tap_geometries(model, x, tap_names, measure, default_layer)

    wrapper = TappedModel(model, tap_names, logits_module).eval()
    example = (x, *zero_probes(info, tap_names))
    with torch.no_grad():
        traced = torch.jit.trace(wrapper, example, check_trace=False)
    worst = verify(traced, model, x, tap_names, info, logits_module, log)

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": {"name": name, "description": description, "architecture": architecture or type(model).__name__,
                  "arguments": dict(arguments or {})},
        "tree": str(model),
        "input": dict(input_spec),
        "output": {"activation": activation, "labels": list(labels), "returns_logits": logits_module is not None,
                   "logits_module": logits_module, "classes": n_out},
        "taps": [{"name": t, "type": info[t]["type"], "shape": info[t]["shape"], "geometry": geometry[t]}
                 for t in tap_names],
        "default_layer": default_layer,
        "not_tapped": skipped,
        "verification": {"max_gradient_difference": worst},
        "versions": {"torch": torch.__version__, "exporter": EXPORTER_VERSION},
    }
    save_bundle(traced, manifest, out_path)
    log(f"wrote {out_path}: {len(tap_names)} taps, default layer {default_layer}, output {activation}"
        f"{' (+ logits)' if logits_module else ''}")
    return manifest

def eager_from_bundle(bundle_path, manifest):
    """Rebuild the eager model from a bundle's weights (the traced wrapper keeps them under 'model.')."""
    traced = torch.jit.load(bundle_path, map_location="cpu")
    state = {k[len("model."):]: v for k, v in traced.state_dict().items() if k.startswith("model.")}
    model = architectures.build(manifest["model"]["architecture"], **manifest["model"].get("arguments", {}))
    model.load_state_dict(state)
    return model.eval()


def read_manifest(bundle_path):
    extra = {MANIFEST_NAME: ""}
    torch.jit.load(bundle_path, map_location="cpu", _extra_files=extra)
    return json.loads(extra[MANIFEST_NAME])



def parse_args(argv):
    ap = argparse.ArgumentParser(description="Export a PyTorch classifier as a Grad-CAM Viewer bundle.",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--arch", required=True, help="XRayClassifier, a torchvision name, or module.path:Factory")
    ap.add_argument("--nf", type=int, help="XRayClassifier width (the tutorial's nf)")
    ap.add_argument("--num-classes", type=int, help="passed to torchvision factories")
    ap.add_argument("--weights", help="state_dict file (torch.save(model.state_dict(), ...))")
    ap.add_argument("--out", required=True, help="bundle to write (*.pt)")
    ap.add_argument("--name", help="model name shown in the viewer")
    ap.add_argument("--description", default="", help="one or two sentences shown in the viewer")
    ap.add_argument("--labels", nargs="+", help="class labels (two for a one-output sigmoid model)")
    ap.add_argument("--labels-file", help="file with one label per line")
    ap.add_argument("--size", type=int, nargs=2, default=[256, 256], metavar=("H", "W"), help="model input size")
    ap.add_argument("--channels", type=int, default=3, choices=[1, 3])
    ap.add_argument("--resize", type=int, default=256, help="shorter side before the crop (0: none)")
    ap.add_argument("--crop", type=int, nargs="+", help="centre crop H [W] (default: the input size)")
    ap.add_argument("--mean", type=float, nargs="+", default=[0.5])
    ap.add_argument("--std", type=float, nargs="+", default=[0.5])
    ap.add_argument("--taps", nargs="+", default=["auto"], help="auto, all, or dotted module names")
    ap.add_argument("--default-layer")
    ap.add_argument("--activation", default="auto", choices=["auto", "sigmoid", "softmax", "logits"])
    ap.add_argument("--measure", default="some", choices=["some", "all", "none"],
                    help="which taps get their cell geometry measured to cross-check the analytic one")
    ap.add_argument("--reference", nargs="+", metavar=("DIR", "IMAGE"),
                    help="also write reference values for these images into DIR")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        kwargs = {}
        if args.nf is not None:
            kwargs["nf"] = args.nf
        if args.num_classes is not None:
            kwargs["num_classes"] = args.num_classes
        try:
            model = architectures.build(args.arch, **kwargs)
        except (ImportError, AttributeError, TypeError) as e:
            raise ExportError(f"cannot build '{args.arch}': {e}")
        if args.weights:
            load_weights(model, args.weights)
        if args.labels_file:
            with open(args.labels_file) as f:
                labels = [l.strip() for l in f if l.strip()]
        elif args.labels:
            labels = args.labels
        else:
            raise ExportError("give the class labels with --labels or --labels-file")
        c = args.channels
        mean = args.mean * c if len(args.mean) == 1 else args.mean
        std = args.std * c if len(args.std) == 1 else args.std
        if len(mean) != c or len(std) != c:
            raise ExportError(f"--mean and --std need 1 or {c} values")
        crop = args.crop or args.size
        crop = [crop[0], crop[-1]]
        spec = {"shape": [1, c, args.size[0], args.size[1]], "colour": "RGB" if c == 3 else "L",
                "resize": args.resize or None, "center_crop": crop, "interpolation": "bilinear",
                "mean": mean, "std": std}
        taps = args.taps[0] if args.taps in (["auto"], ["all"]) else args.taps
        manifest = export(model, args.out, name=args.name or args.arch, description=args.description,
                          labels=labels, input_spec=spec, taps=taps, default_layer=args.default_layer,
                          activation=args.activation, measure=args.measure, architecture=args.arch,
                          arguments=kwargs)
        if args.reference:
            if len(args.reference) < 2:
                raise ExportError("--reference needs a folder and at least one image")
            write_reference(model.eval(), manifest, args.reference[1:], args.reference[0], print)
    except ExportError as e:
        print(f"export_model: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

