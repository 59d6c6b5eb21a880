"""One paper, one record: merging what several files (or one file twice) say about a paper.

Two records are the same paper when they share an identifier of the same kind (DOI, arXiv
id, Semantic Scholar id, OpenAlex id), or when neither identifier contradicts the other and
their normalised titles are equal with compatible years (equal, or one unknown).

Conflicting fields are resolved by one rule: the first source to give a value keeps it,
except that the longer abstract and the longer author list win (a fuller export beats a
listing snippet), the highest upvote count wins, and a real record replaces a stub.
Provenance, sources and identifiers are unions.
"""

from __future__ import annotations

from collections.abc import Iterable

from citegraph.loaders.records import ID_KINDS, PaperRecord, Reference, normalize_title

_FIRST_WINS = (
    "authors_count", "date", "year", "organization", "organization_handle", "venue",
)


def _compatible_ids(a: dict[str, str], b: dict[str, str]) -> bool:
    return all(a[k] == b[k] for k in ID_KINDS if k in a and k in b)


def _compatible_years(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


class PaperIndex:
    """Merged records, findable by any identifier or by normalised title."""

    def __init__(self) -> None:
        self.records: list[PaperRecord] = []
        self._by_id: dict[tuple[str, str], int] = {}
        self._by_title: dict[str, list[int]] = {}

    def find(self, ids: dict[str, str], title: str | None, year: int | None = None) -> int | None:
        """The index of the merged record these identifiers or this title name, if any."""
        for kind in ID_KINDS:
            if kind in ids and (kind, ids[kind]) in self._by_id:
                return self._by_id[(kind, ids[kind])]
        if title:
            for idx in self._by_title.get(normalize_title(title), []):
                rec = self.records[idx]
                if _compatible_ids(rec.ids, ids) and _compatible_years(rec.year, year):
                    return idx
        return None

    def add(self, record: PaperRecord) -> int:
        """Merge a record into the index; returns the index of the paper it became part of."""
        idx = self.find(record.ids, record.title, record.year)
        if idx is None:
            idx = len(self.records)
            self.records.append(record)
        else:
            merge_into(self.records[idx], record)
        self._register(idx)
        return idx

    def _register(self, idx: int) -> None:
        rec = self.records[idx]
        for kind, value in rec.ids.items():
            self._by_id.setdefault((kind, value), idx)
        title_key = normalize_title(rec.title)
        if title_key:
            slots = self._by_title.setdefault(title_key, [])
            if idx not in slots:
                slots.append(idx)

    def resolve(self, ref: Reference) -> int | None:
        """The corpus paper a reference points at, if it is in the index."""
        return self.find(ref.ids, ref.title, ref.year)


def merge_into(target: PaperRecord, other: PaperRecord) -> None:
    """Fold ``other`` into ``target`` by the rule in this module's docstring."""
    if target.stub and not other.stub:
        target.title, target.stub = other.title, False
    if len(other.abstract) > len(target.abstract):
        target.abstract = other.abstract
    if len(other.authors) > len(target.authors):
        target.authors = list(other.authors)
    for name in _FIRST_WINS:
        if getattr(target, name) is None and getattr(other, name) is not None:
            setattr(target, name, getattr(other, name))
    if other.upvotes is not None:
        target.upvotes = max(target.upvotes or 0, other.upvotes)
    for kind, value in other.ids.items():
        target.ids.setdefault(kind, value)
    for prov in other.provenance:
        if prov not in target.provenance:
            target.provenance.append(prov)
    for source in other.sources:
        if source not in target.sources:
            target.sources.append(source)
    known = {(tuple(sorted(r.ids.items())), r.title) for r in target.references}
    for ref in other.references:
        if (tuple(sorted(ref.ids.items())), ref.title) not in known:
            target.references.append(ref)


def merge_records(records: Iterable[PaperRecord]) -> PaperIndex:
    """Merge a stream of records into one record per paper."""
    index = PaperIndex()
    for record in records:
        index.add(record)
    return index
