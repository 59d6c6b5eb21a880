"""Fit the learned decision from gold annotations (``citegraph train-extractor``).

Every paper of the gold files goes through the signals with the corpus pass over the
same papers' text; each candidate is labelled by the annotations (an entity when its
name is a gold name or alias, with that entity's type and ``introduced``), and three
logistic regressions are fitted over the candidates' features. The same gold files give
the same model: the papers are read in file order and the solver is deterministic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.errors import CitegraphError
from citegraph.graph.extract.features import TYPES, feature_names, features
from citegraph.graph.extract.learned import ExtractorModel, LinearHead
from citegraph.graph.extract.tagger import SpanTagger, gold_labels, train_tagger
from citegraph.graph.names import fold_plain

if TYPE_CHECKING:
    from citegraph.graph.extract.extractor import Extractor

#: inverse regularisation strength of the three heads (chosen by cross-validation)
C_KEEP, C_TYPE, C_INTRO = 0.5, 1.0, 0.5
#: folds the sequence tagger is cross-fitted over for the heads' training candidates
INNER_FOLDS = 4


#: The scorer's normalisation: case, punctuation and spaces folded away.
gold_key = fold_plain


def read_gold(paths: Sequence[str | Path]) -> list[dict]:
    """The annotated papers of JSON Lines gold files, in file order."""
    papers = []
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CitegraphError(f"{path}: cannot read ({exc.strerror})") from None
        for lineno, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                title, ents = rec["title"], rec.get("entities", [])
                if not isinstance(title, str) or not isinstance(ents, list):
                    raise TypeError
            except (json.JSONDecodeError, KeyError, TypeError):
                raise CitegraphError(f"{path}:{lineno}: not a gold record with a title and "
                                     "a list of entities") from None
            papers.append({"title": title, "abstract": rec.get("abstract") or "",
                           "entities": ents})
    if not papers:
        raise CitegraphError("no annotated papers in " + ", ".join(map(str, paths)))
    return papers


@dataclass
class Row:
    """One labelled candidate."""

    feats: dict[str, float]
    is_entity: bool
    type: str
    introduced: bool


def _inner_folds(papers: Sequence[dict]) -> list[int]:
    """A fold number per paper for cross-fitting the tagger; one title, one fold (by a
    hash of the title, so the split does not depend on file order)."""
    return [int(hashlib.sha256(gold_key(p["title"]).encode()).hexdigest(), 16) % INNER_FOLDS
            for p in papers]


def fit_taggers(extractor: Extractor, papers: Sequence[dict]) -> tuple[
        SpanTagger, list[SpanTagger | None]]:
    """The tagger fitted on all ``papers``, and per paper one fitted without its fold
    (None when the other folds hold no paper).

    The decision heads learn from candidates the tagger scored as it scores unseen papers,
    so they do not learn to trust a tagger on the papers it was fitted to.
    """
    data = []
    for paper in papers:
        doc, toks, feats = extractor.sequence(paper["title"], paper["abstract"])
        data.append((feats, gold_labels(doc, toks, paper["entities"])))
    folds = _inner_folds(papers)
    inner = [train_tagger(d for d, g in zip(data, folds, strict=True) if g != f)
             for f in range(INNER_FOLDS)]
    tagger = train_tagger(data)
    if tagger is None:
        raise CitegraphError("the gold papers have no text to train the tagger on")
    return tagger, [inner[g] for g in folds]


def labelled_rows(papers: Sequence[dict], gazetteer: Sequence[str] = (),
                  taggers: Sequence[SpanTagger | None] | None = None) -> list[Row]:
    """Candidates of ``papers`` with their gold labels (corpus pass over the same papers);
    ``taggers`` gives each paper's sequence tagger."""
    from citegraph.graph.extract.extractor import Extractor

    extractor = Extractor(extra_files=list(gazetteer), rules_only=True)
    extractor.learn((p["title"], p["abstract"]) for p in papers)
    rows = []
    for i, paper in enumerate(papers):
        extractor.tagger = taggers[i] if taggers is not None else None
        gold: dict[str, dict] = {}
        for ent in paper["entities"]:
            for name in [ent.get("name", ""), *ent.get("aliases", [])]:
                gold.setdefault(gold_key(name), ent)
        for ent, cand in extractor.candidates(paper["title"], paper["abstract"]):
            match = gold.get(gold_key(ent.name))
            rows.append(Row(features(cand), match is not None,
                            match.get("type", "method") if match else "",
                            bool(match.get("introduced")) if match else False))
    return rows


def _head(columns: list[str], rows: list[dict[str, float]], labels: list, c: float,
          classes: Sequence[str] | None = None) -> LinearHead:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    index = {name: i for i, name in enumerate(columns)}
    x = np.zeros((len(rows), len(columns)))
    for r, feats in enumerate(rows):
        for name, value in feats.items():
            x[r, index[name]] = value
    if len(set(labels)) < 2:
        raise CitegraphError(f"the gold papers give {len(rows)} candidates and fewer than two "
                             "classes to tell apart; annotate more papers to train on")
    model = LogisticRegression(C=c, max_iter=2000, fit_intercept=True)
    model.fit(x, labels)
    coefs = model.coef_
    found = [str(k) for k in model.classes_]
    if classes is None:  # yes/no: one row of weights for "yes"
        return LinearHead(["yes"], [dict(zip(columns, coefs[0].tolist(), strict=True))],
                          [float(model.intercept_[0])])
    return LinearHead(found, [dict(zip(columns, row.tolist(), strict=True)) for row in coefs],
                      [float(b) for b in model.intercept_])


def fit(rows: Sequence[Row], trained_on: dict | None = None,
        tagger: SpanTagger | None = None) -> ExtractorModel:
    """The three heads fitted on labelled candidates."""
    feats = [r.feats for r in rows]
    columns = feature_names(feats)
    keep = _head(columns, feats, [int(r.is_entity) for r in rows], C_KEEP)
    # what the paper introduces is learnt among its entities: the keep head already
    # decides what is an entity at all
    typed = [r for r in rows if r.is_entity and r.type in TYPES]
    intro = _head(columns, [r.feats for r in typed], [int(r.introduced) for r in typed],
                  C_INTRO)
    kind = _head(columns, [r.feats for r in typed], [r.type for r in typed], C_TYPE, TYPES)
    return ExtractorModel(keep, intro, kind, trained_on=trained_on, tagger=tagger)


def train_model(paths: Sequence[str | Path], gazetteer: Sequence[str] = (),
                tagger: bool = False) -> ExtractorModel:
    """A model fitted on the gold files at ``paths``; ``tagger`` also fits the sequence
    tagger (more candidates and a feature on every candidate, at about half the speed)."""
    papers = read_gold(paths)
    digest = hashlib.sha256()
    for p in papers:
        digest.update(json.dumps(p, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    info = {"papers": len(papers), "files": [Path(p).name for p in paths],
            "sha256": digest.hexdigest(), "tagger": tagger}
    return _fit_papers(papers, gazetteer, info, tagger)


def train_on(papers: Iterable[dict], gazetteer: Sequence[str] = (),
             tagger: bool = False) -> ExtractorModel:
    """A model fitted on already-read gold papers (cross-validation uses this)."""
    papers = list(papers)
    return _fit_papers(papers, gazetteer, {"papers": len(papers), "tagger": tagger}, tagger)


def _fit_papers(papers: list[dict], gazetteer: Sequence[str], info: dict,
                tagger: bool) -> ExtractorModel:
    if not tagger:
        return fit(labelled_rows(papers, gazetteer), trained_on=info)
    from citegraph.graph.extract.extractor import Extractor

    extractor = Extractor(extra_files=list(gazetteer), rules_only=True)
    extractor.learn((p["title"], p["abstract"]) for p in papers)
    full, inner = fit_taggers(extractor, papers)
    return fit(labelled_rows(papers, gazetteer, inner), trained_on=info, tagger=full)
