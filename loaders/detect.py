"""Which loader reads a file: decided from its content, with the extension as a tie-break.

A new source format is one module with ``FORMAT``, ``sniff(path, head)`` and
``read(path, report)``, plus one line in :data:`LOADERS`.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from citegraph.loaders import (
    arxiv_atom,
    arxiv_json,
    bibtex,
    csl_json,
    csv_export,
    daily_papers,
    dimensions,
    lens,
    openalex,
    pubmed,
    ris,
    s2,
    wos_plain,
)
from citegraph.loaders.textio import head

#: Loaders in the order they are asked; the first whose ``sniff`` accepts a file reads it.
#: Content decides, most specific first: JSON shapes are told apart by their keys
#: (OpenAlex ``openalex.org/W`` ids, S2 ``paperId``, arXiv ``authors_parsed``, CSL
#: ``date-parts``/``container-title``), XML by the Atom namespace, RIS by ``TY  -``, Web of
#: Science plain text by its ``FN``/``PT`` tags, PubMed by ``PMID-``, BibTeX by ``@type{``,
#: Lens and Dimensions by their id columns ahead of the other CSV header rows.
LOADERS: tuple[ModuleType, ...] = (
    openalex, s2, arxiv_json, csl_json, arxiv_atom, ris, wos_plain, pubmed, bibtex, lens,
    dimensions, csv_export, daily_papers,
)

#: When content is ambiguous (no loader, or a short file), the extension decides.
BY_EXTENSION: dict[str, ModuleType] = {
    ".bib": bibtex, ".bibtex": bibtex, ".ris": ris, ".atom": arxiv_atom, ".nbib": pubmed,
    ".ciw": wos_plain,
}

LOADER_BY_FORMAT: dict[str, ModuleType] = {m.FORMAT: m for m in LOADERS}


def formats() -> list[str]:
    """Names accepted by ``--format``."""
    return sorted(LOADER_BY_FORMAT)


def detect_format(path: Path) -> str | None:
    """The format of a file from its first bytes; None when no loader recognises it."""
    text = head(path)
    for loader in LOADERS:
        if loader.sniff(path, text):
            return loader.FORMAT
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in BY_EXTENSION and text.strip():
        return BY_EXTENSION[suffixes[-1]].FORMAT
    return None
