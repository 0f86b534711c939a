"""Putting a low-resolution CAM back on the model input, two ways (see the design notes).

- resize: half-pixel centres, what PIL's Image.resize(BICUBIC) does (the article's placement);
- receptive-field: cell (i, j) sits on input pixel origin + step * (i, j), bicubic (a = -0.5)
  in cell coordinates, clamped at the edges.
"""
import numpy as np
from PIL import Image


def upscale_resize(cam, height, width):
    img = Image.fromarray(np.ascontiguousarray(cam, dtype=np.float32), mode="F")
    return np.asarray(img.resize((width, height), Image.BICUBIC), dtype=np.float32)


def _cubic_weights(t, a=-0.5):
    """Keys' cubic convolution weights for the four neighbours of a fractional offset t in [0, 1)."""
    def k(x):
        x = np.abs(x)
        return np.where(x <= 1, (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1,
                        np.where(x < 2, a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a, 0.0))
    return np.stack([k(t + 1), k(t), k(1 - t), k(2 - t)], -1)


def _axis_matrix(n_out, n_cells, origin, step):
    pos = (np.arange(n_out) - origin) / step
    pos = np.clip(pos, 0, n_cells - 1)
    base = np.floor(pos).astype(int)
    t = pos - base
    w = _cubic_weights(t)
    m = np.zeros((n_out, n_cells))
    for k in range(4):
        idx = np.clip(base - 1 + k, 0, n_cells - 1)
        np.add.at(m, (np.arange(n_out), idx), w[:, k])
    return m


def upscale_receptive(cam, height, width, origin, step):
    my = _axis_matrix(height, cam.shape[0], origin[0], step[0])
    mx = _axis_matrix(width, cam.shape[1], origin[1], step[1])
    return (my @ cam.astype(np.float64) @ mx.T).astype(np.float32)
