"""A character-level language model (Embedding -> LSTM or GRU -> Linear) on a small text shipped
with the repository (``examples/data/tiny_corpus.txt``). The loss goes down within a few hundred
steps, and the model then writes text in the corpus's style.

    python examples/char_lstm.py [--steps 300] [--cell lstm|gru] [--torch]
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

CORPUS = Path(__file__).resolve().parent / "data" / "tiny_corpus.txt"


def build(torch, vocab: int, cell: str, emb: int = 32, hidden: int = 128):
    nn = torch.nn

    class CharModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, emb)
            self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(emb, hidden, batch_first=True)
            self.head = nn.Linear(hidden, vocab)

        def forward(self, x, state=None):
            out, state = self.rnn(self.embed(x), state)
            return self.head(out), state

    return CharModel()


def batches(torch, ids: np.ndarray, seq_len: int, batch_size: int, rng):
    """Random windows of the text: inputs and the same windows shifted by one character."""
    starts = rng.integers(0, len(ids) - seq_len - 1, batch_size)
    idx = starts[:, None] + np.arange(seq_len + 1)
    win = ids[idx]
    return torch.tensor(win[:, :-1]), torch.tensor(win[:, 1:])


def sample(torch, model, stoi, itos, prompt: str, n: int, temperature: float = 0.8, seed: int = 0):
    """Generate ``n`` characters after ``prompt`` (sampling from the softmax)."""
    rng = np.random.default_rng(seed)
    model.eval()
    out = list(prompt)
    with torch.no_grad():
        x = torch.tensor([[stoi[c] for c in prompt]])
        logits, state = model(x)
        for _ in range(n):
            p = torch.softmax(logits[0, -1] / temperature, dim=0).numpy().astype(np.float64)
            nxt = int(rng.choice(len(p), p=p / p.sum()))
            out.append(itos[nxt])
            logits, state = model(torch.tensor([[nxt]]), state)
    model.train()
    return "".join(out)


def main(argv: list | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    ap.add_argument("--seq-len", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--sample", type=int, default=200, help="characters to generate at the end")
    ap.add_argument("--torch", action="store_true", help="run with PyTorch instead")
    args = ap.parse_args(argv)
    torch = importlib.import_module("torch" if args.torch else "chainrule")
    torch.manual_seed(0)
    text = CORPUS.read_text(encoding="utf-8")
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = dict(enumerate(chars))
    ids = np.array([stoi[c] for c in text], dtype=np.int64)
    model = build(torch, len(chars), args.cell, hidden=args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    print(
        f"{len(text)} characters, vocabulary {len(chars)}; uniform loss ln({len(chars)}) = "
        f"{math.log(len(chars)):.3f}"
    )
    losses = []
    for step in range(1, args.steps + 1):
        x, y = batches(torch, ids, args.seq_len, args.batch_size, rng)
        logits, _ = model(x)
        loss = loss_fn(logits.reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
        if step % max(1, args.steps // 10) == 0 or step == 1:
            recent = sum(losses[-20:]) / len(losses[-20:])
            print(f"step {step:4d}  loss {recent:.3f}")
    result = {"losses": losses}
    if args.sample:
        text_out = sample(torch, model, stoi, itos, "The ", args.sample)
        print("---\n" + text_out + "\n---")
        result["sample"] = text_out
    return result


if __name__ == "__main__":
    main()
