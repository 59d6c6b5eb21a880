"""Which records are the same paper: candidate pairs by blocking, then a scored decision.

Comparing every pair of records is quadratic, so only records that share a *blocking key*
are compared: an identifier, one of the rarest words of the title (or of title, authors
and venue together, for records whose fields are in the wrong places), the first words of
the title (a truncated title keeps its start), or first-author surname with year. Keys
held by more than :data:`MAX_BLOCK` records are too common to say anything and are dropped.

Each candidate pair is then decided on its evidence alone: title similarity (typos,
truncation, words in another order, author names or venue glued onto the title), author
overlap, year distance, venue, and contradicting identifiers. A pair's decision never
depends on other pairs, so the partition the decisions induce does not depend on the order
records arrive in.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from citegraph.loaders.records import ID_KINDS, PaperRecord

#: A blocking key held by more records than this is dropped: it would cost quadratic
#: comparisons and a word that common says nothing about identity.
MAX_BLOCK = 64
#: Rarest title words (and rarest words of the whole record) used as blocking keys.
RARE_KEYS = 3
#: Most years a preprint and its publication (or two sources' dates) lie apart.
YEAR_TOLERANCE = 1
#: Title similarity (0-100) that with agreeing authors makes two records one paper.
TITLE_WITH_AUTHORS = 80.0
#: Title similarity that makes two records one paper when authors cannot be compared.
TITLE_ALONE = 93.0
#: Titles this short (in words) are matched whole: a short title is easily contained in,
#: or a few edits away from, a different paper's title.
SHORT_TITLE = 4

#: Titles that many unrelated papers share: matching one needs authors or venue to agree.
GENERIC_TITLES = frozenset({
    "editorial", "editorials", "editor s note", "editor s notes", "editors note",
    "editors notes", "from the editor", "from the editors", "letter from the editor",
    "guest editorial", "guest editors introduction", "guest editor s introduction",
    "introduction", "introduction to the special issue", "preface", "foreword",
    "reply", "response", "rejoinder", "comment", "comments", "discussion", "erratum",
    "errata", "corrigendum", "correction", "retraction", "retraction notice",
    "book review", "book reviews", "reviews", "news", "abstracts", "index",
    "author index", "subject index", "contents", "table of contents", "front matter",
    "back matter", "in memoriam", "obituary", "announcement", "announcements",
    "call for papers", "panel", "panel discussion", "keynote", "keynote address",
    "invited talk", "tutorial", "summary", "conclusion", "conclusions", "overview",
    "acknowledgments", "acknowledgements", "reviewers", "list of reviewers", "untitled",
})
_STOP = frozenset(
    "a an and are as at by for from in into is of on or the to with via using its their "
    "this that we our".split())
#: Words that name venues rather than papers; venue words never block.
_WORD = re.compile(r"[^\W_]+")


def words(text: str | None) -> list[str]:
    """Case-, accent- and punctuation-folded words of a text."""
    if not text:
        return []
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    return _WORD.findall(folded)


def name_tokens(authors: Iterable[str]) -> frozenset[str]:
    """Name words of an author list (initials left out): compared as a bag, so "Smith, J.",
    "J. Smith", names run together by a comma, and names misplaced into another field
    still meet."""
    return frozenset(w for name in authors for w in words(name) if len(w) > 1)


@dataclass
class Features:
    """What matching compares of one record, computed once."""

    title: str  # folded title words joined by spaces
    title_words: tuple[str, ...]
    names: frozenset[str]  # author name words
    first_surname: str | None
    year: int | None
    venue: frozenset[str]
    text: frozenset[str]  # every word of title, authors and venue
    ids: dict[str, str] = field(default_factory=dict)
    stub: bool = False
    extra_keys: tuple[str, ...] = ()  # identifying keys beyond ids (a cited work's locator)

    @property
    def generic(self) -> bool:
        return self.title in GENERIC_TITLES or len(self.title_words) < 2


def surname(name: str) -> str | None:
    """The family name of a display name ("Given Family", or "Family, G." as some sources
    write it): the longest-looking word that is not an initial."""
    if "," in name:
        head = [w for w in words(name.split(",", 1)[0]) if len(w) > 1]
        if head:
            return head[-1]
    parts = [w for w in words(name) if len(w) > 1]
    return parts[-1] if parts else None


def features(record: PaperRecord, extra_keys: tuple[str, ...] = ()) -> Features:
    """The matching features of a record."""
    title_words = tuple(words(record.title))
    names = name_tokens(record.authors)
    venue = frozenset(words(record.venue))
    return Features(
        title=" ".join(title_words), title_words=title_words, names=names,
        first_surname=surname(record.authors[0]) if record.authors else None,
        year=record.year, venue=venue, text=frozenset(title_words) | names | venue,
        ids=dict(record.ids), stub=record.stub, extra_keys=extra_keys)


# --- the decision ------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """Why two records were judged one paper."""

    kind: str  # an identifier kind ("doi", ...), "locator", "title" or "title+authors"
    title_score: float | None = None
    authors: float | None = None  # share of the smaller author list's names found

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"by": self.kind}
        if self.title_score is not None:
            out["title_score"] = round(self.title_score, 1)
        if self.authors is not None:
            out["authors"] = round(self.authors, 2)
        return out


def contradicting_ids(a: dict[str, str], b: dict[str, str]) -> bool:
    """Both give an identifier of one kind and the values differ."""
    return any(a[k] != b[k] for k in ID_KINDS if k in a and k in b)


def shared_id(a: Features, b: Features) -> str | None:
    """The strongest identifier kind the two share, if any."""
    for kind in ID_KINDS:
        if kind in a.ids and a.ids.get(kind) == b.ids.get(kind):
            return kind
    if set(a.extra_keys) & set(b.extra_keys):
        return "locator"
    return None


def title_score(a: Features, b: Features) -> float:
    """Similarity of two titles, 0-100: edit similarity of the whole titles, or for titles
    long enough to say so, the best of word-order-free comparison and containment (one
    title truncated, or carrying author names or venue words the other keeps apart)."""
    if not a.title or not b.title:
        return 0.0
    if a.title == b.title:
        return 100.0
    score = fuzz.ratio(a.title, b.title)
    if min(len(a.title_words), len(b.title_words)) >= SHORT_TITLE:
        score = max(score, fuzz.token_sort_ratio(a.title, b.title),
                    fuzz.token_set_ratio(a.title, b.title))
        short, long = sorted((a.title, b.title), key=len)
        if len(short) >= 0.5 * len(long):  # truncation keeps at least half
            score = max(score, fuzz.partial_ratio(short, long))
    return score


def text_score(a: Features, b: Features) -> float:
    """Similarity of everything each record says (title, authors, venue as one bag of
    words): records whose fields are in the wrong places still meet here."""
    if not a.text or not b.text:
        return 0.0
    small, large = sorted((a.text, b.text), key=len)
    return 100.0 * len(small & large) / len(small)


def author_agreement(a: Features, b: Features) -> float | None:
    """Share of the smaller author list's name words the other record names anywhere
    (authors, or misplaced into title or venue); None when either lists no authors."""
    if not a.names or not b.names:
        return None
    small, other = (a, b) if len(a.names) <= len(b.names) else (b, a)
    return len(small.names & other.text) / len(small.names)


def _years_agree(a: int | None, b: int | None) -> bool:
    return a is None or b is None or abs(a - b) <= YEAR_TOLERANCE


def decide(a: Features, b: Features, fuzzy: bool = True) -> Evidence | None:
    """Whether two records are one paper, and on what evidence (None: not the same)."""
    if contradicting_ids(a.ids, b.ids):
        return None
    kind = shared_id(a, b)
    if kind is not None:
        return Evidence(kind)
    if not a.title or not b.title:
        return None
    authors = author_agreement(a, b)
    if not fuzzy:
        if a.title == b.title and _years_agree(a.year, b.year) and (
                not (a.generic or b.generic) or (authors or 0) >= 0.5):
            return Evidence("title", 100.0, authors)
        return None
    score = title_score(a, b)
    generic = a.generic or b.generic
    if generic:  # an editorial is another editorial only by the same people or venue
        if a.title == b.title and _years_agree(a.year, b.year) and (
                (authors or 0) >= 0.5 or (authors is None and a.venue and a.venue == b.venue)):
            return Evidence("title+authors" if authors else "title", score, authors)
        return None
    year_ok = _years_agree(a.year, b.year)
    if authors is not None and authors >= 0.5 and score >= TITLE_WITH_AUTHORS and year_ok:
        return Evidence("title+authors", score, authors)
    if score >= TITLE_ALONE and year_ok and (authors is None or authors > 0):
        return Evidence("title", score, authors)
    return None


# --- blocking ----------------------------------------------------------------------------

def blocking_keys(f: Features, df: Counter[str], fuzzy: bool) -> set[str]:
    """The blocks a record goes into (see the module docstring)."""
    keys = {f"{kind}:{value}" for kind, value in f.ids.items()}
    keys.update(f"loc:{k}" for k in f.extra_keys)
    if not f.title:
        return keys
    if not fuzzy:
        keys.add("t:" + f.title)
        return keys
    content = [w for w in dict.fromkeys(f.title_words) if w not in _STOP]
    keys.update("w:" + w for w in sorted(content, key=lambda w: (df[w], w))[:RARE_KEYS])
    keys.update("w:" + w for w in sorted(f.text - _STOP, key=lambda w: (df[w], w))[:2])
    keys.add("p:" + " ".join(f.title_words[:3]))
    if f.first_surname and f.year:
        keys.add(f"a:{f.first_surname}:{f.year}")
    return keys


def document_frequencies(feats: Sequence[Features]) -> Counter[str]:
    """How many records each word occurs in (title, authors and venue)."""
    df: Counter[str] = Counter()
    for f in feats:
        df.update(f.text)
    return df


def candidate_pairs(feats: Sequence[Features], fuzzy: bool = True) -> Iterator[
        tuple[int, int]]:
    """Each pair of records sharing a blocking key, once, as (lower, higher) index."""
    df = document_frequencies(feats) if fuzzy else Counter()
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        for key in blocking_keys(f, df, fuzzy):
            blocks[key].append(i)
    seen: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        # identifiers always block, whatever the block's size: equal ids are one paper
        if len(members) > MAX_BLOCK and key[:2] in ("w:", "p:", "a:", "t:"):
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if (i, j) not in seen:
                    seen.add((i, j))
                    yield i, j
