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
import re
import sys
import tempfile
import time
import warnings
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

import architectures

FORMAT = "gradcam-viewer-bundle"
FORMAT_VERSION = 1
EXPORTER_VERSION = "1.1.0"
MANIFEST_NAME = "gradcam/manifest.json"
MAX_AUTO_TAPS = 128


class ExportError(Exception):
    """A problem with the user's input, reported as one line."""


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

CHECKPOINT_KEYS = ("state_dict", "model_state_dict", "model", "net", "weights")


def read_weights(path, extra_modules=()):
    """What a weights file holds, as people save them: a state_dict, a checkpoint dict with the
    state_dict under one of CHECKPOINT_KEYS, or a whole pickled model (torch.save(model)).
    Returns an nn.Module or a dict of tensors."""
    if not os.path.isfile(path):
        raise ExportError(f"weights file not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        obj = _load_pickled(path, extra_modules)
    if isinstance(obj, nn.Module):
        return obj
    if isinstance(obj, dict) and not _is_state_dict(obj):
        for key in CHECKPOINT_KEYS:
            inner = obj.get(key)
            if isinstance(inner, nn.Module) or (isinstance(inner, dict) and _is_state_dict(inner)):
                return inner
    if isinstance(obj, dict) and _is_state_dict(obj):
        return obj
    keys = ", ".join(sorted(str(k) for k in obj)[:8]) if isinstance(obj, dict) else type(obj).__name__
    raise ExportError(f"{path} holds no state_dict: found {keys}; expected tensors by name, a checkpoint "
                      f"with one of the keys {', '.join(CHECKPOINT_KEYS)}, or a whole model")


def _is_state_dict(d):
    return len(d) > 0 and all(isinstance(k, str) for k in d) and \
        all(isinstance(v, torch.Tensor) for v in d.values())


def _load_pickled(path, extra_modules):
    """torch.load without weights_only, for whole models. A model pickled from a notebook or a
    training script refers to its classes as __main__.X: those are looked up in the given modules
    (the --arch file and the built-in architectures) before giving up."""
    main = sys.modules["__main__"]
    added = []
    try:
        for _ in range(20):
            try:
                return torch.load(path, map_location="cpu")
            except AttributeError as e:
                m = re.search(r"Can't get attribute '([^']+)' on <module '(__main__|[^']*\.__main__)'", str(e))
                if not m:
                    raise ExportError(f"{path}: a pickled model whose class cannot be found: {e}")
                found = next((getattr(mod, m.group(1)) for mod in (*extra_modules, architectures)
                              if hasattr(mod, m.group(1))), None)
                if found is None or hasattr(main, m.group(1)):
                    raise ExportError(f"{path} is a pickled model of class '{m.group(1)}', defined in the script "
                                      f"that saved it; give that class with --arch path/to/file.py:{m.group(1)}")
                setattr(main, m.group(1), found)
                added.append(m.group(1))
        raise ExportError(f"{path}: too many classes missing to unpickle it")
    except ExportError:
        raise
    except (ModuleNotFoundError, ImportError) as e:
        raise ExportError(f"{path} is a pickled model that needs a module not importable here: {e}")
    except Exception as e:
        raise ExportError(f"{path} is not a PyTorch weights file (torch.load failed: {type(e).__name__}: "
                          f"{str(e)[:120]})")
    finally:
        for name in added:
            delattr(main, name)


def load_weights(model, path, extra_modules=()):
    """Load a weights file into model, or return the pickled model it holds when model is None."""
    obj = read_weights(path, extra_modules)
    if isinstance(obj, nn.Module):
        if model is None:
            return obj
        obj = obj.state_dict()
    elif model is None:
        raise ExportError(f"{path} holds a state_dict, not a whole model: give its class with --arch")
    fit_state_dict(model, obj, path)
    return model


def fit_state_dict(model, state, path):
    """Load state into model; a 'module.' prefix (DataParallel) is dropped. When it does not fit,
    the message names missing and unexpected keys and shape differences."""
    own = model.state_dict()
    if own and not any(k in own for k in state):
        for prefix in ("module.", "model.", "_orig_mod."):
            if all(k.startswith(prefix) for k in state):
                stripped = {k[len(prefix):]: v for k, v in state.items()}
                if any(k in own for k in stripped):
                    state = stripped
                    break
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [f"{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)} here" for k in own
              if k in state and tuple(state[k].shape) != tuple(own[k].shape)]
    if missing or unexpected or shapes:
        def some(names):
            return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing ({some(missing)})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected ({some(unexpected)})")
        if shapes:
            parts.append(f"{len(shapes)} of another shape ({some(shapes)})")
        raise ExportError(f"{path} does not fit this architecture: keys {'; '.join(parts)}")
    model.load_state_dict(state)


def class_scores(y):
    """The model's output as [B, classes]: [B, C, 1, 1] (a convolutional head, as the article's
    [B, 1, 1, 1]) is squeezed; anything else is returned as it is."""
    if isinstance(y, torch.Tensor) and y.dim() == 4 and y.shape[2] == 1 and y.shape[3] == 1:
        return y.flatten(1)
    return y


# --------------------------------------------------------------------------------------------
# Looking at the model: which modules run, how often, what they output
# --------------------------------------------------------------------------------------------

def inspect_modules(model, x):
    """Run one forward and record, per named module, how often it ran, its output shape and layout.

    Returns (info, y) where info is an OrderedDict name -> dict(calls, shape, output_shape, layout,
    type, finish) in the order modules first finished; `shape` is the map's shape channels first.
    """
    in_hw = tuple(x.shape[-2:])
    info = OrderedDict()
    counter = [0]
    handles = []
    outputs = []  # keeps outputs alive so that their ids stay unique

    def make_hook(name):
        def hook(module, inputs, output):
            entry = info.get(name)
            if entry is None:
                entry = info[name] = {"calls": 0, "type": type(module).__name__}
            entry["calls"] += 1
            raw = list(output.shape) if isinstance(output, torch.Tensor) else None
            entry["output_shape"] = raw
            entry["layout"], entry["shape"], entry["why_not"] = (None, raw, None) if raw is None \
                else detect_layout(module, raw, in_hw)
            entry["finish"] = counter[0]
            # the same tensor, unchanged: an in-place op after a module (torchvision's `out += identity`
            # after bn2) keeps the id but bumps the version
            entry["output_id"] = (id(output), getattr(output, "_version", 0))
            outputs.append(output)
            counter[0] += 1
        return hook

    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(make_hook(name)))
    try:
        with torch.no_grad():
            y = class_scores(model(x))
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
    if entry.get("output_shape") is None:
        return "does not output a tensor"
    if entry.get("layout") is None:
        return entry.get("why_not") or "has no spatial map"
    return None


MAX_CLASS_TOKENS = 4


def _fits(h, w, ratio):
    """True when an h x w grid has the input's aspect ratio (to within a cell of rounding)."""
    return h >= 1 and w >= 1 and abs(h - ratio * w) <= max(1.0, 0.05 * h)


def _grid(n, ratio):
    """An h x w grid of n cells with the input's aspect ratio, or None."""
    best = None
    for h in range(1, n + 1):
        if n % h == 0 and _fits(h, n // h, ratio):
            err = abs(h / (n // h) - ratio)
            if best is None or err < best[0]:
                best = (err, h, n // h)
    return None if best is None else (best[1], best[2])


def detect_layout(module, shape, in_hw):
    """How a module's output holds a spatial map: (layout, map shape [B, C, H, W], None), or
    (None, shape, why not). Layouts: channels_first [B, C, H, W]; channels_last [B, H, W, C] (Swin,
    ConvNeXt's inner layers); tokens [B, k + H*W, C] with k leading class tokens (ViT), what
    pytorch-grad-cam's reshape_transform undoes by hand. A 4-D output whose axes could be read
    either way is taken channels first unless a LayerNorm or Linear shows its channels are last."""
    ratio = in_hw[0] / in_hw[1]
    if len(shape) == 4:
        b, d1, d2, d3 = shape
        cf, cl = _fits(d2, d3, ratio), _fits(d1, d2, ratio)
        last = None
        if isinstance(module, nn.LayerNorm) and len(module.normalized_shape) == 1 and type(module) is nn.LayerNorm:
            last = module.normalized_shape[0] == d3
        elif isinstance(module, nn.Linear):
            last = module.out_features == d3
        channels_last = cl and (last is True or (not cf and last is not False))
        if channels_last:
            layout, map_shape = {"kind": "channels_last"}, [b, d3, d1, d2]
        else:
            layout, map_shape = {"kind": "channels_first"}, [b, d1, d2, d3]
        if cf and cl and last is None:
            layout["ambiguous"] = True  # settled by refine_layouts where the data flow shows it
        if map_shape[2] * map_shape[3] <= 1:
            return None, shape, "has a 1x1 output: no spatial map"
        return layout, map_shape, None
    if len(shape) == 3:
        b, t, c = shape
        for k in range(0, MAX_CLASS_TOKENS + 1):
            grid = _grid(t - k, ratio) if t - k > 1 else None
            if grid is not None and grid[0] * grid[1] > 1:
                return {"kind": "tokens", "grid": list(grid), "class_tokens": k}, [b, c, grid[0], grid[1]], None
        return None, shape, f"outputs {t} tokens that form no grid of the input's shape"
    return None, shape, f"outputs a {len(shape)}-D tensor, not a feature map"


def probe_and_map(output, probe, layout):
    """(output with the probe added, the map channels first) for a tap of the given layout. The
    probe is channels first; class tokens get no probe (their gradient is not part of the map)."""
    kind = (layout or {}).get("kind", "channels_first")
    if kind == "channels_first":
        tapped = output + probe
        return tapped, tapped
    if kind == "channels_last":
        tapped = output + probe.permute(0, 2, 3, 1)
        return tapped, tapped.permute(0, 3, 1, 2)
    k = layout["class_tokens"]
    b, c, h, w = probe.shape
    spread = probe.flatten(2).transpose(1, 2)
    if k:
        spread = torch.cat([torch.zeros(b, k, c, dtype=probe.dtype), spread], 1)
    tapped = output + spread
    return tapped, tapped[:, k:, :].transpose(1, 2).reshape(b, c, h, w)


def as_map(tensor, layout):
    """A raw tap output (or its gradient) as [B, C, H, W], written the way pytorch-grad-cam's
    reshape_transform examples do it, independently of probe_and_map."""
    kind = (layout or {}).get("kind", "channels_first")
    if kind == "channels_first":
        return tensor
    if kind == "channels_last":
        return tensor.transpose(2, 3).transpose(1, 2)
    h, w = layout["grid"]
    k = layout["class_tokens"]
    result = tensor[:, k:, :].reshape(tensor.size(0), h, w, tensor.size(2))
    return result.transpose(2, 3).transpose(1, 2)


def choose_taps(model, info, spec):
    """spec: 'auto', 'all' or a list of names. Returns (taps, skipped) in forward order."""
    names = [n for n, _ in model.named_modules() if n]
    known = set(names)
    if spec in ("auto", "all"):
        eligible = [n for n in info if eligible_reason(info[n]) is None]
        # every module that cannot be explained, with the reason the viewer shows on its row
        skipped = [{"name": n, "reason": eligible_reason(info.get(n))} for n in names
                   if eligible_reason(info.get(n)) is not None]
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
    chosen = set(taps)
    skipped = [{"name": n, "reason": eligible_reason(info.get(n)) or "not chosen when the model was exported (--taps)"}
               for n in names if n not in chosen]
    return taps, skipped


REARRANGING = ("Permute", "Flatten", "Identity", "Unflatten")


def last_block(taps, info):
    """The tap that finishes last; of a container and the child whose very output it returns (the
    article's `resnet_blocks` and `resnet_blocks[-1]`), the child, as the article picks it."""
    arranged = [n for n in taps if info[n]["type"] not in REARRANGING]
    last = max(arranged or taps, key=lambda n: info[n]["finish"])
    same = [n for n in taps if info[n].get("output_id") == info[last].get("output_id")
            and (n == last or n.startswith(last + "."))]
    return max(same, key=lambda n: n.count("."))


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


def _spatial(t, kind):
    return tuple(t.shape[2:4]) if kind == "channels_first" else tuple(t.shape[1:3])


def _permuted_kind(module, kind):
    """The layout after a leaf module with a `dims` permutation (torchvision's Permute), or None."""
    dims = list(getattr(module, "dims", []) or [])
    if dims == [0, 2, 3, 1] and kind == "channels_first":
        return "channels_last"
    if dims == [0, 3, 1, 2] and kind == "channels_last":
        return "channels_first"
    return None


def _patch_merged(module, src, output, geom):
    """Swin's PatchMerging (torchvision's, V1 and V2): cell (i, j) concatenates the 2x2 input cells
    from (2i, 2j), so its centre is half an input step further and the step doubles."""
    if "PatchMerging" not in type(module).__name__ or src is None or id(src) not in geom:
        return None
    g_in, kind = geom[id(src)]
    if g_in is None or output.dim() != 4 or kind != "channels_last":
        return None
    if tuple(output.shape[1:3]) != tuple((d + 1) // 2 for d in src.shape[1:3]):
        return None
    return (tuple(g_in[0][a] + g_in[1][a] / 2.0 for a in range(2)), tuple(2 * g_in[1][a] for a in range(2))), kind


def analytic_geometry(model, x, taps, info, kinds=None):
    """Propagate (origin, step) per axis through the modules as they run.

    A conv or pool moves the centre of output cell i to input position i*s - p + (k-1)*d/2; any
    other leaf module whose output keeps the spatial size keeps it (activations, norms, dropout,
    stochastic depth, linear layers on channels-last maps), a permutation moves the spatial axes.
    Tensors made outside modules (an addition, a concatenation, a squeeze-excitation's product)
    are matched by layout and spatial size to the tensors seen so far, which is sound when all of
    those agree. Returns name -> (origin, step) or None where the path holds something else;
    fills `kinds` (name -> the layout the data flow gives its output) when given."""
    kinds = {} if kinds is None else kinds
    geom = {}          # id(tensor) -> (geometry or None, kind)
    by_size = {}       # (kind, h, w) -> set of geometries seen (None = unknown)
    keep = []          # keeps tensors alive so that ids stay unique
    result = {}
    tapset = set(taps)

    def record(t, g, kind):
        keep.append(t)
        geom[id(t)] = (g, kind)
        by_size.setdefault((kind,) + _spatial(t, kind), set()).add(g)

    def lookup(t, kind):
        if id(t) in geom:
            return geom[id(t)]
        seen = by_size.get((kind,) + _spatial(t, kind), set())
        return (next(iter(seen)) if len(seen) == 1 else None), kind

    def kind_of(name):
        layout = info.get(name, {}).get("layout")
        return layout["kind"] if layout else None

    def make_hook(name, is_leaf):
        def hook(module, inputs, output):
            if not isinstance(output, torch.Tensor) or output.dim() != 4:
                return
            out_kind = kind_of(name) or "channels_first"
            if is_leaf:
                src = inputs[0] if inputs and isinstance(inputs[0], torch.Tensor) and inputs[0].dim() == 4 else None
                g_in, in_kind = lookup(src, out_kind) if src is not None else (None, out_kind)
                window = _window_geometry(module)
                permuted = _permuted_kind(module, in_kind) if src is not None else None
                if g_in is None:
                    g, kind = None, out_kind
                elif window is not None and in_kind == "channels_first":
                    k, s, p, d = window
                    g = (tuple(g_in[0][a] + g_in[1][a] * ((k[a] - 1) * d[a] / 2.0 - p[a]) for a in range(2)),
                         tuple(g_in[1][a] * s[a] for a in range(2)))
                    kind = "channels_first"
                elif permuted is not None and _spatial(output, permuted) == _spatial(src, in_kind):
                    g, kind = g_in, permuted
                elif window is None and _spatial(output, in_kind) == _spatial(src, in_kind):
                    g, kind = g_in, in_kind
                else:
                    g, kind = None, out_kind
                record(output, g, kind)
            else:
                src = inputs[0] if inputs and isinstance(inputs[0], torch.Tensor) else None
                merged = _patch_merged(module, src, output, geom)
                if merged is not None:
                    record(output, *merged)
                    # the merge's insides (its norm and linear layer on the concatenated cells) were
                    # unknown until now: they are the same cells
                    by_size[(merged[1],) + _spatial(output, merged[1])].discard(None)
                elif id(output) not in geom:
                    layout = info.get(name, {}).get("layout") or {}
                    if layout.get("ambiguous") and src is not None and id(src) in geom:
                        out_kind = geom[id(src)][1]  # a block keeps its input's layout
                    g, kind = lookup(output, out_kind)
                    record(output, g, kind)
            if name in tapset:
                g, kind = geom.get(id(output), (None, None))
                result[name] = g if kind == out_kind else None
            kinds[name] = geom.get(id(output), (None, None))[1]
        return hook

    handles = []
    for name, module in model.named_modules():
        if name:
            is_leaf = len(list(module.children())) == 0
            handles.append(module.register_forward_hook(make_hook(name, is_leaf)))
    record(x, ((0.0, 0.0), (1.0, 1.0)), "channels_first")
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return result


class _Stop(Exception):
    pass


def _box(grad):
    """Rows and columns where a [C, H, W] input gradient is nonzero: [top, bottom, left, right]."""
    mag = grad.abs().sum(0)
    rows = torch.nonzero(mag.sum(1) > 0).flatten()
    cols = torch.nonzero(mag.sum(0) > 0).flatten()
    if len(rows) == 0:
        return None
    return [rows.min().item(), rows.max().item(), cols.min().item(), cols.max().item()]


def measured_geometries(model, taps, info, input_shape, factors=(2, 3, 4), max_side=1024, seeds=3, log=None):
    """Measure taps' cell geometry from receptive fields: on a larger random input, back-propagate
    from two neighbouring cells and take the centre of each cell's nonzero
    input gradient. All taps share one forward per seed and input size. Returns name -> (origin,
    step) or None: when the receptive field does not fit in max_side, reaches every border at
    twice the input size (a global one: squeeze-excitation, attention), or the model refuses a
    larger input (a ViT's fixed size)."""
    _, c, h, w = input_shape
    modules = {t: model.get_submodule(t) for t in taps}
    order = sorted(taps, key=lambda t: info[t]["finish"])
    result = {}
    pending = list(order)
    for factor in factors:
        H, W = h * factor, w * factor
        if not pending or max(H, W) > max_side:
            break
        boxes = {t: {} for t in pending}
        clipped = {t: set() for t in pending}
        refused = False
        for seed in range(seeds):
            gen = torch.Generator().manual_seed(seed)
            x = torch.randn(1, c, H, W, generator=gen, requires_grad=True)
            outs = {}

            def make_hook(name):
                def hook(module, inputs, output):
                    outs[name] = output
                    if name == pending[-1]:
                        raise _Stop()
                    return output.clone()  # the stored output stays as it was if a parent changes it in place
                return hook

            handles = [modules[t].register_forward_hook(make_hook(t)) for t in pending]
            try:
                model(x)
            except _Stop:
                pass
            except Exception:
                refused = True
            finally:
                for hd in handles:
                    hd.remove()
            if refused:
                break
            for t in pending:
                if t not in outs:
                    continue
                out = as_map(outs[t], info[t].get("layout"))
                oh, ow = out.shape[-2:]
                if oh < 2 or ow < 2:
                    continue
                ci, cj = oh // 2 - 1, ow // 2 - 1
                for di in (0, 1):
                    # one cell per backward: a batch of two made libtorch's backward 5-20x slower here
                    grad, = torch.autograd.grad(out[0, :, ci + di, cj + di].sum(), x, retain_graph=True, allow_unused=True)
                    box = _box(grad[0]) if grad is not None else None
                    if box is None:
                        continue
                    for side, edge in zip("tblr", (box[0] == 0, box[1] == H - 1, box[2] == 0, box[3] == W - 1)):
                        if edge:
                            clipped[t].add(side)
                    old = boxes[t].get(di)
                    boxes[t][di] = box if old is None else [min(old[0], box[0]), max(old[1], box[1]),
                                                           min(old[2], box[2]), max(old[3], box[3])]
                boxes[t]["cells"] = (ci, cj)
            outs.clear()
        if refused:
            break
        still = []
        for t in pending:
            b = boxes[t]
            if clipped[t] or 0 not in b or 1 not in b:
                if len(clipped[t]) < 4:
                    still.append(t)
                continue
            ci, cj = b["cells"]
            centres = {di: ((b[di][0] + b[di][1]) / 2.0, (b[di][2] + b[di][3]) / 2.0) for di in (0, 1)}
            step = (centres[1][0] - centres[0][0], centres[1][1] - centres[0][1])
            if step[0] <= 0 or step[1] <= 0:
                continue
            origin = (centres[0][0] - ci * step[0], centres[0][1] - cj * step[1])
            # cells must tile the input: windowed attention (Swin) gives box centres that do not
            in_hw, map_hw = (h, w), tuple(info[t]["shape"][2:])
            if any(abs(step[a] * map_hw[a] - in_hw[a]) > 1.5 * step[a] or abs(origin[a]) > step[a] for a in range(2)):
                continue
            result[t] = (origin, step)
        pending = still
    return result


def input_size_geometry(map_hw, in_hw):
    """Cells spread evenly over the input: what a patch grid is (ViT, Swin), and the article's resize."""
    step = tuple(in_hw[a] / map_hw[a] for a in range(2))
    return tuple((step[a] - 1) / 2.0 for a in range(2)), step


def refine_layouts(model, x, info):
    """Settle the layout of outputs whose shape reads both ways ([B, 16, 16, 16]) by the data flow:
    a permutation or a channels-last module before them."""
    ambiguous = [n for n, e in info.items() if e.get("layout") and e["layout"].get("ambiguous")]
    if not ambiguous:
        return
    kinds = {}
    analytic_geometry(model, x, [], info, kinds)
    for n in ambiguous:
        e = info[n]
        e["layout"] = {"kind": kinds.get(n) or e["layout"]["kind"]}
        b, d1, d2, d3 = e["output_shape"]
        e["shape"] = [b, d3, d1, d2] if e["layout"]["kind"] == "channels_last" else [b, d1, d2, d3]


def tap_geometries(model, x, taps, info, measure="some", default_layer=None, tolerance=1.0, log=None):
    """Analytic geometry for every tap, measured where analytic is unknown, and cross-checked on a
    selection ('some': first, middle, last and default taps; 'all'; 'none'); where neither is
    possible, the cells spread evenly over the input ('input-size')."""
    analytic = analytic_geometry(model, x, taps, info)
    check = set()
    if measure == "all":
        check = set(taps)
    elif measure == "some" and taps:
        check = {taps[0], taps[len(taps) // 2], taps[-1]}
        if default_layer in taps:
            check.add(default_layer)
    # receptive fields tell where a convolutional cell sits; through attention (tokens, Swin's
    # channels-last windows) they do not, and measuring them only costs minutes
    measurable = [t for t in taps if (info[t].get("layout") or {}).get("kind", "channels_first") == "channels_first"]
    to_measure = [t for t in measurable if analytic.get(t) is None or t in check]
    if log:
        log(f"geometry: {sum(a is not None for a in analytic.values())} of {len(taps)} taps analytic; "
            f"measuring {len(to_measure)} ({len(check)} as a cross-check)")
    measured = measured_geometries(model, to_measure, info, tuple(x.shape)) if to_measure else {}
    out = {}
    for tap in taps:
        a, m = analytic.get(tap), measured.get(tap)
        if a is not None and m is not None:
            diff = max(abs(a[i][j] - m[i][j]) for i in range(2) for j in range(2))
            if diff > tolerance:
                raise ExportError(f"cell geometry of '{tap}' disagrees: analytic origin {a[0]} step {a[1]}, "
                                  f"measured origin {m[0]} step {m[1]}")
        if a is not None or m is not None:
            g, source = (a, "analytic") if a is not None else (m, "measured")
        else:
            g, source = input_size_geometry(info[tap]["shape"][2:], tuple(x.shape[2:])), "input-size"
        entry = {"origin": list(g[0]), "step": list(g[1]), "source": source}
        if a is not None and m is not None:
            entry["measured"] = {"origin": list(m[0]), "step": list(m[1])}
        out[tap] = entry
    return out


# --------------------------------------------------------------------------------------------
# The traced bundle
# --------------------------------------------------------------------------------------------

class TappedModel(nn.Module):
    """forward(x, *probes) -> (y, [logits,] *activations); see the module docstring."""

    def __init__(self, model, taps, logits_module=None, layouts=None):
        super().__init__()
        self.model = model
        self.taps = list(taps)
        self.logits_module = logits_module
        self.layouts = dict(layouts or {})

    def forward(self, x, *probes):
        acts = {}
        captured = {}
        handles = []

        def make_tap_hook(name, probe):
            def hook(module, inputs, output):
                tapped, as_map = probe_and_map(output, probe, self.layouts.get(name))
                acts[name] = as_map.clone()
                return tapped
            return hook

        for name, probe in zip(self.taps, probes):
            handles.append(self.model.get_submodule(name).register_forward_hook(make_tap_hook(name, probe)))
        if self.logits_module is not None:
            def logit_hook(module, inputs, output):
                captured["logits"] = inputs[0]
            handles.append(self.model.get_submodule(self.logits_module).register_forward_hook(logit_hook))
        try:
            y = class_scores(self.model(x))
        finally:
            for h in handles:
                h.remove()
        outs = [y]
        if self.logits_module is not None:
            outs.append(captured["logits"].reshape(y.shape))
        outs.extend(acts[name] for name in self.taps)
        return tuple(outs)


def layouts_of(info, taps):
    return {t: info[t].get("layout") for t in taps}


def zero_probes(info, taps, dtype=torch.float32):
    return [torch.zeros(info[t]["shape"], dtype=dtype) for t in taps]


def eager_probe_gradients(model, x, taps, info, logits_module, score_fn, dtype=torch.float32):
    """Gradients of score_fn(y, logits) w.r.t. each tap's output, from the eager model."""
    wrapper = TappedModel(model, taps, logits_module, layouts_of(info, taps))
    probes = [p.requires_grad_(True) for p in zero_probes(info, taps, dtype)]
    outs = wrapper(x, *probes)
    y, logits = outs[0], (outs[1] if logits_module else None)
    grads = torch.autograd.grad(score_fn(y, logits), probes, allow_unused=True)
    return [g if g is not None else torch.zeros_like(p) for g, p in zip(grads, probes)]


def verify(traced, model, x, taps, info, logits_module, log):
    """The bundle must compute what the eager model computes, gradients included. Returns the
    largest gradient difference and the taps whose gradient is zero everywhere (a ViT's patch
    tokens after its last attention: only the class token reaches the head)."""
    with torch.no_grad():
        y_eager = class_scores(model(x))
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
    dead = set()
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
        if scale <= 1e-12:
            dead.add(name)
        if tuple(act.shape) != tuple(info[name]["shape"]):
            raise ExportError(f"tap '{name}' returned shape {tuple(act.shape)}, expected {info[name]['shape']}")
    return worst, dead


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

MULTI_LABEL_LOGITS = "logits/multi-label"


def scoring_activation(output_spec):
    """The manifest's activation, told apart for multi-label models that return logits (one
    sigmoid per label, applied by the viewer)."""
    a = output_spec["activation"]
    return MULTI_LABEL_LOGITS if a == "logits" and output_spec.get("multi_label") else a


def probabilities(y, activation):
    y = y.flatten()
    if activation == MULTI_LABEL_LOGITS:
        return torch.sigmoid(y)
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
        if activation == MULTI_LABEL_LOGITS:
            p = torch.sigmoid(y[target])
        elif activation == "logits":
            p = torch.sigmoid(y[0]) if one else torch.softmax(y, 0)[target]
        else:
            p = y[0] if one else y[target]
        return (1 - p) if one and target == 0 else p
    z = (logits.flatten() if logits is not None else y)
    if activation not in ("logits", MULTI_LABEL_LOGITS) and logits is None:
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
        "gradcamelementwise": normalise(torch.relu(torch.relu(g * a).sum(0))),
        "eigencam": normalise(torch.relu(first_component(a))),
        "eigengradcam": normalise(torch.relu(first_component(g * a))),
    }


def first_component(values):
    """Eigen-CAM's projection, from numpy's SVD in float64: the [cells, channels] matrix centred per
    channel, projected on its first right singular vector (pytorch-grad-cam's get_2d_projection),
    with its sign fixed: agreeing with the cells' mean over the channels (|cosine| at least 0.05 with
    its variation over the cells, which must reach 1e-3 of the values' RMS), else largest value
    positive."""
    c, h, w = values.shape
    v = values.double().reshape(c, h * w).numpy()
    x = v.T - v.T.mean(axis=0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    projection = x @ vt[0]
    varying = v.mean(axis=0) - v.mean()
    rms = float(np.sqrt((v ** 2).mean()))
    sign = None
    if float(np.sqrt((varying ** 2).mean())) >= 1e-3 * rms:
        n = np.linalg.norm(projection) * np.linalg.norm(varying)
        cos = float(projection @ varying / n) if n > 0 else 0.0
        if abs(cos) >= 0.05:
            sign = 1.0 if cos > 0 else -1.0
    if sign is None:
        sign = 1.0 if projection[np.argmax(np.abs(projection))] >= 0 else -1.0
    return torch.from_numpy((sign * projection).reshape(h, w))


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
        if len(taps) == 1:
            return {}
        # one tap whose output is changed in place (the article's `out += self.shortcut(x)` after
        # bn2) spoils the pass for all: then each tap on its own
        found = {}
        for tap in taps:
            found.update(article_hooks(model, x, [tap], activation, logits_module, target, score))
        return found
    return {t: (store[("a", t)], store[("g", t)]) for t in taps if ("a", t) in store and ("g", t) in store}


def write_reference(model, manifest, images, out_dir, log, taps=None, methods=False):
    """Per image: the preprocessed input, prediction, and for each tap (default: all) the article's
    Grad-CAM from eager hooks, from the output and from the logit; with methods=True also the
    other four methods, each as <stem>.<tap>.<method>.<score>.npy.

    Activations, gradients and maps are computed in float64 (a double copy of the model fed the
    float32 input exactly), so that a float32 implementation can be judged by its own rounding
    alone; with methods=True the float64 activations and gradients are saved too."""
    os.makedirs(out_dir, exist_ok=True)
    spec, activation = manifest["input"], scoring_activation(manifest["output"])
    all_taps = [t["name"] for t in manifest["taps"]]
    taps = list(taps) if taps else all_taps
    logits_module = manifest["output"].get("logits_module")
    info = {t["name"]: {"shape": t["shape"], "layout": t.get("layout")} for t in manifest["taps"]}
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
            if score == "logit" and logits is None and activation not in ("logits", MULTI_LABEL_LOGITS):
                continue
            x64 = x.double()
            probe_grads = eager_probe_gradients(
                model64, x64, taps, info, logits_module,
                lambda yy, zz: target_score(yy, zz, activation, target, score), dtype=torch.float64)
            with torch.no_grad():
                acts = TappedModel(model64, taps, logits_module, layouts_of(info, taps))(
                    x64, *zero_probes(info, taps, torch.float64))[2 if logits_module else 1:]
            all_hooked = article_hooks(model64, x64, taps, activation, logits_module, target, score)
            all_hooked = {t: (as_map(a, info[t]["layout"]), as_map(g, info[t]["layout"])) for t, (a, g) in all_hooked.items()}
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
           activation="auto", measure="some", architecture=None, arguments=None, multi_label=None, log=print):
    started = time.time()
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
    # one sigmoid per output (CheXNet's 14 findings): each label has its own probability
    if multi_label is None:
        multi_label = activation == "sigmoid" and n_out > 1
    if multi_label and (activation == "softmax" or n_out == 1):
        raise ExportError("a multi-label model has several outputs and no softmax")
    expected = 2 if n_out == 1 else n_out
    if len(labels) != expected:
        raise ExportError(f"the model has {n_out} output(s), so it needs {expected} labels; got {len(labels)}")
    tap_names, skipped = choose_taps(model, info, taps)
    if not tap_names:
        log("warning: no layer can be tapped; the bundle will predict but not explain")
    chosen_default = default_layer is None and bool(tap_names)
    if chosen_default:
        default_layer = last_block(tap_names, info)
    if default_layer is not None and default_layer not in tap_names:
        raise ExportError(f"default layer '{default_layer}' is not among the taps")
    for s in skipped:
        if s["reason"].startswith(("runs", "beyond")):  # the ones a user may have expected to see tapped
            log(f"not tapped: {s['name']}: {s['reason']}")
    refine_layouts(model, x, info)
    log(f"[{time.time() - started:.1f} s] {len(tap_names)} taps; cell geometry ...")
    geometry = tap_geometries(model, x, tap_names, info, measure, default_layer, log=log)
    log(f"[{time.time() - started:.1f} s] tracing ...")

    wrapper = TappedModel(model, tap_names, logits_module, layouts_of(info, tap_names)).eval()
    example = (x, *zero_probes(info, tap_names))
    # traced with gradients on: under no_grad, nn.MultiheadAttention takes a fast path whose
    # operator has no derivative, and the trace would keep it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        traced = torch.jit.trace(wrapper, example, check_trace=False)
    log(f"[{time.time() - started:.1f} s] verifying the bundle against the eager model ...")
    worst, dead = verify(traced, model, x, tap_names, info, logits_module, log)
    if chosen_default and default_layer in dead:
        alive = [t for t in tap_names if t not in dead]
        if alive:
            log(f"default layer: '{default_layer}' gets no gradient (nothing there reaches the output); "
                f"'{last_block(alive, info)}' instead")
            default_layer = last_block(alive, info)

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": {"name": name, "description": description, "architecture": architecture or type(model).__name__,
                  "arguments": dict(arguments or {})},
        "tree": str(model),
        "input": dict(input_spec),
        "output": {"activation": activation, "labels": list(labels), "returns_logits": logits_module is not None,
                   "logits_module": logits_module, "classes": n_out, "multi_label": bool(multi_label)},
        "taps": [tap_entry(t, info[t], geometry[t]) for t in tap_names],
        "default_layer": default_layer,
        "not_tapped": skipped,
        "verification": {"max_gradient_difference": worst},
        "versions": {"torch": torch.__version__, "exporter": EXPORTER_VERSION},
    }
    save_bundle(traced, manifest, out_path)
    log(f"wrote {out_path}: {len(tap_names)} taps, default layer {default_layer}, output {activation}"
        f"{' (+ logits)' if logits_module else ''}")
    return manifest

def tap_entry(name, entry, geometry):
    layout = {k: v for k, v in entry["layout"].items() if k != "ambiguous"}
    if layout["kind"] != "channels_first":
        layout["output_shape"] = entry["output_shape"]
    return {"name": name, "type": entry["type"], "shape": entry["shape"], "layout": layout, "geometry": geometry}


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



def build_model(arch, weights, kwargs):
    """The model to export and the architecture name to record: built from --arch (with --weights
    loaded into it), or the whole model a --weights file holds."""
    if arch is None:
        if not weights:
            raise ExportError("give --arch, or --weights with a whole pickled model")
        model = load_weights(None, weights)
        return model, f"{type(model).__module__}:{type(model).__name__}"
    try:
        factory = architectures.resolve(arch)
        model = factory(**kwargs)
    except ExportError:
        raise
    except Exception as e:
        raise ExportError(f"cannot build '{arch}': {type(e).__name__}: {e}")
    if weights:
        user_module = sys.modules.get(getattr(factory, "__module__", ""), None)
        load_weights(model, weights, (user_module,) if user_module else ())
    return model, arch


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Export a PyTorch classifier as a Grad-CAM Viewer bundle.",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--arch", help="XRayClassifier, a torchvision name, package.module:Factory or "
                    "path/to/file.py:Factory (not needed when --weights holds a whole pickled model)")
    ap.add_argument("--nf", type=int, help="XRayClassifier width (the tutorial's nf)")
    ap.add_argument("--num-classes", type=int, help="passed to torchvision factories")
    ap.add_argument("--weights", help="a state_dict, a checkpoint dict holding one, or a whole model "
                    "(torch.save(model)); a DataParallel 'module.' prefix is dropped")
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
    ap.add_argument("--multi-label", action="store_true", default=None,
                    help="one sigmoid per label (findings that can co-occur); automatic when the model "
                         "ends in a Sigmoid over several outputs, needed for such a model returning logits")
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
        if args.arch == "XRayClassifier" and args.channels != 3:
            kwargs["nc"] = args.channels
        model, architecture = build_model(args.arch, args.weights, kwargs)
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
        manifest = export(model, args.out, name=args.name or architecture, description=args.description,
                          labels=labels, input_spec=spec, taps=taps, default_layer=args.default_layer,
                          activation=args.activation, measure=args.measure, architecture=architecture,
                          arguments=kwargs, multi_label=args.multi_label)
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

