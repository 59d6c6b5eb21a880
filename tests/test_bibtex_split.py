"""The fast BibTeX splitter gives the blocks bibtexparser's own splitter gives.

Compared on every BibTeX fixture (real exports, crafted damage) and on seeded random damage
of real entries (braces, quotes, escapes, ``@`` and ``#`` put in or cut out), block by
block: kind, line, raw text, type, key, fields, error message.
"""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser import model
from bibtexparser.middlewares.interpolate import ResolveStringReferencesMiddleware
from bibtexparser.splitter import Splitter

from citegraph.loaders import bibtex_split
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.textio import read_text

FIXTURES = Path(__file__).parent / "fixtures"
BIB_FILES = sorted(p for p in FIXTURES.rglob("*.bib") if p.stat().st_size > 0)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _describe(block: model.Block) -> list[object]:
    out: list[object] = [type(block).__name__, block.start_line, block.raw]
    entry = getattr(block, "ignore_error_block", None) or block
    if isinstance(entry, model.Entry):
        out += [entry.entry_type, entry.key, [(f.key, f.value) for f in entry.fields]]
    if isinstance(block, model.ParsingFailedBlock):
        out.append(str(block.error))
    if isinstance(block, model.String):
        out += [block.key, block.value]
    return out


def _reference(text: str) -> list[list[object]]:
    library = bibtexparser.parse_string(text, parse_stack=[ResolveStringReferencesMiddleware()])
    return [_describe(b) for b in library.blocks if not isinstance(b, model.ImplicitComment)]


def _ours(text: str) -> list[list[object]]:
    library = bibtex_split.parse(text, [ResolveStringReferencesMiddleware()])
    return [_describe(b) for b in library.blocks]


@pytest.fixture(autouse=True)
def _quiet() -> None:
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


@pytest.mark.parametrize("path", BIB_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_blocks_match_bibtexparser(path: Path) -> None:
    text = _CONTROL.sub(" ", read_text(path, LoadReport()))
    assert _ours(text) == _reference(text)


@pytest.mark.parametrize("text", [
    '@article{a,\n title = {A {B} \\{ c},\n author = "X {"} Y",\n year = 2020,\n}\n',
    "@article{a, title = {Open\n@article{b, title = {Next}}\n",
    "@article{a, title = {x}, note = {mail me @ home}}\n@misc{b, title={y}}",
    '@string{j = "Journal"}\n@article{a, journal = j, title = {T} # " more"}\n',
    "@article(a, title = {Paren})\n@article{b, title = {Brace}}\n",
    "@article{a, title = {One}, title = {Two}}\n@article{a, title = {Three}}\n",
    "@misc{k}\n@article{a,}\n@article{b, title = {x} junk, year = 1}\n",
    "text @article{mid, title={line}} more\n@book{b, title = {c}}\n",
    "@article{a, title = {t\\\\\n}}\n@article{b, title = {escaped line break above}}\n",
    '@article{a, title = "quote \\" inside", abstract = {ends \\}}\n@misc{b, title = {z}}',
    "@comment{anything, at = all}\n@preamble{\"x\"}\n@article{a, title = {t}}\n",
])
def test_crafted_blocks_match_bibtexparser(text: str) -> None:
    assert _ours(text) == _reference(text)


def test_damaged_real_entries_match_bibtexparser() -> None:
    texts = [read_text(p, LoadReport()) for p in BIB_FILES if "real" in p.parts]
    tokens = ["{", "}", '"', ",", "=", "\n", "@article{", "\n@misc{", "#", "\\{", '\\"', "(",
              ")", '@string{x = "y"}', "\n @book(k,", '{"}', " ", "\\\n"]
    rng = random.Random(7)
    for _ in range(400):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        text = text[start:start + rng.randint(50, 3000)]
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.5:
                text = text[:at] + rng.choice(tokens) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 3):]
        assert _ours(text) == _reference(text), text


@pytest.mark.parametrize("folder", ["scopus", "wos", "pmlr", "zotero", "acm", "ieee"])
def test_real_export_entries_take_the_fast_path(folder: str) -> None:
    """Every entry of these exports is split without bibtexparser's splitter (which is
    what makes loading them fast); entries that repeat a field still take it, as a
    repeated-field block."""
    for path in sorted((FIXTURES / "real" / folder).glob("*.bib")):
        text = _CONTROL.sub(" ", read_text(path, LoadReport()))
        starts = [m.start() for m in re.finditer(r"^[ \t]*@(?!string|comment|preamble)\w+\s*\{",
                                                 text, re.MULTILINE | re.IGNORECASE)]
        for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
            line = text.count("\n", 0, start)
            assert bibtex_split._entry(text, start, end, line) is not None, (path, line + 1)


def test_a_splitter_failure_costs_only_its_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """When bibtexparser's splitter gives up on one block (it raises on states it calls
    its own bugs), that block is a failed block and the blocks around it are kept."""
    text = ("@article{a, title = {One}}\n"
            "@article(b, title = {Two, split by bibtexparser})\n"
            "@article{c, title = {Three}}\n")
    real_split = Splitter.split

    def split(self: Splitter) -> bibtexparser.Library:
        if "Two" in self.bibstr:
            raise RuntimeError("splitter state")
        return real_split(self)

    monkeypatch.setattr(Splitter, "split", split)
    blocks = bibtex_split.split(text)
    assert [type(b).__name__ for b in blocks] == ["Entry", "ParsingFailedBlock", "Entry"]
    assert [b.start_line for b in blocks] == [0, 1, 2]
    assert [b.key for b in blocks if isinstance(b, model.Entry)] == ["a", "c"]
