"""Train the demo model: the tutorial's XRayClassifier (nf=16) on synthetic phantoms.

Deterministic for a given seed. Run with Debian's Python, ideally with the allocator settings of
../README.md (glibc's default malloc makes training about 3x slower here):

    MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 \
    MALLOC_TOP_PAD_=1073741824 /usr/bin/python3 train_demo.py --out work/demo_state.pt

Writes a state_dict; export it with export_model.py and measure it with evaluate_demo.py.
"""
import argparse
import math
import time
from multiprocessing import Pool

import numpy as np
import torch
from torch import nn

import architectures
import phantoms

SIZE = 256
EASY = (0.35, 0.55)
NORMAL = (0.18, 0.40)


def _generate(args):
    seed, count, contrast = args
    rng = np.random.default_rng(seed)
    xs = np.empty((count, SIZE, SIZE), np.uint8)
    ys = np.empty(count, np.float32)
    for i in range(count):
        positive = rng.random() < 0.5
        img, _ = phantoms.make_phantom(SIZE, SIZE, positive, rng, contrast)
        xs[i] = np.round(img * 255).astype(np.uint8)
        ys[i] = positive
    return xs, ys


def generate(seed, count, contrast, workers=2):
    chunks = [(seed * 1000 + k, count // workers + (k < count % workers), contrast) for k in range(workers)]
    with Pool(workers) as pool:
        parts = pool.map(_generate, chunks)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def to_input(batch_u8):
    """uint8 (N,H,W) -> normalised float (N,3,H,W), as the manifest's preprocessing does."""
    x = torch.from_numpy(batch_u8).float().div_(255.0)
    x = (x - 0.5) / 0.5
    return x.unsqueeze(1).expand(-1, 3, -1, -1).contiguous()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--steps", type=int, default=3200)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--train", type=int, default=10000)
    ap.add_argument("--easy", type=int, default=3000)
    ap.add_argument("--val", type=int, default=600)
    ap.add_argument("--shift", type=int, default=2, help="feature-map shift augmentation at the last block, in cells")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    t0 = time.time()
    easy_x, easy_y = generate(args.seed + 1, args.easy, EASY)
    train_x, train_y = generate(args.seed + 2, args.train, NORMAL)
    val_x, val_y = generate(args.seed + 3, args.val, NORMAL)
    print(f"generated {len(easy_x) + len(train_x) + len(val_x)} phantoms in {time.time() - t0:.0f} s", flush=True)

    model = architectures.XRayClassifier(nf=16)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    warmup, flat = 30, args.steps // 2

    def lr_at(step):
        if step < warmup:
            return (step + 1) / warmup
        if step < flat:
            return 1.0
        return 0.5 * (1 + math.cos(math.pi * (step - flat) / (args.steps - flat)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    # Feature-map shift augmentation: while training, the last block's 8x8 map is shifted by up to
    # --shift cells (zero fill) before the 8x8 head, so that the head weighs every position alike.
    # Without it the head learns position-specific weights and Grad-CAM's spatial averaging of the
    # gradient no longer points at the lesion (see ../README.md). Not part of the exported model.
    shift_rng = np.random.default_rng(args.seed + 4)

    def shift_hook(module, inputs, output):
        if not module.training or args.shift == 0 or shift_rng.random() < 0.5:
            return output
        dy, dx = (int(v) for v in shift_rng.integers(-args.shift, args.shift + 1, 2))
        shifted = torch.zeros_like(output)
        h, w = output.shape[-2:]
        shifted[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            output[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
        return shifted

    hook = model.base_model[4].register_forward_hook(shift_hook)
    loss_fn = nn.BCELoss()
    rng = np.random.default_rng(args.seed)
    easy_steps = args.steps // 5
    model.train()
    t1 = time.time()
    for step in range(args.steps):
        xs, ys = (easy_x, easy_y) if step < easy_steps else (train_x, train_y)
        idx = rng.integers(0, len(xs), args.batch)
        batch = xs[idx]
        flip = rng.random(args.batch) < 0.5
        batch[flip] = batch[flip][:, :, ::-1]
        x = to_input(batch)
        y = torch.from_numpy(ys[idx]).unsqueeze(1)
        y = y * 0.95 + 0.025  # label smoothing 0.05
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == args.steps - 1:
            print(f"step {step} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.2e} "
                  f"{(step + 1) * args.batch / (time.time() - t1):.0f} img/s", flush=True)
        if step % 800 == 799 or step == args.steps - 1:
            model.eval()
            with torch.no_grad():
                p = torch.cat([model(to_input(val_x[i:i + 64])) for i in range(0, len(val_x), 64)]).squeeze(1).numpy()
            print(f"  validation accuracy {np.mean((p > 0.5) == (val_y > 0.5)):.3f}", flush=True)
            model.train()
    hook.remove()
    model.eval()
    torch.save(model.state_dict(), args.out)
    print(f"saved {args.out} after {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
