"""One paper, one record: merging what several files (or one file twice) say about a paper.

Two records are the same paper when they share an identifier of the same kind (DOI, arXiv
id, Semantic Scholar id, OpenAlex id), or when no identifier kind contradicts the other and
their normalised titles are equal with compatible years (equal, one unknown, or one year
apart: a preprint and its publication). Sameness is transitive: a record that links two
papers already merged separately (an S2 record with the DOI of one and the arXiv id of the
other) folds them into one, so the order records arrive in never changes the result.

Conflicting fields are resolved by one rule: the first source to give a value keeps it,
except that the longer abstract and the longer author list win (a fuller export beats a
listing snippet; per-author affiliations and ids go with their list), the highest upvote
count and source citation count win, and a real record replaces a stub (its title and
fields win over what a reference list said). Provenance, sources, identifiers, references,
citing works, keywords, index terms, affiliations and countries are unions; when two
sources give different identifiers of one kind the first is kept as the paper's, and both
still find the paper.
"""

from __future__ import annotations

from collections.abc import Iterable

from citegraph.loaders.records import ID_KINDS, PaperRecord, Reference, normalize_title

_FIRST_WINS = (
    "authors_count", "date", "year", "organization", "organization_handle", "venue",
    "doc_type", "language",
)
#: List fields whose merge is the union in order of first sight.
_UNIONS = ("keywords", "index_terms", "affiliations", "countries")
#: Preprint and published version of a paper are often dated a year apart.
YEAR_TOLERANCE = 1


def _compatible_ids(a: dict[str, str], b: dict[str, str]) -> bool:
    return all(a[k] == b[k] for k in ID_KINDS if k in a and k in b)


def _compatible_years(a: int | None, b: int | None) -> bool:
    return a is None or b is None or abs(a - b) <= YEAR_TOLERANCE


class PaperIndex:
    """Merged records, findable by any identifier or by normalised title.

    Slots are numbered in order of first sight; a slot folded into another forwards to it.
    """

    def __init__(self) -> None:
        self._slots: list[PaperRecord | None] = []
        self._forward: dict[int, int] = {}
        self._by_id: dict[tuple[str, str], int] = {}
        self._by_title: dict[str, list[int]] = {}

    @property
    def records(self) -> list[PaperRecord]:
        """Every merged paper, in order of first sight."""
        return [r for r in self._slots if r is not None]

    def __len__(self) -> int:
        return len(self._slots) - len(self._forward)

    def slots(self) -> list[int]:
        """The slot of every merged paper, in order of first sight."""
        return [i for i, r in enumerate(self._slots) if r is not None]

    def get(self, idx: int) -> PaperRecord:
        """The merged record of a slot (following merges)."""
        record = self._slots[self._root(idx)]
        assert record is not None
        return record

    def _root(self, idx: int) -> int:
        while idx in self._forward:
            idx = self._forward[idx]
        return idx

    def _matches(self, ids: dict[str, str], title: str | None, year: int | None) -> list[int]:
        found: list[int] = []
        for kind, value in ids.items():
            slot = self._by_id.get((kind, value))
            if slot is not None and (root := self._root(slot)) not in found:
                found.append(root)
        if not found and title:
            for slot in self._by_title.get(normalize_title(title), []):
                root = self._root(slot)
                rec = self._slots[root]
                if rec is not None and root not in found and _compatible_ids(rec.ids, ids) \
                        and _compatible_years(rec.year, year):
                    found.append(root)
                    break
        return sorted(found)

    def find(self, ids: dict[str, str], title: str | None, year: int | None = None) -> int | None:
        """The slot of the merged record these identifiers or this title name, if any."""
        found = self._matches(ids, title, year)
        return found[0] if found else None

    def add(self, record: PaperRecord) -> int:
        """Merge a record into the index; returns the slot of the paper it became part of."""
        found = self._matches(record.ids, record.title, record.year)
        if not found:
            idx = len(self._slots)
            self._slots.append(record)
        else:
            idx = found[0]
            target = self._slots[idx]
            assert target is not None
            merge_into(target, record)
            for other in found[1:]:  # the record links papers merged apart so far
                folded = self._slots[other]
                assert folded is not None
                merge_into(target, folded)
                self._slots[other] = None
                self._forward[other] = idx
        self._register(idx, record.ids)
        return idx

    def _register(self, idx: int, extra_ids: dict[str, str]) -> None:
        rec = self._slots[idx]
        assert rec is not None
        for ids in (rec.ids, extra_ids):
            for kind, value in ids.items():
                self._by_id.setdefault((kind, value), idx)
        title_key = normalize_title(rec.title)
        if title_key:
            slots = self._by_title.setdefault(title_key, [])
            if idx not in slots:
                slots.append(idx)

    def resolve(self, ref: Reference) -> int | None:
        """The slot of the paper a reference points at, if it is in the index."""
        return self.find(ref.ids, ref.title, ref.year)


def _ref_key(ref: Reference) -> tuple[tuple[tuple[str, str], ...], str | None]:
    return tuple(sorted(ref.ids.items())), ref.title


def merge_into(target: PaperRecord, other: PaperRecord) -> None:
    """Fold ``other`` into ``target`` by the rule in this module's docstring."""
    if not target.title and other.title:  # a stub first known by id alone
        target.title = other.title
    if target.stub and not other.stub:
        target.title, target.stub = other.title, False
        for name in _FIRST_WINS:  # a reference list's year or venue yields to the paper's
            if getattr(other, name) is not None:
                setattr(target, name, getattr(other, name))
    if len(other.abstract) > len(target.abstract):
        target.abstract = other.abstract
    if len(other.authors) > len(target.authors):
        target.authors = list(other.authors)
        # per-author lists travel with the author list they are parallel to
        target.author_affiliations = list(other.author_affiliations)
        target.author_ids = [dict(d) for d in other.author_ids]
    for name in _UNIONS:
        mine = getattr(target, name)
        mine.extend(v for v in getattr(other, name) if v not in mine)
    if other.cited_by_count is not None and (
            target.cited_by_count is None or other.cited_by_count > target.cited_by_count):
        target.cited_by_count, target.cited_by_source = other.cited_by_count, \
            other.cited_by_source
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
    for mine, theirs in ((target.references, other.references),
                         (target.cited_by, other.cited_by)):
        known = {_ref_key(r) for r in mine}
        for ref in theirs:
            if _ref_key(ref) not in known:
                known.add(_ref_key(ref))
                mine.append(ref)


def merge_records(records: Iterable[PaperRecord]) -> PaperIndex:
    """Merge a stream of records into one record per paper."""
    index = PaperIndex()
    for record in records:
        index.add(record)
    return index
