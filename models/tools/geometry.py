"""Cell geometry: where each cell of a tap's map sits in model-input pixels, analytic through the
modules, measured from receptive fields where that is not possible, else spread over the input."""
import torch
from torch import nn

from errors import ExportError
from taps import as_map


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
