"""The atlas's statistics written independently from their definitions (NumPy and scipy.ndimage),
for checking the Java side (atlas.BodyMask, atlas.MapStatistics, atlas.AtlasReduction).

Definitions (docs: README, "Where the model looks across a dataset"):
- levels: the image as shown, 8-bit. Otsu's threshold t maximises the between-class variance of
  {levels <= t} and {levels > t}, the first such t. The body is the largest 4-connected region of
  levels > t, its holes (background not 4-connected to the image's edge) filled.
- the border band: within round(0.05 W) columns of the left or right edge, or round(0.05 H) rows of
  the top or bottom (at least 1).
- heat: the placed map clipped at 0; a share is heat in a region / all heat; the uniform baseline is
  the region's share of the placed map's rectangle (the model's crop). Peak: the placed map's first
  maximum in reading order. No heat: the heat sums to 0.
- per group: means over the images with heat; fixed_spot is the share of those whose peak lies
  within a tenth of their image's diagonal of the group's median peak (normalised coordinates,
  (x + 0.5) / W and (y + 0.5) / H, medians taken per axis).
"""
import json
import os

import numpy as np
from scipy import ndimage


def otsu(levels):
    hist = np.bincount(levels.ravel().astype(np.int64), minlength=256).astype(np.float64)
    n = float(levels.size)
    t = np.arange(256, dtype=np.float64)
    total = float((t * hist).sum())
    c0 = np.cumsum(hist)[:255]
    s0 = np.cumsum(t * hist)[:255]
    c1 = n - c0
    valid = (c0 > 0) & (c1 > 0)
    if not valid.any():
        return -1
    d = total * c0 - n * s0
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(valid, d * d / (c0 * c1), -1.0)
    return int(np.argmax(v))


def body_mask(levels):
    t = otsu(levels)
    if t < 0:
        return np.ones(levels.shape, bool)
    labels, count = ndimage.label(levels > t)
    if count == 0:
        return np.zeros(levels.shape, bool)
    sizes = np.bincount(labels.ravel())[1:]
    largest = labels == (int(np.argmax(sizes)) + 1)
    return ndimage.binary_fill_holes(largest)


def border_band(h, w):
    bx = max(1, int(np.floor(0.05 * w + 0.5)))
    by = max(1, int(np.floor(0.05 * h + 0.5)))
    band = np.zeros((h, w), bool)
    band[:, :bx] = band[:, w - bx:] = True
    band[:by, :] = band[h - by:, :] = True
    return band


def map_statistics(levels, placed, x, y, mask=None):
    h, w = levels.shape
    body = body_mask(levels)
    band = border_band(h, w)
    full = np.zeros((h, w), np.float64)
    inside = np.zeros((h, w), bool)
    ph, pw = placed.shape
    full[y:y + ph, x:x + pw] = placed
    inside[y:y + ph, x:x + pw] = True
    heat = np.where(inside, np.clip(full, 0, None), 0.0)
    total = heat.sum()
    area = inside.sum()
    r = {
        "uniform_outside_body": float((inside & ~body).sum() / area),
        "uniform_border": float((inside & band).sum() / area),
        "uniform_mask": float((inside & mask).sum() / area) if mask is not None else None,
        "body_pixels": int(body.sum()),
        "otsu": otsu(levels),
    }
    if not total > 0:
        r.update(no_heat=True)
        return r
    k = int(np.argmax(placed))  # first maximum in reading order, within the crop
    py, px = y + k // pw, x + k % pw
    r.update(no_heat=False,
             heat_outside_body=float(heat[~body].sum() / total),
             heat_in_border=float(heat[band].sum() / total),
             heat_in_mask=float(heat[mask].sum() / total) if mask is not None else None,
             peak_x=px, peak_y=py,
             peak_outside_body=bool(not body[py, px]),
             peak_in_border=bool(band[py, px]),
             peak_in_mask=bool(mask[py, px]) if mask is not None else False)
    return r


def localisation(levels_shape, placed, x, y, region):
    """Pointing game, IoU of the Otsu-thresholded min-max normalised map, mass inside, ROC AUC."""
    from scipy.stats import rankdata
    h, w = levels_shape
    full = np.zeros((h, w), np.float64)
    ph, pw = placed.shape
    full[y:y + ph, x:x + pw] = placed
    heat = np.clip(full, 0, None)
    total = heat.sum()
    if not total > 0:
        return {"hit": False, "iou": 0.0, "mass_inside": None, "auc": 0.5}
    k = int(np.argmax(placed))
    hit = bool(region[y + k // pw, x + k % pw])
    lo, hi = full.min(), full.max()
    u = (full - lo) / (hi - lo) if hi > lo else np.zeros_like(full)
    levels = np.clip(np.floor(u * 255 + 0.5), 0, 255).astype(np.int64)
    t = otsu(levels)
    seg = levels > t if t >= 0 else np.zeros((h, w), bool)
    union = (seg | region).sum()
    iou = float((seg & region).sum() / union) if union else 0.0
    values = full.astype(np.float32).astype(np.float64).ravel()
    ranks = rankdata(values)  # ties share their mean rank
    pos = region.ravel()
    p, q = pos.sum(), (~pos).sum()
    auc = float((ranks[pos].sum() - p * (p + 1) / 2) / (p * q))
    return {"hit": hit, "iou": iou, "mass_inside": float(heat[region].sum() / total), "auc": auc}


def box_region(h, w, boxes):
    """Pixels whose centre lies in a box [x, y, w, h] (x <= px + 0.5 < x + w, likewise in y)."""
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    r = np.zeros((h, w), bool)
    for bx, by, bw, bh in boxes:
        r |= (xx >= bx) & (xx < bx + bw) & (yy >= by) & (yy < by + bh)
    return r


def ssim(a, b):
    """scikit-image's structural_similarity with its defaults (win_size 7, uniform filter, sample
    covariance, K1 0.01, K2 0.03) and data_range 1, written out with scipy.ndimage."""
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    win = 7
    n = win * win
    cov_norm = n / (n - 1)
    f = lambda x: ndimage.uniform_filter(x, size=win)
    ux, uy = f(a), f(b)
    vx = cov_norm * (f(a * a) - ux * ux)
    vy = cov_norm * (f(b * b) - uy * uy)
    vxy = cov_norm * (f(a * b) - ux * uy)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux ** 2 + uy ** 2 + c1) * (vx + vy + c2))
    pad = (win - 1) // 2
    return float(s[pad:-pad, pad:-pad].mean())


def write_similarity_fixtures(out, seed=7):
    """Pairs of maps (zeros in places, as ReLU leaves them) with scipy's Spearman and the SSIM above."""
    from scipy.stats import spearmanr
    rng = np.random.default_rng(seed)
    pairs = []
    for k, (h, w) in enumerate([(16, 16), (40, 31), (64, 64), (9, 12)]):
        a = np.clip(rng.normal(0.2, 0.4, (h, w)), 0, None).astype(np.float32)
        b = np.clip(a * rng.uniform(0.5, 1.5) + rng.normal(0, 0.2 * (k + 1), (h, w)), 0, None).astype(np.float32)
        if k == 3:
            b = a.copy()
        np.save(os.path.join(out, f"pair-{k}.a.npy"), a)
        np.save(os.path.join(out, f"pair-{k}.b.npy"), b)
        pairs.append({"name": f"pair-{k}", "width": w, "height": h, "spearman": float(spearmanr(a.ravel(), b.ravel())[0]), "ssim": ssim(a, b)})
    with open(os.path.join(out, "similarity.json"), "w") as f:
        json.dump(pairs, f, indent=1)


def flagged(s):
    return (not s["no_heat"]) and (s["peak_outside_body"] or s["peak_in_border"] or s["heat_outside_body"] > 0.5)


def reduce_group(rows):
    """rows: (statistics, width, height) of a group's images."""
    heat = [(s, w, h) for s, w, h in rows if not s["no_heat"]]
    g = {"images": len(rows), "no_heat": sum(s["no_heat"] for s, _, _ in rows) / len(rows),
         "flagged_images": sum(flagged(s) for s, _, _ in rows)}
    if not heat:
        return g
    for key in ("heat_outside_body", "uniform_outside_body", "heat_in_border", "uniform_border"):
        g[key] = float(np.mean([s[key] for s, _, _ in heat]))
    g["peak_outside_body"] = float(np.mean([s["peak_outside_body"] for s, _, _ in heat]))
    g["peak_in_border"] = float(np.mean([s["peak_in_border"] for s, _, _ in heat]))
    nx = np.array([(s["peak_x"] + 0.5) / w for s, w, h in heat])
    ny = np.array([(s["peak_y"] + 0.5) / h for s, w, h in heat])
    mx, my = np.median(nx), np.median(ny)
    ws = np.array([w for _, w, _ in heat], np.float64)
    hs = np.array([h for _, _, h in heat], np.float64)
    dist = np.hypot((nx - mx) * ws, (ny - my) * hs)
    g["fixed_spot"] = float(np.mean(dist <= 0.1 * np.hypot(ws, hs)))
    return g


def write_fixtures(out, seed=20261208):
    """Small images with a body, lungs, a bright tag and a marker; random maps (some ringing below
    zero, one with no heat, one peaking on the tag) placed over a crop; lesion-like masks."""
    import phantoms
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    sizes = [(64, 80), (97, 64), (128, 128), (75, 75), (50, 120), (110, 90), (64, 64), (90, 70)]
    cases = []
    for k, (h, w) in enumerate(sizes):
        img, lesion = phantoms.make_phantom(h, w, positive=k % 2 == 0, rng=rng)
        if k % 3 != 2:  # a text tag: a bright block apart from the body, near a corner
            th, tw = max(3, h // 10), max(5, w // 5)
            ty, tx = int(rng.integers(1, 4)), int(rng.integers(w - tw - 4, w - tw))
            img[ty:ty + th, tx:tx + tw] = rng.uniform(0.9, 1.0)
        levels = np.clip(np.floor(img * 255 + 0.5), 0, 255).astype(np.float32)
        if k == 6:
            levels[:] = 117  # one level: no background to tell
        cy0, cx0 = int(rng.integers(0, h // 6 + 1)), int(rng.integers(0, w // 6 + 1))
        ch, cw = h - cy0 - int(rng.integers(0, h // 6 + 1)), w - cx0 - int(rng.integers(0, w // 6 + 1))
        if k in (0, 4):  # the crop is the whole image
            cy0, cx0, ch, cw = 0, 0, h, w
        yy, xx = np.mgrid[0:ch, 0:cw]
        placed = np.zeros((ch, cw), np.float64)
        for _ in range(int(rng.integers(1, 4))):
            cy, cx, s = rng.uniform(0, ch), rng.uniform(0, cw), rng.uniform(3, 12)
            placed += rng.uniform(0.3, 1) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
        placed = placed / placed.max() - 0.03 * rng.random((ch, cw))  # ringing below zero here and there
        if k == 3:
            placed = -np.abs(placed) * 0.01  # no heat at all
        if k == 5:  # the peak on the tag, if there is one in the crop
            ty, tx = 3 - cy0, w - 10 - cx0
            if 0 <= ty < ch and 0 <= tx < cw:
                placed[max(0, ty - 2):ty + 3, max(0, tx - 2):tx + 3] = 1.5
        placed = placed.astype(np.float32)
        mask = lesion if lesion.any() else (np.hypot(*np.mgrid[0:h, 0:w] - np.array([[[h / 2]], [[w / 3]]])) < min(h, w) / 5)
        name = f"case-{k}"
        np.save(os.path.join(out, name + ".levels.npy"), levels)
        np.save(os.path.join(out, name + ".placed.npy"), placed)
        np.save(os.path.join(out, name + ".mask.npy"), mask.astype(np.float32))
        np.save(os.path.join(out, name + ".body.npy"), body_mask(levels.astype(np.int64)).astype(np.float32))
        stats = map_statistics(levels.astype(np.int64), placed.astype(np.float64), cx0, cy0, mask)
        boxes = [[float(rng.uniform(0, w * 0.6)), float(rng.uniform(0, h * 0.6)), float(rng.uniform(4, w * 0.4)), float(rng.uniform(4, h * 0.4))]
                 for _ in range(1 + k % 2)]
        if k % 2 == 0:  # one box around the map's peak: the pointing game's hit
            pk = int(np.argmax(placed))
            py, px = cy0 + pk // placed.shape[1], cx0 + pk % placed.shape[1]
            boxes[0] = [px - 3.25, py - 2.5, 7.0, 6.0]
        loc = localisation((h, w), placed.astype(np.float64), cx0, cy0, box_region(h, w, boxes))
        cases.append({"name": name, "width": w, "height": h, "x": cx0, "y": cy0, "label": "A" if k < 5 else "B",
                      "statistics": stats, "boxes": boxes, "localisation": loc})
    groups = {}
    for label in ("A", "B"):
        groups[label] = reduce_group([(c["statistics"], c["width"], c["height"]) for c in cases if c["label"] == label])
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"cases": cases, "groups": groups}, f, indent=1)
    write_similarity_fixtures(out)


if __name__ == "__main__":
    import sys
    write_fixtures(sys.argv[1] if len(sys.argv) > 1 else "target/fixtures/atlas")
