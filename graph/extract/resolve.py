"""Entity identity across a corpus: one key per entity however it is spelled.

A key folds case, spacing, hyphens and dots (``LLaMA-2`` = ``Llama 2``); a model variant
keeps its size in the key and points at its family (``Llama-3-8B`` → ``Llama 3``).
"""

from __future__ import annotations

import re

from citegraph.graph.extract.text import norm_key

# One size or release unit at the end of a name; model_family strips them one at a time
# (a single anchored unit cannot backtrack across a long run of units).
_SIZE_UNIT = re.compile(
    r"[- ](?:(?:\d+(?:\.\d+)?\s?[xX×]\s?)?\d+(?:\.\d+)?[BMKTbm](?![a-z])|Instruct|instruct|"
    r"Chat|chat|Base|base|it|IT|SFT|DPO|RLHF|\d+[kK])$"
)
#: names longer than this are no model names (a family is never looked for in them)
_MAX_NAME = 200


def entity_key(name: str) -> str:
    """The node key of an entity name: :func:`norm_key`, never empty."""
    return norm_key(name) or name.strip().casefold()


def model_family(name: str) -> str | None:
    """The family a sized variant belongs to: ``Qwen-2.5-32B-Instruct`` → ``Qwen-2.5``."""
    if len(name) > _MAX_NAME:
        return None
    stripped = name
    while True:
        m = _SIZE_UNIT.search(stripped)
        if m is None:
            break
        stripped = stripped[:m.start()]
    stripped = stripped.strip(" -")
    if stripped and stripped != name and any(c.isalpha() for c in stripped):
        return stripped
    return None
