"""Linear regression by gradient descent (the seeds' "5.1 线性回归" example), with autograd.

A synthetic data set y = X w_true + b_true + noise is fitted twice:

1. "from scratch": tensors ``w`` and ``b`` with ``requires_grad=True``, a squared loss,
   ``loss.backward()`` and a hand-written SGD update under ``no_grad()`` -- the vector chain rule
   of the seeds: d loss / d w = 2 (Xw + b - y) X / n;
2. the same model with ``nn.Linear``, ``nn.MSELoss`` and ``optim.SGD``.

The loss curve is written to a PNG when matplotlib is installed.

    python examples/linear_regression.py [--epochs 3] [--plot loss.png] [--torch]

``--torch`` runs the very same code with PyTorch (``import torch``) for comparison.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def synthetic_data(torch, w, b, n):
    """y = Xw + b + noise (noise std 0.01)."""
    X = torch.normal(0, 1, (n, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def data_iter(torch, batch_size, features, labels):
    """Shuffled minibatches (indices from a random permutation)."""
    n = len(features)
    perm = torch.randperm(n)
    for i in range(0, n, batch_size):
        idx = perm[i : i + batch_size]
        yield features[idx], labels[idx]


def from_scratch(torch, features, labels, epochs, lr=0.03, batch_size=10):
    """Manual parameters and SGD; returns (w, b, losses per epoch)."""
    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    losses = []
    for _ in range(epochs):
        for X, y in data_iter(torch, batch_size, features, labels):
            loss = ((torch.matmul(X, w) + b - y) ** 2 / 2).sum()
            loss.backward()
            with torch.no_grad():
                for param in (w, b):
                    param -= lr * param.grad / batch_size
                    param.grad.zero_()
        with torch.no_grad():
            losses.append(((torch.matmul(features, w) + b - labels) ** 2 / 2).mean().item())
    return w, b, losses


def with_nn(torch, features, labels, epochs, lr=0.03, batch_size=10):
    """nn.Linear + MSELoss + optim.SGD; returns (weight, bias, losses per epoch)."""
    nn = torch.nn
    net = nn.Sequential(nn.Linear(2, 1))
    nn.init.normal_(net[0].weight, 0, 0.01)
    nn.init.zeros_(net[0].bias)
    loss_fn = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for X, y in data_iter(torch, batch_size, features, labels):
            loss = loss_fn(net(X), y)
            trainer.zero_grad()
            loss.backward()
            trainer.step()
        with torch.no_grad():
            losses.append(loss_fn(net(features), labels).item())
    return net[0].weight.data, net[0].bias.data, losses


def plot(losses: dict, path: str) -> bool:
    """Write the loss curves to ``path``; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for name, values in losses.items():
        ax.plot(range(1, len(values) + 1), values, marker="o", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main(argv: list | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--n", type=int, default=1000, help="number of examples")
    ap.add_argument("--plot", default="linear_regression_loss.png", help="PNG path ('' to skip)")
    ap.add_argument("--torch", action="store_true", help="run with PyTorch instead")
    args = ap.parse_args(argv)
    torch = importlib.import_module("torch" if args.torch else "chainrule")
    torch.manual_seed(0)
    true_w = torch.tensor([2.0, -3.4]).reshape(2, 1)
    true_b = 4.2
    features, labels = synthetic_data(torch, true_w.reshape(-1), true_b, args.n)

    w, b, losses = from_scratch(torch, features, labels, args.epochs)
    for epoch, loss in enumerate(losses, 1):
        print(f"epoch {epoch}, loss {loss:f}")
    print(f"error in estimating w: {(true_w - w).reshape(-1).tolist()}")
    print(f"error in estimating b: {true_b - b.item():f}")

    w2, b2, losses2 = with_nn(torch, features, labels, args.epochs)
    print(f"nn.Linear + optim.SGD: w = {w2.reshape(-1).tolist()}, b = {b2.item():.4f}")
    result = {"w": w.detach(), "b": b.detach(), "losses": losses, "losses_nn": losses2}
    if args.plot:
        if plot({"from scratch": losses, "nn + optim": losses2}, args.plot):
            print(f"loss curve written to {args.plot}")
            result["plot"] = args.plot
        else:
            print("(matplotlib is not installed: no plot)")
    return result


if __name__ == "__main__":
    main()
