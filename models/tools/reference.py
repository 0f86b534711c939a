"""Reference values for the Java tests: the article's preprocessing on float data, and every method's
map from the article's hooks in float64 (written from the papers' definitions, not from the Java)."""
import copy
import json
import os

import numpy as np
import torch

from errors import ExportError
from taps import TappedModel, as_map, eager_probe_gradients, layouts_of, zero_probes


# --------------------------------------------------------------------------------------------
# Preprocessing (the article's: resize shorter side, centre crop, normalise), on float data
# --------------------------------------------------------------------------------------------

def load_image_float(path, dicom_window=None):
    """Decode to float32 in [0, 1], shape (H, W, C) with C = 1 or 3 (alpha dropped). A DICOM file
    through its gray-level pipeline and the manifest's dicom_window rule (dicom_input.py)."""
    from PIL import Image
    import dicom_input
    if dicom_input.is_dicom(path):
        try:
            return dicom_input.read(path, dicom_window)[:, :, None]
        except Exception as e:
            raise ExportError(f"cannot read DICOM image {path}: {e}")
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
            plane = plane.resize((rw, rh), Image.BICUBIC if spec.get("interpolation") == "bicubic" else Image.BILINEAR)
        values = np.asarray(plane, dtype=np.float32)
        if spec.get("interpolation") == "bicubic":
            values = np.clip(values, 0.0, 1.0)  # bicubic overshoot, clipped as PIL clips 8- and 16-bit images
        channels.append(values)
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
    # pytorch-grad-cam's constants: 1e-6 in Grad-CAM++, 1e-7 in XGrad-CAM
    alpha = torch.where(g != 0, g2 / (2 * g2 + sum_a[:, None, None] * g3 + 1e-6), torch.zeros_like(g))
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
        # pytorch-grad-cam's eigen_smooth: the first component of the weighted activations instead of their sum
        "gradcam-eigensmooth": normalise(torch.relu(first_component(g.mean(dim=(1, 2))[:, None, None] * a))),
        "layercam-eigensmooth": normalise(torch.relu(first_component(torch.relu(g) * a))),
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


def write_reference(model, manifest, images, out_dir, log, taps=None, methods=False, scorecam=()):
    """Per image: the preprocessed input, prediction, and for each tap (default: all) the article's
    Grad-CAM from eager hooks, from the output and from the logit; with methods=True also the
    other four methods, each as <stem>.<tap>.<method>.<score>.npy.

    Activations, gradients and maps are computed in float64 (a double copy of the model fed the
    float32 input exactly), so that a float32 implementation can be judged by its own rounding
    alone; with methods=True the float64 activations and gradients are saved too."""
    from model_pass_reference import reference_ablationcam, reference_augsmooth, reference_faithfulness, reference_road, reference_scorecam
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
        x, crop = preprocess(load_image_float(path, spec.get("dicom_window")), spec)
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
                if tap in scorecam and score == "logit" and path == images[0]:
                    cam, scores = reference_scorecam(model, x, acts[i], logits_module, activation, target, score)
                    entry["cams"][tap][score]["scorecam"] = {"map": save(f"{stem}.{tap}.scorecam.{score}.npy", cam.numpy()),
                                                             "scores": save(f"{stem}.{tap}.scorecam.{score}.scores.npy", scores.numpy(), np.float64)}
                    entry["cams"][tap][score]["gradcam-augsmooth"] = save(f"{stem}.{tap}.gradcam-augsmooth.{score}.npy", reference_augsmooth(
                        model64, x, tap, info, logits_module, activation, target, score).numpy())
                    entry["cams"][tap][score]["faithfulness"] = reference_faithfulness(
                        model, x, np.load(os.path.join(out_dir, entry["cams"][tap][score]["file"])), spec, logits_module, activation, target)
                    entry["cams"][tap][score]["road"] = reference_road(
                        model, x, np.load(os.path.join(out_dir, entry["cams"][tap][score]["file"])), logits_module, activation, target)
                    cam, original, removed = reference_ablationcam(model, x, acts[i], tap, logits_module, activation, target, score)
                    entry["cams"][tap][score]["ablationcam"] = {
                        "map": save(f"{stem}.{tap}.ablationcam.{score}.npy", cam.numpy()), "original": original,
                        "removed": save(f"{stem}.{tap}.ablationcam.{score}.removed.npy", removed.numpy(), np.float64)}
        index["images"].append(entry)
        log(f"reference: {path}: target {target}, p = {probs.numpy().round(4).tolist()}")
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(index, f, indent=1)
