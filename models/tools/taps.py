"""Which layers can be tapped and how: a forward that records every module's output and layout
(channels first, channels last, tokens), the choice of taps and of the default layer, and the
wrapper whose traced forward adds a probe to each tap and hands its map out channels first."""
from collections import OrderedDict

import torch
from torch import nn

from errors import ExportError

MAX_AUTO_TAPS = 128


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
