"""Seeded synthetic corpora shaped like real paper listings, for scale benchmarks.

:func:`write_corpus` writes ``n`` papers as Semantic Scholar Graph API JSON lines
(``paperId``, ``externalIds`` with an arXiv id and sometimes a DOI, ``title``,
``abstract``, ``authors``, ``publicationDate``, ``year``, ``venue``, ``references``) -- the
JSON-lines layout that carries arXiv ids, dates and reference lists together, so every
build stage has work to do. The content is drawn from the example corpus in
``/work/shared/seeds`` (its titles' words and its abstracts' sentences) and the shipped
gazetteers, with the frequencies real listings show:

* papers appear in date order and arXiv ids follow that order (as arXiv numbers them);
* about two papers in five introduce a coined name ("We introduce Quorvex, ..."); later
  papers name earlier coined names with preferential attachment, so a few become popular;
* known methods, models and benchmarks are named with Zipf-like frequencies;
* authors come from a pool a third the size of the corpus, with skewed productivity;
* references cite earlier papers by preferential attachment (a copy model: half copy a
  reference of an earlier paper, giving in-degrees a power law of exponent 3), plus works
  outside the corpus known by id and title only;
* about one paper in fifty appears a second time under another id (a DOI, no arXiv id)
  with the same title, authors and text, as a journal version would.

:func:`write_vectors` writes embeddings for such a corpus in the layout a saved graph keeps
(``embeddings.npy`` + ``embeddings.json``), keyed by content hash so a build that is handed
them (``BuildOptions.vector_cache``) never loads the embedding model. Vectors are seeded,
unit length, float32, dimension 384, drawn around topic centres so that similarity edges
exist. :func:`read_vectors` reads them back.

    python bench/synthetic_corpus.py OUT.jsonl N [--seed S] [--vectors DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from array import array
from functools import lru_cache
from pathlib import Path

SEEDS = Path("/work/shared/seeds")
GAZETTEERS = Path(__file__).resolve().parent.parent / "graph" / "extract" / "data"
DIMENSION = 384
TOPICS = 2000

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]{3,}")
#: Seed sentences that present a name as new are left out: reused across thousands of
#: synthetic papers, each would make one name "introduced" by all of them, which no real
#: corpus does (introductions come from the coined-name template instead).
_INTRODUCING = re.compile(
    r"\b(?:introduc|propos|present|term|call|dub|nam|coin|releas|our|new|novel|build)\w*", re.I)
_SYLLABLES = ("zor", "vex", "qui", "lum", "tra", "nex", "ori", "pha", "dra", "kel", "mir",
              "sol", "tav", "rex", "ion", "cyn", "bel", "dax", "fen", "gal", "hyp", "jun")
_SUFFIXES = ("", "", "", "Net", "LM", "-7B", "Former", "GPT", "Bench", "-XL", "Diff", "2")
_GIVEN = ("Wei", "Ana", "Jörg", "John", "José", "Mary", "Minh", "Piotr", "Aisha", "Kenji",
          "Sofia", "Rahul", "Chloé", "Omar", "Yuki", "Lars", "Priya", "Mateo", "Ling", "Eva",
          "Tomás", "Hana", "Ivan", "Fatima", "Noah", "Mei", "Arjun", "Zoe", "Kwame", "Sven")
_SURNAMES = ("Chen", "Novák", "Müller", "Smith", "García", "O'Neil", "Nguyen", "Kowalski",
             "Tanaka", "Kim", "Singh", "Rossi", "Ivanova", "Haddad", "Okafor", "Larsen",
             "Dubois", "Silva", "Cohen", "Park", "Wang", "Li", "Zhang", "Liu", "Yang",
             "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Hu", "Gao", "Lin", "Luo",
             "Schmidt", "Fischer", "Weber", "Becker", "Hoffmann", "Kumar", "Sharma", "Patel",
             "Yamamoto", "Sato", "Suzuki", "Lee", "Choi", "Jung", "Martin", "Bernard")
_VENUES = ("NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "CVPR", "ICCV", "AAAI", "arXiv", "")
_COMPARE = ("We compare {a} with {b} on {x} and {y}.",
            "Experiments on {x} show gains over {a} and {b}.",
            "Results improve on {a} and {b} for {x}.",
            "We evaluate on {x} and {y}, using {a} as the backbone.")
_INTRODUCE = ("We introduce {n}, a {t}.", "In this paper we propose {n}, a {t}.",
              "We present {n}, a {t}.")


@lru_cache(maxsize=1)
def _seed_text() -> tuple[list[str], list[str], list[str]]:
    """(titles, abstract sentences, title words) of the example corpus."""
    from citegraph.loaders import LoadReport
    from citegraph.loaders.daily_papers import read

    titles: list[str] = []
    sentences: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for record in read(path, LoadReport()):
            titles.append(record.title)
            sentences.extend(s for s in _SENTENCE.split(record.abstract or "")
                             if 40 <= len(s) <= 400 and not _INTRODUCING.search(s))
    words = sorted({w for t in titles for w in _WORD.findall(t)})
    return titles, sentences, words


@lru_cache(maxsize=1)
def _known_names() -> list[str]:
    """Canonical names of the shipped gazetteers (methods, models, benchmarks)."""
    names: list[str] = []
    for path in sorted(GAZETTEERS.glob("*.txt")):
        if path.stem == "generic":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "[")):
                names.append(line.split("|")[0].strip())
    return [n for n in names if n]


def _zipf_index(rng: random.Random, size: int, skew: float = 2.5) -> int:
    """An index in ``range(size)`` with low indices far more likely (Zipf-like)."""
    return min(size - 1, int(size * rng.random() ** skew))


class _Generator:
    """State carried through the corpus in date order."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.titles, self.sentences, self.words = _seed_text()
        self.known = _known_names()
        self.rng.shuffle(self.known)  # which names are popular depends on the seed
        self.authors = self._author_pool(max(50, n // 3))
        self.coined: list[str] = []
        self._coined_set: set[str] = set()
        self.titles_by_index: list[str] = []
        self.coined_uses = array("i")  # a coined-name index per use: preferential attachment
        self.refs = array("i")  # in-corpus references, flat, for the copy model
        self.seen_titles: set[str] = set()
        self.outside = max(20, n // 2)  # works cited from outside the corpus

    def _author_pool(self, size: int) -> list[str]:
        rng = self.rng
        return [f"{rng.choice(_GIVEN)} {chr(65 + rng.randrange(26))}. {rng.choice(_SURNAMES)}"
                + (f"-{rng.choice(_SURNAMES)}" if rng.random() < 0.3 else "")
                for _ in range(size)]

    def _coin(self) -> str:
        rng = self.rng
        tries = 0
        while True:
            # two or three syllables give about 110k names: past that, every 64
            # failed tries allow one syllable more
            stem = "".join(rng.choice(_SYLLABLES)
                           for _ in range(rng.randint(2, 3 + tries // 64)))
            name = stem.capitalize() + rng.choice(_SUFFIXES)
            if rng.random() < 0.3:
                name = name.upper() if len(name) <= 6 else name
            if name not in self._coined_set:
                self._coined_set.add(name)
                return name
            tries += 1

    def _known_name(self) -> str:
        return self.known[_zipf_index(self.rng, len(self.known), 3.0)]

    def _used_name(self) -> str:
        """A name a paper uses: mostly known ones, sometimes one coined earlier."""
        rng = self.rng
        if self.coined and rng.random() < 0.35:
            if self.coined_uses and rng.random() < 0.7:
                i = self.coined_uses[rng.randrange(len(self.coined_uses))]
            else:
                i = rng.randrange(len(self.coined))
            self.coined_uses.append(i)
            return self.coined[i]
        return self._known_name()

    def _title(self, introduced: str | None) -> str:
        rng = self.rng
        tries = 0
        while True:
            # a seed title's head name ("Name: ...") would be the subject of every reuse;
            # past a few hundred thousand titles two swapped words rarely give a new one,
            # so every sixteen failed tries swap one word more
            words = rng.choice(self.titles).rpartition(": ")[2].split()
            for _ in range(2 + tries // 16):
                if words:
                    words[rng.randrange(len(words))] = rng.choice(self.words)
            body = " ".join(words)
            title = f"{introduced}: {body}" if introduced else body
            if title.casefold() not in self.seen_titles:
                self.seen_titles.add(title.casefold())
                return title
            tries += 1

    def _abstract(self, introduced: str | None) -> str:
        rng = self.rng
        parts = []
        if introduced:
            kind = " ".join(rng.choice(self.words).lower() for _ in range(2))
            parts.append(rng.choice(_INTRODUCE).format(n=introduced, t=f"{kind} method"))
        parts.extend(rng.choice(self.sentences) for _ in range(rng.randint(2, 5)))
        for _ in range(rng.randint(0, 2)):
            parts.insert(rng.randint(1, len(parts)), rng.choice(_COMPARE).format(
                a=self._used_name(), b=self._used_name(), x=self._known_name(),
                y=self._known_name()))
        return " ".join(parts)

    def _references(self, i: int) -> list[dict]:
        rng = self.rng
        refs: list[dict] = []
        if i == 0:
            return refs
        chosen: set[int] = set()
        for _ in range(min(i, int(rng.expovariate(1 / 8)))):
            j = (self.refs[rng.randrange(len(self.refs))]
                 if self.refs and rng.random() < 0.5 else rng.randrange(i))
            chosen.add(j)
        for j in sorted(chosen):
            self.refs.append(j)
            refs.append({"paperId": _s2_id(j), "title": self.titles_by_index[j]})
        for _ in range(rng.randint(0, 4)):
            k = _zipf_index(rng, self.outside, 2.0)
            refs.append({"paperId": f"{2**159 + k:040x}", "title": f"External work {k}"})
        return refs

    def papers(self):  # noqa: ANN201 - an iterator of dicts
        rng = self.rng
        start_day, span = 16800, 3650  # days since 1970: 2016 to 2025
        month_seq: dict[str, int] = {}
        for i in range(self.n):
            introduced = self._coin() if rng.random() < 0.4 else None
            title = self._title(introduced)
            abstract = self._abstract(introduced)
            if introduced:
                self.coined.append(introduced)
            self.titles_by_index.append(title)
            day = start_day + (i * span) // max(1, self.n)
            date = _iso(day)
            yymm = date[2:4] + date[5:7]
            month_seq[yymm] = month_seq.get(yymm, 0) + 1
            team = sorted({self.authors[_zipf_index(rng, len(self.authors), 1.6)]
                           for _ in range(rng.randint(1, 8))})
            external = {"ArXiv": f"{yymm}.{month_seq[yymm]:05d}"}
            if rng.random() < 0.3:
                external["DOI"] = f"10.5555/synth.{i}"
            paper = {
                "paperId": _s2_id(i),
                "externalIds": external,
                "title": title,
                "abstract": abstract,
                "authors": [{"name": a} for a in team],
                "publicationDate": date,
                "year": int(date[:4]),
                "venue": rng.choice(_VENUES),
                "references": self._references(i),
            }
            yield paper
            if rng.random() < 0.02:  # the same paper again under another id
                yield {**paper, "paperId": _s2_id(self.n + i),
                       "externalIds": {"DOI": f"10.5555/journal.{i}"}, "references": []}


def _s2_id(i: int) -> str:
    return f"{i * 2654435761 % 2**160:040x}"


def _iso(day: int) -> str:
    import datetime as dt

    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def write_corpus(path: Path, n: int, seed: int = 0) -> Path:
    """Write ``n`` synthetic papers (plus a few duplicates) as S2 JSON lines to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for paper in _Generator(n, seed).papers():
            fh.write(json.dumps(paper, ensure_ascii=False))
            fh.write("\n")
    return path


def write_vectors(corpus: Path, directory: Path, seed: int = 0,
                  dimension: int = DIMENSION) -> Path:
    """Write embeddings for every paper text of ``corpus`` into ``directory`` as
    ``embeddings.npy`` + ``embeddings.json``, recorded under the default model's name.

    Texts are read back through the loaders, so the content hashes are those the build
    computes. A vector is a seeded topic centre plus noise, made unit length: papers of
    one topic have cosine similarity around 0.6, others around 0.
    """
    import numpy as np

    from citegraph.graph.embed import DEFAULT_MODEL, paper_text
    from citegraph.graph.vectors import PaperVectors, content_hash
    from citegraph.loaders import LoadReport, RecordStream

    hashes: dict[str, None] = {}
    for record in RecordStream([Path(corpus)], report=LoadReport()):
        text = paper_text({"title": record.title, "abstract": record.abstract})
        if text:
            hashes[content_hash(text)] = None
    keys = list(hashes)
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((TOPICS, dimension)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    matrix = np.empty((len(keys), dimension), dtype=np.float32)
    for start in range(0, len(keys), 65536):
        rows = min(65536, len(keys) - start)
        topic = rng.integers(0, TOPICS, rows)
        block = centres[topic] + rng.normal(0.0, 0.042, (rows, dimension)).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        matrix[start:start + rows] = block
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    PaperVectors(DEFAULT_MODEL, keys, keys, matrix).save(directory)
    return directory


def read_vectors(directory: Path):  # noqa: ANN201 - PaperVectors (numpy imported lazily)
    """The vectors :func:`write_vectors` wrote, to pass as ``BuildOptions.vector_cache``."""
    from citegraph.graph.vectors import VECTORS_FILE, VECTORS_INDEX_FILE, PaperVectors

    npy_path, index_path = Path(directory) / VECTORS_FILE, Path(directory) / VECTORS_INDEX_FILE
    with npy_path.open("rb") as npy, index_path.open("rb") as index:
        return PaperVectors.read(npy, npy_path, index, index_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vectors", type=Path, help="also write embeddings into this folder")
    args = parser.parse_args()
    write_corpus(args.out, args.n, args.seed)
    if args.vectors:
        write_vectors(args.out, args.vectors, args.seed)


if __name__ == "__main__":
    main()
