"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` (multi-layer, bidirectional, batch_first) and
their single-step cells. The input projection of a whole sequence is one matrix product; the
recurrence runs one step per time index (the only loop, as in any RNN)."""

from __future__ import annotations

import math
from typing import Any

import chainrule as _c

from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ._common import new_param
from .module import Module

__all__ = ["RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rnn_step(mode: str, xt: Tensor, h: Any, w_hh: Tensor, b_hh: Tensor | None):
    """One time step given the precomputed input projection ``xt``; returns the new state."""
    gh = F.linear(h[0] if mode == "LSTM" else h, w_hh, b_hh)
    if mode == "LSTM":
        i, f, g, o = (xt + gh).chunk(4, 1)
        c = f.sigmoid() * h[1] + i.sigmoid() * g.tanh()
        return (o.sigmoid() * c.tanh(), c)
    if mode == "GRU":
        xr, xz, xn = xt.chunk(3, 1)
        hr, hz, hn = gh.chunk(3, 1)
        r = (xr + hr).sigmoid()
        z = (xz + hz).sigmoid()
        n = (xn + r * hn).tanh()
        return n + z * (h - n)
    pre = xt + gh
    return pre.tanh() if mode == "RNN_TANH" else pre.relu()


class RNNBase(Module):
    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an "
                "element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            import warnings

            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                "dropout expects num_layers greater than 1, but got "
                f"dropout={dropout} and num_layers={num_layers}",
                UserWarning,
                stacklevel=3,
            )
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than 0")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than 0")
        if proj_size:
            raise NotImplementedError("chainrule: LSTM proj_size is not supported")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        dirs = 2 if bidirectional else 1
        gate = _GATES[mode] * hidden_size
        self._flat_weights_names: list = []
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else hidden_size * dirs
            for d in range(dirs):
                sfx = "_reverse" if d == 1 else ""
                names = [f"weight_ih_l{layer}{sfx}", f"weight_hh_l{layer}{sfx}"]
                setattr(self, names[0], new_param(gate, in_size, dtype=dtype))
                setattr(self, names[1], new_param(gate, hidden_size, dtype=dtype))
                if bias:
                    names += [f"bias_ih_l{layer}{sfx}", f"bias_hh_l{layer}{sfx}"]
                    setattr(self, names[2], new_param(gate, dtype=dtype))
                    setattr(self, names[3], new_param(gate, dtype=dtype))
                self._flat_weights_names.extend(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        per = 4 if self.bias else 2
        w = self._flat_weights
        return [w[i : i + per] for i in range(0, len(w), per)]

    def flatten_parameters(self) -> None:
        pass

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def _weights(self, layer: int, d: int) -> tuple:
        sfx = "_reverse" if d == 1 else ""
        b_ih = getattr(self, f"bias_ih_l{layer}{sfx}") if self.bias else None
        b_hh = getattr(self, f"bias_hh_l{layer}{sfx}") if self.bias else None
        return (
            getattr(self, f"weight_ih_l{layer}{sfx}"),
            getattr(self, f"weight_hh_l{layer}{sfx}"),
            b_ih,
            b_hh,
        )

    def forward(self, input: Tensor, hx: Any = None) -> tuple:  # noqa: A002
        lstm = self.mode == "LSTM"
        if input.dim() not in (2, 3):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D instead"
            )
        batched = input.dim() == 3
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                f"{input.shape[-1]}"
            )
        x = input
        if not batched:
            x = x.unsqueeze(1)
        elif self.batch_first:
            x = x.transpose(0, 1)
        seq, n = x.shape[0], x.shape[1]
        dirs = 2 if self.bidirectional else 1
        h_shape = (self.num_layers * dirs, n, self.hidden_size)
        if hx is None:
            z = _c.zeros(*h_shape, dtype=x.dtype)
            h0s = list(z.unbind(0))
            c0s = list(z.unbind(0)) if lstm else None
        else:
            if lstm:
                if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                    raise IndexError("tuple index out of range")
                h0, c0 = hx
                if not batched:
                    h0, c0 = h0.unsqueeze(1), c0.unsqueeze(1)
                _check_hidden(h0, h_shape, "h0" if lstm else "hx")
                _check_hidden(c0, h_shape, "c0")
                h0s, c0s = list(h0.unbind(0)), list(c0.unbind(0))
            else:
                h0 = hx.unsqueeze(1) if not batched else hx
                _check_hidden(h0, h_shape, "hx")
                h0s, c0s = list(h0.unbind(0)), None
        layer_in = x
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                w_ih, w_hh, b_ih, b_hh = self._weights(layer, d)
                xw = F.linear(layer_in, w_ih, b_ih).unbind(0)  # all time steps at once
                k = layer * dirs + d
                h = (h0s[k], c0s[k]) if lstm else h0s[k]
                steps = range(seq - 1, -1, -1) if d == 1 else range(seq)
                hs = [None] * seq
                for t in steps:
                    h = _rnn_step(self.mode, xw[t], h, w_hh, b_hh)
                    hs[t] = h[0] if lstm else h
                outs.append(_c.stack(hs, 0))
                if lstm:
                    h_n.append(h[0])
                    c_n.append(h[1])
                else:
                    h_n.append(h)
            layer_in = outs[0] if dirs == 1 else _c.cat(outs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_in = F.dropout(layer_in, self.dropout, True)
        out = layer_in
        hn = _c.stack(h_n, 0)
        cn = _c.stack(c_n, 0) if lstm else None
        if not batched:
            out = out.squeeze(1)
            hn = hn.squeeze(1)
            cn = cn.squeeze(1) if lstm else None
        elif self.batch_first:
            out = out.transpose(0, 1)
        return (out, (hn, cn)) if lstm else (out, hn)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


def _check_hidden(h: Tensor, shape: tuple, name: str) -> None:
    if tuple(h.shape) != shape:
        raise RuntimeError(f"Expected hidden size {shape}, got {list(h.shape)}")


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).

    Example:
        >>> import chainrule as torch
        >>> out, h = torch.nn.RNN(3, 5)(torch.zeros(7, 2, 3))
        >>> out.shape, h.shape
        (torch.Size([7, 2, 5]), torch.Size([1, 2, 5]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        nl = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nl = args[3]
            args = args[:3] + args[4:]
        if nl not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nl}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nl
        super().__init__("RNN_TANH" if nl == "tanh" else "RNN_RELU", *args, **kwargs)


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o); returns ``output, (h_n, c_n)``.

    Example:
        >>> import chainrule as torch
        >>> out, (h, c) = torch.nn.LSTM(3, 5, batch_first=True)(torch.zeros(2, 7, 3))
        >>> out.shape
        torch.Size([2, 7, 5])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n); returns ``output, h_n``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("GRU", *args, **kwargs)


class RNNCellBase(Module):
    """The base of ``RNNCell``, ``LSTMCell`` and ``GRUCell``: ``num_chunks`` gates' weights
    ``weight_ih`` (num_chunks*hidden, input), ``weight_hh`` (num_chunks*hidden, hidden) and
    biases, all initialized from U(-1/sqrt(hidden), 1/sqrt(hidden)).

    Example:
        >>> import chainrule as torch
        >>> cell = torch.nn.RNNCellBase(3, 4, bias=True, num_chunks=2)
        >>> cell, cell.weight_ih.shape
        (RNNCellBase(3, 4), torch.Size([8, 3]))
        >>> isinstance(torch.nn.GRUCell(3, 4), torch.nn.RNNCellBase)
        True
    """

    _mode = "RNN_TANH"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gate = num_chunks * hidden_size
        self.weight_ih = new_param(gate, input_size, dtype=dtype, device=device)
        self.weight_hh = new_param(gate, hidden_size, dtype=dtype, device=device)
        if bias:
            self.bias_ih = new_param(gate, dtype=dtype, device=device)
            self.bias_hh = new_param(gate, dtype=dtype, device=device)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += f", bias={self.bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _run(self, input: Tensor, hx: Any) -> Any:  # noqa: A002
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        lstm = self._mode == "LSTM"
        if hx is None:
            z = _c.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
            hx = (z, z) if lstm else z
        elif not batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0)) if lstm else hx.unsqueeze(0)
        xw = F.linear(x, self.weight_ih, self.bias_ih)
        h = _rnn_step(self._mode, xw, hx, self.weight_hh, self.bias_hh)
        if not batched:
            h = (h[0].squeeze(0), h[1].squeeze(0)) if lstm else h.squeeze(0)
        return h


class RNNCell(RNNCellBase):
    """One Elman RNN step."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        self.__dict__["nonlinearity"] = nonlinearity
        self.__dict__["_mode"] = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        return self._run(input, hx)


class LSTMCell(RNNCellBase):
    """One LSTM step; returns ``(h, c)``."""

    _mode = "LSTM"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: Any = None) -> tuple:  # noqa: A002
        return self._run(input, hx)


class GRUCell(RNNCellBase):
    """One GRU step."""

    _mode = "GRU"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        return self._run(input, hx)
