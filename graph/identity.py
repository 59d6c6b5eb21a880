"""One paper, one node: merging what several files (or one file twice) say about a paper.

Records are grouped by :mod:`citegraph.graph.matching`: records sharing an identifier of
one kind are one paper; other candidate pairs (by blocking) are decided on title, authors,
year, venue and identifiers. Sameness is transitive (a record linking two papers folds
them into one), and since each pair is decided on its own evidence, the grouping does not
depend on the order records arrive in. Records that are not merged always get distinct
keys: title keys carry year and first author, and papers that still share one are told
apart by a suffix in an order fixed by their content.

Cited works are resolved after the corpus is grouped: a reference is the corpus paper it
matches (by identifier, else by the same matcher on title, first author and year), else a
stub paper shared by every reference to the same work. A reference never joins two corpus
papers.

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

import json
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.graph.matching import (
    YEAR_TOLERANCE,
    Evidence,
    Features,
    PairDecisions,
    decided_pairs,
    features,
)
from citegraph.graph.unionfind import UnionFind
from citegraph.loaders.records import (
    ID_KINDS,
    PaperRecord,
    Reference,
    normalize_title,
    paper_key,
)
from citegraph.loaders.references import complete_reference, locators

if TYPE_CHECKING:
    from citegraph.loaders.problems import LoadReport

_FIRST_WINS = (
    "authors_count", "date", "year", "organization", "organization_handle", "venue",
    "doc_type", "language",
)
#: A title one source dates to more distinct years than this is a series; sources that
#: list one paper twice date the copies a year or two apart at most.
RECURRING_YEARS = 2
#: List fields whose merge is the union in order of first sight.
_UNIONS = ("keywords", "index_terms", "affiliations", "countries")
#: What some exports write where a paper lists no author; never an author.
AUTHOR_PLACEHOLDERS = frozenset({"[no author name available]", "[anonymous]", "anonymous",
                                 "[no author]", "n/a"})


@dataclass
class MergeReport:
    """Which records became which paper, on what evidence, and the counts per file.

    ``merges`` has one entry per join (records − papers in all): the paper's key, the
    provenance of the two records whose match made the join, and the evidence.
    ``per_file`` counts, per source file, the records that created a paper and those
    merged into one, so that records read = created + merged for every file.
    """

    merges: list[dict[str, object]] = field(default_factory=list)
    per_file: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    references: Counter[str] = field(default_factory=Counter)
    records: int = 0
    papers: int = 0

    def by_evidence(self) -> Counter[str]:
        """Merges counted by the kind of evidence: identifier kinds or title matches."""
        return Counter(str(m["by"]) for m in self.merges)

    def summary(self) -> str:
        """One line: records in, papers out, merges by kind of evidence, and references."""
        kinds = self.by_evidence()
        by_id = sum(n for k, n in kinds.items() if k in ID_KINDS or k == "locator")
        parts = [f"{by_id} by identifier"] if by_id else []
        parts += [f"{n} by {k}" for k, n in sorted(kinds.items())
                  if k not in ID_KINDS and k != "locator"]
        text = f"{self.records:,} records → {self.papers:,} papers; {len(self.merges):,} merges"
        if parts:
            text += ": " + ", ".join(parts)
        refs = self.references
        if refs["total"]:
            text += (f"; {refs['total']:,} references: {refs['corpus']:,} to corpus papers, "
                     f"{refs['stub']:,} to {refs['stubs']:,} cited works outside it")
        return text

    def file_counts(self, load: LoadReport | None = None) -> list[dict[str, object]]:
        """Per source file: records read, papers created, merged, skipped (skips from the
        load report). For every file read, read = created + merged + skipped."""
        files = dict.fromkeys([*self.per_file, *(load.records_read if load else {}),
                               *(load.records_skipped if load else {})])
        rows = []
        for name in files:
            counts = self.per_file.get(name, Counter())
            skipped = load.records_skipped.get(name, 0) if load else 0
            read = (load.records_read.get(name, 0) + skipped) if load else \
                counts["created"] + counts["merged"]
            rows.append({"file": name, "read": read, "created": counts["created"],
                         "merged": counts["merged"], "skipped": skipped})
        return rows

    def write_jsonl(self, path: str | Path) -> Path:
        """The merges, one JSON object a line (atomically written)."""
        from citegraph.atomic import atomic_write

        with atomic_write(path) as fh:
            for merge in self.merges:
                fh.write(json.dumps(merge, ensure_ascii=False) + "\n")
        return Path(path)


class PaperIndex:
    """Merged papers (corpus papers first, then cited works outside the corpus), their
    keys, the citations between them, and the merge report."""

    def __init__(self) -> None:
        self.papers: list[PaperRecord] = []
        self.keys: list[str] = []
        # the citations as two columns of slots (a corpus has millions: no tuple each)
        self.citing, self.cited = array("q"), array("q")
        self.report = MergeReport()
        self._by_id: dict[tuple[str, str], int] = {}
        self._by_title: dict[str, int] = {}
        self._indexed = 0  # papers in the two lookups

    @property
    def citations(self) -> list[tuple[int, int]]:
        """Every citation as a (citing, cited) pair of slots."""
        return list(zip(self.citing, self.cited, strict=True))

    @property
    def records(self) -> list[PaperRecord]:
        """Every merged paper."""
        return self.papers

    def __len__(self) -> int:
        return len(self.papers)

    def _append(self, record: PaperRecord) -> int:
        self.papers.append(record)
        return len(self.papers) - 1

    def find(self, ids: dict[str, str], title: str | None = None) -> int | None:
        """The slot of the paper an identifier (else an exact normalised title) names:
        the first paper to give it. The lookup is built on first use (the build itself
        never looks papers up: its tables would only cost memory while it runs)."""
        for slot in range(self._indexed, len(self.papers)):
            record = self.papers[slot]
            for kind, value in record.ids.items():
                self._by_id.setdefault((kind, value), slot)
            self._by_title.setdefault(normalize_title(record.title), slot)
        self._indexed = len(self.papers)
        for kind, value in ids.items():
            if (kind, value) in self._by_id:
                return self._by_id[(kind, value)]
        return self._by_title.get(normalize_title(title)) if title else None


def _ref_key(ref: Reference) -> tuple[tuple[tuple[str, str], ...], str | None, str | None]:
    return tuple(sorted(ref.ids.items())), ref.title, ref.raw


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


#: What makes two references the same object: everything they say, ids in their order.
_RefContent = tuple[tuple[tuple[str, str], ...], str | None, int | None, tuple[str, ...],
                    str | None, str | None, str | None]


def _clean(record: PaperRecord, shared: dict[_RefContent, Reference] | None = None
           ) -> PaperRecord:
    """Placeholders out of the author list; free-text references parsed.

    With ``shared``, references saying the same (ids, title, year, authors, venue, raw
    text) become one object across all records: a corpus cites a work from many papers,
    and its references are most of what is read. They are never changed afterwards."""
    if any(a.strip().casefold() in AUTHOR_PLACEHOLDERS for a in record.authors):
        keep = [i for i, a in enumerate(record.authors)
                if a.strip().casefold() not in AUTHOR_PLACEHOLDERS]
        for name in ("author_affiliations", "author_ids"):  # parallel lists stay parallel
            values = getattr(record, name)
            if len(values) == len(record.authors):
                setattr(record, name, [values[i] for i in keep])
        record.authors = [record.authors[i] for i in keep]
    for refs in (record.references, record.cited_by):
        for at, ref in enumerate(refs):
            complete_reference(ref)
            if shared is not None:
                refs[at] = shared.setdefault(
                    (tuple(ref.ids.items()), ref.title, ref.year, tuple(ref.authors),
                     ref.venue, ref.raw, ref.raw_format), ref)
    return record


def _provenance(record: PaperRecord) -> str:
    return str(record.provenance[0]) if record.provenance else "(no source)"


def _mark_recurring(recs: list[PaperRecord], feats: list[Features]) -> None:
    """Titles one source dates to more than :data:`RECURRING_YEARS` distinct years are
    recurring (a column, a report series): two such records are one paper only by the
    rule for generic titles. (A source listing one paper twice, even with mangled author
    names or a wrong year, does not make it so.)"""
    groups: dict[tuple[str, str], list[Features]] = defaultdict(list)
    for r, f in zip(recs, feats, strict=True):
        if f.title and not f.ids:
            groups[(r.provenance[0].source if r.provenance else "", f.title)].append(f)
    recurring = set()
    for (_, title), members in groups.items():
        if len(members) < 2:
            continue
        if len({f.year for f in members if f.year}) > RECURRING_YEARS:
            recurring.add(title)
    for f in feats:
        f.recurring = f.title in recurring


def _content(record: PaperRecord) -> tuple[object, ...]:
    """What a record says, as a sort key: ties between pairs break on content, never on
    the order records came in."""
    return (record.title, tuple(record.authors), record.year or 0, record.venue or "",
            tuple(sorted(record.ids.items())), tuple(map(str, record.provenance)))


def _group(recs: list[PaperRecord], feats: list[Features], fuzzy: bool,
           known: int = 0, decisions: PairDecisions = decided_pairs
           ) -> tuple[UnionFind, dict[int, tuple[int, int, Evidence]]]:
    """Records grouped into papers; for each record joined to another, with whom and why.

    Accepted pairs are joined strongest first (identifiers, then by model probability).
    A join that would put papers more than a year apart into one group is refused, so a
    chain of weak links (one column's issues, year after year) cannot fold a series into
    one paper; and two groups of several records are joined only if, of the pairs between
    them that were compared, no more were rejected than accepted (a record that fits two
    papers must not fold them into one). The order is fixed by content, so the groups do
    not depend on input order.
    The first ``known`` records are papers already told apart: pairs of two of them are
    not decided again. ``decisions`` decides the candidate pairs (here or on workers); the
    joins, which depend on one another, are made here, in the order above.
    """
    import numpy as np

    _mark_recurring(recs, feats)
    n = len(feats)
    accepted: list[tuple[float, tuple[object, ...], tuple[object, ...], int, int,
                         Evidence]] = []
    rejected = array("q")
    for i, j, evidence in decisions(feats, fuzzy, known):
        if evidence is None:
            rejected.append(i * n + j)
            continue
        strength = 2.0 if evidence.title_score is None else (
            evidence.probability if evidence.probability is not None else 1.0)
        ci, cj = sorted((_content(recs[i]), _content(recs[j])))
        accepted.append((-strength, ci, cj, i, j, evidence))
    accepted.sort(key=lambda t: t[:3])
    links = _Links(np.sort(np.frombuffer(rejected, dtype=np.int64)),
                   {i * n + j for *_, i, j, _ in accepted}, n)
    del rejected
    uf = UnionFind(n)
    lo = np.array([f.year or 0 for f in feats], dtype=np.int32)
    hi = lo.copy()
    members: dict[int, list[int]] = {}  # root -> records, for groups of several
    joined: dict[int, tuple[int, int, Evidence]] = {}
    for _, _, _, i, j, evidence in accepted:
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        if evidence.title_score is not None:  # an identifier outweighs a year and the rest
            years = [y for y in (lo[ri], hi[ri], lo[rj], hi[rj]) if y]
            if years and max(years) - min(years) > YEAR_TOLERANCE:
                continue
            if not links.agree(members.get(ri, [ri]), members.get(rj, [rj])):
                continue
        root, other = min(ri, rj), max(ri, rj)
        uf.union(root, other)
        years = [y for y in (lo[ri], hi[ri], lo[rj], hi[rj]) if y]
        if years:
            lo[root], hi[root] = min(years), max(years)
        members[root] = members.pop(root, [root]) + members.pop(other, [other])
        joined[other] = (i, j, evidence)  # the later group's first record merged
    return uf, joined


class _Links:
    """Which compared pairs were accepted and which rejected (codes ``i * n + j``)."""

    #: Groups whose pairs number more than this are joined without the check (rare: the
    #: check is for the small groups a record that fits two papers would fold together).
    MOST_PAIRS = 400

    def __init__(self, rejected, accepted: set[int], n: int) -> None:
        self.rejected, self.accepted, self.n = rejected, accepted, n

    def agree(self, a: list[int], b: list[int]) -> bool:
        """Two groups, one of several records, may be joined: of the compared pairs
        between them, no more were rejected than accepted."""
        if len(a) == 1 and len(b) == 1 or len(a) * len(b) > self.MOST_PAIRS:
            return True
        import numpy as np

        codes = np.array([min(x, y) * self.n + max(x, y) for x in a for y in b],
                         dtype=np.int64)
        at = np.searchsorted(self.rejected, codes)
        found = at < len(self.rejected)
        rejected = int((self.rejected[at[found]] == codes[found]).sum())
        accepted = sum(1 for c in codes.tolist() if c in self.accepted)
        return rejected <= accepted


def _canonical_key(members: list[PaperRecord], merged: PaperRecord) -> str:
    """The key of a paper, independent of the order its records came in: the strongest
    identifier (first source's value), else the commonest normalised title (ties: the
    smallest), the earliest year, and the first author of the longest author list."""
    if any(merged.ids.get(k) for k in ID_KINDS):
        return paper_key(merged.ids, merged.title)
    titles = Counter(normalize_title(m.title) for m in members if m.title)
    title = min(titles, key=lambda t: (-titles[t], t)) if titles else ""
    years = [m.year for m in members if m.year]
    authors = max((m.authors for m in members), key=lambda a: (len(a), a), default=[])
    return paper_key({}, title, min(years) if years else None, authors[:1])


def _unique_keys(keys: list[str], records: list[PaperRecord]) -> list[str]:
    """Keys made distinct: papers sharing one are numbered by their sorted provenance."""
    holders: dict[str, list[int]] = defaultdict(list)
    for slot, key in enumerate(keys):
        holders[key].append(slot)
    out = list(keys)
    for key, slots in holders.items():
        if len(slots) > 1:
            ordered = sorted(slots, key=lambda s: sorted(map(str, records[s].provenance)))
            for n, slot in enumerate(ordered[1:], start=2):
                out[slot] = f"{key}~{n}"
    return out


def merge_records(records: Iterable[PaperRecord], fuzzy: bool = True,
                  known: int = 0, decisions: PairDecisions = decided_pairs) -> PaperIndex:
    """Merge a stream of records into one record per paper and resolve their references.

    ``fuzzy`` False merges only on identifiers and equal normalised titles (years at most
    one apart; generic titles need agreeing authors). The first ``known`` records are the
    papers of an existing graph: new records are matched against them (and a new record
    may join two of them), but they are not compared among themselves again.
    ``decisions`` decides candidate pairs (:data:`~citegraph.graph.matching.PairDecisions`):
    the result does not depend on where that runs.
    """
    shared: dict[_RefContent, Reference] = {}
    recs = [_clean(r, shared) for r in records]
    del shared
    feats = [features(r) for r in recs]
    uf, joined = _group(recs, feats, fuzzy, known, decisions)
    index = PaperIndex()
    report = index.report
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(recs)):
        components[uf.find(i)].append(i)
    members_of: list[list[PaperRecord]] = []
    # a stub among the known records is a work the existing graph cites, not a record read
    cited = {i for i in range(known) if recs[i].stub}
    for root in sorted(components):
        members = components[root]
        target = recs[members[0]]
        for i in members[1:]:
            merge_into(target, recs[i])
        index._append(target)
        members_of.append([recs[i] for i in members])
        for i in members:
            if i in cited:
                continue
            source = recs[i].provenance[0].source if recs[i].provenance else "(no source)"
            report.per_file[source]["merged" if i in joined else "created"] += 1
    keys = [_canonical_key(m, p) for m, p in zip(members_of, index.papers, strict=True)]
    slot_of_root = {root: slot for slot, root in enumerate(sorted(components))}
    for _, (i, j, evidence) in sorted(joined.items()):
        later, first = max(i, j), min(i, j)
        report.merges.append({"record": _provenance(recs[later]),
                              "with": _provenance(recs[first]),
                              "slot": slot_of_root[uf.find(i)], **evidence.as_dict()})
    stubs = {slot for slot, root in enumerate(sorted(components))
             if root in cited and index.papers[slot].stub}
    report.records, report.papers = len(recs) - len(cited), len(index.papers) - len(stubs)
    # a paper of one record is that record unchanged: its features serve again when cited
    # works are matched (the recurring mark is the grouping's, and is not theirs there)
    reused: list[Features | None] = []
    for root in sorted(components):
        members = components[root]
        f = feats[members[0]] if len(members) == 1 else None
        if f is not None:
            f.recurring = False
        reused.append(f)
    del recs, feats, uf, components, members_of
    _resolve_references(index, fuzzy, stubs, decisions, reused)
    keys += [_canonical_key([p], p) for p in index.papers[len(keys):]]
    index.keys = _unique_keys(keys, index.papers)
    for merge in report.merges:
        merge["paper"] = index.keys[merge.pop("slot")]  # type: ignore[arg-type]
    return index


def _reference_record(ref: Reference) -> PaperRecord:
    """A cited work as a stub record. It holds the reference's own ids (no copy): it is
    only ever matched or merged into another record, never changed itself."""
    return PaperRecord(title=ref.title or "", ids=ref.ids, year=ref.year,
                       authors=list(ref.authors), venue=ref.venue, stub=True)


def _resolve_references(index: PaperIndex, fuzzy: bool, stubs: set[int] = frozenset(),
                         decisions: PairDecisions = decided_pairs,
                         reused: list[Features | None] | None = None) -> None:
    """Each paper's references and citing works as citation pairs of slots.

    A cited work goes to the corpus paper it matches best (highest title score, then the
    earliest paper; a reference never joins two corpus papers). Works matching none are
    grouped among themselves into shared stubs; a group some of whose references reached
    one corpus paper (and no other) goes to that paper too. ``stubs`` are slots of cited
    works an existing graph knew: references to them are counted as references outside
    the corpus. ``reused`` holds, per slot, the paper's features where they are known
    already (None: computed here).

    A cited work is kept as the first reference to it (its record is made again where
    one is needed), and which paper wants which work as three columns: a corpus has
    millions of references and far fewer papers.
    """
    import numpy as np

    corpus = len(index.papers)
    # which paper slot wants which work, and whether the paper cites it (else is cited)
    wanted_slot, wanted_work, wanted_cites = array("q"), array("q"), bytearray()
    works: list[Reference] = []
    work_feats: list[Features] = []
    seen: dict[tuple[object, ...], int] = {}
    for slot in range(corpus):
        record = index.papers[slot]
        for refs, cites in ((record.references, True), (record.cited_by, False)):
            for ref in refs:
                loc = locators(ref)
                if not ref.ids and not ref.title and not loc:
                    continue
                key = (tuple(sorted(ref.ids.items())), ref.title, ref.year,
                       tuple(ref.authors[:1]), loc)
                if key not in seen:  # the same text in many lists is compared once
                    seen[key] = len(works)
                    works.append(ref)
                    work_feats.append(features(_reference_record(ref), loc))
                wanted_slot.append(slot)
                wanted_work.append(seen[key])
                wanted_cites.append(cites)
    del seen
    if not works:
        return
    reused = reused or [None] * corpus
    allf = [f if f is not None else features(p) for f, p in zip(reused, index.papers,
                                                                strict=True)]
    allf += work_feats
    del reused, work_feats
    best: dict[int, tuple[float, int]] = {}  # work -> (title score, corpus slot)
    uf = UnionFind(len(works))
    # pairs of two corpus papers are left out: those are grouped already
    for i, j, evidence in decisions(allf, fuzzy, corpus):
        if evidence is None:
            continue
        if i >= corpus:
            uf.union(i - corpus, j - corpus)
            continue
        score = 101.0 if evidence.title_score is None else evidence.title_score
        w = j - corpus
        if w not in best or (-score, i) < (-best[w][0], best[w][1]):
            best[w] = (score, i)
    del allf
    groups: dict[int, list[int]] = defaultdict(list)
    for w in range(len(works)):
        groups[uf.find(w)].append(w)
    del uf
    work_slot = np.empty(len(works), dtype=np.int64)
    for root in sorted(groups):
        members = groups[root]
        reached = {best[w][1] for w in members if w in best}
        for w in members:
            if w in best:
                work_slot[w] = best[w][1]
                if works[w].ids:  # the paper gains ids its source lacked
                    merge_into(index.papers[best[w][1]], _reference_record(works[w]))
        rest = [w for w in members if w not in best]
        if not rest:
            continue
        if len(reached) == 1:
            slot = reached.pop()
        else:
            target = PaperRecord(title="", stub=True)
            for w in rest:
                merge_into(target, _reference_record(works[w]))
            slot = index._append(target)
        for w in rest:
            work_slot[w] = slot
    del works, groups, best
    slots = np.frombuffer(wanted_slot, dtype=np.int64)
    others = work_slot[np.frombuffer(wanted_work, dtype=np.int64)]
    cites = np.frombuffer(bytes(wanted_cites), dtype=np.uint8).astype(bool)
    del wanted_slot, wanted_work, wanted_cites, work_slot
    index.citing.frombytes(np.where(cites, slots, others).tobytes())
    index.cited.frombytes(np.where(cites, others, slots).tobytes())
    in_corpus = (others < corpus) & ~np.isin(others, np.fromiter(stubs, np.int64, len(stubs)))
    refs = index.report.references
    to_corpus = int(in_corpus.sum())
    for name, count in (("total", len(others)), ("corpus", to_corpus),
                        ("stub", len(others) - to_corpus)):
        if count:  # a count never met stays out of the counter, as one at a time would
            refs[name] += count
    refs["stubs"] = len(index.papers) - corpus + len(stubs)  # ``stubs``: known cited works
