"""The docstring examples of nn, optim, utils.data, save/load and the top-level aliases run and
print what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "chainrule.nn",
    "chainrule.nn.modules.module",
    "chainrule.nn.modules.container",
    "chainrule.nn.modules.linear",
    "chainrule.nn.modules.activation",
    "chainrule.nn.modules.loss",
    "chainrule.nn.modules.conv",
    "chainrule.nn.modules.pooling",
    "chainrule.nn.modules.normalization",
    "chainrule.nn.modules.misc",
    "chainrule.nn.modules.padding",
    "chainrule.nn.modules.resampling",
    "chainrule.nn.modules.rnn",
    "chainrule.nn.modules.lazy",
    "chainrule.nn.parallel.data_parallel",
    "chainrule.nn.functional",
    "chainrule.nn.init",
    "chainrule.nn.parameter",
    "chainrule.nn.grad",
    "chainrule.nn.utils.clip_grad",
    "chainrule.nn.utils.rnn",
    "chainrule.optim",
    "chainrule.optim.optimizer",
    "chainrule.optim.algorithms",
    "chainrule.optim.algorithms_more",
    "chainrule.optim.lr_scheduler",
    "chainrule.utils.data.dataset",
    "chainrule.utils.data.dataloader",
    "chainrule._serialization",
    "chainrule.ops.toplevel",
    "chainrule.ops._lazy",
    "chainrule._tie_order",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert res.failed == 0
