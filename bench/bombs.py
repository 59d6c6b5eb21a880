"""Compression bombs for the bounded-reading tests and benchmark: small gzip files that
expand to a gigabyte, shaped so that each loader recognises its own format first.

A bomb is a valid head (one good record) followed by gzip members that each expand one
block of filler; writing the same compressed member many times makes a 1 GiB bomb in
milliseconds (gzip readers read concatenated members as one stream).
"""

from __future__ import annotations

import gzip
from pathlib import Path

#: Decompressed size of every bomb.
GIB = 1 << 30
_BLOCK = 4 << 20

_DAILY_HEAD = (b"new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
               b"byAK and the research community\n\nNov 27\n\n")
_PARAGRAPH = (b"Bomb paper title\n\n" + b"An abstract that is long enough to be one. " * 8
              + b"\n\n")
_ARXIV_LINE = (b'{"id": "2101.00001", "title": "Bomb paper", "abstract": "x", '
               b'"update_date": "2021-01-01", "authors_parsed": []}\n')

#: name -> (file name, head, filler repeated to fill the rest)
BOMBS: dict[str, tuple[str, bytes, bytes]] = {
    "bibtex-zeros": ("bomb.bib.gz", b"@article{a,\n  title = {Bomb head},\n}\n", b"\0"),
    "bibtex-entries": ("entries.bib.gz", b"", b"@misc{k, title = {Bomb entry}}\n"),
    "daily-papers": ("listing.txt.gz", _DAILY_HEAD, _PARAGRAPH),
    "arxiv-jsonl": ("arxiv.jsonl.gz", b"", _ARXIV_LINE),
    "jsonl-one-line": ("oneline.jsonl.gz", _ARXIV_LINE, b" "),
    "ris": ("refs.ris.gz", b"", b"TY  - JOUR\nTI  - Bomb record\nER  - \n"),
    "csv": ("export.csv.gz", b"title,year\n", b"Bomb row,2020\n"),
    "atom": ("feed.atom.gz", b'<feed xmlns="http://www.w3.org/2005/Atom"><title>arxiv</title>',
             b"<entry><id>http://arxiv.org/abs/2101.00001</id><title>Bomb</title></entry>\n"),
}


def write_bomb(directory: Path, name: str, size: int = GIB) -> Path:
    """Write the bomb ``name`` of :data:`BOMBS` into ``directory``; its path."""
    file_name, head, filler = BOMBS[name]
    block = filler * (_BLOCK // len(filler))
    member = gzip.compress(block, compresslevel=9, mtime=0)
    path = directory / file_name
    with open(path, "wb") as fh:
        fh.write(gzip.compress(head, mtime=0))
        for _ in range(max(1, (size - len(head)) // len(block))):
            fh.write(member)
    return path
