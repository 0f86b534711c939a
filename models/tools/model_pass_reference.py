"""Reference values for the methods that run the model again per map (Score-CAM, Ablation-CAM,
aug-smooth) and for the maps' faithfulness scores, written from their papers' and pytorch-grad-cam's
definitions with eager PyTorch (not from the Java); reference.write_reference writes them."""
import numpy as np
import torch

from reference import article_gradcam, normalise, target_score
from taps import TappedModel, eager_probe_gradients, layouts_of, zero_probes


def reference_scorecam(model, x, acts, logits_module, activation, target, score):
    """Score-CAM (Wang et al. 2020) as pytorch-grad-cam defines it, written from that definition: each
    channel of acts (1, C, h, w), upsampled bilinearly with corners aligned to the input's size and
    min-max normalised (+1e-8), masks the input; the soft-max over channels of the target's score for
    each masked input weighs the channels; ReLU of the weighted sum, divided by its maximum. Masks
    and the map in float64; the masked passes through `model` as it is (float32: float64 convolutions
    take minutes on a CPU, and the scores' rounding, ~1e-6, is far below the tolerance).
    Returns the map and the scores."""
    import torch.nn.functional as F
    x64 = x.double()
    dtype = next(model.parameters()).dtype
    up = F.interpolate(acts.double(), size=tuple(x.shape[-2:]), mode="bilinear", align_corners=True)[0]
    flat = up.flatten(1)
    masks = (up - flat.min(1).values[:, None, None]) / (flat.max(1).values - flat.min(1).values + 1e-8)[:, None, None]
    wrapper = TappedModel(model, [], logits_module)
    scores = []
    with torch.no_grad():
        for k0 in range(0, masks.shape[0], 32):
            outs = wrapper((x64 * masks[k0:k0 + 32, None]).to(dtype))
            for i in range(outs[0].shape[0]):
                scores.append(float(target_score(outs[0][i], outs[1][i] if logits_module else None, activation, target, score)))
    scores = torch.tensor(scores, dtype=torch.float64)
    w = torch.softmax(scores, 0)
    cam = torch.relu((w[:, None, None] * acts.double()[0]).sum(0))
    return normalise(cam), scores


def reference_ablationcam(model, x, acts, tap, logits_module, activation, target, score):
    """Ablation-CAM (Desai and Ramaswamy 2020) written from the paper: a forward hook on the eager
    layer zeroes one channel of its output; the channel's weight is (y - y_k) / y for the target's
    score y; ReLU of the weighted sum of the (float64) activations, divided by its maximum. Returns the
    map, the score without removal and the scores with each channel removed."""
    module = dict(model.named_modules())[tap]
    wrapper = TappedModel(model, [], logits_module)

    def score_of(outs):
        return float(target_score(outs[0], outs[1] if logits_module else None, activation, target, score))

    with torch.no_grad():
        original = score_of(wrapper(x))
        removed = []
        for k in range(acts.shape[1]):
            def zero(m, i, o, k=k):
                o = o.clone()
                o[:, k] = 0
                return o
            handle = module.register_forward_hook(zero)
            try:
                removed.append(score_of(wrapper(x)))
            finally:
                handle.remove()
    removed = torch.tensor(removed, dtype=torch.float64)
    w = (original - removed) / original
    cam = torch.relu((w[:, None, None] * acts.double()[0]).sum(0))
    return normalise(cam), original, removed


def reference_faithfulness(model, x, cam, spec, logits_module, activation, target, steps=32):
    """Deletion and insertion (RISE, Petsiuk et al. 2018) and pytorch-grad-cam's confidence change,
    written from their definitions: the low-resolution map resized to the input (PIL bilinear, as
    cv2.resize), pixels ranked most salient first (stable: ties by index); deletion turns the first
    round(i N / steps) black, insertion reveals them on a Gaussian-blurred canvas (11 taps, sigma 5,
    zero padding); areas by trapezoids over [0, 1] of the target's probability."""
    from PIL import Image
    import torch.nn.functional as F
    c, h, w = x.shape[1:]
    m = np.asarray(Image.fromarray(np.asarray(cam, np.float32), mode="F").resize((w, h), Image.BILINEAR), np.float64).ravel()
    order = np.argsort(-m, kind="stable")
    n = h * w
    mean = torch.tensor(spec["mean"], dtype=torch.float32)[:, None]
    std = torch.tensor(spec["std"], dtype=torch.float32)[:, None]
    flat = x[0].reshape(c, n)
    black = ((0 - mean) / std).expand(c, n)
    g = torch.exp(-((torch.arange(11, dtype=torch.float64) - 5) ** 2) / 50)
    g = (g / g.sum()).float()
    kernel = (g[:, None] * g[None, :]).expand(c, 1, 11, 11).contiguous()
    blur = F.conv2d(x, kernel, padding=5, groups=c)[0].reshape(c, n)
    wrapper = TappedModel(model, [], logits_module)

    def prob(batch):
        with torch.no_grad():
            outs = wrapper(batch)
        return [float(target_score(outs[0][i], outs[1][i] if logits_module else None, activation, target, "probability"))
                for i in range(batch.shape[0])]

    def curve(start, end):
        rows = []
        for i in range(steps + 1):
            k = int(np.floor(i * n / steps + 0.5))
            v = start.clone()
            v[:, order[:k]] = end[:, order[:k]]
            rows.append(v.reshape(1, c, h, w))
        return np.asarray(prob(torch.cat(rows)))

    deletion, insertion = curve(flat, black), curve(blur, flat)
    mt = torch.tensor(m, dtype=torch.float32)
    base, times, inverted = prob(torch.cat([x, (flat * mt).reshape(1, c, h, w), (flat * (1 - mt)).reshape(1, c, h, w)]))
    area = lambda y: float(np.sum((y[1:] + y[:-1]) / 2) / steps)  # noqa: E731
    return {"deletion": area(deletion), "insertion": area(insertion), "confidence_change": times - base,
            "inverted_confidence_change": inverted - base, "deletion_curve": deletion.tolist(), "insertion_curve": insertion.tolist()}


ROAD_PERCENTILES = (10, 20, 30, 40, 50, 60, 70, 80, 90)
# neighbour offsets (dy, dx) and weights of the noisy linear imputation (Rong et al. 2022)
ROAD_NEIGHBOURS = [((1, 1), 1 / 12), ((0, 1), 1 / 6), ((-1, 1), 1 / 12), ((1, -1), 1 / 12), ((0, -1), 1 / 6),
                   ((-1, -1), 1 / 12), ((1, 0), 1 / 6), ((-1, 0), 1 / 6)]


def road_impute(img, keep):
    """img (C, H, W) float64, keep (H, W) bool: every removed pixel the weighted mean of its
    neighbours inside the image (weights of those outside dropped), one sparse system, no noise."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import spsolve
    c, h, w = img.shape
    ys, xs = np.nonzero(~keep)
    n = len(ys)
    out = img.copy()
    if n == 0:
        return out
    idx = -np.ones((h, w), int)
    idx[ys, xs] = np.arange(n)
    total = np.zeros(n)
    b = np.zeros((n, c))
    rows, cols, vals = [np.arange(n)], [np.arange(n)], []
    for (dy, dx), wt in ROAD_NEIGHBOURS:
        ny, nx = ys + dy, xs + dx
        inside = (ny >= 0) & (ny < h) & (nx >= 0) & (nx < w)
        total[inside] += wt
        u, ny, nx = np.nonzero(inside)[0], ny[inside], nx[inside]
        known = keep[ny, nx]
        np.add.at(b, u[known], wt * img[:, ny[known], nx[known]].T)
        rows.append(u[~known])
        cols.append(idx[ny[~known], nx[~known]])
        vals.append(np.full(int((~known).sum()), -wt))
    vals.insert(0, total)
    a = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)).tocsc()
    sol = np.asarray(spsolve(a, b)).reshape(n, c)
    out[:, ys, xs] = sol.T
    return out


def reference_road(model, x, cam, logits_module, activation, target):
    """ROAD as pytorch-grad-cam's ROADMostRelevantFirst / ROADLeastRelevantFirst (averaged over the
    percentiles 10..90) and ROADCombined, noise off: the map resized to the input (PIL bilinear, as
    cv2.resize); most relevant first keeps the pixels below the map's p-th percentile, least
    relevant first those below it of 1 - map; the rest imputed; the score is the target's
    probability after, minus before."""
    from PIL import Image
    c, h, w = x.shape[1:]
    m = np.asarray(Image.fromarray(np.asarray(cam, np.float32), mode="F").resize((w, h), Image.BILINEAR), np.float32)
    wrapper = TappedModel(model, [], logits_module)
    img = x[0].double().numpy()

    def prob(batch):
        with torch.no_grad():
            outs = wrapper(batch.float())
        return [float(target_score(outs[0][i], outs[1][i] if logits_module else None, activation, target, "probability"))
                for i in range(batch.shape[0])]

    inputs = [x[0].double()]
    for most in (True, False):
        mm = m if most else (1 - m).astype(np.float32)
        for p in ROAD_PERCENTILES:
            keep = mm < np.percentile(mm, p)
            inputs.append(torch.from_numpy(road_impute(img, keep)))
    scores = prob(torch.stack(inputs))
    base = scores[0]
    k = len(ROAD_PERCENTILES)
    morf = [s - base for s in scores[1:1 + k]]
    lerf = [s - base for s in scores[1 + k:]]
    return {"morf": float(np.mean(np.float32(morf))), "lerf": float(np.mean(np.float32(lerf))),
            "combined": float((np.mean(np.float32(lerf)) - np.mean(np.float32(morf))) / 2), "morf_steps": morf, "lerf_steps": lerf}


def reference_augsmooth(model64, x, tap, info, logits_module, activation, target, score):
    """pytorch-grad-cam's aug_smooth for the article's Grad-CAM, in float64: the input mirrored left to
    right or not, times 0.9, 1 and 1.1; each map (ReLU, divided by its maximum) mirrored back; the mean,
    ReLU'd and divided by its maximum."""
    maps = []
    for mirror in (False, True):
        for factor in (0.9, 1.0, 1.1):
            xa = x.double() * factor
            if mirror:
                xa = torch.flip(xa, dims=[-1])
            g = eager_probe_gradients(model64, xa, [tap], info, logits_module,
                                      lambda yy, zz: target_score(yy, zz, activation, target, score), dtype=torch.float64)[0]
            with torch.no_grad():
                a = TappedModel(model64, [tap], logits_module, layouts_of(info, [tap]))(
                    xa, *zero_probes(info, [tap], torch.float64))[2 if logits_module else 1]
            cam = article_gradcam(a, g).double()
            maps.append(torch.flip(cam, dims=[-1]) if mirror else cam)
    return normalise(torch.relu(torch.stack(maps).mean(0)))
