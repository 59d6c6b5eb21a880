"""Methods, models and benchmarks named in titles and abstracts.

``extract(title, abstract)`` uses one shared :class:`Extractor` over the shipped
gazetteer plus the files named in ``CITEGRAPH_GAZETTEER``; ``extract_corpus`` first learns
the names a corpus introduces so that every paper recognises them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from citegraph.graph.extract.entity import Entity
from citegraph.graph.extract.extractor import Extractor
from citegraph.graph.extract.gazetteer import Gazetteer, load_gazetteer

_DEFAULT: Extractor | None = None


def default_extractor() -> Extractor:
    """The shared extractor, built (automaton and all) on first use."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Extractor()
    return _DEFAULT


def extract(title: str, abstract: str = "",
            gazetteer: Sequence[str | Path] = ()) -> list[Entity]:
    """The methods, models and benchmarks one paper names, in order of first mention.

    ``gazetteer`` adds user gazetteer files for this call (the shared extractor is used
    when it is empty, so repeated calls stay fast).
    """
    extractor = Extractor(extra_files=[str(p) for p in gazetteer]) if gazetteer \
        else default_extractor()
    return extractor.extract(title, abstract)


def extract_corpus(papers: Iterable[tuple[str, str]],
                   gazetteer: Sequence[str | Path] = ()) -> list[list[Entity]]:
    """Entities of every ``(title, abstract)``, after a pass that learns the corpus' names."""
    papers = list(papers)
    extractor = Extractor(extra_files=[str(p) for p in gazetteer])
    extractor.learn(papers)
    return [extractor.extract(t, a) for t, a in papers]


__all__ = ["Entity", "Extractor", "Gazetteer", "default_extractor", "extract",
           "extract_corpus", "load_gazetteer"]
