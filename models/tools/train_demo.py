"""Train the demo model: the tutorial's XRayClassifier (nf=16) on synthetic phantoms.

Deterministic for a given seed. Run with Debian's Python, ideally with the allocator settings of
../README.md (glibc's default malloc makes training about 3x slower here):

    MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 \
    MALLOC_TOP_PAD_=1073741824 /usr/bin/python3 train_demo.py --out work/demo_state.pt

Writes a state_dict; export it with export_model.py and measure it with evaluate_demo.py.
Runs 1-4 of ../README.md used --head free --localise 0 (run 3 also a feature-map shift augmentation
that is no longer here: git history has it).
"""
import argparse
import math
import time
from multiprocessing import Pool

import numpy as np
import torch
from torch import nn
from torch.nn.utils import parametrize

import architectures
import phantoms

SIZE = 256
EASY = (0.35, 0.55)
NORMAL = (0.18, 0.40)


def _generate(args):
    seed, count, contrast, sigma = args
    rng = np.random.default_rng(seed)
    xs = np.empty((count, SIZE, SIZE), np.uint8)
    ys = np.empty(count, np.float32)
    ms = np.empty((count, SIZE, SIZE), np.uint8)
    for i in range(count):
        positive = rng.random() < 0.5
        img, mask = phantoms.make_phantom(SIZE, SIZE, positive, rng, contrast, lesion_sigma=sigma)
        xs[i] = np.round(img * 255).astype(np.uint8)
        ys[i] = positive
        ms[i] = mask
    return xs, ys, ms


def generate(seed, count, contrast, sigma=phantoms.LESION_SIGMA, workers=2):
    chunks = [(seed * 1000 + k, count // workers + (k < count % workers), contrast, sigma) for k in range(workers)]
    with Pool(workers) as pool:
        parts = pool.map(_generate, chunks)
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(3))


def cell_targets(masks, step=32):
    """Share of each last-block cell's window (step x step pixels centred on the cell's receptive-field
    centre, pixel step*i) that the lesion mask covers: (N, H, W) uint8 -> (N, H/step, W/step)."""
    m = torch.from_numpy(np.ascontiguousarray(masks)).float().unsqueeze(1)
    m = nn.functional.pad(m, (step // 2, step // 2, step // 2, step // 2))
    cells = nn.functional.avg_pool2d(m, step)[:, 0]
    return cells[:, :-1, :-1]


def localisation_loss(evidence, targets):
    """Cross-entropy between where the lesion is (targets, per cell) and a spatial softmax of the
    evidence each cell adds to the logit: only where the evidence sits, not how much there is."""
    weight = targets.flatten(1)
    has = weight.sum(1) > 0
    if not has.any():
        return evidence.sum() * 0
    q = weight[has] / weight[has].sum(1, keepdim=True)
    return -(q * torch.log_softmax(evidence.flatten(1)[has], 1)).sum(1).mean()


class TiedOverPositions(nn.Module):
    """The head's weight seen as one value per channel, the same at every position of the 8x8
    window: global average pooling followed by a linear layer, in the tutorial's Conv2d."""

    def forward(self, weight):
        return weight.mean(dim=(-2, -1), keepdim=True).expand_as(weight)


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
    ap.add_argument("--lesion-sigma", type=float, nargs=2, default=phantoms.LESION_SIGMA,
                    help="lesion size range (Gaussian sigma as a share of the width)")
    ap.add_argument("--localise", type=float, default=0.5,
                    help="weight of the localisation loss that puts each last-block cell's evidence on "
                         "the lesions near its receptive-field centre (0: none)")
    ap.add_argument("--head", choices=("tied", "free"), default="tied",
                    help="tied: the 8x8 head's weights are shared by all positions while training")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    t0 = time.time()
    sigma = tuple(args.lesion_sigma)
    easy_x, easy_y, easy_m = generate(args.seed + 1, args.easy, EASY, sigma)
    train_x, train_y, train_m = generate(args.seed + 2, args.train, NORMAL, sigma)
    val_x, val_y, _ = generate(args.seed + 3, args.val, NORMAL, sigma)
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
    head = model.classifier[0]
    if args.head == "tied":
        parametrize.register_parametrization(head, "weight", TiedOverPositions())
    last_block = {}
    capture = model.resnet_blocks[4].register_forward_hook(lambda module, inputs, output: last_block.__setitem__("a", output))
    loss_fn = nn.BCELoss()
    rng = np.random.default_rng(args.seed)
    easy_steps = args.steps // 5
    model.train()
    t1 = time.time()
    for step in range(args.steps):
        xs, ys, ms = (easy_x, easy_y, easy_m) if step < easy_steps else (train_x, train_y, train_m)
        idx = rng.integers(0, len(xs), args.batch)
        batch, masks = xs[idx], ms[idx]
        flip = rng.random(args.batch) < 0.5
        batch[flip] = batch[flip][:, :, ::-1]
        masks[flip] = masks[flip][:, :, ::-1]
        x = to_input(batch)
        y = torch.from_numpy(ys[idx]).unsqueeze(1)
        y = y * 0.95 + 0.025  # label smoothing 0.05
        loss = loss_fn(model(x).flatten(1), y)
        if args.localise > 0:
            evidence = torch.einsum("bkij,kij->bij", last_block["a"], head.weight[0])
            loss = loss + args.localise * localisation_loss(evidence, cell_targets(masks))
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
                p = torch.cat([model(to_input(val_x[i:i + 64])) for i in range(0, len(val_x), 64)]).reshape(-1).numpy()
            print(f"  validation accuracy {np.mean((p > 0.5) == (val_y > 0.5)):.3f}", flush=True)
            model.train()
    capture.remove()
    if args.head == "tied":
        parametrize.remove_parametrizations(head, "weight", leave_parametrized=True)
    model.eval()
    torch.save(model.state_dict(), args.out)
    print(f"saved {args.out} after {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
