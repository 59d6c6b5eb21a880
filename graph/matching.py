"""Which records are the same paper: candidate pairs by blocking, then a scored decision.

Comparing every pair of records is quadratic, so only records that share a *blocking key*
are compared: an identifier, one of the rarest words of the title (or of title, authors
and venue together, for records whose fields are in the wrong places), the first words of
the title (a truncated title keeps its start), or first-author surname with year. Keys
held by more than :data:`MAX_BLOCK` records are too common to say anything and are dropped;
in a large block each record meets only its :data:`WINDOW` neighbours in content order;
records that share only rare words must share :data:`MIN_WORD_KEYS` of them (or one held
by few records), and pairs sharing too few words are dropped in bulk, so the pairs looked
at one by one stay few per record however large the corpus.

Each candidate pair is then decided on its evidence alone: title similarity (typos,
truncation, words in another order, author names or venue glued onto the title), author
overlap and initials, year distance, venue (and its acronym), and contradicting
identifiers, with boosted trees over these features (:class:`PairModel`) making the final
call. A pair's decision never depends on other pairs
or on where its records were read, so the grouping does not depend on input order.
"""

from __future__ import annotations

import json
import math
import re
import sys
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from citegraph.loaders.records import ID_KINDS, PaperRecord

#: A blocking key held by more records than this is dropped: a word that common says
#: nothing about identity.
MAX_BLOCK = 1000
#: In a block of more records than this (plus one), each record meets only this many
#: neighbours in content order (see :func:`candidate_pairs`).
WINDOW = 12
#: Rarest title words (and rarest words of the whole record) used as blocking keys.
RARE_KEYS = 5
#: Least number of word keys two records share to be compared on those alone, unless one
#: of the words is held by at most :data:`RARE_WORD_BLOCK` records (pairs sharing a title
#: start, first author and year, or an identifier are always compared). So the pairs per
#: record stay few however many records share a vocabulary.
MIN_WORD_KEYS = 2
RARE_WORD_BLOCK = 8
#: Most years a preprint and its publication (or two sources' dates) lie apart.
YEAR_TOLERANCE = 1
#: The pair model (boosted trees over :func:`pair_features`), fitted by
#: ``bench/train_identity_model.py`` on the Magellan train splits, its threshold chosen on
#: the valid splits; test splits are never read there.
MODEL_PATH = Path(__file__).resolve().parent / "data" / "identity_model.json"
#: Least similarity (0-100) of two spellings of one name word ("schöning", "schoning").
NAME_SIMILARITY = 80.0
#: Least share (0-100) of the smaller record's words (title, authors, venue) the other
#: has, below which a pair is rejected without a closer look.
MIN_SHARED_WORDS = 40.0
#: Title similarity a match needs when both records name authors (names and venue run
#: onto a title cut off first; a record whose names sit in its title is left to the model).
TITLE_LEAST = 80.0
#: Title similarity a match needs when neither record names authors.
TITLE_ALONE = 93.0
#: Least similarity of a short title to the start of a longer one (see _title_is_prefix).
PREFIX_SIMILARITY = 92.0
#: Least word-set similarity of what follows a shared title start (see
#: ``_same_start_and_rest``).
REST_SIMILARITY = 65.0
#: Least title similarity for two records of a generic title.
GENERIC_TITLE_SCORE = 95.0
#: Model probability that lets a title-only pair through without near-identical titles.
SURE = 0.9
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
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on",
    "or", "the", "to", "with", "via", "using", "its", "their", "this", "that", "we", "our"})
#: Words of venue names that sources run onto titles.
_VENUE_WORDS = frozenset({
    "conference", "proceedings", "proc", "journal", "j", "trans", "transactions", "record",
    "sigmod", "vldb", "icde", "acm", "ieee", "international", "symposium", "workshop"})
#: Venue words that name the kind of venue, not which one; left out of its acronym.
_VENUE_FILLER = frozenset({
    "proceedings", "proc", "conference", "conf", "international", "intl", "int",
    "annual", "symposium", "workshop", "journal", "j", "trans", "transactions",
    "st", "nd", "rd", "th", "hellip", "pages", "pp", "vol"})
_WORD = re.compile(r"[^\W_]+")
#: Words that number parts or sequels of a work, like digits do.
_ORDINALS = frozenset({"ii", "iii", "iv", "vi", "vii", "viii", "ix", "first", "second",
                       "third", "fourth", "fifth", "one", "two", "three", "four", "five"})


def words(text: str | None) -> list[str]:
    """Case-, accent- and punctuation-folded words of a text."""
    if not text:
        return []
    if text.isascii():  # nothing to unaccent: the common case, done fast
        return _WORD.findall(text.casefold())
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    return _WORD.findall(folded)


@dataclass(slots=True)
class Features:
    """What matching compares of one record, computed once."""

    title: str  # folded title words joined by spaces
    title_words: tuple[str, ...]
    #: author name words (initials left out), compared as a bag, so "Smith, J.", "J. Smith",
    #: names run together by a comma, and names misplaced into another field still meet;
    #: each once, sorted (a tuple: smaller than a set, and it is only ever walked)
    names: tuple[str, ...]
    first_surname: str | None
    year: int | None
    venue: frozenset[str]
    #: every word of title, authors and venue, each once, sorted: a tuple, since a set of
    #: some thirty words takes a kilobyte or two and the features of every record and
    #: cited work are held at once (comparisons make the sets they need)
    text: tuple[str, ...]
    ids: dict[str, str] = field(default_factory=dict)
    stub: bool = False
    extra_keys: tuple[str, ...] = ()  # identifying keys beyond ids (a cited work's locator)
    recurring: bool = False  # one source lists several papers under this title
    numbers: frozenset[str] = frozenset()  # title words that number a part or version
    #: first letters of every author name word, sorted: a source that writes given names
    #: as initials, or family and given names the other way round, gives the same letters
    initials: tuple[str, ...] = ()
    venue_keys: frozenset[str] = frozenset()  # venue words and the venue's acronym

    @property
    def generic(self) -> bool:
        """A title many papers share: known generic, one word, or recurring in a source."""
        return self.recurring or self.title in GENERIC_TITLES or len(self.title_words) < 2


def surname(name: str) -> str | None:
    """The family name of a display name ("Given Family", or "Family, G." as some sources
    write it): the longest-looking word that is not an initial."""
    if "," in name:
        head = [w for w in words(name.split(",", 1)[0]) if len(w) > 1]
        if head:
            return head[-1]
    parts = [w for w in words(name) if len(w) > 1]
    return parts[-1] if parts else None


_YEAR_WORD = re.compile(r"^(?:19|20)\d\d$")
_DIGIT = re.compile(r"\d")
#: Numbers of venue editions ("23rd", "21th") and page ranges ("256265") that sources run
#: onto titles: they number the venue, not the work.
_NOT_A_TITLE_NUMBER = re.compile(r"^(?:\d+(?:st|nd|rd|th)|\d{5,})$")


def features(record: PaperRecord, extra_keys: tuple[str, ...] = ()) -> Features:
    """The matching features of a record. A record without a year takes one written
    at the end of its title (where a source that runs fields together puts it).

    ``ids`` is the record's own dict, not a copy (features of every record are held at
    once): records are merged only once the pairs their features decide are all decided."""
    # words interned: features of every record and cited work are held at once, and the
    # same few hundred thousand words recur across them
    title_words = tuple(map(sys.intern, words(record.title)))
    author_words = [list(map(sys.intern, words(name))) for name in record.authors]
    names = tuple(sorted({w for ws in author_words for w in ws if len(w) > 1}))
    venue, venue_keys = _venue_features(record.venue)
    year = record.year
    if year is None and title_words and _YEAR_WORD.match(title_words[-1]):
        year = int(title_words[-1])
    return Features(
        title=" ".join(title_words), title_words=title_words, names=names,
        first_surname=surname(record.authors[0]) if record.authors else None,
        year=year, venue=venue, text=tuple(sorted(frozenset(title_words).union(names, venue))),
        ids=record.ids, stub=record.stub, extra_keys=extra_keys,
        numbers=_numbers(title_words) or _NO_WORDS,
        initials=tuple(sorted(w[0] for ws in author_words for w in ws)),
        venue_keys=venue_keys)


#: The one empty word set every record without a venue or title numbers shares
#: (an empty frozenset built from an iterable is a new 216-byte object each time).
_NO_WORDS: frozenset[str] = frozenset()


@lru_cache(maxsize=1 << 14)
def _venue_features(venue: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """A venue's word set and its keys (:func:`_venue_keys`), made once per venue name:
    a corpus names few venues, so the records of one venue share the same two sets."""
    venue_words = list(map(sys.intern, words(venue)))
    return frozenset(venue_words) or _NO_WORDS, _venue_keys(venue_words) or _NO_WORDS


def _venue_keys(venue_words: list[str]) -> frozenset[str]:
    """Venue words that say something, and the acronym of the venue's name, so a venue
    written out meets its abbreviation ("very large data bases" and "vldb")."""
    content = [w for w in venue_words if w not in _STOP and w not in _VENUE_FILLER
               and not w.isdigit()]
    keys = set(content)
    if len(content) >= 3:
        keys.add("".join(w[0] for w in content))
    return frozenset(keys)


# --- the decision ------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """Why two records were judged one paper."""

    kind: str  # an identifier kind ("doi", ...), "locator", "title" or "title+authors"
    title_score: float | None = None
    authors: float | None = None  # share of one record's author names the other gives
    probability: float | None = None  # the pair model's, when it decided

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"by": self.kind}
        if self.title_score is not None:
            out["title_score"] = round(self.title_score, 1)
        if self.authors is not None:
            out["authors"] = round(self.authors, 2)
        if self.probability is not None:
            out["probability"] = round(self.probability, 3)
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


def _core(title: tuple[str, ...], glued: frozenset[str]) -> tuple[str, ...]:
    """A title without the author names, venue words and year run onto its end."""
    end = len(title)
    while end > SHORT_TITLE and title[end - 1] in glued:
        end -= 1
    return title[:end]


def title_score(a: Features, b: Features) -> float:
    """Similarity of two titles, 0-100: edit similarity, and for titles long enough to
    say so, also with words in any order."""
    if not a.title or not b.title:
        return 0.0
    if a.title == b.title:
        return 100.0
    score = fuzz.ratio(a.title, b.title)
    if min(len(a.title_words), len(b.title_words)) >= SHORT_TITLE:
        score = max(score, fuzz.token_sort_ratio(a.title, b.title))
    return score


def core_score(a: Features, b: Features) -> float:
    """Similarity, 0-100, of the titles' common-length prefixes once author names, venue
    words and years run onto their ends are cut off: one title truncated, or carrying
    what the other keeps in other fields. 0 when the shorter is too short to say."""
    if not a.title or not b.title:
        return 0.0
    glued = _VENUE_WORDS.union(a.names, b.names, a.venue, b.venue,
                               (str(y) for y in (a.year, b.year) if y))
    core_a, core_b = _core(a.title_words, glued), _core(b.title_words, glued)
    n = min(len(core_a), len(core_b))
    if n < SHORT_TITLE or n < 0.5 * max(len(core_a), len(core_b)):
        return 0.0
    return fuzz.ratio(" ".join(core_a[:n]), " ".join(core_b[:n]))


def text_score(a: Features, b: Features) -> float:
    """Similarity of everything each record says (title, authors, venue as one bag of
    words): records whose fields are in the wrong places still meet here."""
    if not a.text or not b.text:
        return 0.0
    return 100.0 * len(set(a.text).intersection(b.text)) / min(len(a.text), len(b.text))


def author_agreement(a: Features, b: Features) -> float | None:
    """Share of one record's author name words the other names anywhere (authors, or
    misplaced into title or venue), the better of both ways; None when neither lists
    authors."""
    shares = [_found(x.names, frozenset(y.text)) / len(x.names) for x, y in ((a, b), (b, a))
              if x.names]
    return max(shares) if shares else None


def _found(names: tuple[str, ...], text: frozenset[str]) -> int:
    """How many name words the text gives, exactly or (for longer names) with a typo or a
    mangled accent."""
    found = 0
    for name in names:
        if name in text or len(name) >= 5 and process.extractOne(
                name, text, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY) is not None:
            found += 1
    return found


#: Names of :func:`pair_features`, in order.
FEATURE_NAMES = ("title", "exact_title", "core_title", "authors", "authors_known", "text",
                 "text_ratio", "same_year", "year_off_by_one", "years_apart",
                 "venue", "generic", "title_words", "title_set", "prefix", "both_named",
                 "first_author", "title_x_authors", "initials", "year_missing",
                 "venue_keys", "containment", "length_ratio")


def pair_features(a: Features, b: Features) -> list[float]:
    """The evidence on a pair as numbers (see :data:`FEATURE_NAMES`), each in [0, 1]."""
    authors = author_agreement(a, b)
    dy = abs(a.year - b.year) if a.year and b.year else None
    venue = len(a.venue & b.venue) / len(a.venue | b.venue) if a.venue and b.venue else 0.0
    words_min = min(len(a.title_words), len(b.title_words))
    return [
        title_score(a, b) / 100, float(a.title == b.title), core_score(a, b) / 100,
        authors or 0.0, float(authors is not None), text_score(a, b) / 100,
        fuzz.token_set_ratio(" ".join(a.text), " ".join(b.text)) / 100,
        float(dy == 0), float(dy == 1), float(dy is not None and dy > 1),
        venue, float(a.generic or b.generic), min(words_min, 12) / 12,
        fuzz.token_set_ratio(a.title, b.title) / 100, float(_title_is_prefix(a, b)),
        float(bool(a.names and b.names)),
        float(bool(a.first_surname) and a.first_surname == b.first_surname),
        (title_score(a, b) / 100) * (authors or 0.0),
        _initials_agreement(a.initials, b.initials), float(dy is None),
        _venue_agreement(a.venue_keys, b.venue_keys), _containment(a, b) / 100,
        min(len(a.title), len(b.title)) / max(len(a.title), len(b.title), 1),
    ]


def _initials_agreement(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Share of the shorter list's name initials the other has (as multisets), 0 when
    either lists no authors."""
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    return common / min(len(a), len(b))


def _venue_agreement(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller venue's words (and acronym) the other gives, 0 when either
    names no venue."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


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
    if fuzzy and a.title != b.title and text_score(a, b) < MIN_SHARED_WORDS:
        return None  # most words differ: not worth a closer look
    authors = author_agreement(a, b)
    if not fuzzy:
        if a.title == b.title and _years_agree(a.year, b.year) and (
                not (a.generic or b.generic) or (authors or 0) >= 0.5):
            return Evidence("title", 100.0, authors)
        return None
    score = title_score(a, b)
    generic = a.generic or b.generic
    if generic:  # an editorial is another editorial only by the same people, same year
        same_year = a.year is None or b.year is None or a.year == b.year
        if score >= GENERIC_TITLE_SCORE and same_year and (
                (authors or 0) >= 0.5 or (authors is None and a.venue and a.venue == b.venue)):
            return Evidence("title+authors" if authors else "title", score, authors)
        return None
    kind = "title+authors" if authors is not None and authors >= 0.5 else "title"
    if a.title == b.title and _years_agree(a.year, b.year) and (authors is None or authors > 0):
        return Evidence(kind, 100.0, authors)  # equal titles: a preprint and its version
    if a.numbers != b.numbers and (authors or 0) < 0.5:
        return None  # "Part II", "Llama 3", "Qwen2.5-1M": a number tells papers apart
    best = max(score, core_score(a, b))
    if best < TITLE_ALONE and _same_start_and_rest(a, b):
        best = TITLE_ALONE
    if best < TITLE_LEAST and (authors or 0) >= 0.5:
        best = max(best, _containment(a, b))
    probability = None
    if authors is None and best < TITLE_ALONE:
        # nothing but the title to go on: it must nearly be the same title, unless the
        # model is all but sure (titles carrying the same names and venue in other order)
        probability = same_paper_probability(pair_features(a, b))
        if probability < SURE:
            return None
    if a.names and b.names and best < TITLE_LEAST:
        return None  # the same people write related papers: the titles must agree too
    if best < TITLE_LEAST and min(len(a.title_words), len(b.title_words)) < SHORT_TITLE:
        return None  # a title of a few words (often a name parsed as one) must agree itself
    if (authors or 0) >= 0.5 and _years_agree(a.year, b.year) and _title_is_prefix(a, b):
        return Evidence("title+authors", score, authors)  # one source cut the title short
    if probability is None:
        probability = same_paper_probability(pair_features(a, b))
    if probability >= pair_model().threshold:
        return Evidence(kind, score, authors, probability)
    return None


def _title_is_prefix(a: Features, b: Features) -> bool:
    """The shorter title (of at least :data:`SHORT_TITLE` words) is, give or take a
    typo, how the longer one begins: cut short, or followed by what another field holds."""
    short, long = sorted((a.title_words, b.title_words), key=len)
    if len(short) < SHORT_TITLE or len(short) == len(long):
        return False
    return fuzz.ratio(" ".join(short), " ".join(long[:len(short)])) >= PREFIX_SIMILARITY


def _containment(a: Features, b: Features) -> float:
    """How well the shorter title (of at least :data:`SHORT_TITLE` words) appears,
    anywhere, inside the longer one (0-100): a title with a prefix or suffix added."""
    short, long = sorted((a.title, b.title), key=len)
    if len(short.split()) < SHORT_TITLE:
        return 0.0
    return fuzz.partial_ratio(short, long)


def _same_start_and_rest(a: Features, b: Features) -> bool:
    """Titles that begin alike and whose remainders share their words: what a source
    that runs title, authors and venue into one field writes for the same paper in
    another word order ("Spectral Bloom Filters Matias, Cohen" and "... Cohen, Matias")."""
    n = 0
    for x, y in zip(a.title_words, b.title_words, strict=False):
        if x != y and fuzz.ratio(x, y) < NAME_SIMILARITY:
            break
        n += 1
    rest_a, rest_b = a.title_words[n:], b.title_words[n:]
    if n < SHORT_TITLE or min(len(rest_a), len(rest_b)) < 2:
        return False
    return fuzz.token_set_ratio(" ".join(rest_a), " ".join(rest_b)) >= REST_SIMILARITY


def _numbers(title_words: tuple[str, ...]) -> frozenset[str]:
    """Title words that hold a number (years and a lone "0", as in "1997.0", aside), a
    roman numeral or an ordinal."""
    return frozenset(w for w in title_words if w in _ORDINALS or (
        _DIGIT.search(w) and w != "0" and not _YEAR_WORD.match(w)
        and not _NOT_A_TITLE_NUMBER.match(w)))


@dataclass(frozen=True)
class PairModel:
    """Gradient-boosted regression trees over :func:`pair_features` (log-odds: ``init``
    plus ``rate`` times the leaf values reached) and the least probability for a match.
    Each tree is parallel lists: split feature (-1 at a leaf), split threshold (go left
    when the value is at most it), left child, right child, leaf value."""

    features: tuple[str, ...]
    init: float
    rate: float
    trees: tuple[tuple[tuple[int, ...], tuple[float, ...], tuple[int, ...], tuple[int, ...],
                       tuple[float, ...]], ...]
    threshold: float

    def log_odds(self, x: Sequence[float]) -> float:
        total = 0.0
        for feature, limit, left, right, value in self.trees:
            node = 0
            while feature[node] >= 0:
                node = left[node] if x[feature[node]] <= limit[node] else right[node]
            total += value[node]
        return self.init + self.rate * total

    @classmethod
    def from_json(cls, data: dict) -> PairModel:
        trees = tuple((tuple(t["feature"]), tuple(t["threshold"]), tuple(t["left"]),
                       tuple(t["right"]), tuple(t["value"])) for t in data["trees"])
        return cls(tuple(data["features"]), float(data["init"]), float(data["rate"]), trees,
                   float(data["threshold"]))


@cache
def pair_model() -> PairModel:
    """The fitted pair model (read once); its features must be :data:`FEATURE_NAMES`."""
    model = PairModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    if model.features != FEATURE_NAMES:
        raise ValueError(f"{MODEL_PATH}: fitted on other pair features; rerun "
                         "bench/train_identity_model.py")
    return model


def same_paper_probability(x: Sequence[float]) -> float:
    """The pair model's probability that two records with features ``x`` are one paper."""
    z = pair_model().log_odds(x)
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


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
    keys.update("w:" + w for w in sorted((w for w in f.text if w not in _STOP),
                                         key=lambda w: (df[w], w))[:2])
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
    """Pairs of records sharing a blocking key that may be one paper, each once, as
    (lower, higher) index.

    Every (key, record) entry is an integer pair; the entries are sorted by key and then by
    the record's place in content order, and each record is paired with the ``WINDOW``
    records after it in its block (sorted neighbourhood: all pairs of a block of at most
    ``WINDOW + 1`` records), so the pairs per record stay bounded however large the corpus.
    Pairs met only under rare-word keys need :data:`MIN_WORD_KEYS` of them, unless one of
    the words is held by at most :data:`RARE_WORD_BLOCK` records. Pairs that
    :func:`decide` would reject on their first look (fuzzy: both have a title but share
    too few words, see :data:`MIN_SHARED_WORDS`, and no identifiers on both sides) are
    dropped here in bulk. All of it is done in numpy arrays, in time and memory
    linear in the number of entries and pairs (and a sort).

    The steps are separate functions (:func:`block_entries`, :func:`block_pairs`,
    :func:`kept_pairs`, :func:`worth_a_look`) so that a distributed build can run them
    on partitions: blocks by key, pairs by code.
    """
    import numpy as np

    n = len(feats)
    df = document_frequencies(feats) if fuzzy else Counter()
    hashes, rows, kinds = block_entries(feats, range(n), df, fuzzy, hash)
    del df
    if not len(rows):
        return
    _, keys = np.unique(hashes, return_inverse=True)
    del hashes
    by_words, by_other = block_pairs(keys, rows, kinds, content_ranks(feats), n)
    del keys, rows, kinds
    codes = kept_pairs(by_words, by_other, n)
    del by_words, by_other
    if fuzzy:
        codes = worth_a_look(feats, codes)
    for start in range(0, len(codes), 1 << 16):
        for code in codes[start:start + (1 << 16)].tolist():
            yield divmod(code, n)


def block_entries(feats: Sequence[Features], records: Iterable[int], df: Counter[str],
                  fuzzy: bool, key_hash: Callable[[str], int]):
    """``(hashes, records, kinds)``: one entry per blocking key of each of ``records``
    (indices into ``feats``), the key as ``key_hash(key)`` (any 64-bit hash the caller
    uses for all entries), and its kind (:data:`_WORD_KEY`, :data:`_LIMITED_KEY`, 0)."""
    import numpy as np

    hashes, rows, kinds = array("q"), array("q"), bytearray()
    for i in records:
        for key in blocking_keys(feats[i], df, fuzzy):
            hashes.append(key_hash(key))
            rows.append(i)
            # identifiers always block, whatever the block's size: equal ids are one paper
            kinds.append(_WORD_KEY if key[:2] == "w:" else
                         _LIMITED_KEY if key[:2] in ("p:", "a:", "t:") else 0)
    return (np.frombuffer(hashes, dtype=np.int64), np.frombuffer(rows, dtype=np.int64),
            np.frombuffer(bytes(kinds), dtype=np.uint8))


def block_pairs(keys, rec, kind, ranks, n: int):
    """The sorted-neighbourhood pairs of whole blocks: ``(by_words, by_other)``, lists of
    pair codes (``i * n + j``, i < j) met under rare-word keys and under any other key.

    ``keys`` numbers each entry's block (every entry of a block must be given), ``rec`` its
    record, ``kind`` its key kind; ``ranks`` is each record's place in content order."""
    import numpy as np

    sizes = np.bincount(keys)
    keep = (sizes[keys] > 1) & ~((kind > 0) & (sizes[keys] > MAX_BLOCK))
    # a word held by few records is evidence enough alone
    kind = np.where((kind == _WORD_KEY) & (sizes[keys] <= RARE_WORD_BLOCK), 0, kind)
    keys, rec, kind = keys[keep], rec[keep], kind[keep]
    del keep, sizes
    order = np.lexsort((ranks[rec], keys))
    keys, rec, kind = keys[order], rec[order], kind[order]
    del order
    by_words, by_other = [], []
    for d in range(1, WINDOW + 1):
        same = keys[:-d] == keys[d:]
        if not same.any():
            break
        i, j = rec[:-d][same], rec[d:][same]
        code = np.minimum(i, j) * n + np.maximum(i, j)
        word = kind[:-d][same] == _WORD_KEY
        by_words.append(code[word])
        by_other.append(code[~word])
    return by_words, by_other


def kept_pairs(by_words, by_other, n: int):
    """The candidate pair codes, sorted and each once: every pair met under a key other
    than a rare word, and those met under :data:`MIN_WORD_KEYS` rare words or more (a
    duplicate shares several). Every occurrence of a pair must be given.

    ``by_words`` is emptied as it is read (its arrays are the largest of the blocking:
    freed before the counting). Occurrences are counted by sorting them in place: a code
    met ``k`` times or more equals the one ``k - 1`` places before it, so no table of
    distinct codes and their counts is built."""
    import numpy as np

    if not by_words:
        return np.zeros(0, dtype=np.int64)
    words = np.concatenate(by_words)
    by_words.clear()
    words.sort()
    k = MIN_WORD_KEYS - 1
    often = words[k:][words[k:] == words[:len(words) - k]] if k > 0 else words
    del words
    codes = np.union1d(often, np.concatenate(by_other))
    return codes[codes // n != codes % n]


#: Kinds of blocking key: rare words (see :data:`MIN_WORD_KEYS`), keys dropped when held
#: by more than :data:`MAX_BLOCK` records, and (0) identifiers, which always block.
_WORD_KEY, _LIMITED_KEY = 1, 2


def content_ranks(feats: Sequence[Features]):
    """Each record's place in content order (by what it says, never where it was read)."""
    import numpy as np

    order = sorted(range(len(feats)), key=lambda i: _content_order(feats[i]))
    ranks = np.empty(len(feats), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(feats), dtype=np.int64)
    return ranks


def _content_order(f: Features) -> tuple[object, ...]:
    """A record's place in a sorted block: title, year, author and venue words."""
    return (f.title, f.year or 0, sorted(f.names), sorted(f.venue))


#: Candidate pairs checked for shared words at once: bounds the memory of the check (each
#: pair's rows of the word matrix are copied for the product), which at this size is about
#: 10 MB, while the per-chunk overhead stays negligible.
_CHUNK = 1 << 14


def worth_a_look(feats: Sequence[Features], codes):
    """The pairs (codes ``i * n + j``) :func:`decide` does not reject at first look:
    identifiers on both sides, or titles on both sides that are equal or whose records
    share at least :data:`MIN_SHARED_WORDS` percent of the smaller one's words."""
    import numpy as np
    from scipy.sparse import csr_matrix

    n = len(feats)
    involved = np.unique(np.concatenate((codes // n, codes % n)))
    row_of = np.full(n, -1, dtype=np.int64)
    row_of[involved] = np.arange(len(involved))
    vocab: dict[str, int] = {}
    indices, indptr = array("q"), array("q", [0])
    title_ids: dict[str, int] = {}
    title = np.empty(len(involved), dtype=np.int64)
    has_ids = np.zeros(len(involved), dtype=bool)
    for r, record in enumerate(involved.tolist()):
        f = feats[record]
        indices.extend([vocab.setdefault(w, len(vocab)) for w in f.text])
        indptr.append(len(indices))
        title[r] = title_ids.setdefault(f.title, len(title_ids)) if f.title else -1
        has_ids[r] = bool(f.ids or f.extra_keys)
    ind = np.frombuffer(indices, dtype=np.int64)
    words = csr_matrix((np.ones(len(ind), dtype=np.int32), ind,
                        np.frombuffer(indptr, dtype=np.int64)),
                       shape=(len(involved), max(len(vocab), 1)))
    words.sort_indices()
    size = np.diff(np.frombuffer(indptr, dtype=np.int64))
    kept = []
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        i, j = row_of[chunk // n], row_of[chunk % n]
        shared = np.asarray(words[i].multiply(words[j]).sum(axis=1)).ravel()
        titled = (title[i] >= 0) & (title[j] >= 0)
        ok = (has_ids[i] & has_ids[j]) | (titled & (
            (title[i] == title[j]) | (5 * shared >= 2 * np.minimum(size[i], size[j]))))
        kept.append(chunk[ok])
    return np.concatenate(kept) if kept else codes


#: How the candidate pairs of a list of features are decided: ``(i, j, evidence)`` (None:
#: rejected) for every candidate pair ``i < j`` with ``j >= skip_below``, in increasing
#: ``i * n + j``. :func:`decided_pairs` here; the Ray engine spreads the same steps over
#: workers (:mod:`citegraph.graph.ray_identity`).
PairDecisions = Callable[[Sequence[Features], bool, int],
                         Iterable[tuple[int, int, "Evidence | None"]]]


def decided_pairs(feats: Sequence[Features], fuzzy: bool = True, skip_below: int = 0
                  ) -> Iterator[tuple[int, int, Evidence | None]]:
    """Every candidate pair (:func:`candidate_pairs`) with its decision (:func:`decide`);
    pairs of two records below ``skip_below`` (already told apart) are left out."""
    for i, j in candidate_pairs(feats, fuzzy):
        if j >= skip_below:
            yield i, j, decide(feats[i], feats[j], fuzzy)
