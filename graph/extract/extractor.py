"""The extractor: every signal proposes spans, groups of spans become candidates, and the
learned decision (:mod:`.learned`) keeps, types and flags them.

Each signal also carries a hand-set weight; a group's score under these weights is one of
the candidate's features, and with ``rules_only`` the group is kept when the score
reaches :data:`THRESHOLD` (what the corpus pass uses):

* gazetteer hit (known name, with a model family's version/size tail) — 1.0
* introduction (``we propose X``, ``called X``, title ``X: ...``) — 1.0, sets ``introduced``
* acronym–definition pair whose long form looks like a technique or a name — 1.0
* sized model shape (``Meerkat-7B``) — 1.0
* a corpus name (introduced by another paper of the corpus) — 0.9
* benchmark shape (``FreshQA``), coined token (``OverThink``), list item — 0.4–0.6,
  each repeat or a title occurrence adds a little.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from citegraph.graph.extract import patterns as P
from citegraph.graph.extract.acronyms import find_pairs
from citegraph.graph.extract.entity import Entity
from citegraph.graph.extract.features import Candidate, features
from citegraph.graph.extract.gazetteer import GazEntry, Gazetteer, boundary_text, load_gazetteer
from citegraph.graph.extract.learned import ExtractorModel, load_model
from citegraph.graph.extract.phrases import caps_runs
from citegraph.graph.extract.resolve import entity_key, model_family
from citegraph.graph.extract.tagger import SpanTagger, sequence_features, token_index, tokenize
from citegraph.graph.extract.text import (
    bounded,
    clean_text,
    norm_key,
    singular_key,
    split_sentences,
)
from citegraph.graph.unionfind import LabelledSets

THRESHOLD = 1.0
STRONG = 2  # tier of signals that win overlaps
WEAK = 1

_TRIM_HEAD = re.compile(r"^(?:The|A|An|Our|This|These|Its|Their|In|On|For|To|We|Both|Each)\s+")
_TRIM_TAIL = re.compile(r"(?:(?<!\s)\s+(?:of|for|to|on|in|with|as|from|and)|[.'’-]|"
                        r"-(?:based|like|style|level|specific|driven|tuned|powered|generated|guided|aware|free|"
                        r"only|sized|scale|inspired|centric|derived|enhanced))+$")
_MODIFIER_SUFFIX = re.compile(r"-(?:based|like|style|driven|powered|guided|"
                              r"trained|pretrained|finetuned|fine-tuned|tuned|generated|"
                              r"enhanced|inspired)\b")


def _modifier_cut(text: str) -> int | None:
    """Where a name ends before a modifier suffix (``StarCoder-based``): the suffix's hyphen,
    when the run of word characters and dots before it holds a capital or digit."""
    for m in _MODIFIER_SUFFIX.finditer(text):
        run = m.start()
        while run > 0 and (text[run - 1].isalnum() or text[run - 1] in "_."):
            run -= 1
        if any(c.isupper() or c.isdigit() for c in text[run:m.start()]):
            return m.start()
    return None


_DISPLAY_WORDS = ("dataset", "benchmark", "corpus", "data set")
_DISPLAY_SUFFIX = re.compile(r" (?:dataset|benchmark|corpus|data set)$", re.IGNORECASE)
_BENCH_HEADS = ("bench", "benchmark", "dataset", "corpus", "qa", "eval", "arena", "suite",
                "leaderboard")
_POSSESSIVE = re.compile(r"['’]s$")
_INTRO_BEFORE = re.compile(r"\b(?:(?:[Ww]e|paper|work|us to|[Tt]o this end,? we) (?:\w+ )?"
                           r"(?:propose|introduce|present|develop|design|release|call|name|term|dub)"
                           r"(?:s|d|ed)?\b|\b(?:by|[Bb]y) (?:introducing|proposing|developing)\b|"
                           r"\b(?:called|named|termed|dubbed|coined) $)")
_NEW_BEFORE = re.compile(r"\b(?:[Oo]ur|new|novel|proposed)(?: [\w-]+){0,8},? "
                         r"(?:[-—–]+ )?(?:a |an )?$")
_DERIVED_TAIL = re.compile(r"(?:-[A-Z][a-z]+[A-Za-z]*){2,}(?![\w-])")
_PASSIVE_INTRO = re.compile(r"\)? (?:has|have) been (?:\w+ )?(?:designed|proposed|introduced|"
                            r"developed|built|constructed|created|curated)\b")
_VARIANT_OF_OWN = re.compile(r"[- ](?:[A-Z][\w.]*|v?\d[\w.]*)")
_PLURAL_AFTER = re.compile(r"\)?(?: \([^()]{1,20}\))? (?:datasets|models|methods|approaches|"
                           r"algorithms|techniques|problems|tasks)\b")
_PROBLEM_AFTER = re.compile(r"(?: \([^()]{1,20}\))? (?:problems?|tasks?)\b")
_PROPOSED_LEAD = re.compile(r"\b[Ww]e (?:also |further |first |then )?(?:propose|introduce|"
                            r"present|develop|design|devise)(?:s|d)? (?:(?:a|an|the) )?"
                            r"(?:(?:new|novel|simple|general|principled) )?$")
_GENERIC_TAIL = re.compile(r" (?:for|with|of) ([\w-]+)$")
# "Power Scheduler: A ... Learning Rate Scheduler", "X: A Dynamic Pruning Approach with ...":
# a subtitle that says what kind of thing the name before the colon is
_SUBTITLE_KIND = re.compile(r"(?<!\s)\s*(?::|\s-{1,2}\s|\s—\s)\s*(?:An?|The) (?:[\w-]+ ){0,9}?"
                            r"(?:[Aa]pproach|"
                            r"[Ff]ramework|[Mm]ethod|[Pp]aradigm|[Ss]cheduler|[Bb]enchmark|"
                            r"[Dd]ataset|[Aa]lgorithm|[Oo]ptimizer|[Ll]ibrary|[Tt]oolkit|"
                            r"[Tt]echnique|[Rr]ecipe|[Aa]rchitecture|[Ss]uite|[Ll]oss|[Pp]rotocol)"
                            r"\b")
_NEW_AFTER = re.compile(r",? (?:is|was) (?:(?:a|an) (?:new|novel)|our|the proposed)\b")
_COINED_BEFORE = re.compile(r"\b(?:we call|we term|termed|dubbed|coined)(?: as)? $")
_COORD_AFTER = re.compile(r"(?:,? and|,? or|,) ")
_COORD_BEFORE = re.compile(r"(?:,? and|,? or|,) $")
_NEXT_WORD = re.compile(r" (\w+)")
_HEAD_KIND = {"dataset": "benchmark", "datasets": "benchmark", "benchmark": "benchmark",
              "corpus": "benchmark", "leaderboard": "benchmark", "suite": "benchmark",
              "model": "model", "models": "model", "llm": "model", "checkpoint": "model",
              "checkpoints": "model", "method": "method", "framework": "method",
              "algorithm": "method", "technique": "method", "strategy": "method",
              "scheduler": "method", "optimizer": "method", "loss": "method",
              "approach": "method", "mechanism": "method", "attack": "method"}
_TITLE_CASE_BEFORE = re.compile(r"(?<![\w-])[A-Z][\w-]*\w $")
_SLASH_NUMBER = re.compile(r"/(\d+)\b")
_TRAILING_NUMBER = re.compile(r"\d+$")
_TASK_HEADS = {
    "prediction", "generation", "recognition", "detection", "classification", "segmentation",
    "answering", "processing", "understanding", "translation", "summarization", "reasoning",
    "tasks", "task", "problems", "problem", "models", "systems", "agents", "languages",
    "vision", "intelligence", "science", "analysis", "estimation", "modeling", "modelling",
    "retrieval", "captioning", "completion", "synthesis", "parsing", "tagging", "forecasting",
    "rate", "ratio", "score", "error", "accuracy", "metric", "size", "length", "time",
    "networks", "methods", "algorithms", "techniques", "data", "parameters", "units",
}
_METHODISH_HEADS = {
    "optimization", "algorithm", "method", "attention", "decoding", "sampling", "tuning",
    "finetuning", "fine-tuning", "regression", "search", "distillation", "normalization",
    "descent", "adaptation", "loss", "transformer", "encoder", "decoder", "framework",
    "learning", "training", "pruning", "quantization", "regularization", "dropout",
    "embedding", "embeddings", "network", "inference", "alignment", "prompting", "policy",
    "process", "propagation", "mechanism", "architecture", "scheduler", "estimator",
    "autoencoder", "machine", "clustering", "aggregation", "augmentation", "merging",
    "game", "scaling", "model", "memory", "splitting", "approach", "system", "strategy",
    "technique", "pipeline", "operator", "kernel", "filter", "feedback", "masking",
    "compression", "routing", "experts", "gradient", "gradients", "solver", "protocol",
}
_BENCH_WORDS = re.compile(r"(?i)\b(?:benchmarks?|datasets?|corpus|corpora|suite|leaderboard|"
                          r"test ?set|testbed|collection|arena|challenge|evaluation set)\b")
_MODEL_WORDS = re.compile(r"\b(?:(?:[Ll]anguage|[Ff]oundation|[Vv]ision-[Ll]anguage|[Gg]enerative|"
                          r"[Rr]eward|[Bb]ase|[Cc]hat|[Rr]easoning|[Mm]ultimodal|[Ss]peech|"
                          r"[Ee]mbedding|[Oo]pen|[Ss]mall|[Ll]arge|[Oo]pen-source|[Pp]retrained|"
                          r"[Ii]nstruct(?:ion)?-tuned|\d+(?:\.\d+)?[BM]) models?|LLMs?|MLLMs?|"
                          r"VLMs?|SLMs?|checkpoints?|family of (?:\w+ )?models|assistant|chatbot|"
                          r"judge|evaluator|[a-z]+ models?(?![-\w]))\b")
_METHOD_WORDS = re.compile(r"(?i)\b(?:method|framework|approach|algorithm|technique|strategy|"
                           r"system|architecture|optimizer|loss|paradigm|mechanism|pipeline|"
                           r"scheme|recipe|procedure|attack|protocol|objective|module|"
                           r"regularizer|library|toolkit|engine|agent|scheduler|sampler|"
                           r"estimator|solver|planner|operator|layer)\b")
_COMMON_CAPS = {
    "we", "our", "the", "this", "these", "however", "moreover", "furthermore", "finally",
    "additionally", "in", "on", "to", "for", "a", "an", "it", "its", "they", "while", "and",
    "extensive", "experiments", "results", "code", "github", "huggingface", "hugging face",
    "pytorch", "tensorflow", "jax", "python", "openai", "google", "meta", "microsoft", "nvidia",
    "deepmind", "anthropic", "arxiv", "ai", "ml", "nlp", "cv", "sota", "api", "apis", "gpu",
    "gpus", "cpu", "cpus", "tpu", "tpus", "url", "llm", "llms", "mllm", "mllms", "vlm", "vlms",
    "lm", "lms", "slm", "slms", "dnn", "dnns", "cnn", "cnns", "rnn", "rnns", "gnn", "gnns",
    "english", "chinese", "ii", "iii", "iv", "part", "section", "appendix", "table", "figure",
    "specifically", "notably", "existing", "recent", "recently", "despite",
    "although", "as", "by", "with", "from", "at", "is", "are", "can", "all", "both",
    "each", "first", "second", "third", "one", "two", "three", "new", "novel", "large",
    "small", "open", "deep", "neural", "language", "model", "models", "learning", "using",
    "based", "via", "towards", "toward", "beyond", "when", "what", "how", "why", "does",
    "do", "not", "no", "yes", "fig", "eq", "et", "al", "usa", "us", "uk", "eu",
}


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    signal: str
    weight: float
    tier: int
    type_hint: str | None = None
    gaz: GazEntry | None = None
    introduced: bool = False
    key: str = ""
    family: str | None = None
    list_hint: str | None = None
    crf: float = 0.0  # the tagger's mean probability that its tokens are an entity
    crf_type: str | None = None  # the tagger's type when it proposes exactly this span


@dataclass
class Learnt:
    """What the corpus pass learns from one paper (see :meth:`Extractor.learnt`):
    ``names`` it introduces as ``(name, type, aliases)``, and ``long_forms`` as
    ``(acronym key, long form)`` pairs, both in the order the paper gives them."""

    names: list[tuple[str, str, list[str]]] = field(default_factory=list)
    long_forms: list[tuple[str, str]] = field(default_factory=list)


def combine_learnt(learnt: Iterable[Learnt]) -> tuple[dict[str, GazEntry], dict[str, str]]:
    """The corpus names (by key) and each acronym's majority long form, from what each
    paper taught in corpus order: the first paper to introduce a name gives its entry, and
    a tie between long forms goes to the one seen first."""
    long_forms: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, GazEntry] = {}
    for one in learnt:
        for short, long in one.long_forms:
            long_forms[short][long] += 1
        for name, etype, aliases in one.names:
            key = norm_key(name)
            if key not in names:
                names[key] = GazEntry(name, etype, list(aliases), corpus=True)
    return names, {k: c.most_common(1)[0][0] for k, c in long_forms.items()}


class Extractor:
    """Finds methods, models and benchmarks in a title and abstract.

    ``gazetteer`` defaults to the shipped one plus user files; ``corpus`` holds names
    other papers of the same corpus introduced (see :meth:`learn`).
    """

    def __init__(self, gazetteer: Gazetteer | None = None,
                 extra_files: Iterable[str] = (),
                 model: ExtractorModel | str | Path | None = None,
                 rules_only: bool = False) -> None:
        self.gaz = gazetteer if gazetteer is not None else load_gazetteer(extra_files)
        # the learned decision: a model, a model file, or the shipped model; rules_only
        # keeps the hand-set weights (what the corpus pass and training use)
        if rules_only:
            self.model: ExtractorModel | None = None
        elif isinstance(model, ExtractorModel):
            self.model = model
        else:
            self.model = load_model(model)
        if self.model is not None:
            self.model.prepare()
        # the sequence tagger that proposes spans and scores every candidate's tokens
        self.tagger: SpanTagger | None = self.model.tagger if self.model else None
        self.corpus = Gazetteer(exact_case=True)
        self.acronyms: dict[str, str] = {}  # short key -> corpus-majority long form
        self.last_cut: dict[str, int] = {}  # what the last extract() cut: field -> length

    # --- the corpus pass ---------------------------------------------------------
    def learn(self, papers: Iterable[tuple[str, str]]) -> int:
        """Remember names the corpus introduces, so every paper recognises them.

        Returns how many new names were learnt. The names join the corpus gazetteer in
        one batch after the pass, so its automaton is built once per call and the pass
        is linear in papers (and what is learnt does not depend on the papers' order).
        """
        return self.adopt(self.learnt(title, abstract) for title, abstract in papers)

    def learnt(self, title: str, abstract: str = "") -> Learnt:
        """What one paper teaches the corpus pass: the names it introduces and the long
        forms it pairs with acronyms. It depends on the paper alone (with an empty corpus
        gazetteer), so a graph can keep it per paper and redo only papers that change."""
        # the hand-set weights decide here, so what the corpus learns does not depend
        # on a model fitted to annotations
        return self.learnt_from(self.rule_entities(title, abstract))

    @staticmethod
    def learnt_from(entities: Iterable[Entity]) -> Learnt:
        """:meth:`learnt` from a paper's :meth:`rule_entities` computed elsewhere (in
        parallel, by a distributed build)."""
        learnt = Learnt()
        for ent in entities:
            for alias in ent.aliases:
                if alias.isupper() or (sum(c.isupper() for c in alias) >= 2
                                       and len(alias) <= 8):
                    learnt.long_forms.append((norm_key(alias), ent.name))
            if not ent.introduced or ent.canonical is not None:
                continue
            if not (P.looks_coined(ent.name) or (ent.aliases and " " in ent.name)) \
                    or not any(c.isupper() or c.isdigit() for c in ent.name):
                continue  # "Long Context" is a phrase, not a name to look for elsewhere
            learnt.names.append((ent.name, ent.type, list(ent.aliases)))
        return learnt

    def learn_from(self, per_paper: Iterable[list[Entity]]) -> int:
        """:meth:`learn` from each paper's :meth:`rule_entities`, given in paper order."""
        return self.adopt(self.learnt_from(entities) for entities in per_paper)

    def adopt(self, learnt: Iterable[Learnt]) -> int:
        """Fold what each paper taught (in corpus order, see :func:`combine_learnt`) into the
        corpus gazetteer and the acronyms' long forms; returns how many new names."""
        names, self.acronyms = combine_learnt(learnt)
        batch = [entry for key, entry in names.items() if key not in self.corpus.by_key]
        for entry in batch:
            self.corpus.add(entry)
        return len(batch)

    # --- one paper ---------------------------------------------------------------
    def extract(self, title: str, abstract: str = "") -> list[Entity]:
        """The entities of one paper, in order of first mention.

        Only the first :data:`~citegraph.graph.extract.text.MAX_TITLE` characters of the
        title and :data:`~citegraph.graph.extract.text.MAX_ABSTRACT` of the abstract are
        read; :attr:`last_cut` says what the last call cut (original lengths).
        """
        found = self.candidates(title, abstract)
        if self.model is None:
            return [ent for ent, _ in found if ent.score >= THRESHOLD]
        return [ent for ent, cand in found if self._decide(ent, cand)]

    def _prepare(self, title: str, abstract: str) -> tuple[str, str, list[tuple[int, str]]]:
        """The cleaned title, the document (title, newline, abstract) and its sentences."""
        title, abstract, self.last_cut = bounded(title or "", abstract or "")
        title, abstract = clean_text(title), clean_text(abstract)
        doc = f"{title}\n{abstract}" if abstract else title
        tlen = len(title)
        sents = [(0, title)] + [(tlen + 1 + off, s) for off, s in split_sentences(abstract)]
        return title, doc, sents

    def candidates(self, title: str, abstract: str = "",
                   tagged: bool = True) -> list[tuple[Entity, Candidate]]:
        """Every candidate entity of one paper with what the signals showed of it, before
        any decision (what :mod:`.train` labels and fits on). ``tagged=False`` leaves the
        sequence tagger out."""
        title, doc, sents = self._prepare(title, abstract)
        ms = self._mentions(doc, title, sents)
        if tagged and self.tagger is not None:
            self._tag_mentions(_Page(self, doc, title, sents, ms), self.tagger)
        mentions = self._resolve_overlaps(ms)
        return self._entities(doc, len(title), sents, [s for s, _ in sents], mentions)

    def rule_entities(self, title: str, abstract: str = "") -> list[Entity]:
        """The entities the hand-set signal weights alone keep (no tagger: what the
        corpus pass learns does not depend on a fitted model)."""
        return [ent for ent, _ in self.candidates(title, abstract, tagged=False)
                if ent.score >= THRESHOLD]

    def sequence(self, title: str, abstract: str = "") -> tuple[str, list[tuple[int, int]],
                                                                 list[list[str]]]:
        """The document, its tokens and the tagger's features of them (for training)."""
        title, doc, sents = self._prepare(title, abstract)
        ms = self._mentions(doc, title, sents)
        toks = tokenize(doc)
        return doc, toks, sequence_features(doc, toks, len(title), _covers(toks, ms))

    def _tag_mentions(self, page: _Page, tagger: SpanTagger) -> None:
        """The tagger's spans as weak candidates; every mention learns how likely the
        tagger finds its tokens to be an entity."""
        doc, ms = page.doc, page.ms
        toks = tokenize(doc)
        tagged = tagger.tag(toks, sequence_features(doc, toks, len(page.title),
                                                    _covers(toks, ms)))
        spans = {(s, e): t for s, e, t, _ in tagged.spans}
        for m in ms:
            m.crf = tagged.probability(m.start, m.end)
            m.crf_type = spans.get((m.start, m.end))
        for s, e, etype, prob in tagged.spans:
            m = page.add(s, e, "crf", prob, WEAK, etype)
            if m is not None:
                m.crf, m.crf_type = tagged.probability(m.start, m.end), etype

    def _decide(self, ent: Entity, cand: Candidate) -> bool:
        """Apply the learned decision to one candidate; False drops it."""
        assert self.model is not None
        keep, etype, introduced = self.model.decide(features(cand))
        if not keep:
            return False
        # the gazetteer's type is a fact, and so is the type a name's own head noun, family
        # or cue says (measured: the type head does worse on those)
        if (ent.canonical is None or cand.corpus_name) and ent.typed_by != "signal":
            ent.type = etype
        ent.introduced = introduced
        return True

    # --- signals -------------------------------------------------------------------
    def _gaz_mentions(self, gaz: Gazetteer, doc: str, padded: str, weight: float,
                      signal: str) -> list[Mention]:
        out = []
        tlen = doc.find("\n")
        tlen = len(doc) if tlen < 0 else tlen
        for m in gaz.find(doc, padded=padded):
            entry = gaz.entries[m.entry]
            if m.start < tlen and m.start > 0 and entry.name[:1].islower() \
                    and _TITLE_CASE_BEFORE.search(doc, 0, m.start):
                continue  # "Global Proxy-based Hard Mining": part of a longer title-case name
            start, end, family = m.start, m.end, None
            if entry.type == "benchmark":
                tail = P.BENCH_TAIL.match(doc, end)
                if tail and gaz.lookup(doc[start:tail.end()]) is None:
                    end = tail.end()
                slash = _SLASH_NUMBER.match(doc, end)
                if slash:  # CIFAR-10/100 names CIFAR-100 too
                    stem = _TRAILING_NUMBER.sub("", m.surface)
                    other = gaz.lookup(stem + slash.group(1))
                    if other is not None and stem:
                        out.append(Mention(end, slash.end(), stem + slash.group(1), signal,
                                           weight, STRONG, other.type, other, key=other.key))
            if entry.type == "model":
                tail = P.VARIANT_TAIL.match(doc, end)
                derived = _DERIVED_TAIL.match(doc, end)
                if derived and not (tail and tail.end() >= derived.end()) \
                        and gaz.lookup(doc[start:derived.end()]) is None:
                    # "Baichuan-Audio-Tokenizer": a new name built on a family's, not the family
                    surface = doc[start:derived.end()]
                    out.append(Mention(start, derived.end(), surface, signal, weight, STRONG,
                                       None, None, key=entity_key(surface),
                                       family=entry.family or entry.name))
                    continue
                if tail and tail.end() > end:
                    end = tail.end()
                    while end > m.end and doc[end - 1] in ".-":
                        end -= 1
                    family = entry.family or entry.name
                else:
                    family = entry.family
            surface = doc[start:end]
            if end != m.end:
                known = gaz.lookup(surface)
                if known is not None:
                    entry, family = known, known.family
            key = entity_key(surface) if end != m.end and gaz.lookup(surface) is None \
                else entry.key
            out.append(Mention(start, end, surface, signal, weight, STRONG, entry.type,
                               entry if end == m.end or gaz.lookup(surface) else None,
                               key=key, family=family))
        return out

    def _span(self, doc: str, start: int, end: int) -> tuple[int, int] | None:
        """Trim determiners, trailing connectors and possessives off a captured name."""
        text = doc[start:end]
        cut = _modifier_cut(text)
        if cut is not None:  # "StarCoder-based LLM" names StarCoder
            end = start + cut
            text = doc[start:end]
        m = _TRIM_HEAD.match(text)
        if m:
            start += m.end()
        text = doc[start:end]
        m = _TRIM_TAIL.search(text)
        if m:
            end = start + m.start()
        m = _POSSESSIVE.search(doc[start:end])
        if m:
            end = start + m.start()
        m = _GENERIC_TAIL.search(doc, start, end) if " " in doc[start:end] else None
        if m and m.group(1).lower() in _COMMON_CAPS and doc[end:end + 2] != " (":
            # "SemiEvol for LLM adaptation"; an acronym's long form keeps its words
            end = m.start()
        return (start, end) if end - start >= 2 else None

    def _generic(self, surface: str) -> bool:
        key = norm_key(surface)
        if not key or key in self.gaz.generic or singular_key(key) in self.gaz.generic:
            return True
        return surface.lower() in _COMMON_CAPS or key.isdigit() or surface in P.NAME_ADJECTIVES

    def _mentions(self, doc: str, title: str, sents: list[tuple[int, str]]) -> list[Mention]:
        """Every span some signal proposes, with its weight, tier and hints."""
        padded = boundary_text(doc) or " " + " " * len(doc) + " "
        ms = self._gaz_mentions(self.gaz, doc, padded, 1.0, "gazetteer")
        if len(self.corpus):
            ms += self._gaz_mentions(self.corpus, doc, padded, 1.0, "corpus")
        page = _Page(self, doc, title, sents, ms)
        self._title_mentions(page)
        intro, ours, list_spans, headed, appositives = P.cue_spans(doc, padded)
        self._intro_mentions(page, intro, ours, appositives)
        self._acronym_mentions(page)
        self._shape_mentions(page, headed)
        self._coined_mentions(page)
        for s, e in caps_runs(doc, set(page.starts)):
            page.add(s, e, "caps-phrase", 0.5, WEAK)
        self._list_mentions(page, list_spans)
        _own_variants(ms)
        return ms

    def _add(self, page: _Page, start: int, end: int, signal: str, weight: float, tier: int,
             type_hint: str | None = None, introduced: bool = False) -> Mention | None:
        """A proposed span, trimmed and checked; None when it is no possible name."""
        doc, title = page.doc, page.title
        span = self._span(doc, start, end)
        if span is None:
            return None
        surface = doc[span[0]:span[1]]
        if tier == WEAK and span[0] < len(title) and doc.find(surface, len(title)) < 0:
            return None  # Title Case makes every title word look like a name
        if self._generic(surface) or len(surface) > 80 or P.size_only(surface) \
                or ". " in surface or P.unit_only(surface):
            return None
        known = self.gaz.lookup(surface)
        mention = Mention(span[0], span[1], surface, signal, weight, tier,
                          known.type if known else type_hint, known,
                          introduced=introduced,
                          key=known.key if known else entity_key(surface),
                          family=known.family if known else None)
        page.ms.append(mention)
        return mention

    @staticmethod
    def _title_mentions(page: _Page) -> None:
        """The name before a title's colon (when it names something) and a coined tail."""
        doc, title = page.doc, page.title
        span = P.title_name(title)
        if span and not (P.looks_coined(doc[span[0]:span[1]]) or " " not in doc[span[0]:span[1]]
                         or doc.find(doc[span[0]:span[1]], len(title)) > 0
                         or _SUBTITLE_KIND.match(title, span[1])):
            span = None
        if span and _named_as_problem(doc, len(title), doc[span[0]:span[1]]):
            span = None
        if span:
            hint = "model" if P.is_report(title) else (
                "benchmark" if P.title_says_benchmark(title[span[1]:]) else None)
            page.add(*span, "title", 1.0, STRONG, hint, introduced=True)
        span = P.title_tail_name(title)
        if span and P.looks_coined(doc[span[0]:span[1]]):
            page.add(*span, "title", 1.0, STRONG, introduced=True)

    @staticmethod
    def _intro_mentions(page: _Page, intro: list[tuple[int, int]],
                        ours: list[tuple[int, int]],
                        appositives: list[tuple[int, int]]) -> None:
        """Names an introduction cue presents; a known name is not new unless coined."""
        doc, tlen = page.doc, len(page.title)
        for s, e in ours:
            page.add(s, e, "intro", 1.0, STRONG, introduced=True)
        for s, e in intro:
            m = page.add(s, e, "intro", 1.0, STRONG, introduced=True)
            if m is not None and m.gaz is not None and m.start > tlen \
                    and not _COINED_BEFORE.search(doc, max(0, m.start - 20), m.start):
                m.introduced = False
        for s, e in appositives:
            page.add(s, e, "intro", 0.8, STRONG, introduced=True)

    def _acronym_mentions(self, page: _Page) -> None:
        """Acronym–definition pairs: the spelled-out form decides the acronym's identity."""
        doc, ms = page.doc, page.ms
        defined: dict[str, Mention] = {}  # acronyms this paper spells out
        for pair in find_pairs(doc):
            proposed = bool(_PROPOSED_LEAD.search(doc, max(0, pair.long_start - 60),
                                                  pair.long_start))
            # what a paper proposes with an acronym is a name, even in lower case
            weight = 1.0 if proposed or self._long_form_ok(pair.long) else 0.3
            short = page.add(pair.short_start, pair.short_end, "acronym", weight, STRONG)
            long = page.add(pair.long_start, pair.long_end, "acronym", weight, STRONG,
                            introduced=proposed)
            if long is not None and long.gaz is not None:
                long.introduced = False
            fuller = next((m for m in ms if m.signal == "intro" and m.end == pair.long_end
                           and m.start < pair.long_start), None)
            if fuller is not None:  # a longer introduced name that ends at the bracket
                long = fuller
            if short and long:
                # an acronym the gazetteer knows for another long form is this paper's own
                short.gaz, short.type_hint, short.key = long.gaz, long.type_hint, long.key
                defined[entity_key(short.surface)] = long
        for m in ms:  # the paper's own expansion of an acronym beats the gazetteer's
            long = defined.get(entity_key(m.surface))
            if long is not None and m.key != long.key:
                m.key, m.gaz, m.type_hint = long.key, long.gaz, long.type_hint

    @staticmethod
    def _shape_mentions(page: _Page, headed: list[tuple[int, int, str]]) -> None:
        """Sized and released checkpoints, headed names, benchmark-shaped names."""
        doc = page.doc
        for s, e in [*P.model_shapes(doc), *P.release_shapes(doc)]:
            m = page.add(s, e, "model-shape", 1.0, STRONG, "model")
            if m is not None and m.family is None:
                m.family = model_family(m.surface)
        for s, e, kind in headed:
            m = page.add(s, e, "headed", 0.6, WEAK, kind)
            if m is not None and (P.looks_coined(m.surface) or m.start > len(page.title)) \
                    and not (len(m.surface) <= 3 and m.surface.isalpha() and m.surface.isupper()):
                m.weight = 1.0  # short capitals before a head noun need another signal
        for s, e in P.bench_word_shapes(doc):
            page.add(s, e, "bench-shape", 1.0, WEAK, "benchmark")
        for s, e in P.paren_names(doc):
            page.add(s, e, "coined", 1.0, WEAK)
        for s, e in P.bench_shapes(doc):
            page.add(s, e, "bench-shape", 1.0, WEAK, "benchmark")

    @staticmethod
    def _coined_mentions(page: _Page) -> None:
        """Coined-looking tokens; one coordinated with a known name is a name of its kind."""
        doc = page.doc
        known_at = {}
        for k in page.ms:
            if k.gaz is not None:
                known_at[k.start] = known_at[k.end] = k.gaz.type
        for s, e in P.inner_caps(doc):
            m = page.add(s, e, "coined", 0.5, WEAK)
            if m is None:
                continue
            after = _COORD_AFTER.match(doc, m.end)
            before = _COORD_BEFORE.search(doc, max(0, m.start - 7), m.start)
            kind = (known_at.get(after.end()) if after else None) or (
                known_at.get(before.start()) if before else None)
            if kind:
                m.weight, m.list_hint = 1.0, kind

    @staticmethod
    def _list_mentions(page: _Page, list_spans: list[tuple[int, int, int]]) -> None:
        """Items of enumerations in sentences about models or benchmarks.

        An enumeration with a known member, or of coined names, is a list of names of one
        kind: the known members' kind, else what the sentence is about.
        """
        sents, starts = page.sents, page.starts
        context: dict[int, bool] = {}
        known = [(m.start, m.end, m.gaz) for m in page.ms if m.gaz is not None]
        lists: dict[int, list[Mention]] = defaultdict(list)
        for s, e, base in list_spans:
            idx = bisect.bisect_right(starts, base) - 1
            if idx not in context:
                sent = sents[idx][1]
                context[idx] = P.bench_context(sent) or P.model_context(sent)
            m = page.add(s, e, "list", 0.4, WEAK) if context[idx] else None
            if m is not None:
                lists[base].append(m)
        for base, items in lists.items():
            kinds = Counter(k.type for m in items for s, e, k in known
                            if s < m.end and m.start < e)
            if kinds:
                kind = kinds.most_common(1)[0][0]
            else:
                sent = sents[bisect.bisect_right(starts, base) - 1][1]
                kind = "benchmark" if P.bench_context(sent) else "model"
            for m in items:
                if kinds or P.looks_coined(m.surface):
                    m.weight = 1.0
                if m.gaz is None and m.type_hint is None:
                    m.list_hint = kind  # weaker than what the words around the name say

    def _long_form_ok(self, long: str) -> bool:
        """Whether an acronym's long form names a technique, model or benchmark."""
        if self.gaz.lookup(long) is not None:
            return True
        if self._generic(long):
            return False
        words = long.lower().replace("-", " ").split()
        head = words[-1] if words else ""
        if head in _TASK_HEADS or singular_key(head) in _TASK_HEADS or head == "learning":
            return False  # tasks and areas ("... learning") need the gazetteer's word
        caps = sum(1 for w in long.split() if w[:1].isupper())
        if len(long.split()) == 1:
            return caps == 1  # "Microscaling (MX)"
        return head in _METHODISH_HEADS or caps >= max(2, len(long.split()) - 1)

    @staticmethod
    def _resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
        """Keep the strongest, then longest span wherever spans overlap."""
        mentions.sort(key=lambda m: (-m.tier, -(m.end - m.start), -m.weight,
                                     -len(m.family or ""), m.start))
        covered: set[int] = set()  # character offsets already inside a kept span
        kept = []
        for m in mentions:
            if m.start in covered or (m.end - 1) in covered or any(
                    i in covered for i in range(m.start, m.end)):
                if m.signal == "crf":  # the tagger's view is already on every mention
                    continue
                # an identical span from another signal still adds its evidence
                for k in kept:
                    if k.start == m.start and k.end == m.end:
                        k.weight = max(k.weight, m.weight) + 0.0
                        k.introduced = k.introduced or m.introduced
                        if m.signal not in k.signal:
                            k.signal += "+" + m.signal
                        if m.signal == "acronym":  # the pair in the text decides identity
                            k.gaz, k.key = m.gaz, m.key
                        elif k.gaz is None and m.gaz is not None:
                            k.gaz, k.key = m.gaz, m.gaz.key
                        if k.type_hint is None:
                            k.type_hint = m.type_hint
                continue
            covered.update(range(m.start, m.end))
            kept.append(m)
        kept.sort(key=lambda m: m.start)
        return kept

    # --- grouping -------------------------------------------------------------------
    def _entities(self, doc: str, tlen: int, sents: list[tuple[int, str]], starts: list[int],
                  mentions: list[Mention]) -> list[tuple[Entity, Candidate]]:
        uf: LabelledSets[str] = LabelledSets()
        keys = {m.key for m in mentions}
        for m in mentions:
            uf.find(m.key)
            surface_key = entity_key(m.surface)
            if surface_key != m.key:  # "UnMix-TNS" elsewhere joins its acronym pair
                uf.link(m.key, surface_key)
            sing = singular_key(m.key)
            if sing != m.key and sing in keys:
                uf.link(sing, m.key)
            if m.gaz is not None:
                uf.link(m.gaz.key, m.key)
            elif m.key in self.acronyms:
                long_key = entity_key(self.acronyms[m.key])
                if long_key in keys:
                    uf.link(long_key, m.key)
        groups: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            groups[uf.find(m.key)].append(m)
        entities = []
        for group in groups.values():
            ent = self._entity(doc, tlen, sents, starts, group)
            entities.append((ent, self._candidate(doc, tlen, group, ent)))
        return entities

    def _entity(self, doc: str, tlen: int, sents: list[tuple[int, str]], starts: list[int],
                group: list[Mention]) -> Entity:
        best: dict[str, float] = {}
        for m in group:
            if m.signal != "crf":  # the hand-set weights know nothing of the tagger
                best[m.signal] = max(best.get(m.signal, 0.0), m.weight)
        score = max(best.values()) + 0.15 * (len(group) - 1) + 0.1 * (len(best) - 1) \
            if best else 0.0
        if any(m.start < tlen for m in group):
            score += 0.3
        gaz = next((m.gaz for m in group if m.gaz is not None), None)
        known = gaz is not None and not gaz.corpus  # a corpus name may be this paper's own
        introduced = any(m.introduced for m in group) or any(
            (m.gaz is None or m.gaz.corpus) and self.gaz.lookup(m.surface) is None
            and self._in_intro_clause(doc, m)
            for m in group) or (
            not known and any(m.start < tlen for m in group)
            and any(m.start > tlen and P.looks_coined(m.surface) for m in group))
        surfaces = list(dict.fromkeys(m.surface for m in group))
        by_key: dict[str, str] = {}
        for s in surfaces:
            by_key.setdefault(norm_key(s), s)
        distinct = list(by_key.values())
        name = max(distinct, key=lambda s: (len(s.split()), len(s), -surfaces.index(s)))
        aliases = [s for s in distinct if s != name]
        if gaz is not None and name.endswith("s"):  # "LoRAs" names LoRA
            spellings = {norm_key(a) for a in [gaz.name, *gaz.aliases]}
            if norm_key(name) not in spellings and norm_key(name[:-1]) in spellings:
                aliases, name = [name, *aliases], name[:-1]
        short = _DISPLAY_SUFFIX.sub("", name) if name.lower().endswith(_DISPLAY_WORDS) else name
        if short != name and short and norm_key(short) not in by_key \
                and not short.rsplit(" ", 1)[-1].islower():
            aliases, name = [name, *aliases], short  # "the Reddit dataset" names Reddit
        etype, typed_by = self._type(doc, sents, starts, group, gaz)
        evidence, sources = [], []
        for m in group:
            idx = bisect.bisect_right(starts, m.start) - 1
            sent = sents[idx][1]
            if sent not in evidence:
                evidence.append(sent)
            src = "title" if m.start < tlen else "abstract"
            if src not in sources:
                sources.append(src)
        family = next((m.family for m in group if m.family), None)
        canonical = gaz.name if gaz is not None else None
        key = gaz.key if gaz is not None else entity_key(name)
        if family and norm_key(family) == key:
            family = None
        return Entity(name=name, type=etype, aliases=aliases, introduced=introduced,
                      evidence=evidence[:3], key=key, canonical=canonical, family=family,
                      sources=sources, count=len(group), score=round(score, 2),
                      typed_by=typed_by)

    @staticmethod
    def _candidate(doc: str, tlen: int, group: list[Mention], ent: Entity) -> Candidate:
        """What the signals showed of one group, for the learned decision."""
        signals: dict[str, float] = {}
        for m in group:
            for sig in m.signal.split("+"):
                signals[sig] = max(signals.get(sig, 0.0), m.weight)
        gaz = next((m.gaz for m in group if m.gaz is not None), None)
        first = min(group, key=lambda m: m.start)
        extra = {}
        head = _NEXT_WORD.match(doc, first.end)
        if head and head.group(1).lower() in _HEAD_KIND:
            extra[f"next:{_HEAD_KIND[head.group(1).lower()]}"] = 1.0
        before = doc[max(0, first.start - 12):first.start].split()
        if before:
            extra["prev:det"] = float(before[-1].lower() in ("the", "a", "an", "our"))
            extra["prev:on"] = float(before[-1].lower() in ("on", "in", "across", "of"))
        extra["generic_head"] = float(ent.name.replace("-", " ").split()[-1].lower()
                                      in _TASK_HEADS) if ent.name.strip() else 0.0
        extra["crf:p"] = max(m.crf for m in group)
        crf_type = next((m.crf_type for m in group if m.crf_type), None)
        if crf_type:
            extra["crf:type:" + crf_type] = 1.0
        extra["method_head"] = float(ent.name.replace("-", " ").split()[-1].lower()
                                     in _METHODISH_HEADS) if ent.name.strip() else 0.0
        return Candidate(
            name=ent.name, surfaces=[ent.name, *ent.aliases], signals=signals,
            positions=[m.start for m in group], title_len=tlen, doc_len=len(doc),
            gaz_type=gaz.type if gaz is not None and not gaz.corpus else None,
            corpus_name=gaz is not None and gaz.corpus, rule_score=ent.score,
            rule_type=ent.type, typed_by=ent.typed_by, rule_introduced=ent.introduced,
            # the words around a known name add little to what the gazetteer says
            context=None if gaz is not None else context_type(doc, first.start, first.end),
            has_pair="acronym" in signals,
            list_hint=next((m.list_hint for m in group if m.list_hint), None), extra=extra)

    @staticmethod
    def _in_intro_clause(doc: str, m: Mention) -> bool:
        """A new name right after ``we propose/introduce ...`` in the same clause."""
        if _PASSIVE_INTRO.match(doc, m.end) or (m.start > 0 and doc[m.start - 1] in ".\n "
                                                 and _NEW_AFTER.match(doc, m.end)):
            return True  # "an audio tokenizer (X) has been designed", "X is a new benchmark"
        if _PLURAL_AFTER.match(doc, m.end):  # "presents synthetic Foo (PO) datasets": a kind
            return False
        before = doc[max(0, m.start - 70):m.start]
        cut = max(before.rfind(". "), before.rfind("\n"), before.rfind(", which"))
        before = before[cut + 1:]
        if _INTRO_BEFORE.search(before):
            return True
        short_caps = len(m.surface) <= 3 and m.surface.isupper()  # "a new MU paradigm"
        return not short_caps and bool(_NEW_BEFORE.search(before))

    def _type(self, doc: str, sents: list[tuple[int, str]], starts: list[int],
              group: list[Mention], gaz: GazEntry | None) -> tuple[str, str]:
        """The entity's type and what decided it."""
        if gaz is not None:
            return gaz.type, "gazetteer"
        kind = self._type_from_name(doc, group)
        if kind is not None:
            return kind, "signal"
        votes: Counter[str] = Counter()
        for m in group:
            if m.type_hint:
                votes[m.type_hint] += 2
        if votes:
            return votes.most_common(1)[0][0], "signal"
        for m in group:
            cue = context_type(doc, m.start, m.end)
            if cue:
                votes[cue] += 1
        if votes:
            return votes.most_common(1)[0][0], "context"
        for m in group:
            if m.list_hint:
                votes[m.list_hint] += 1
        if votes:
            return votes.most_common(1)[0][0], "signal"
        return "method", "default"

    def _type_from_name(self, doc: str, group: list[Mention]) -> str | None:
        """The type the name itself says: a head noun right after it, a known family it
        starts with (a model or benchmark), or its own last word."""
        for m in group:
            head = _NEXT_WORD.match(doc, m.end)
            if head and head.group(1).lower() in _HEAD_KIND:
                return _HEAD_KIND[head.group(1).lower()]
        prefix = self.gaz.lookup(re.split(r"[- ]", group[0].surface)[0])
        if prefix is not None and prefix.type != "method":
            return prefix.type
        head = group[0].surface.replace("-", " ").split()[-1].lower()
        if head.endswith(_BENCH_HEADS) and group[0].surface[-1:].isalpha():
            return "benchmark"
        if head in _METHODISH_HEADS and head not in ("model", "network", "transformer"):
            return "method"
        return None


class _Page:
    """One paper's text while its spans are collected: ``add`` proposes a span."""

    def __init__(self, extractor: Extractor, doc: str, title: str,
                 sents: list[tuple[int, str]], ms: list[Mention]) -> None:
        self.doc, self.title, self.sents, self.ms = doc, title, sents, ms
        self.starts = [off for off, _ in sents]
        self._extractor = extractor

    def add(self, start: int, end: int, signal: str, weight: float, tier: int,
            type_hint: str | None = None, introduced: bool = False) -> Mention | None:
        return self._extractor._add(self, start, end, signal, weight, tier, type_hint,
                                    introduced)


def _covers(toks: list[tuple[int, int]], ms: list[Mention]) -> list[list[str]]:
    """Per token, which signal spans cover it (``B:``/``I:`` signal, and the gazetteer's
    type)."""
    covers: list[list[str]] = [[] for _ in toks]
    for m in ms:
        idx = token_index(toks, m.start, m.end)
        tag = m.signal if m.gaz is None else f"{m.signal}:{m.gaz.type}"
        for n, i in enumerate(idx):
            covers[i].append(("B:" if n == 0 else "I:") + tag)
    return covers


def _named_as_problem(doc: str, tlen: int, name: str) -> bool:
    """Whether the abstract calls a title name a class of problems (``X (BLO) problems``)."""
    low, name = doc.lower(), name.lower()
    at = low.find(name, tlen)
    while at > 0:
        if _PROBLEM_AFTER.match(doc, at + len(name)):
            return True
        at = low.find(name, at + 1)
    return False


def _own_variants(ms: list[Mention]) -> None:
    """A name that extends one the paper introduces (``X-Tiny`` after ``we introduce X``)
    is introduced too, of the same type."""
    own = {m.surface for m in ms if m.introduced and m.gaz is None and len(m.surface) > 3}
    if not own:
        return
    for m in ms:
        if m.gaz is not None or m.introduced:
            continue
        name = next((n for n in own if m.surface.startswith(n)
                     and _VARIANT_OF_OWN.fullmatch(m.surface, len(n))), None)
        if name is not None:
            m.weight, m.introduced = max(m.weight, 1.0), True
            m.type_hint = m.type_hint or next(
                (k.type_hint for k in ms if k.surface == name and k.type_hint), None)


_APPOSITIVE = re.compile(r"^,? (?:which is |that is |is |was |are |, )?(?:a|an|the|our) ")


def context_type(doc: str, start: int, end: int) -> str | None:
    """The type a name's neighbourhood suggests: ``X, a new benchmark`` / ``the X model``.

    Looks at the head noun right after the name, then at an appositive (``X, a ...``),
    then at the few words before it; None when nothing says.
    """
    after = re.split(r"[.;()]", doc[end:end + 70])[0]
    windows = []
    m = _HEAD_AFTER.match(after)
    if m:
        windows.append(m.group(0))
    if _APPOSITIVE.match(after):
        windows.append(after)
    parts = re.split(r"[.;(),\n]", doc[max(0, start - 30):start])
    before = parts[-1]
    if not before.strip() and len(parts) > 1 and doc[start - 2:start] == ", ":
        before = " ".join(parts[-2].split()[-2:])  # "a new benchmark, CodeTrap"
    before = " ".join(before.split()[-3:])  # only the words right before the name
    for text, nearest_last in [(w, False) for w in windows] + [(before, True)]:
        best: tuple[int, str] | None = None
        for kind, pattern in (("benchmark", _BENCH_WORDS), ("model", _MODEL_WORDS),
                              ("method", _METHOD_WORDS)):
            for cue in pattern.finditer(text):
                # after a name the first cue is its head; before it, the last one is
                pos = -cue.end() if nearest_last else cue.start()
                if best is None or pos < best[0]:
                    best = (pos, kind)
        if best:
            return best[1]
    return None


_HEAD_AFTER = re.compile(r"^ (?:[\w-]+ )?[\w-]+")
