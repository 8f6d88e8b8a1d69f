"""``nn.utils.rnn.pad_sequence``: stack variable-length sequences into one padded tensor."""

from __future__ import annotations

from collections.abc import Sequence

import chainrule as _c

from ..._tensor import Tensor

__all__ = ["pad_sequence"]


def pad_sequence(
    sequences: Sequence[Tensor] | Tensor,
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Pad tensors of shape (L_i, *) to the longest length and stack them: (L, B, *), or
    (B, L, *) with ``batch_first`` (differentiable).

    Example:
        >>> import chainrule as torch
        >>> from chainrule.nn.utils.rnn import pad_sequence
        >>> pad_sequence([torch.tensor([1, 2, 3]), torch.tensor([4])], batch_first=True)
        tensor([[1, 2, 3],
                [4, 0, 0]])
    """
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    seqs = list(sequences.unbind(0)) if isinstance(sequences, Tensor) else list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in seqs)
    first = seqs[0]
    rest = tuple(first.shape[1:])
    shape = (len(seqs), longest) + rest if batch_first else (longest, len(seqs)) + rest
    # as PyTorch: a filled tensor, each sequence copied into its slice (CopySlices)
    out = _c.full(shape, padding_value, dtype=first.dtype)
    for i, s in enumerate(seqs):
        n = s.shape[0]
        rows = slice(0, n) if padding_side == "right" else slice(longest - n, longest)
        if batch_first:
            out[i, rows] = s
        else:
            out[rows, i] = s
    return out
