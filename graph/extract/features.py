"""What the learned decision sees of a candidate entity: named numeric features.

A candidate is a group of spans the signals proposed for one name in one paper. Its
features say which signals proposed it and how strongly, what the gazetteer knows, where
it stands (title, first sentence), its shape (casing, digits, words, head noun) and what
the words around it say. Every feature is a property of the text and of field knowledge,
never of a particular paper, so a model over them carries to papers it was not fitted on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from citegraph.graph.extract import patterns as P

TYPES = ("method", "model", "benchmark")

_TASKISH = re.compile(r"(?i)(?:tion|ing|ness|ity|ics|ance|ence)s?$")
_BENCHISH = re.compile(r"(?:Bench|BENCH|QA|Eval|EVAL|Arena|Gym|Set|Corpus|Data)\d*$")


@dataclass
class Candidate:
    """One proposed entity of one paper, with what its group of spans showed.

    ``signals`` maps each signal to its best weight; ``positions`` are the group's span
    starts, ``surfaces`` its spellings. The rule fields are what the hand-set weights
    decided, kept as features.
    """

    name: str
    surfaces: list[str]
    signals: dict[str, float]
    positions: list[int]
    title_len: int
    doc_len: int
    gaz_type: str | None
    corpus_name: bool
    rule_score: float
    rule_type: str
    typed_by: str
    rule_introduced: bool
    context: str | None
    has_pair: bool
    list_hint: str | None
    extra: dict[str, float] = field(default_factory=dict)
    #: candidates (by index in the paper's list) this longer reading competes with
    rivals: list[int] = field(default_factory=list)


def _shape(name: str) -> dict[str, float]:
    words = name.split()
    letters = [c for c in name if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    f = {
        "shape:words": min(len(words), 6) / 6,
        "shape:len": min(len(name), 40) / 40,
        "shape:one_word": float(len(words) == 1),
        "shape:digit": float(any(c.isdigit() for c in name)),
        "shape:hyphen": float("-" in name),
        "shape:all_caps": float(bool(letters) and upper == len(letters)),
        "shape:lower": float(upper == 0),
        "shape:capitalised": float(name[:1].isupper()),
        "shape:inner_cap": float(bool(re.search(r"[a-z][A-Z]", name))),
        "shape:coined": float(P.looks_coined(name)),
        "shape:short": float(len(name) <= 3),
        "shape:bench_suffix": float(bool(_BENCHISH.search(name))),
        "shape:taskish_head": float(bool(_TASKISH.search(words[-1]))) if words else 0.0,
        "shape:plural": float(name.endswith("s") and not name.endswith("ss")
                              and name[-2:-1].islower()),
        "shape:size": float(bool(P._HAS_SIZE.search(name))),
    }
    if len(words) > 1:
        f["shape:title_case"] = float(all(w[:1].isupper() or w in ("of", "for", "with", "and")
                                          for w in words))
    return f


def features(c: Candidate) -> dict[str, float]:
    """The named features of one candidate (absent features are 0)."""
    f: dict[str, float] = {"bias": 1.0}
    for sig, weight in c.signals.items():
        f[f"sig:{sig}"] = weight
    f["signals:n"] = min(len(c.signals), 5) / 5
    f["count"] = min(len(c.positions), 6) / 6
    f["rule:score"] = min(c.rule_score, 3.0) / 3
    f["rule:kept"] = float(c.rule_score >= 1.0)
    f["rule:introduced"] = float(c.rule_introduced)
    f[f"rule:type:{c.rule_type}"] = 1.0
    f[f"typed_by:{c.typed_by}"] = 1.0
    if c.gaz_type:
        f[f"gaz:{c.gaz_type}"] = 1.0
    f["gaz:corpus"] = float(c.corpus_name)
    if c.context:
        f[f"context:{c.context}"] = 1.0
    if c.list_hint:
        f[f"list:{c.list_hint}"] = 1.0
    f["pair"] = float(c.has_pair)
    in_title = any(p < c.title_len for p in c.positions)
    in_abstract = any(p > c.title_len for p in c.positions)
    f["where:title"] = float(in_title)
    f["where:abstract"] = float(in_abstract)
    f["where:title_and_abstract"] = float(in_title and in_abstract)
    first = min(c.positions) if c.positions else 0
    f["where:first"] = first / max(c.doc_len, 1)
    f["aliases"] = float(len(c.surfaces) > 1)
    f.update(_shape(c.name))
    words = c.name.lower().replace("-", " ").split()
    if words and words[-1].isalpha():  # which head nouns name things is field knowledge
        f[f"head:{words[-1]}"] = 1.0
    if len(words) > 1 and words[0].isalpha() and c.name[:1].islower():
        f[f"first:{words[0]}"] = 1.0
    f.update(c.extra)
    # a few conjunctions a linear model cannot form on its own
    f["x:gaz_title"] = float(bool(c.gaz_type) and in_title)
    f["x:intro_lower"] = f.get("sig:intro", 0.0) * f["shape:lower"]
    f["x:coined_once"] = f["shape:coined"] * float(len(c.positions) == 1)
    f["x:pair_introduced"] = float(c.has_pair and c.rule_introduced)
    f["x:pair_lower"] = float(c.has_pair) * f["shape:lower"]
    f["x:kept_introduced"] = float(c.rule_score >= 1.0 and c.rule_introduced)
    return f


def feature_names(rows: Iterable[dict[str, float]]) -> list[str]:
    """Every feature name that occurs in ``rows``, sorted (a stable column order)."""
    names: set[str] = set()
    for row in rows:
        names.update(row)
    return sorted(names)
