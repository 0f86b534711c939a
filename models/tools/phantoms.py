"""Synthetic chest-radiograph phantoms for the demo model.

Not anatomy: a body, two lung fields, a heart shadow, ribs, a spine, noise and contrast changes,
with distractors (side markers, ECG wires, electrode dots) equally likely in both classes so that
they cannot be the cue. "Pneumonia" is one or two hazy opacities inside a lung field; the lesion
mask marks where they are. Everything is drawn in normalised coordinates, so any size and aspect
ratio can be made.
"""
import numpy as np

# lesion size (Gaussian sigma as a share of the width) and where its mask ends (share of the peak)
LESION_SIGMA = (0.04, 0.075)
MASK_LEVEL = 0.3


def _smooth_inside(d, softness):
    """1 inside (d < 1), 0 outside, with a soft edge of the given width in ellipse units."""
    return np.clip((1.0 - d) / softness + 0.5, 0.0, 1.0)


def _ellipse_distance(u, v, cu, cv, ru, rv):
    return np.sqrt(((u - cu) / ru) ** 2 + ((v - cv) / rv) ** 2)


def _draw_marker(img, rng, h, w):
    """A bright block letter L or R in a corner, like the lead side markers on radiographs."""
    s = max(4, int(min(h, w) * rng.uniform(0.035, 0.06)))
    t = max(1, s // 4)
    top = int(rng.uniform(0.02, 0.08) * h)
    left = int(rng.choice([rng.uniform(0.02, 0.08), rng.uniform(0.84, 0.9)]) * w)
    val = rng.uniform(0.85, 1.0)
    img[top:top + s, left:left + t] = val
    if rng.random() < 0.5:      # L
        img[top + s - t:top + s, left:left + s * 2 // 3] = val
    else:                       # R (bowl and leg as bars)
        img[top:top + t, left:left + s * 2 // 3] = val
        img[top + s // 2 - t // 2:top + s // 2 + t - t // 2, left:left + s * 2 // 3] = val
        img[top:top + s // 2, left + s * 2 // 3 - t:left + s * 2 // 3] = val
        for i in range(s // 2, s):
            c = left + t + (i - s // 2) * (s * 2 // 3 - t) // max(1, s // 2)
            img[top + i, c:c + t] = val


def make_phantom(h=256, w=256, positive=False, rng=None, contrast=(0.18, 0.40), meta=None,
                 lesion_sigma=LESION_SIGMA):
    """Return (image float32 in [0,1] of shape (h, w), lesion mask bool (h, w)).

    If meta is a dict, it receives the lung centres in pixels (y, x) and which lungs hold lesions."""
    rng = rng if rng is not None else np.random.default_rng()
    v, u = np.mgrid[0:h, 0:w].astype(np.float32)
    u = (u + 0.5) / w
    v = (v + 0.5) / h
    # patient position and size vary: the anatomy moves and scales within the frame
    shift_u, shift_v, scale = rng.normal(0, 0.04), rng.normal(0, 0.035), rng.uniform(0.85, 1.1)
    u = (u - 0.5 - shift_u) / scale + 0.5
    v = (v - 0.5 - shift_v) / scale + 0.5
    soft = 0.08

    img = np.full((h, w), rng.uniform(0.03, 0.12), np.float32)
    bcu, bcv = 0.5 + rng.normal(0, 0.02), 0.56 + rng.normal(0, 0.02)
    body = _smooth_inside(_ellipse_distance(u, v, bcu, bcv, rng.uniform(0.38, 0.46), rng.uniform(0.5, 0.6)), soft)
    img += body * rng.uniform(0.45, 0.6)

    # shoulders: bright humps at the top corners of the body
    for side in (-1, 1):
        sh = _smooth_inside(_ellipse_distance(u, v, bcu + side * 0.33, 0.1, 0.16, 0.09), 0.3)
        img += sh * 0.15

    lungs = []
    lung_mask = np.zeros((h, w), np.float32)
    sep = rng.uniform(0.16, 0.2)
    lcv, lrv = 0.47 + rng.normal(0, 0.015), rng.uniform(0.25, 0.3)
    for side in (-1, 1):
        cu = bcu + side * sep
        ru = rng.uniform(0.12, 0.15)
        d = _ellipse_distance(u, v, cu, lcv, ru, lrv)
        lung = _smooth_inside(d, 0.15)
        lungs.append((cu, lcv, ru, lrv))
        lung_mask = np.maximum(lung_mask, lung)
    img -= lung_mask * rng.uniform(0.3, 0.4)

    # spine and mediastinum
    spine = np.exp(-((u - bcu) / 0.035) ** 2) * (v > 0.05)
    img += spine.astype(np.float32) * 0.12
    heart = _smooth_inside(_ellipse_distance(u, v, bcu + rng.uniform(0.03, 0.07), 0.63, rng.uniform(0.11, 0.15), rng.uniform(0.11, 0.14)), 0.25)
    img += heart * rng.uniform(0.22, 0.3)

    # ribs: curved bands across the lungs
    n_ribs = rng.integers(8, 11)
    spacing = lrv * 2 / n_ribs
    thick = spacing * rng.uniform(0.22, 0.3)
    for k in range(n_ribs):
        v0 = lcv - lrv + (k + 0.5) * spacing
        curve = v0 + 0.35 * (u - bcu) ** 2 - 0.05
        band = np.clip(1 - np.abs(v - curve) / thick, 0, 1)
        img += band * lung_mask * 0.07

    mask = np.zeros((h, w), bool)
    if meta is not None:
        meta["lung_centres"] = [(((cv - 0.5) * scale + 0.5 + shift_v) * h - 0.5, ((cu - 0.5) * scale + 0.5 + shift_u) * w - 0.5)
                                for cu, cv, _, _ in lungs]
        meta["lesion_lungs"] = []
    if positive:
        n_lesions = 1 if rng.random() < 0.65 else 2
        for _ in range(n_lesions):
            which = int(rng.integers(0, 2))
            cu, cv, ru, rv = lungs[which]
            if meta is not None:
                meta["lesion_lungs"].append(which)
            r = np.sqrt(rng.uniform(0.0, 0.4))
            a = rng.uniform(0, 2 * np.pi)
            lu, lv = cu + r * ru * np.cos(a), cv + r * rv * np.sin(a)
            su = rng.uniform(*lesion_sigma)
            sv = su * rng.uniform(0.7, 1.4) * w / h
            blob = np.exp(-0.5 * (((u - lu) / su) ** 2 + ((v - lv) / sv) ** 2))
            blob *= lung_mask
            img += blob * rng.uniform(*contrast)
            mask |= blob > MASK_LEVEL  # where the opacity is visibly hazy

    # distractors, equally likely in both classes
    if rng.random() < 0.9:
        _draw_marker(img, rng, h, w)
    if rng.random() < 0.4:  # ECG wires: bright thin curves
        for _ in range(rng.integers(1, 3)):
            a, f, ph = rng.uniform(0.03, 0.1), rng.uniform(1, 4), rng.uniform(0, 6.3)
            start = rng.uniform(0.1, 0.9)
            curve_u = start + a * np.sin(f * v * 6.28 + ph) + 0.3 * (v - 0.5) * rng.normal()
            img += np.clip(1 - np.abs(u - curve_u) * w / 1.5, 0, 1) * 0.25 * (v > rng.uniform(0.0, 0.5))
    if rng.random() < 0.4:  # electrode dots
        for _ in range(rng.integers(1, 5)):
            du, dv = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
            rad = rng.uniform(0.008, 0.015)
            img += (_ellipse_distance(u, v, du, dv, rad, rad * w / h) < 1) * 0.45

    # exposure and contrast changes, then noise
    img = np.clip(img, 0, 1)
    img = img ** rng.uniform(0.75, 1.35)
    img = img * rng.uniform(0.85, 1.1) + rng.uniform(-0.05, 0.05)
    img += rng.normal(0, rng.uniform(0.01, 0.035), img.shape).astype(np.float32)
    return np.clip(img, 0, 1).astype(np.float32), mask


