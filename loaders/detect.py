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

#: When content is ambiguous (no loader or several, or a short file), the extension decides.
BY_EXTENSION: dict[str, ModuleType] = {
    ".bib": bibtex, ".bibtex": bibtex, ".ris": ris, ".atom": arxiv_atom, ".nbib": pubmed,
    ".ciw": wos_plain,
}

LOADER_BY_FORMAT: dict[str, ModuleType] = {m.FORMAT: m for m in LOADERS}


def formats() -> list[str]:
    """Names accepted by ``--format``."""
    return sorted(LOADER_BY_FORMAT)


def detect_format(path: Path) -> str | None:
    """The format of a file from its first bytes; None when no loader recognises it.

    When several loaders recognise the content (a BibTeX file quoting a ``TY  - `` line),
    the one the extension names wins; otherwise the first in :data:`LOADERS`. Reading a
    damaged compressed file raises :class:`~citegraph.loaders.problems.FileProblem`.
    """
    text = head(path)
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    by_extension = BY_EXTENSION.get(suffixes[-1]) if suffixes else None
    accepted = [loader for loader in LOADERS if _accepts(loader, path, text)]
    if by_extension in accepted or (by_extension is not None and not accepted and text.strip()):
        return by_extension.FORMAT  # type: ignore[union-attr]
    return accepted[0].FORMAT if accepted else None


def _accepts(loader: ModuleType, path: Path, text: str) -> bool:
    try:
        return bool(loader.sniff(path, text))
    except Exception:  # a sniffer tripping over odd bytes just does not recognise them
        return False
