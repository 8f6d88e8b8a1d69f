"""``torch.special``: special functions under PyTorch's names (loaded on first use).

Example:
    >>> import chainrule as torch
    >>> torch.special.gammaln(torch.tensor([4.0]))
    tensor([1.7918])
"""

from __future__ import annotations

from typing import Any

from ._tensor import Tensor
from .ops import activation as _act
from .ops import elementwise as _ew
from .ops import pointwise as _pw
from .ops import reduce as _red
from .ops import special as _sp
from .ops._dispatch import apply as _apply

__all__ = [
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammainc",
    "gammaincc",
    "gammaln",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "xlog1py",
    "xlogy",
    "zeta",
]

erf = _ew.erf
erfc = _ew.erfc
erfinv = _sp.erfinv
erfcx = _sp.erfcx
exp2 = _ew.exp2
expm1 = _ew.expm1
log1p = _ew.log1p
expit = _ew.sigmoid
logit = _pw.logit
gammaln = _sp.lgamma
digamma = _sp.digamma
psi = _sp.digamma
polygamma = _sp.polygamma
gammainc = _sp.igamma
gammaincc = _sp.igammac
i0 = _sp.i0
i0e = _sp.i0e
i1 = _sp.i1
i1e = _sp.i1e
ndtr = _sp.ndtr
ndtri = _sp.ndtri
log_ndtr = _sp.log_ndtr
entr = _sp.entr
xlog1py = _sp.xlog1py
xlogy = _pw.xlogy
sinc = _pw.sinc
zeta = _sp.zeta
logsumexp = _red.logsumexp


def multigammaln(input: Tensor, p: int, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The multivariate log-gamma function (``torch.mvlgamma``).

    Example:
        >>> import chainrule as torch
        >>> torch.special.multigammaln(torch.tensor([2.5]), 2)
        tensor([1.1314])
    """
    return _sp.mvlgamma(input, p)


def round(input: Tensor, decimals: int = 0, *, out: Tensor | None = None) -> Tensor:  # noqa: A001,A002
    """Round half to even to ``decimals`` digits (always PyTorch's ``round.decimals`` overload,
    ``RoundBackward1``).

    Example:
        >>> import chainrule as torch
        >>> torch.special.round(torch.tensor([1.25, 2.5]), decimals=1)
        tensor([1.2000, 2.5000])
    """
    return _apply(_ew.ROUND_DECIMALS, (input,), (int(decimals),))


def softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim`` (``dtype`` casts the input first).

    Example:
        >>> import chainrule as torch
        >>> torch.special.softmax(torch.tensor([0.0, 0.0]), 0)
        tensor([0.5000, 0.5000])
    """
    return _act.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """``log(softmax(x))`` along ``dim``, computed stably.

    Example:
        >>> import chainrule as torch
        >>> torch.special.log_softmax(torch.tensor([0.0, 0.0]), 0)
        tensor([-0.6931, -0.6931])
    """
    return _act.log_softmax(input, dim, dtype=dtype)
