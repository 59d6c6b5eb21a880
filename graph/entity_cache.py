"""What the entity stage found per paper, kept with the graph so an append extracts only
what changed.

Extraction has two corpus-wide inputs besides the paper itself: the names other papers
introduce (the corpus gazetteer) and each acronym's majority long form. What a paper
teaches the corpus pass depends on its text alone, so both inputs are a fold over the
papers' lessons, redone cheaply on every build. A paper's entities stay valid while its
text is the same and none of the names or acronyms that changed since occurs in it; a
cheap scan finds those papers (:class:`Staleness`, a superset of the papers the extractor
would match them in), and only they are extracted again.

The cache is valid for one gazetteer and one decision model: :func:`fingerprint` hashes
the shipped data, the user gazetteer files and the model file, and a cache made with
other ones is ignored.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick

from citegraph.graph.extract import Entity
from citegraph.graph.extract.extractor import Learnt, combine_learnt
from citegraph.graph.extract.gazetteer import (
    GazEntry,
    boundary_text,
    surface_forms,
    user_files,
)
from citegraph.graph.extract.text import bounded, clean_text
from citegraph.graph.names import fold_name

#: The graph file the cache is saved in (one header line, then one line per paper).
ENTITIES_FILE = "entities.jsonl"
#: Entity fields kept per paper: what the graph stage reads of an extraction.
_FIELDS = ("name", "type", "aliases", "introduced", "evidence", "key", "canonical", "family",
           "sources", "count")
_DATA = Path(__file__).parent / "extract" / "data"


def fingerprint(gazetteer: Sequence[str] = (), extractor_model: str | None = None) -> str:
    """The identity of what extraction reads besides the text: the shipped gazetteer and
    model, the user gazetteer files (``CITEGRAPH_GAZETTEER`` too) and a model file."""
    digest = hashlib.sha256()
    files = sorted(_DATA.iterdir()) + user_files(gazetteer)
    if extractor_model:
        files.append(Path(extractor_model))
    for path in files:
        digest.update(str(path.name).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"(unreadable)")
    return digest.hexdigest()[:32]


def text_hash(title: str, abstract: str) -> str:
    """The identity of the text a paper is extracted from."""
    return hashlib.sha256(f"{title}\0{abstract}".encode("utf-8", "surrogatepass")
                          ).hexdigest()[:24]


@dataclass
class PaperEntities:
    """One paper's text hash, what it taught the corpus pass, and its entities."""

    text: str
    learnt: Learnt
    found: list[Entity]


@dataclass
class EntityCache:
    """Per paper key, what the entity stage read and found (insertion order = corpus order)."""

    fingerprint: str
    papers: dict[str, PaperEntities] = field(default_factory=dict)

    def get(self, key: str, text: str) -> PaperEntities | None:
        """The cached result for a paper whose text hashes to ``text``, else None."""
        hit = self.papers.get(key)
        return hit if hit is not None and hit.text == text else None

    def combined(self) -> tuple[dict[str, GazEntry], dict[str, str]]:
        """The corpus names and acronym long forms this cache's papers taught."""
        return combine_learnt(p.learnt for p in self.papers.values())

    # --- saving --------------------------------------------------------------------
    def rows(self) -> Iterator[dict[str, Any]]:
        """JSON rows: a header with the fingerprint, then one row per paper."""
        yield {"fingerprint": self.fingerprint, "papers": len(self.papers)}
        for key, paper in self.papers.items():
            yield {"paper": key, "text": paper.text,
                   "names": [list(n) for n in paper.learnt.names],
                   "long_forms": [list(p) for p in paper.learnt.long_forms],
                   "found": [[getattr(e, f) for f in _FIELDS] for e in paper.found]}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[Path, int, Any]]) -> EntityCache:
        """The cache in rows written by :meth:`rows`; a malformed row raises ValueError
        naming its line."""
        cache: EntityCache | None = None
        for path, lineno, row in rows:
            try:
                if cache is None:
                    cache = cls(str(row["fingerprint"]))
                    continue
                learnt = Learnt([(str(n), str(t), list(a)) for n, t, a in row["names"]],
                                [(str(k), str(v)) for k, v in row["long_forms"]])
                found = [Entity(**dict(zip(_FIELDS, values, strict=True)))
                         for values in row["found"]]
                cache.papers[str(row["paper"])] = PaperEntities(str(row["text"]), learnt,
                                                                found)
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"{path}:{lineno}: malformed entity cache row") from None
        return cache if cache is not None else cls("")


class Staleness:
    """Which cached papers two corpus passes may extract differently (see the module
    docstring): a paper is stale when a corpus name that was added, dropped or changed
    could match in it, or when it names an acronym whose long form changed together with
    that long form. Both tests are looser than the extractor's own matching, so every
    paper whose entities could change is caught; a few others are extracted again too."""

    def __init__(self, before: tuple[dict[str, GazEntry], dict[str, str]],
                 after: tuple[dict[str, GazEntry], dict[str, str]]) -> None:
        names0, acr0 = before
        names1, acr1 = after
        # corpus names match whole words: a form's boundary text after a word boundary
        self.names = ahocorasick.Automaton()
        for key in names0.keys() | names1.keys():
            a, b = names0.get(key), names1.get(key)
            if a is not None and b is not None and (a.name, a.type, a.aliases) == (
                    b.name, b.type, b.aliases):
                continue
            for entry in (a, b):
                for alias in (entry.name, *entry.aliases) if entry is not None else ():
                    for form in surface_forms(alias, plural=True):
                        low = boundary_text(form)
                        if low is not None and low.strip():
                            self.names.add_word(" " + low.strip(), None)
        # an acronym joins its long form only where both are named: pairs of folded keys
        self.acronyms: dict[str, set[str]] = defaultdict(set)
        folded = ahocorasick.Automaton()
        for short in acr0.keys() | acr1.keys():
            longs = {fold_name(x) for x in (acr0.get(short), acr1.get(short)) if x}
            if short and acr0.get(short) != acr1.get(short) and longs - {""}:
                self.acronyms[short] |= longs - {""}
                for key in (short, *longs):
                    folded.add_word(key, key)
        self.folded = folded
        for auto in (self.names, self.folded):
            if len(auto):
                auto.make_automaton()

    def __bool__(self) -> bool:
        return bool(len(self.names) or len(self.folded))

    def stale(self, title: str, abstract: str) -> bool:
        """Whether the extraction of this text may differ between the two passes."""
        if not self:
            return False
        title, abstract, _ = bounded(title or "", abstract or "")
        title, abstract = clean_text(title), clean_text(abstract)
        doc = f"{title}\n{abstract}" if abstract else title
        if len(self.names):
            padded = boundary_text(doc)
            if padded is None or next(self.names.iter(padded), None) is not None:
                return True
        if len(self.folded):
            hits = {key for _, key in self.folded.iter(fold_name(doc))}
            return any(short in hits and not longs.isdisjoint(hits)
                       for short, longs in self.acronyms.items())
        return False
