"""Surface signals that need no dictionary: introductions, name shapes, benchmark lists.

Each function takes cleaned text and yields ``(start, end)`` spans with a hint; the
extractor weighs them against the gazetteer. All patterns are compiled once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

# A name-like token: capitalised, or with an inner capital or digit (GPT-4o, kNN-Embed,
# SpecDec++, o3-mini), allowing dots, hyphens, apostrophes, plus signs and a trailing star.
# Every token pattern has exactly one way to match a given string: the rest of a token is
# word characters, or a run of inner punctuation that a word character follows, and a
# token starts and ends only at a token boundary. Nothing can backtrack into a token, so
# the patterns built from it run in linear time on any text (a protein sequence or a hash
# in a title is one long token).
UP = "A-ZÀ-ÖØ-ÞΑ-Ω"  # capitals, Latin-1 and Greek included (Über-Net, Δ-Net)
_REST = r"(?:[\w+*]|[.'’-]+(?=[\w+*]))*"
TOKEN = (rf"(?<![\w+*])(?:[{UP}]{_REST}|[a-z]+[{UP}0-9]{_REST}|"
         rf"(?<![.'’-])\d[\d_.-]*[^\W\d_]{_REST})(?![\w+*]|[.'’-]+[\w+*])")
_VERSION = r"v?\d+(?:\.\d+)*\b"
NAME = rf"{TOKEN}(?:(?: | of | for | with )(?:{TOKEN}|{_VERSION})){{0,5}}"
_CONNECTORS = {"of", "for", "with"}

_INTRO_SUBJECT = re.compile(r"\b(?:[Ww]e|paper|work|study|report|article)(?: \w+)?,? $")
# (searched in the few characters before an introduction verb)
_INTRO_OBJECT = re.compile(
    rf" (?:(?:the|a|an|our|two|three|new|novel)\b[^,.;:()]{{0,80}}?(?:,|:| called| named"
    rf"| termed| dubbed|—| -) ?|(?:the|a|an|our) (?:(?:new|novel|first|large-scale) )?)?"
    rf"(?P<name>{NAME})"
)
_APPOSITIVE_CUE = re.compile(
    r",? (?:a|an) (?:novel|new|simple|general|unified|efficient|lightweight)\b"
)
_NAME_AT_END = re.compile(rf"(?<![\w-])(?P<name>{TOKEN}(?: {TOKEN}){{0,3}})$")
# (titles are cleaned text, single-spaced: one optional space at each joint keeps the
# pattern free of competing whitespace runs)
_TITLE_NAME = re.compile(r"^ ?(?P<name>[^\s:][^:]{0,59}?)(?<!\s) ?(?::| -{1,2} | — ) ?\S")
_TECH_REPORT = re.compile(rf"^(?P<name>{NAME}) (?:Technical Report|Tech Report|System Card)\b")

# Model names by shape: a capitalised family, optional version, a parameter count.
_SIZE = r"\d+(?:\.\d+)?\s?[xX×]\s?\d+(?:\.\d+)?[BbMm]|\d+(?:\.\d+)?[BMKT]\b|\d+(?:\.\d+)?[bm]\b"
_RELEASE_SHAPE = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][\w.]*(?:-[\w.]+)*-(?:Instruct|Chat|Base|Coder|VL|Vision|Omni|"
    r"Reasoner|Distill)(?:-v?\d+(?:\.\d+)*)?)(?![\w-])")
_MODEL_SHAPE = re.compile(
    rf"(?<![\w-])(?P<name>[A-Z][A-Za-z0-9.]*(?:[- ](?:[A-Z][\w.]*|v?\d+(?:\.\d+)*)){{0,3}}"
    rf"[- ](?:{_SIZE})(?:[- ](?:[A-Z][a-z]+|it|v\d+(?:\.\d+)?|\d+[kK]))*)(?![\w-])"
)
# The tail a known model family may carry: versions, sizes and release suffixes.
# lower-case checkpoint suffixes (GPT-4o-mini, o3-mini-high); one followed by a hyphen and
# another lower-case word is part of an adjective (GPT-4-high-quality) unless it is one too
_LOWER_SUFFIX = (r"(?:instruct|chat|base|it|mini|pro|flash|turbo|large|small|nano|preview|"
                 r"high|low|medium|mid|lite|plus|max|ultra|tiny|\d+[kK])")
VARIANT_TAIL = re.compile(
    rf"(?:[- ]?(?:{_SIZE}|v?\d+(?:\.\d+)*[a-z]?)(?![\w])|[- ](?:Instruct|Chat|Base|IT|Mini|Pro|"
    r"Flash|Turbo|Large|Small|Medium|XL|XXL|Tiny|Nano|Ultra|Coder|Math|VL|Omni|Vision|Plus|Max|"
    r"Lite|Sonnet|Opus|Haiku|Thinking|Preview|Distill|Air|Scout|Maverick|Exp|Reasoner|Code|"
    rf"Next|Long|SFT|DPO|RL|\d+[kK])\b|-{_LOWER_SUFFIX}(?!\w|-(?!{_LOWER_SUFFIX}\b)[a-z]))+"
)
# The tail a benchmark may carry: a year or version (AIME 2024, HMMT 25, SQuAD v2), or
# the name of a harder or checked split (X Pro, X Hard, X Verified).
BENCH_TAIL = re.compile(r"(?<!\d)(?:[- ]?(?:'?2\d|(?:19|20)\d\d|[vV]\d+(?:\.\d+)?|"
                        r"\d+ ?(?:x|×|times) ?\d+)|[- ](?:Pro|Hard|Lite|Verified|Plus|Baseline)\b)"
                        r"(?![\w.%]| ?%| (?:points|accuracy|score|pass|tasks|problems))")
_SIZE_ONLY = re.compile(r"^(?:\d+(?:\.\d+)?\s?[xX×]\s?)?\d+(?:\.\d+)?\s?[BMKTbm]$")
_TITLE_TAIL = re.compile(rf"(?::|\s-{{1,2}}\s|\s—\s)\s*(?P<name>{TOKEN}(?: {TOKEN})?)$")
_BENCH_SUFFIXES = ("Bench", "BENCH", "QA", "Eval", "EVAL", "Arena", "Gym")
_BENCH_SHAPE = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][\w.-]*(?:Bench|BENCH|QA|Eval|EVAL|Arena|Gym)"
    r"(?:[- ]?v?\d+(?:\.\d+)?)?)(?![\w-])"
)
_HAS_SIZE = re.compile(r"\d(?:\.\d+)?\s?[BMKTbm]\b|\d[xX×]\d")
_INNER_CAPS = re.compile(
    r"(?<![\w-])(?P<name>(?:[A-Za-z][a-z]+[A-Z][\w+*-]*|[A-Z]{2,}[a-z][\w+*-]*|[A-Z][\w-]*\d[\w.-]*"
    r"[\w+]|[A-Z][A-Z0-9]*(?:-[A-Z0-9][\w]*)+|[a-z]+-[A-Z][\w-]*|[A-Z][a-z]+(?:-[A-Z][\w]*)+)"
    r"\+*\*?)(?![\w-])"
)
_BENCH_CONTEXT = re.compile(r"(?i)\bbenchmark|\bdatasets?\b|\bcorpus|\bcorpora|\bsuites?\b|"
                            r"\bexams?\b|"
                            r"\bleaderboard|\btest ?sets?\b|\bevaluat|\bexperiments?\b")
_MODEL_CONTEXT = re.compile(r"(?i)\bmodels?\b|\bLLMs?\b|\bbaselines?\b|\bcheckpoints?\b|"
                            r"\bVLMs?\b|\bMLLMs?\b|\boutperform|\bsurpass")


def title_tail_name(title: str) -> tuple[int, int] | None:
    """A short name after the title's colon: ``...: Adaptive-k``."""
    m = _TITLE_TAIL.search(title)
    return m.span("name") if m else None


_UNIT_ONLY = re.compile(r"^\d[\d.,]*(?:(?:x|×|times)\d+)?-?(?:x|×|bit|bits|b|fold|shot|way|layer|"
                        r"GB|MB|TB|GHz|ms|s|k|parameters?|param|params|token|tokens|"
                        r"K|M|B|T|D|d|nd|rd|th|st|h|px|p|%)$")


_NUMBERED_WORD = re.compile(
    r"^(?:\d[\d.,]*\s?[A-Za-z]{0,2}-[a-z]+(?:-[a-z]+)*(?: [\w-]+)?|"
    r"(?:[Ss]tep|[Ss]tage|[Pp]hase|[Pp]art|[Ss]ection|[Tt]able|[Ff]igure|[Ff]ig|[Ee]q|[Ee]quation|[Aa]ppendix|[Ll]evel|[Rr]ound|[Tt]ask|"
    r"[Ee]xperiment|[Tt]heorem|[Ll]emma|[Aa]lgorithm)\.? ?\d+)$")


def unit_only(name: str) -> bool:
    """A number with a unit (``4-bit``, ``2.26x``, ``7B-parameter``) or ``Step 1`` is no name."""
    return bool(_UNIT_ONLY.match(name) or _NUMBERED_WORD.match(name))


def size_only(name: str) -> bool:
    """A bare parameter count (``7B``, ``15.7M``) is no name."""
    return bool(_SIZE_ONLY.match(name))


def appositive_names(text: str, cues: list[int] | None = None) -> list[tuple[int, int]]:
    """``X, a novel method ...`` — names presented as new.

    ``cues`` are offsets of ``a novel`` / ``an efficient`` ... (from the cue automaton).
    """
    spans = []
    if cues is None:
        starts = [cue.start() for cue in _APPOSITIVE_CUE.finditer(text)]
    else:
        starts = [at - 2 if at >= 2 and text[at - 2] == "," else at - 1
                  for at in cues if at >= 1 and text[at - 1] == " " and text[at] == "a"]
    for start in starts:
        lo = max(0, start - 60)
        m = _NAME_AT_END.search(text, lo, start)
        if m:
            spans.append(m.span("name"))
    return spans


def title_name(title: str) -> tuple[int, int] | None:
    """The name before a title's colon (``MiniCPM: ...``) or before "Technical Report"."""
    m = _TECH_REPORT.match(title)
    if m:
        return m.span("name")
    m = _TITLE_NAME.match(title)
    if not m:
        return None
    name = m.group("name")
    words = name.split()
    if len(words) > 5:
        return None
    if not re.fullmatch(NAME, name):
        return None
    lowers = [w for w in words if w.islower() and w not in _CONNECTORS]
    if lowers or any(w.lower() in _TITLE_STOP for w in words):
        return None
    return m.span("name")


_TITLE_STOP = {"your", "you", "our", "we", "is", "are", "can", "do", "does", "the", "a", "an",
               "part", "towards", "toward", "when", "why", "how", "what", "beyond", "rethinking",
               "revisiting", "on", "not", "all", "need", "it", "this", "be", "just", "more",
               "less", "i", "ii", "iii", "my", "me", "let", "make", "making"}


_TITLE_BENCH = re.compile(r"(?i)\b(?:benchmark(?:s|ing)?|datasets?|corpus|leaderboard|"
                          r"evaluation suite|test suite|arena)\b")


def title_says_benchmark(title: str) -> bool:
    """``X: A Benchmark for ...`` / ``X: Benchmarking ...``."""
    return bool(_TITLE_BENCH.search(title))


def is_report(title: str) -> bool:
    """``X Technical Report``: X is a model the report presents."""
    return bool(_TECH_REPORT.match(title))


def model_shapes(text: str) -> list[tuple[int, int]]:
    """Spans shaped like a sized model checkpoint: ``Meerkat-7B``, ``Mixtral 8x7B``."""
    spans: list[tuple[int, int]] = []
    for size in _HAS_SIZE.finditer(text):  # look only around parameter counts
        if spans and size.start() < spans[-1][1]:
            continue
        for m in _MODEL_SHAPE.finditer(text, max(0, size.start() - 60),
                                       min(len(text), size.end() + 40)):
            if m.start("name") <= size.start() < m.end("name") and (
                    not spans or m.start("name") >= spans[-1][1]):
                first = m.group("name").split()[0]
                if first[1:].islower() and first.endswith(("ing", "ed", "ly", "es")):
                    break  # "Deriving 8B and 4B models": a sentence opener, not a family
                spans.append(m.span("name"))
                break
    return spans


_RELEASE_SUFFIXES = ("-Instruct", "-Chat", "-Base", "-Coder", "-VL", "-Vision", "-Omni",
                     "-Reasoner", "-Distill")


def release_shapes(text: str) -> list[tuple[int, int]]:
    """Checkpoint names with a release suffix: ``Palmyra-Fin-128k-Instruct``."""
    if not any(suffix in text for suffix in _RELEASE_SUFFIXES):
        return []
    return [m.span("name") for m in _RELEASE_SHAPE.finditer(text)]


_HEAD_NOUN = re.compile(
    r" (?P<head>model|models|LLM|optimizer|algorithm|framework|method|architecture|loss|"
    r"dataset|datasets|benchmark|benchmarks|corpus|environments?|suite|leaderboard|test set)\b")
_HEAD_TYPES = {"model": "model", "models": "model", "LLM": "model", "dataset": "benchmark",
               "datasets": "benchmark", "benchmark": "benchmark", "benchmarks": "benchmark",
               "corpus": "benchmark", "environment": "benchmark", "environments": "benchmark",
               "suite": "benchmark", "leaderboard": "benchmark", "test set": "benchmark"}
NAME_ADJECTIVES = {"Bayesian", "Gaussian", "Markov", "Boltzmann", "Euclidean", "Hilbert",
                    "Lipschitz", "Bernoulli", "Poisson", "Laplacian", "Hessian", "Jacobian",
                    "Lagrangian", "Riemannian", "Fourier", "Monte", "Carlo", "Newton", "Dirichlet",
                    "Gibbs", "Kalman", "Wasserstein", "Shapley", "Turing", "Nash", "Pareto",
                    "English", "Chinese", "Python", "Transformer", "Transformers", "Large",
                    "Small", "New", "Our", "The", "This", "Each", "Deep", "Neural", "Hamiltonian",
                   "Gaussian-based", "Boolean", "Cartesian", "Darwinian", "Hebbian", "Stein",
                   "Hoeffding", "Bregman", "Frobenius", "Kullback", "Leibler", "Shannon",
                   "Bellman", "Nesterov", "Polyak", "Langevin", "Brownian", "Gumbel"}
_BEFORE_HEAD = re.compile(rf"\b(?:the|a|an|our|their|its)(?: [a-z-]+)? (?P<name>{TOKEN})$")


_TOKEN_RE = re.compile(TOKEN)
_DETERMINERS = {"the", "a", "an", "our", "their", "its"}


def headed_names(text: str, heads: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """``the Octopus model`` / ``the SM3 optimizer``: ``(start, end, type)``.

    ``heads`` are ``(start of the head noun, head noun)`` pairs from the cue automaton; the
    name is the token right before the head, after a determiner (and at most one word).
    """
    out = []
    for head_start, head in heads:
        end = head_start - 1
        if end <= 0 or text[end] != " ":
            continue
        start = text.rfind(" ", 0, end) + 1
        name = text[start:end]
        if not name or name in NAME_ADJECTIVES or not _TOKEN_RE.fullmatch(name):
            continue
        words = text[max(0, start - 30):start].split()[-2:]
        kind = _HEAD_TYPES.get(head, "method")
        allowed = _DETERMINERS | ({"on", "in", "across"} if kind == "benchmark" else set())
        if not any(w.lower() in allowed for w in words):
            continue
        out.append((start, end, kind))
    return out


_BENCH_WORD_SHAPE = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][\w.-]*(?: [A-Z][\w.-]*)? (?:Arena|Bench|Benchmark|Leaderboard|"
    r"Challenge))\b")


def bench_word_shapes(text: str) -> list[tuple[int, int]]:
    """``Judge Arena``, ``Open LLM Leaderboard``: capitalised name plus benchmark word."""
    if not any(w in text for w in (" Arena", " Bench", " Leaderboard", " Challenge")):
        return []
    return [m.span("name") for m in _BENCH_WORD_SHAPE.finditer(text)]


def bench_shapes(text: str) -> list[tuple[int, int]]:
    """Spans shaped like benchmark names: ``RewardBench``, ``FreshQA``, ``AlpacaEval``."""
    if not any(suffix in text for suffix in _BENCH_SUFFIXES):
        return []
    return [m.span("name") for m in _BENCH_SHAPE.finditer(text)]


_PAREN_NAME = re.compile(rf"\((?P<name>{TOKEN})\)")


def paren_names(text: str) -> list[tuple[int, int]]:
    """Coined names in brackets after a description: ``an audio tokenizer (Foo-Tok)``."""
    return [m.span("name") for m in _PAREN_NAME.finditer(text)
            if looks_coined(m.group("name")) and len(m.group("name")) > 5]


_INTERESTING = re.compile(r"[a-z][A-Z]|[A-Z][A-Z][a-z]|\d|[A-Za-z]-[A-Z]|^[A-Z][A-Z]")
_STRIP = "()[]{}\"'“”‘’,.;:!?/"


def inner_caps(text: str) -> list[tuple[int, int]]:
    """Coined-looking tokens: inner capitals or digits (``OverThink``, ``GSM8K``).

    Splits on spaces and looks only at tokens that are not all lower case — much cheaper
    than a regex scan of every character.
    """
    spans = []
    pos = 0
    for raw in text.replace("\n", " ").split(" "):
        start = pos
        pos += len(raw) + 1
        if raw.islower() or not _INTERESTING.search(raw):
            continue
        for part_start, part in _parts(raw):
            word = part.strip(_STRIP)
            if not word:
                continue
            lead = part.find(word)
            m = _INNER_CAPS.fullmatch(word) if len(word) <= MAX_TOKEN else None
            if m:
                s = start + part_start + lead
                spans.append((s, s + len(word)))
    return spans


def _parts(token: str) -> list[tuple[int, str]]:
    """A token split at slashes, with offsets (``AdaGrad/Adam``)."""
    if "/" not in token:
        return [(0, token)]
    out, pos = [], 0
    for piece in token.split("/"):
        out.append((pos, piece))
        pos += len(piece) + 1
    return out


_NAME_RE = re.compile(NAME)
#: no name is longer than this without a space; longer tokens (sequences, hashes) are skipped
MAX_TOKEN = 80


def bench_context(sentence: str) -> bool:
    return bool(_BENCH_CONTEXT.search(sentence))


def model_context(sentence: str) -> bool:
    return bool(_MODEL_CONTEXT.search(sentence))


_COINED = re.compile(r"[a-z][A-Z]|\d|[A-Za-z]-[A-Z0-9]|^[A-Z]{2,}")


def looks_coined(name: str) -> bool:
    """Inner capitals, digits or capitalised hyphen parts: ``Mapillary-SLS``, ``GSM8K``."""
    return bool(_COINED.search(name))


# --- cue words, found by one automaton pass --------------------------------------------

INTRO, CALLED, OUR, LIST, HEAD, LOWER = "intro", "called", "our", "list", "head", "lower"
APPOS = "appositive"
_APPOS_ADJ = ("novel", "new", "simple", "general", "unified", "efficient", "lightweight")
_CUE_WORDS = {
    INTRO: [f"{v}{e}" for v in ("propose", "introduce", "present", "develop", "design",
                                "release", "build", "construct", "create", "curate",
                                "contribute", "offer", "unveil", "devise", "describe",
                                "open-source", "launch")
            for e in ("", "s", "d", "ed")],
    CALLED: ["called", "named", "termed", "dubbed", "coined", "denoted as", "denoted",
             "namely", "referred to as", "which we call", "we call it", "we name it",
             "code-named", "codenamed", "we call", "we name", "we term", "which we term",
             "refer to as", "refer to it as", "refer to this as", "call", "name it",
             "variant", "version", "extension", "variants", "versions"],
    OUR: ["our"],
    LIST: ["on", "including", "include", "includes", "such as", "like", "e.g.", "namely",
           "across", "over", "with", "than", "outperforms", "outperforming", "surpasses",
           "surpassing", "against", "versus", "vs.", "vs", "beats", "compared to",
           "compared with", "comparing to", "comparing with", "compare to", "compare with",
           "benchmarks", "datasets", "baselines", "including both"],
    LOWER: ["termed", "dubbed", "coined", "called", "named", "which we call", "we call it",
            "we term", "a novel", "a new", "an novel"]
    + [f"we {adv}{verb}" for adv in ("", "also ", "further ", "then ", "first ")
       for verb in ("propose", "proposed", "develop", "developed", "introduce", "introduced",
                    "design", "designed", "devise", "devised", "present", "presented",
                    "release", "released", "open-source", "open-sourced", "open source",
                    "construct", "constructed", "build", "built", "curate", "curated",
                    "collect", "collected", "create", "created")],
    APPOS: [f"{det} {adj}" for det in ("a", "an") for adj in _APPOS_ADJ],
    HEAD: ["model", "models", "LLM", "optimizer", "algorithm", "framework", "method",
           "architecture", "loss", "dataset", "datasets", "benchmark", "benchmarks", "corpus",
           "environment", "environments", "suite", "leaderboard", "test set"],
}


@lru_cache(maxsize=1)
def cue_automaton() -> ahocorasick.Automaton:
    """Every cue word, space-padded, over the gazetteer's boundary text."""
    from citegraph.graph.extract.gazetteer import boundary_text

    auto = ahocorasick.Automaton()
    for kind, words in _CUE_WORDS.items():
        for word in words:
            key = boundary_text(word)
            kinds = auto.get(key)[0] if key in auto else ()
            auto.add_word(key, ((*kinds, kind) if kind not in kinds else kinds, len(key)))
    auto.make_automaton()
    return auto


_INTRO_MORE = re.compile(
    rf"(?:,| and| as well as| together with)(?: (?:its|their|our|a|an|the)(?: [a-z-]+){{0,3}})?"
    rf",? (?P<name>{NAME})"
)
_CALLED_OBJECT = re.compile(
    rf"(?: (?:this|it|the|our|them|these)(?: [a-z-]+){{0,3}})?,? ?[\"“']?(?P<name>{NAME})")
_OUR_OBJECT = re.compile(
    rf" (?:(?:new|novel|proposed|final|resulting|best|largest|smallest|open|own) )?"
    rf"(?:(?:[a-z-]+ ){{0,2}}(?:method|model|framework|approach|system|tool|benchmark|dataset|"
    rf"algorithm|architecture|agent|pipeline|variant|family|suite|library|technique|recipe|"
    rf"optimizer|network|corpus|module|solver|planner)s?,? )?(?P<name>{TOKEN}(?: {TOKEN}){{0,2}})"
)
_AND_NAME = re.compile(r"(?:,| and| or),? [A-Z]")
_MODIFIER_END = re.compile(r"-(?:based|like|style|driven|powered|guided|inspired|enhanced)$")
_PLURAL_HEAD = re.compile(r" (?:methods|approaches|techniques|models|algorithms|frameworks|"
                         r"systems|baselines|tasks|problems|variants|datasets|benchmarks)\b")
_LIST_AT = re.compile(
    rf" (?:the |both |popular |standard |several |various |challenging |widely used |\w+ )?"
    rf"(?:(?:[\w-]+ )?(?:benchmarks?|datasets?|suites?|tasks|models|baselines)"
    rf"(?: such as| including| like|,|:)? )?"
    rf"(?P<list>{NAME}(?:(?:, (?:and |or )?| and | or ){NAME}){{1,12}})"
)


@dataclass
class _Cues:
    """What one pass over the cue words collects."""

    intro: list[tuple[int, int]] = field(default_factory=list)
    ours: list[tuple[int, int]] = field(default_factory=list)
    items: list[tuple[int, int, int]] = field(default_factory=list)
    heads: list[tuple[int, str]] = field(default_factory=list)
    lower: list[int] = field(default_factory=list)
    appos: list[int] = field(default_factory=list)


def _on_intro(text: str, start: int, pos: int, cues: _Cues) -> None:
    """After *we/this paper propose(s)*: the name, and names joined to it."""
    if not _INTRO_SUBJECT.search(text, max(0, start - 24), start):
        return
    m = _INTRO_OBJECT.match(text, pos)
    while m:
        cues.intro.append(m.span("name"))
        m = _INTRO_MORE.match(text, m.end())


def _on_called(text: str, start: int, pos: int, cues: _Cues) -> None:
    """After *called / named …*; *namely A and B* lists examples, not a new name."""
    m = _CALLED_OBJECT.match(text, pos)
    if m and not (text.startswith("namely", start) and _AND_NAME.match(text, m.end())):
        cues.intro.append(m.span("name"))


def _on_head(text: str, start: int, pos: int, cues: _Cues) -> None:
    head = text[start:pos]
    if head in _HEAD_TYPES or head in _METHOD_HEADS:
        cues.heads.append((start, head))


def _on_our(text: str, start: int, pos: int, cues: _Cues) -> None:
    """After *our*: a name, unless a plural kind or a modifier suffix follows."""
    m = _OUR_OBJECT.match(text, pos)
    if m and not _PLURAL_HEAD.match(text, m.end()) \
            and not _MODIFIER_END.search(m.group("name")):
        cues.ours.append(m.span("name"))


def _on_list(text: str, start: int, pos: int, cues: _Cues) -> None:
    _list_items(_LIST_AT.match(text, pos), cues.items)


def _list_items(m: re.Match[str] | None, items: list[tuple[int, int, int]]) -> None:
    if m:
        base = m.start("list")
        for item in _NAME_RE.finditer(m.group("list")):
            items.append((base + item.start(), base + item.end(), base))


_HANDLERS = {
    INTRO: _on_intro, CALLED: _on_called, HEAD: _on_head, OUR: _on_our, LIST: _on_list,
    LOWER: lambda text, start, pos, cues: cues.lower.append(start),
    APPOS: lambda text, start, pos, cues: cues.appos.append(start),
}
_METHOD_HEADS = ("optimizer", "algorithm", "framework", "method", "architecture", "loss")


def cue_spans(text: str, padded: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]],
                                                 list[tuple[int, int, int]],
                                                 list[tuple[int, int, str]],
                                                 list[tuple[int, int]]]:
    """Introduced names, ``our`` names and list items, from one pass over the cue words.

    ``padded`` is :func:`~citegraph.graph.extract.gazetteer.boundary_text` of ``text``.
    Returns ``(intro spans, our spans, list items as (start, end, list start), headed
    names as (start, end, type), appositive names)``.
    """
    cues = _Cues()
    for end, (kinds, length) in cue_automaton().iter(padded):
        for kind in kinds:  # the cue word starts at end - length + 1, its text ends at end - 1
            _HANDLERS[kind](text, end - length + 1, end - 1, cues)
    colon = text.find(": ")
    while colon >= 0:  # a list of names after a colon
        _list_items(_COLON_LIST.match(text, colon + 1), cues.items)
        colon = text.find(": ", colon + 2)
    intro = cues.intro + lower_intro_names(text, cues.lower)
    return (intro, cues.ours, cues.items, headed_names(text, cues.heads),
            appositive_names(text, cues.appos))


_COLON_LIST = re.compile(rf" (?P<list>{NAME}(?:(?:, (?:and |or )?| and | or ){NAME}){{1,12}})")


# --- contributions named in lower case or described by their parts ------------------

_LOWER_STOP = (r"(?=\s*(?:\(|, which|, that|, where|, to |[.;:]|$| to | for | that | which "
               r"| in | on | by | from | with | using | via ))")
_TERMED_LOWER = re.compile(
    rf"\b(?:termed|dubbed|coined|called|named|which we call|we call it|we term)(?: as)?\s+"
    rf"[\"“']?"
    rf"(?P<name>(?!(?:a|an|the|this|it|as|by|for|in)\b)[a-z][\w-]*(?:,? [\w'-]+){{0,7}}?)"
    rf"{_LOWER_STOP}")
_TERMED_COMMA = re.compile(
    r", (?:termed|dubbed|coined|called|named)(?: as)? (?P<name>(?!(?:a|an|the|this|it|as|by|"
    r"for|in)\b)[a-z][\w-]*(?: [\w'-]+){0,5}?),")
_LOWER_KIND_WORDS = (r"method|algorithm|technique|framework|approach|strategy|scheme|"
                     r"paradigm|regularizer|mechanism")
_APPOSITIVE_LOWER = re.compile(
    rf"\b(?:a|an) (?:novel|new) (?:[\w-]+ ){{0,2}}(?:{_LOWER_KIND_WORDS}|curriculum|loss|objective|"
    rf"regularizer|module|procedure|recipe|schedule|criterion|prior), "
    rf"(?P<name>[a-z]+-[a-z]+(?: [a-z][\w-]*){{0,3}}), (?:which|that)\b")
_LOWER_METHOD = re.compile(
    rf"\b[Ww]e (?:also |further |then |first )?(?:propose|develop|introduce|design|devise|"
    rf"present)(?:s|d|ed)? (?:a|an) (?:(?:novel|new|simple|principled|efficient|general)\s)?"
    rf"(?P<name>[a-z]+-[a-z]+ [a-z][a-z-]+) (?:{_LOWER_KIND_WORDS})\b")
_GENERIC_LOWER_HEADS = {"training", "learning", "fine-tuning", "finetuning", "inference",
                        "data", "model", "models", "based", "level", "stage", "step",
                        # tasks: "a cross-modal retrieval framework" is a framework for a task
                        "retrieval", "generation", "detection", "classification",
                        "segmentation", "recognition", "translation", "summarization",
                        "reasoning", "prediction", "estimation", "forecasting", "tracking",
                        "answering", "understanding", "analysis"}
_ENUM_HEADING = re.compile(
    r"\((?:i|ii|iii|iv|v|1|2|3|4)\) (?P<name>[A-Z][\w-]*(?: (?!(?:is|are|the|we|a|an|to|"
    r"that|which)\b)[\w-]+){1,4})[.:](?= [A-Z])")
_KIND_BEFORE = re.compile(rf"\b(?:{_LOWER_KIND_WORDS}|procedure|recipe|optimizer|loss|model)s?\b")
_PARTS_BEFORE = re.compile(r"\b(?:ingredients|components|parts|modules|stages|steps|techniques|"
                           r"innovations|designs|elements)\b[^.]{0,40}: $")
def _termed_name(text: str, at: int) -> re.Match[str] | None:
    """The lower-case name after a naming verb at ``at``; a comma ends it unless a
    relative clause follows."""
    for rx, pos in ((_TERMED_LOWER, at), (_TERMED_COMMA, at - 2)):
        m = rx.match(text, pos) if pos >= 0 else None
        if m and rx is _TERMED_LOWER and ", " in m.group("name") \
                and not text.startswith((", which", ", that", ", where"), m.end()):
            continue
        if m:
            return m
    return None


def lower_intro_names(text: str, cues: list[int] | None = None) -> list[tuple[int, int]]:
    """Contributions named in lower case: a phrase after a naming verb (*termed*,
    *dubbed*, ...) when a technique noun precedes the cue; a hyphenated modifier phrase
    before a technique noun after *we propose/develop a*; a lower-case name set off by a
    comma after *we propose*; and enumerated headings of the parts a method combines.

    Capitalised names are left to :func:`cue_spans`; these need their own boundaries.
    ``cues`` are the offsets of the cue words (found by the cue automaton), else searched.
    """
    if cues is None:
        cues = sorted({at for cue in _LOWER_CUES for at in _find_all(text, cue)})
    elif "-termed " in text or "-called " in text or "-dubbed " in text:
        # "a Hessian-free algorithm-termed X (LV-HBA)": the automaton sees one hyphenated word
        cues = sorted({*cues, *(at + 1 for cue in ("-termed ", "-called ", "-dubbed ")
                                for at in _find_all(text, cue))})
    spans: list[tuple[int, int]] = []
    found = {}
    for at in cues:
        if text.startswith(_TERMED_CUES, at):
            m = _termed_name(text, at)
            if m:
                found[m.start("name")] = m
        if text.startswith(("we ", "We "), at):
            spans.extend(_we_spans(text, at))
        elif text.startswith(("a n", "an n"), at):
            m = _APPOSITIVE_LOWER.match(text, at)
            if m:
                spans.append(m.span("name"))
    for m in found.values():
        # "a concern termed hallucination" names a phenomenon; "a paradigm, termed
        # prune first, then unlearn" a technique
        name = m.group("name")
        if (" " in name or "-" in name) and " and " not in name and " or " not in name \
                and _kind_right_before(text, m.start()):
            spans.append(m.span("name"))
    if "(i) " in text or "(1) " in text:
        for m in _ENUM_HEADING.finditer(text):
            first = max(text.rfind("(i) ", 0, m.end()), text.rfind("(1) ", 0, m.end()))
            # headings of the parts a method combines, not of its benefits or of problems
            if first >= 0 and _PARTS_BEFORE.search(text, max(0, first - 80), first):
                spans.append(m.span("name"))
    return spans


_WE_VERB = re.compile(r"[Ww]e (?:also |further |then |first )?(?:propos|develop|introduc|"
                      r"design|devis|present|releas|open|construct|build|curat|collect|"
                      r"creat)")
_LOWER_CUES = ("termed ", "dubbed ", "coined ", "called ", "named ", "which we call ",
               "we call it ", "we term ", "a novel ",
               "a new ", "an novel ", "we ", "We ")
_LOWER_DIRECT = re.compile(
    r"[Ww]e (?:also |further |first |then )?(?:propose|introduce)(?:s|d)? "
    r"(?P<name>(?!(?:a|an|the|to|that|this|these|two|three|several|new|novel|here|our|its|"
    r"some|various|several|multiple)\b)[a-z][\w-]*(?: [a-z][\w-]*){0,3}), "
    r"(?!an? (?:[\w-]+ )?(?:task|problem|setting|challenge|phenomenon)\b)"
    r"(?:which|a|an|that|where)\b")
def _kind_right_before(text: str, at: int) -> bool:
    """A technique noun among the few words before a cue: ``a new paradigm, termed`` /
    ``a paradigm of transfer learning called``, not ``methods suffer from a problem termed``.
    """
    words = re.split(r"[\s,-]+", text[max(0, at - 50):at].strip())[-4:]
    for word in reversed(words):
        if word in _PROBLEM_WORDS:
            return False
        if _KIND_BEFORE.fullmatch(word):
            return True
    return False


_PROBLEM_WORDS = {"problem", "problems", "phenomenon", "issue", "concern", "challenge", "effect",
                  "behavior", "behaviour", "failure", "bias"}
_TERMED_CUES = ("termed ", "dubbed ", "coined ", "called ", "named ", "which we call ",
                "we call it ", "we term ")


def _find_all(text: str, cue: str) -> list[int]:
    """Offsets of ``cue`` in ``text`` where it starts a word."""
    out, at = [], text.find(cue)
    while at >= 0:
        if at == 0 or not cue[0].isalnum() or not text[at - 1].isalnum():
            out.append(at)
        at = text.find(cue, at + 1)
    return out


def _we_spans(text: str, at: int) -> list[tuple[int, int]]:
    """Lower-case names, released datasets and listed parts after ``we`` at ``at``."""
    spans: list[tuple[int, int]] = []
    if not _WE_VERB.match(text, at):  # most sentences with "we" introduce nothing
        return spans
    m = _LOWER_METHOD.match(text, at)
    if m:
        last = m.group("name").rsplit(" ", 1)[-1]
        first = m.group("name").split("-", 1)[0]
        mod = m.group("name").split(" ", 1)[0].rsplit("-", 1)[-1]
        if not (last in _GENERIC_LOWER_HEADS or first in _COUNT_PREFIXES or mod in _DESCRIPTIVE
                or last.endswith(("ic", "al", "ive")) or _NAMED_AFTER.match(text, m.end())):
            spans.append(m.span("name"))  # not "a learning-based testing method, termed X"
    m = _LOWER_DIRECT.match(text, at)
    if m:  # "we propose meta-tuning, which ...": a lower-case name set off by a comma
        first = m.group("name").split(" ", 1)[0]
        if (" " in m.group("name") or "-" in first) and not (
                first.endswith("ing") and "-" not in first):
            spans.append(m.span("name"))
    return spans


_DESCRIPTIVE = {"based", "driven", "guided", "level", "stage", "scale", "step", "like", "style",
                "specific", "agnostic", "oriented", "centric", "wise"}
_NAMED_AFTER = re.compile(r",? (?:termed|called|named|dubbed|coined)\b|,? [A-Z]")
_COUNT_PREFIXES = {"two", "three", "four", "multi", "single", "one", "end", "two-stage",
                   "high", "low", "well", "self", "semi", "non", "fine", "pre", "post"}
