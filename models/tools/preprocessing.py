"""Which preprocessing a bundle records, and where each value came from: the user's options, a
preset, torchvision's own weights metadata for its architectures, the article's for its
XRayClassifier. Nothing is guessed: any other model without its preprocessing is refused."""
from errors import ExportError
import user_transform

KEYS = ("size", "resize", "crop", "interpolation", "mean", "std")
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
PRESETS = {
    # the tutorial's: 256 x 256, mean and std 0.5
    "article": {"size": [256, 256], "resize": 256, "crop": [256, 256], "interpolation": "bilinear",
                "mean": [0.5], "std": [0.5]},
    # torchvision's classic ImageNet evaluation: resize 256, centre crop 224
    "imagenet": {"size": [224, 224], "resize": 256, "crop": [224, 224], "interpolation": "bilinear",
                 "mean": IMAGENET_MEAN, "std": IMAGENET_STD},
}
INTERPOLATIONS = ("bilinear", "bicubic")


def torchvision_defaults(arch):
    """torchvision's preprocessing for one of its model names, from its default weights'
    transforms() (metadata in torchvision's code: nothing is downloaded); None for other names."""
    if not arch or ":" in arch:
        return None
    try:
        import torchvision.models as tvm
        weights = tvm.get_model_weights(arch).DEFAULT
        t = weights.transforms()
    except Exception:
        return None
    crop = list(getattr(t, "crop_size", []) or [])
    resize = list(getattr(t, "resize_size", []) or [])
    if not crop or not hasattr(t, "mean"):
        return None
    h, w = crop[0], crop[-1]
    interpolation = getattr(getattr(t, "interpolation", None), "value", "bilinear")
    values = {"size": [h, w], "resize": resize[0] if resize else None, "crop": [h, w], "interpolation": interpolation,
              "mean": [float(v) for v in t.mean], "std": [float(v) for v in t.std]}
    return values, f"torchvision's {weights.__class__.__name__}.{weights.name} transforms()"


def resolve(given, arch, class_name, preset=None):
    """The preprocessing in force and, per value, where it came from. `given` holds the user's
    options (None where not given)."""
    base, source = None, None
    if preset:
        base, source = PRESETS[preset], f"--preset {preset}"
    else:
        tv = torchvision_defaults(arch)
        if tv:
            base, source = tv
        elif class_name == "XRayClassifier":
            base, source = PRESETS["article"], "the article's XRayClassifier"
    values, sources = {}, {}
    for k in KEYS:
        if given.get(k) is not None:
            values[k], sources[k] = given[k], "--" + k
        elif base is not None and k in base:
            values[k], sources[k] = base[k], source
    if base is None:
        needed = [k for k in ("size", "resize", "mean", "std") if k not in values]
        if needed:
            raise ExportError(f"{arch or class_name} brings no preprocessing of its own: give "
                              f"{' '.join('--' + k for k in needed)} (as the model was trained), "
                              f"or --preset imagenet|article")
        if "crop" not in values:
            values["crop"], sources["crop"] = values["size"], "the input size"
        if "interpolation" not in values:
            values["interpolation"], sources["interpolation"] = "bilinear", "torchvision Resize's default"
    elif values.get("crop") is None:
        values["crop"], sources["crop"] = values["size"], "the input size"
    if values["interpolation"] not in INTERPOLATIONS:
        raise ExportError(f"interpolation '{values['interpolation']}' is not one the viewer has ({', '.join(INTERPOLATIONS)})")
    return values, sources


def describe(values, sources, channels):
    """The export summary's lines: each value with where it came from."""
    h, w = values["size"]
    ch, cw = values["crop"][0], values["crop"][-1]
    return [f"preprocessing: input {channels}x{h}x{w} ({sources['size']})",
            f"preprocessing: resize shorter side to {values['resize'] or 'no resize'} ({sources.get('resize', 'none given')})",
            f"preprocessing: centre crop {ch}x{cw} ({sources['crop']})",
            f"preprocessing: {values['interpolation']} resampling ({sources['interpolation']})",
            f"preprocessing: mean {values['mean']} ({sources['mean']})",
            f"preprocessing: std {values['std']} ({sources['std']})"]


def spec_from_args(args, model, log):
    """The manifest's input section from the exporter's options (args), a preset or the architecture's own, with
    the summary saying where each value came from."""
    given = {"size": args.size, "resize": args.resize, "crop": args.crop, "interpolation": args.interpolation,
             "mean": args.mean, "std": args.std}
    transform = None
    c = args.channels
    if args.transform:
        transform = user_transform.load(args.transform)
        read, c = user_transform.values_of(transform, args.transform)
        given = {k: given[k] if given[k] is not None else read[k] for k in given}
    values, sources = resolve(given, args.arch, type(model).__name__, args.preset)
    if transform is not None:
        sources = {k: ("--" + k if getattr(args, k) is not None else f"--transform {args.transform}") for k in sources}
    mean = values["mean"] * c if len(values["mean"]) == 1 else values["mean"]
    std = values["std"] * c if len(values["std"]) == 1 else values["std"]
    if len(mean) != c or len(std) != c:
        raise ExportError(f"mean and std need 1 or {c} values; got {len(mean)} and {len(std)}")
    values = dict(values, mean=mean, std=std)
    for line in describe(values, sources, c):
        log(line)
    crop = [values["crop"][0], values["crop"][-1]]
    spec = {"shape": [1, c, values["size"][0], values["size"][1]], "colour": "RGB" if c == 3 else "L",
            "resize": values["resize"] or None, "center_crop": crop, "interpolation": values["interpolation"],
            "mean": mean, "std": std, "sources": sources}
    if transform is not None:
        user_transform.check(transform, spec, args.transform, log)
    return spec
