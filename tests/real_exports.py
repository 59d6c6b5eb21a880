"""An independent reading of the real exports in ``tests/fixtures/real``: how many records
each file holds, and which titles, authors and DOIs they carry.

The rules here come from the exporters' own record markers, not from citegraph's loaders,
so a loader that loses a record shows up as a difference:

- Web of Science plain text: one record per ``PT`` line (each closed by ``ER``);
- PubMed (MEDLINE): one record per ``PMID-`` line;
- RIS: one record per ``TY  -`` line (a byte-order mark or a numbering line before it is
  allowed);
- BibTeX: one record per ``@type{`` or ``@type(`` at the start of a line, except
  ``@string``, ``@comment`` and ``@preamble``; the title is the ``title`` field's value;
- CSV and tab-delimited: one record per row with any non-empty cell (Python's ``csv``),
  after the header; Web of Science tab-delimited files are read without quoting, as the
  exporter writes them;
- CSL-JSON: one record per item of the top-level list.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pylatexenc.latex2text import LatexNodes2Text

REAL = Path(__file__).parent / "fixtures" / "real"

#: Format families, with the ``--format`` names a loader for each may carry. A family
#: none of whose names is a loader's is "not supported yet".
FAMILY_FORMATS: dict[str, tuple[str, ...]] = {
    "bibtex": ("bibtex",),
    "ris": ("ris",),
    "csv": ("csv",),
    "wos-tab": ("csv", "wos-tab", "wos"),
    "wos-plain": ("wos", "wos-plain", "wos-text", "isi"),
    "pubmed": ("pubmed", "medline", "nbib"),
    "csl-json": ("csl-json", "csl"),
}


@dataclass
class ExportRecord:
    """What one record of an export holds, read independently of citegraph."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    doi: str = ""


@dataclass
class ExportFile:
    """One real export: its format family and its records."""

    path: Path
    family: str
    records: list[ExportRecord]

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def titled(self) -> int:
        return sum(1 for r in self.records if r.title)

    @property
    def untitled(self) -> int:
        return self.count - self.titled


def normalise_doi(value: str) -> str:
    """A DOI without resolver prefix or trailing annotation, lower-cased."""
    value = value.strip().lower()
    value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value)
    value = value.split()[0] if value else ""
    return value if value.startswith("10.") else ""


def normalise_title(value: str) -> str:
    """Letters and digits only, accents dropped, lower-cased: the same title however
    exporters brace, escape, wrap or punctuate it."""
    text = re.sub(r"\\[A-Za-z]+\s*", " ", value)  # LaTeX commands (\emph, \textsubscript)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text.casefold())


def read_text(path: Path) -> str:
    """The file's text: UTF-16 by its byte-order mark, else UTF-8 (cp1252 as a fallback)."""
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def family_of(text: str) -> str:
    """The export family, from the content alone (the extension is never asked)."""
    head = text.lstrip("\ufeff \r\n\t")
    first_line = head.split("\n", 1)[0]
    if re.match(r"(FN |PT )", head) and re.search(r"^ER\s*$", text, re.M):
        return "wos-plain"
    if first_line.startswith("PT\t"):
        return "wos-tab"
    if re.search(r"^PMID- ", text, re.M):
        return "pubmed"
    if re.search(r"^\ufeff?TY\s{1,2}-", text, re.M):
        return "ris"
    if re.search(r"^\s*@[A-Za-z]+\s*[{(]", text, re.M):
        return "bibtex"
    if head.startswith(("[", "{")):
        return "csl-json"
    return "csv"


# --- tagged formats: Web of Science plain text, PubMed, RIS ------------------------------


def _tagged_records(
    lines: list[str], starts: Callable[[str], bool], tag_of: Callable[[str], str | None],
) -> Iterator[dict[str, list[str]]]:
    """Records of a tagged format: each from a start line to the next, with continuation
    lines (no tag of their own) appended to the last tag's last value."""
    record: dict[str, list[str]] | None = None
    last = ""
    for line in lines:
        if starts(line):
            if record is not None:
                yield record
            record, last = {}, ""
        if record is None:
            continue
        tag = tag_of(line)
        if tag is not None:
            last = tag
            value = line[len(tag):].lstrip(" -").strip()
            record.setdefault(tag, []).append(value)
        elif last and line.strip() and line[:1].isspace():
            record[last][-1] += " " + line.strip()
    if record is not None:
        yield record


def _wos_plain(text: str) -> list[ExportRecord]:
    lines = text.splitlines()
    out = []
    for rec in _tagged_records(
        lines, lambda ln: ln.startswith("PT "),
        lambda ln: ln[:2] if re.match(r"[A-Z][A-Z0-9] ", ln[:3]) else None,
    ):
        out.append(ExportRecord(
            title=" ".join(rec.get("TI", [])).strip(),
            authors=rec.get("AU", []) or rec.get("AF", []),
            doi=normalise_doi(rec.get("DI", [""])[0]),
        ))
    return out


def _pubmed(text: str) -> list[ExportRecord]:
    lines = text.splitlines()
    out = []
    for rec in _tagged_records(
        lines, lambda ln: ln.startswith("PMID-"),
        lambda ln: ln[:4].rstrip() if re.match(r"[A-Z]{2,4} *- ", ln[:6]) else None,
    ):
        dois = [v for tag in ("LID", "AID") for v in rec.get(tag, []) if v.endswith("[doi]")]
        out.append(ExportRecord(
            title=" ".join(rec.get("TI", [])).strip(),
            authors=rec.get("FAU", []) or rec.get("AU", []),
            doi=normalise_doi(dois[0].removesuffix("[doi]")) if dois else "",
        ))
    return out


def _ris(text: str) -> list[ExportRecord]:
    lines = [ln.lstrip("\ufeff") for ln in text.splitlines()]
    out = []
    for rec in _tagged_records(
        lines, lambda ln: re.match(r"TY\s{1,2}-", ln) is not None,
        lambda ln: ln[:2] if re.match(r"[A-Z][A-Z0-9]\s{1,2}-", ln) else None,
    ):
        titles = [v for tag in ("TI", "T1") for v in rec.get(tag, []) if v]
        dois = [normalise_doi(v) for v in rec.get("DO", [])]
        out.append(ExportRecord(
            title=titles[0] if titles else "",
            authors=[a for tag in ("AU", "A1") for a in rec.get(tag, []) if a],
            doi=next((d for d in dois if d), ""),
        ))
    return out


# --- BibTeX --------------------------------------------------------------------------------

_ENTRY_START = re.compile(r"^[ \t]*@([A-Za-z]+)[ \t]*[{(]", re.M)
_NOT_ENTRIES = {"string", "comment", "preamble"}
_LATEX = LatexNodes2Text()


def _bib_value(body: str, name: str) -> str:
    """The value of field ``name`` in an entry's text: a braced group, a quoted string or a
    bare word; empty when the field is absent."""
    match = re.search(rf"(?<![\w-]){name}\s*=\s*", body, re.I)
    if not match:
        return ""
    i = match.end()
    if i >= len(body):
        return ""
    opener = body[i]
    if opener in "{\"":
        depth, j = 0, i
        while j < len(body):
            c = body[j]
            if c == "\\":
                j += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if opener == "{" and depth == 0:
                    return body[i + 1:j].strip()
            elif c == '"' and opener == '"' and j > i and depth == 0:
                return body[i + 1:j].strip()
            j += 1
        return body[i + 1:].strip()
    return re.match(r"[^,}\s]*", body[i:]).group(0)


def _bib_text(value: str) -> str:
    """A field value as text: LaTeX decoded (pylatexenc), line wraps squashed."""
    try:
        value = _LATEX.latex_to_text(value)
    except Exception:  # a value pylatexenc cannot read is compared as written
        value = value.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", value).strip()


def _bibtex(text: str) -> list[ExportRecord]:
    starts = [m for m in _ENTRY_START.finditer(text) if m.group(1).lower() not in _NOT_ENTRIES]
    bounds = [m.start() for m in _ENTRY_START.finditer(text)] + [len(text)]
    out = []
    for m in starts:
        end = next(b for b in bounds if b > m.start())
        body = text[m.end():end]
        authors = _bib_text(_bib_value(body, "author"))
        out.append(ExportRecord(
            title=_bib_text(_bib_value(body, "title")),
            authors=[a for a in re.split(r"\s+and\s+", authors) if a],
            doi=normalise_doi(_bib_text(_bib_value(body, "doi"))),
        ))
    return out


# --- CSV, tab-delimited, JSON --------------------------------------------------------------

_TITLE_COLUMNS = ("title", "document title", "item title", "article title", "ti",
                  "display_name")
_AUTHOR_COLUMNS = ("authors", "author names", "author/s", "au", "author full names",
                   "authorships.author.display_name")
_DOI_COLUMNS = ("doi", "item doi", "di")


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    folded = [h.strip().lower() for h in header]
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


def _table(text: str, family: str) -> list[ExportRecord]:
    first = text.split("\n", 1)[0]
    if family == "wos-tab":
        reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        delimiter = max(",;\t", key=first.count)
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    cols = [_column(header, names) for names in (_TITLE_COLUMNS, _AUTHOR_COLUMNS, _DOI_COLUMNS)]

    def cell(row: list[str], i: int | None) -> str:
        return row[i].strip() if i is not None and i < len(row) else ""

    out = []
    for row in reader:
        if not any(c.strip() for c in row):
            continue
        title, authors, doi = (cell(row, i) for i in cols)
        out.append(ExportRecord(title=title, authors=[authors] if authors else [],
                                doi=normalise_doi(doi)))
    return out


def _csl_json(text: str) -> list[ExportRecord]:
    data = json.loads(text)
    items = data.get("items", []) if isinstance(data, dict) else data
    return [ExportRecord(
        title=str(item.get("title") or "").strip(),
        authors=[str(a.get("family") or a.get("literal") or "") for a in item.get("author", [])],
        doi=normalise_doi(str(item.get("DOI") or "")),
    ) for item in items]


def read_export(path: Path) -> ExportFile:
    """Count and read the records of one real export, independently of citegraph."""
    text = read_text(path)
    family = family_of(text)
    readers: dict[str, Callable[[str], list[ExportRecord]]] = {
        "wos-plain": _wos_plain, "pubmed": _pubmed, "ris": _ris, "bibtex": _bibtex,
        "csl-json": _csl_json,
    }
    records = readers[family](text) if family in readers else _table(text, family)
    return ExportFile(path, family, records)


def real_exports() -> list[Path]:
    """Every file under ``tests/fixtures/real``, in path order."""
    return sorted(p for p in REAL.rglob("*") if p.is_file())


def loss_table() -> list[tuple[str, str, int, int, int, int]]:
    """For each real export: file, family, records in it, records citegraph read, records
    it reported skipped, and records lost (neither read nor reported)."""
    from citegraph.loaders import LoadReport, iter_records

    rows = []
    for path in real_exports():
        export = read_export(path)
        report = LoadReport()
        for _ in iter_records([path], report=report):
            pass
        read, skipped = report.records_read[str(path)], report.records_skipped[str(path)]
        rows.append((str(path.relative_to(REAL)), export.family, export.count, read, skipped,
                     export.count - read - skipped))
    return rows


if __name__ == "__main__":
    print("| file | format | expected | read | skipped | lost |")
    print("|---|---|---:|---:|---:|---:|")
    for row in loss_table():
        print("| " + " | ".join(str(c) for c in row) + " |")
