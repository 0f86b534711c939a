"""The preprocessing read from the user's own torchvision transform (--transform module:NAME or
path/to/file.py:NAME): the steps the viewer performs are read into the manifest's values, any other
step is refused by name, and the result is checked on sample images against the transform itself."""
import os

import numpy as np

import architectures
from errors import ExportError

READ = ("Resize", "CenterCrop", "ToTensor", "PILToTensor", "ConvertImageDtype", "ToImage", "ToImageTensor",
        "ToDtype", "Normalize", "Grayscale")
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
CHECK_IMAGES = ("phantom-01-pneumonia.png", "phantom-03-pneumonia-portrait.png", "phantom-04-normal-landscape.jpg")


def load(reference):
    """The object `reference` names: 'package.module:NAME' or 'path/to/file.py:NAME'."""
    if ":" not in reference:
        raise ExportError(f"--transform takes module:NAME or path/to/file.py:NAME, not '{reference}'")
    module_name, attr = reference.rsplit(":", 1)
    try:
        module = architectures.load_file(module_name) if module_name.endswith(".py") else __import__(module_name, fromlist=[attr])
    except ExportError:
        raise
    except Exception as e:
        raise ExportError(f"--transform {reference}: cannot import {module_name}: {type(e).__name__}: {e}")
    if not hasattr(module, attr):
        raise ExportError(f"--transform {reference}: {module_name} has no '{attr}'")
    return getattr(module, attr)


def steps(transform):
    return list(getattr(transform, "transforms", [transform]))


def _pair(size):
    if isinstance(size, int):
        return [size, size]
    size = list(size)
    return [size[0], size[-1]]


def values_of(transform, reference):
    """The preprocessing values the transform's steps give (None where it has no step for one),
    and the channel count; a step the viewer cannot perform is refused by name."""
    values = {"size": None, "resize": 0, "crop": None, "interpolation": "bilinear", "mean": None, "std": None}
    channels = 3
    scaled = False
    for step in steps(transform):
        kind = type(step).__name__
        if kind not in READ:
            raise ExportError(f"--transform {reference}: the step {kind} is not one the viewer performs (it performs "
                              f"{', '.join(READ)}); give the validation transform, without random or custom steps")
        if kind == "Resize":
            size = step.size
            if not isinstance(size, int) and len(list(size)) != 1:
                raise ExportError(f"--transform {reference}: Resize({list(size)}) resizes to a fixed height and width; the viewer "
                                  f"resizes the shorter side (Resize(N)) and then crops")
            if getattr(step, "max_size", None):
                raise ExportError(f"--transform {reference}: Resize with max_size is not one the viewer performs")
            values["resize"] = size if isinstance(size, int) else list(size)[0]
            values["interpolation"] = getattr(step.interpolation, "value", str(step.interpolation))
        elif kind == "CenterCrop":
            values["crop"] = _pair(step.size)
        elif kind == "Normalize":
            values["mean"], values["std"] = [float(v) for v in step.mean], [float(v) for v in step.std]
        elif kind == "Grayscale":
            channels = step.num_output_channels
        elif kind in ("ToTensor", "ConvertImageDtype") or (kind == "ToDtype" and getattr(step, "scale", False)):
            scaled = True
    if not scaled:
        raise ExportError(f"--transform {reference}: it never scales the pixels to [0, 1] (ToTensor, or ToImage with ToDtype(scale=True))")
    if values["mean"] is None:
        values["mean"], values["std"] = [0.0], [1.0]
    if values["crop"] is not None:
        values["size"] = values["crop"]
    return values, channels


def check(transform, spec, reference, log):
    """The bundle's input (the viewer's preprocessing, as reference.py computes it) against what the
    transform makes, on a few sample images: equal to the resampler's precision. The transform
    resamples 8-bit data in two passes, each rounded to 8 bits (bicubic's overshoot clipped between
    them), the viewer in float: bilinear within 2 levels, bicubic within 8 at the sharpest edges."""
    from PIL import Image
    import torch
    from reference import load_image_float, preprocess
    levels = 8 if spec["interpolation"] == "bicubic" else 2
    tolerance = levels / 255 / min(spec["std"]) + 1e-5
    worst = 0.0
    for name in CHECK_IMAGES:
        path = os.path.join(SAMPLES, name)
        img = Image.open(path).convert("RGB")
        theirs = transform(img)
        if not isinstance(theirs, torch.Tensor):
            raise ExportError(f"--transform {reference} returns {type(theirs).__name__}, not a tensor")
        ours, _ = preprocess(load_image_float(path), spec)
        if tuple(theirs.shape) != tuple(ours.shape[1:]):
            raise ExportError(f"--transform {reference} makes {tuple(theirs.shape)} from {name}, the bundle's input is "
                              f"{tuple(ours.shape[1:])}")
        worst = max(worst, float(np.abs(theirs.float().numpy() - ours[0].numpy()).max()))
    log(f"preprocessing: the bundle's input equals --transform {reference} on {len(CHECK_IMAGES)} samples "
        f"to {worst:.3g} (allowed {tolerance:.3g}: {levels} levels, 8-bit against float resampling)")
    if worst > tolerance:
        raise ExportError(f"--transform {reference}: the bundle's input differs from the transform's by {worst:.3g} on the samples "
                          f"(more than {tolerance:.3g}): a step is not read as the transform performs it")
