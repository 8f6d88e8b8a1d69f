"""Handwritten digits (the 8x8 set that scikit-learn ships): an MLP and a small CNN.

Trains both models with ``nn`` + ``optim.Adam`` + ``DataLoader``, prints the test accuracy and the
time per epoch, and -- when PyTorch is installed -- the time per epoch of the very same model in
torch (the training code below is written once and run with either library).

    python examples/digits.py [--epochs 30] [--model mlp|cnn|both] [--no-torch]

Needs scikit-learn (``pip install scikit-learn``) for the data; shows a tqdm progress bar when
tqdm is installed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def load_data(seed: int = 0):
    """(x_train, y_train, x_test, y_test) as NumPy arrays: pixels scaled to [0, 1], 80/20 split."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    perm = np.random.default_rng(seed).permutation(len(x))
    n_test = len(x) // 5
    test, train = perm[:n_test], perm[n_test:]
    return x[train], y[train], x[test], y[test]


LR = {"mlp": 2e-3, "cnn": 3e-3}


def make_model(lib, kind: str):
    nn = lib.nn
    if kind == "mlp":
        return nn.Sequential(
            nn.Linear(64, 256),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(256, 128),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(128, 10),
        )
    return nn.Sequential(
        nn.Unflatten(1, (1, 8, 8)),
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 2 * 2, 10),
    )


def _progress(iterable, desc: str, enabled: bool):
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, desc=desc, leave=False)


def train(
    lib,
    kind: str,
    data,
    epochs: int,
    batch_size: int = 64,
    lr: float | None = None,
    seed: int = 0,
    progress: bool = True,
    log=print,
):
    """Train ``kind`` with library ``lib`` (chainrule or torch); returns (accuracy, s/epoch)."""
    from_data = lib.utils.data
    lib.manual_seed(seed)
    x_train, y_train, x_test, y_test = data
    train_ds = from_data.TensorDataset(lib.tensor(x_train), lib.tensor(y_train))
    loader = from_data.DataLoader(
        train_ds, batch_size=batch_size, shuffle=True, generator=lib.Generator().manual_seed(seed)
    )
    model = make_model(lib, kind)
    opt = lib.optim.Adam(model.parameters(), lr=lr or LR[kind])
    sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    loss_fn = lib.nn.CrossEntropyLoss()
    times = []
    for epoch in _progress(range(epochs), f"{kind} ({lib.__name__})", progress):
        model.train()
        t0 = time.perf_counter()
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        sched.step()
        times.append(time.perf_counter() - t0)
        if log and (epoch + 1) % max(1, epochs // 5) == 0:
            log(f"  [{lib.__name__}] {kind} epoch {epoch + 1:3d}  loss {total / len(train_ds):.4f}")
    model.eval()
    with lib.no_grad():
        pred = model(lib.tensor(x_test)).argmax(1)
    acc = (pred == lib.tensor(y_test)).float().mean().item()
    return acc, float(np.median(times))


def main(argv: list | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--model", choices=["mlp", "cnn", "both"], default="both")
    ap.add_argument("--no-torch", action="store_true", help="skip the torch timing comparison")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    data = load_data()
    cr = importlib.import_module("chainrule")
    try:
        torch = None if args.no_torch else importlib.import_module("torch")
    except ImportError:
        torch = None
    kinds = ["mlp", "cnn"] if args.model == "both" else [args.model]
    results = {}
    print(f"digits: {len(data[0])} train / {len(data[2])} test images (8x8)")
    for kind in kinds:
        acc, t = train(cr, kind, data, args.epochs, progress=not args.no_progress)
        line = f"{kind.upper()}: test accuracy {acc:.2%}, {t * 1e3:.1f} ms/epoch (chainrule)"
        results[kind] = {"accuracy": acc, "epoch_s": t}
        if torch is not None:
            tacc, tt = train(
                torch, kind, data, args.epochs, progress=not args.no_progress, log=None
            )
            line += f" vs {tt * 1e3:.1f} ms/epoch (torch, accuracy {tacc:.2%})"
            results[kind].update(torch_accuracy=tacc, torch_epoch_s=tt)
        print(line)
    return results


if __name__ == "__main__":
    main()
