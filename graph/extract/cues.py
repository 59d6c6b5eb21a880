"""What the words around a candidate say about it, as features for the learned decision.

A name's role shows in the verbs and prepositions that govern it: what a paper evaluates
*on* is a benchmark, what it fine-tunes or prompts is a model, what it compares with or
outperforms is a peer system, what it applies or builds on is a technique. These cues are
field-independent English, so they carry to papers of any venue. Each cue family is one
regular expression over the few words right before (or after) a mention; a candidate
takes the union over its mentions, so a name used once as a benchmark keeps that cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: words right before a name, in its clause: (feature, pattern ending at the name)
_BEFORE = (
    ("before:evaluate", re.compile(
        r"(?i)\b(?:evaluat\w*|benchmark\w*|test\w*|experiments?|results?|accuracy|"
        r"performance|scores?|sota|state-of-the-art|gains?|improvements?)"
        r"(?: [\w-]+){0,4} (?:on|across|in|over|using)(?: the| a)?(?: [\w-]+)? $")),
    ("before:train_on", re.compile(
        r"(?i)\b(?:trained|pre-?trained|fine-?tuned|finetuned|curated|collected|sourced|"
        r"derived|constructed|built)(?: [\w-]+){0,3} (?:on|from)(?: the)? $")),
    ("before:tune", re.compile(
        r"(?i)\b(?:fine-?tun\w*|finetun\w*|prompt\w*|quer\w*|distill\w*|deploy\w*|"
        r"instruct\w*|align\w*|pre-?train\w*|serv\w*)(?: \w+)?(?: the| a)? $")),
    ("before:compare", re.compile(
        r"(?i)\b(?:outperform\w*|surpass\w*|beat\w*|exceed\w*|compar\w*(?: \w+)? (?:to|with|"
        r"against)|than|rivals?|matches|over|against|versus|vs\.?|baselines?(?: such as| like| including)?)"
        r"(?: the| strong| state-of-the-art| existing| prior)* $")),
    ("before:apply", re.compile(
        r"(?i)\b(?:apply\w*|appl(?:ied|ies)|using|uses?|employ\w*|leverag\w*|adopt\w*|via|"
        r"through|combin\w*|integrat\w*|incorporat\w*|extend\w*|based on|built on|inspired by|"
        r"replac\w*|optimi[sz]ed with|trained with|with)(?: the| a| an)? $")),
    ("before:such_as", re.compile(r"(?i)\b(?:such as|including|like|e\.g\.,?|i\.e\.,?) $")),
    ("before:variant", re.compile(r"(?i)\b(?:variants? of|version of|family|series) $")),
)
#: words right after a name: (feature, pattern starting right after the name)
_AFTER = (
    ("after:verb_result", re.compile(
        r"(?i)^,?(?: \w+)? (?:achiev\w*|outperform\w*|surpass\w*|attain\w*|reach\w*|"
        r"improv\w*|deliver\w*|beat\w*|matches|exceed\w*)\b")),
    ("after:consists", re.compile(
        r"(?i)^,?(?: \w+)? (?:consists?|contains?|compris\w*|covers?|spans?|includes?|"
        r"features?)\b")),
    ("after:enables", re.compile(
        r"(?i)^,?(?: \w+)? (?:enabl\w*|allow\w*|reduc\w*|learns?|leverag\w*|uses?|"
        r"employs?|introduces?|combines?|decompos\w*|optimi[sz]\w*)\b")),
    ("after:param", re.compile(r"(?i)^(?:,| with)? (?:\d[\d.]*[BMK]?|[\w-]+) parameters?\b")),
    ("after:coord", re.compile(r"^(?:,| and| or) ")),
)
_CLAUSE = re.compile(r"[.;:!?()\n]")


def cue_features(doc: str, spans: Iterable[tuple[int, int]]) -> dict[str, float]:
    """Which cue families occur around any of a candidate's mentions (1.0 each), and
    in how many of the mentions' contexts some cue fired (a share)."""
    found: dict[str, float] = {}
    spans = list(spans)
    with_cue = 0
    for start, end in spans:
        before = _CLAUSE.split(doc[max(0, start - 60):start])[-1]
        after = _CLAUSE.split(doc[end:end + 60])[0]
        hit = False
        for name, pattern in _BEFORE:
            if pattern.search(before):
                found[name] = 1.0
                hit = True
        for name, pattern in _AFTER:
            if pattern.match(after):
                found[name] = 1.0
                hit = True
        with_cue += hit
    if spans:
        found["cue:share"] = with_cue / len(spans)
    return found
