#!/usr/bin/env python3
"""Export a PyTorch classifier as a Grad-CAM Viewer model bundle.

The bundle is a TorchScript archive whose traced forward is

    forward(x, p_1, ..., p_k) -> (y, [logits,] A_1, ..., A_k)

where a forward hook on each tapped layer replaces its output A_i by A_i + p_i (p_i an extra zero
input of A_i's shape) and hands out a clone of it. The gradient of a score with respect to p_i is
the gradient with respect to A_i, so one forward+backward gives every tapped layer. The archive
carries `gradcam/manifest.json` (see ../../README.md and the design notes).

This file is the command and the export itself (trace, verify, write); the parts live beside it:
weights.py (loading what people save), taps.py (which layers, their layouts, the probe wrapper),
geometry.py (where each cell sits), reference.py (preprocessing and the float64 reference values).

Examples:
    export_model.py --arch XRayClassifier --nf 16 --weights state.pt --out model.pt
    export_model.py --arch resnet18 --labels-file imagenet.txt --resize 256 --crop 224 \
        --mean 0.485 0.456 0.406 --std 0.229 0.224 0.225 --out resnet18.pt
    export_model.py ... --reference refdir sample1.png sample2.png
"""
import argparse
import json
import os
import sys
import tempfile
import time
import warnings

import torch

import architectures
import preprocessing
from errors import ExportError
from weights import (  # noqa: F401  (the exporter's functions, for tools and tests as ex.<name>)
    read_weights, load_weights, fit_state_dict, fit_head, takes_num_classes, CHECKPOINT_KEYS)
from taps import (  # noqa: F401  (the exporter's functions, for tools and tests as ex.<name>)
    class_scores, inspect_modules, eligible_reason, detect_layout, probe_and_map,
    as_map, choose_taps, last_block, find_final_activation, TappedModel,
    layouts_of, zero_probes, eager_probe_gradients, MAX_CLASS_TOKENS, REARRANGING,
    MAX_AUTO_TAPS)
from geometry import (  # noqa: F401  (the exporter's functions, for tools and tests as ex.<name>)
    analytic_geometry, measured_geometries, input_size_geometry, refine_layouts, tap_geometries,
    POINTWISE)
from reference import (  # noqa: F401  (the exporter's functions, for tools and tests as ex.<name>)
    load_image_float, resized_size, preprocess, scoring_activation, probabilities,
    target_score, normalise, reference_cams, first_component, article_gradcam,
    article_hook_gradients, article_hooks, write_reference, MULTI_LABEL_LOGITS)

FORMAT = "gradcam-viewer-bundle"
FORMAT_VERSION = 1
EXPORTER_VERSION = "1.1.0"
MANIFEST_NAME = "gradcam/manifest.json"


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
        extra = (user_module,) if user_module else ()
        if "num_classes" not in kwargs and takes_num_classes(factory):
            model = fit_head(factory, model, read_weights(weights, extra), kwargs, arch, print)
        load_weights(model, weights, extra)
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
    ap.add_argument("--size", type=int, nargs=2, metavar=("H", "W"),
                    help="model input size (default: torchvision's for its models, 256 256 for XRayClassifier)")
    ap.add_argument("--channels", type=int, default=3, choices=[1, 3])
    ap.add_argument("--resize", type=int, help="shorter side before the crop (0: none)")
    ap.add_argument("--crop", type=int, nargs="+", help="centre crop H [W] (default: the input size)")
    ap.add_argument("--interpolation", choices=["bilinear", "bicubic"], help="the resize's resampling")
    ap.add_argument("--mean", type=float, nargs="+")
    ap.add_argument("--std", type=float, nargs="+")
    ap.add_argument("--preset", choices=sorted(preprocessing.PRESETS),
                    help="imagenet (224, resize 256, ImageNet mean/std) or article (256, mean/std 0.5); options given win")
    ap.add_argument("--transform", metavar="MODULE:NAME",
                    help="the torchvision transforms.Compose the model was validated with (module:NAME or file.py:NAME): "
                         "Resize, CenterCrop, ToTensor, Normalize, Grayscale are read into the bundle, other steps refused")
    ap.add_argument("--debug", action="store_true", help="on an error, the Python traceback too")
    ap.add_argument("--taps", nargs="+", default=["auto"], help="auto, all, or dotted module names")
    ap.add_argument("--default-layer")
    ap.add_argument("--activation", default="auto", choices=["auto", "sigmoid", "softmax", "logits"])
    ap.add_argument("--multi-label", action="store_true", default=None,
                    help="one sigmoid per label (findings that can co-occur); automatic when the model "
                         "ends in a Sigmoid over several outputs, needed for such a model returning logits")
    ap.add_argument("--measure", default="some", choices=["some", "all", "none"],
                    help="which taps get their cell geometry measured to cross-check the analytic one")
    ap.add_argument("--dicom-window", nargs="+", default=["file"], metavar="RULE",
                    help="which gray levels of a DICOM image the model was trained on: 'file' (the file's first window, "
                         "else its VOI LUT, else its full range; the default), 'full-range' (lowest to highest value), "
                         "or 'fixed C W' (this window centre and width). MONOCHROME1 is inverted in every case")
    ap.add_argument("--reference", nargs="+", metavar=("DIR", "IMAGE"),
                    help="also write reference values for these images into DIR")
    return ap.parse_args(argv)


def dicom_window_rule(words):
    """--dicom-window's words as the manifest's input.dicom_window."""
    rule = words[0]
    if rule in ("file", "full-range") and len(words) == 1:
        return {"rule": rule}
    if rule == "fixed" and len(words) == 3:
        try:
            center, width = float(words[1]), float(words[2])
        except ValueError:
            center, width = None, None
        if center is not None and width > 0:
            return {"rule": "fixed", "center": center, "width": width}
    raise ExportError("--dicom-window takes 'file', 'full-range' or 'fixed CENTER WIDTH' (width above zero), not "
                      + " ".join(words))


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except ExportError as e:
        print(f"export_model: error: {e}", file=sys.stderr)
    except Exception as e:  # tracing, shapes, imports: still one line, the traceback with --debug
        if args.debug:
            import traceback
            traceback.print_exc()
        print(f"export_model: error: {failure(e)}", file=sys.stderr)
    return 2


def failure(e):
    """An unexpected error in one line: what the model said, without the traceback."""
    text = " ".join(str(e).split()) or type(e).__name__
    if isinstance(e, AssertionError) and "image" in text.lower():
        return f"the model refused its input: {text} (give the size it expects with --size H W)"
    if isinstance(e, RuntimeError) and ("size" in text or "shape" in text):
        return f"the model could not run on its input: {text[:300]} (check --size and --channels)"
    return f"{type(e).__name__}: {text[:300]} (--debug shows where)"


def run(args):
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
    spec = preprocessing.spec_from_args(args, model, print)
    spec["dicom_window"] = dicom_window_rule(args.dicom_window)
    taps = args.taps[0] if args.taps in (["auto"], ["all"]) else args.taps
    manifest = export(model, args.out, name=args.name or architecture, description=args.description,
                      labels=labels, input_spec=spec, taps=taps, default_layer=args.default_layer,
                      activation=args.activation, measure=args.measure, architecture=architecture,
                      arguments=kwargs, multi_label=args.multi_label)
    if args.reference:
        if len(args.reference) < 2:
            raise ExportError("--reference needs a folder and at least one image")
        write_reference(model.eval(), manifest, args.reference[1:], args.reference[0], print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
