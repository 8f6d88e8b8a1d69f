"""Every local-derivative text written in English prose has a Chinese translation."""

import re

import chainrule  # noqa: F401  (registers every op)
from chainrule.explain import _rules as R
from chainrule.explain._catalog import RULES_ZH
from chainrule.ops import _lazy
from chainrule.ops._registry import OPS

_lazy.load_all()  # the whole op table, including the modules that load on first use

PROSE = re.compile(
    r"\b(where|each|at|the|if|else|for|of|with|over|on|and|back|element|elements|per|inside|"
    r"product|sum|windows?|rows?|column|moved|selected|copied|filled|repeats|ties|diagonal)\b"
)


def _texts():
    for op in OPS.values():
        yield from (op.explain or {}).values()
    for rules in R.TEXT_FALLBACK.values():
        yield from rules.values()


def test_every_prose_rule_text_is_translated():
    missing = sorted({t for t in _texts() if PROSE.search(t) and t not in RULES_ZH})
    assert not missing, f"add these to explain/_catalog.py RULES_ZH: {missing}"


def test_translations_keep_the_placeholders():
    for en, zh in RULES_ZH.items():
        assert re.findall(r"\{\w+\}", en) == re.findall(r"\{\w+\}", zh), en
