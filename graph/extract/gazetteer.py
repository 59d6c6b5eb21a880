"""The gazetteer: known methods, models and benchmarks, matched by one Aho–Corasick pass.

Data files are plain text, one entity a line, grouped under ``[model]``, ``[method]``,
``[benchmark]`` or ``[generic]`` headers (``generic`` lists names that are *not*
entities: tasks, areas, classes of things)::

    [model]
    Llama 2 | LLaMA-2 | Llama2 ; 7B 13B 70B
    [method]
    Direct Preference Optimization | DPO

The first name is the canonical one, ``|`` separates aliases, and the part after ``;``
lists sizes that expand into variant models (``Llama 2 7B`` VARIANT_OF ``Llama 2``).
Users add their own files with ``CITEGRAPH_GAZETTEER=path[:path]`` or the ``gazetteer``
parameter / ``--gazetteer`` option; their entries win over the shipped ones.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import ahocorasick

from citegraph.errors import (
    GazetteerError,  # noqa: F401  (old import path)
)
from citegraph.graph.extract.text import norm_key

ENTITY_KINDS = ("method", "model", "benchmark")
GENERIC = "generic"
ENV_VAR = "CITEGRAPH_GAZETTEER"


@dataclass
class GazEntry:
    """One known entity: canonical name, type, every spelling, and its family if a variant."""

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    family: str | None = None
    corpus: bool = False  # learnt from the corpus being extracted, not a shipped fact

    @property
    def key(self) -> str:
        return norm_key(self.name)


_ACRONYM = re.compile(r"^[A-Z]{2,5}s?$")


def surface_forms(name: str, plural: bool = False) -> set[str]:
    """Spellings a text may use for a name: hyphen/space swaps, joined letter-digit runs.

    With ``plural``, acronyms and multi-word names also match with a plural ``s``
    (``GANs``, ``graph neural networks``).
    """
    forms = {name}
    if "-" in name or " " in name:
        forms.add(name.replace("-", " "))
        forms.add(name.replace(" ", "-"))
        forms.add(re.sub(r"(?<=[A-Za-z])[- ](?=\d)", "", name))
    if re.search(r"[A-Za-z]\d", name) and len(name) > 3:
        forms.add(re.sub(r"(?<=[A-Za-z])(?=\d)", "-", name))
        forms.add(re.sub(r"(?<=[A-Za-z])(?=\d)", " ", name))
    if plural and name[-1:].isalpha() and not name.endswith("s") and (
            _ACRONYM.match(name) or " " in name or "-" in name or name[-1].isupper()):
        forms |= {f + "s" for f in forms}
    return {f for f in forms if len(f) >= 2}


def case_ok(form: str, surface: str) -> bool:
    """Whether the text's spelling is close enough in case to the known form.

    Lower-case names match in any case; short letter acronyms only exactly (``MATH`` is
    not ``math``); other names need some capital where the known form has one.
    """
    if form == surface or not any(c.isalpha() for c in form):
        return True
    if form.islower():  # short lower-case names (o1, t5) only as written
        return len(form) > 4 or surface.islower()
    if any(c.isdigit() for c in form) and surface.islower() and len(form) > 4:
        return True  # llama-2-chat, gpt-4o: unambiguous with the digits
    if _ACRONYM.match(form):
        return surface == form or surface.upper() == form and surface[:-1].isupper()
    if " " in form and not any(c.isupper() for w in form.split() for c in w[1:]) \
            and not form.startswith("The "):
        return True  # "Direct Preference Optimization" is often written in lower case
    if form[0].isupper() and not surface[0].isupper() and form[0].isalpha():
        return False
    if any(c.isupper() for c in form[1:]) and not any(c.isupper() for c in surface[1:]) \
            and not form[:2].isupper() and " " not in form:
        return False  # "ComplEx" is not "Complex"; "LLaMA" may be "Llama"
    return any(c.isupper() for c in surface) or not any(c.isupper() for c in form[1:])


@dataclass
class Match:
    """A gazetteer hit in a text."""

    start: int
    end: int
    surface: str
    entry: int  # index into Gazetteer.entries


class Gazetteer:
    """Entries plus an automaton over their lower-cased spellings."""

    def __init__(self, entries: Iterable[GazEntry] = (), exact_case: bool = False) -> None:
        self.exact_case = exact_case  # names learnt from a corpus match only as spelled
        self.entries: list[GazEntry] = []
        self.by_key: dict[str, int] = {}
        self.generic: set[str] = set()
        self._automaton: ahocorasick.Automaton | None = None
        for entry in entries:
            self.add(entry)

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, entry: GazEntry) -> int:
        """Add or replace an entry (a later file overrides an earlier one by key)."""
        if entry.type == GENERIC:
            self.generic.update(norm_key(n) for n in [entry.name, *entry.aliases])
            return -1
        if entry.type not in ENTITY_KINDS:
            raise GazetteerError(f"unknown entity type {entry.type!r} for {entry.name!r}")
        idx = self.by_key.get(entry.key)
        if idx is None:
            idx = len(self.entries)
            self.entries.append(entry)
        else:
            old = self.entries[idx]
            entry.aliases = list(dict.fromkeys([*entry.aliases, *old.aliases]))
            self.entries[idx] = entry
        for alias in [entry.name, *entry.aliases]:
            self.by_key.setdefault(norm_key(alias), idx)
        self._automaton = None
        return idx

    def lookup(self, name: str) -> GazEntry | None:
        idx = self.by_key.get(norm_key(name))
        return None if idx is None else self.entries[idx]

    @property
    def automaton(self) -> ahocorasick.Automaton:
        """Built on first use, so loading the package stays cheap.

        Keys are `` form `` (space-padded) over :func:`boundary_text`; values list
        ``(entry index, form)`` pairs, since different entries can share a spelling.
        """
        if self._automaton is None:
            auto = ahocorasick.Automaton()
            for idx, entry in enumerate(self.entries):
                for alias in dict.fromkeys([entry.name, *entry.aliases]):
                    for form in surface_forms(alias, plural=entry.type != "model"):
                        low = boundary_text(form)
                        if low is None or len(low.strip()) < 2:
                            continue
                        keys = [low]
                        if entry.type == "model":  # Phi-3-mini-4k-instruct: a family, then more
                            keys.append(low[:-1] + "-")
                        for key in keys:
                            hits = auto.get(key) if key in auto else []
                            auto.add_word(key, [*hits, (idx, form)])
            if len(auto):
                auto.make_automaton()
            self._automaton = auto
        return self._automaton

    def find(self, text: str, lower: str | None = None,
             padded: str | None = None) -> Iterator[Match]:
        """Every whole-word, case-compatible hit of an entry in ``text`` (overlaps included).

        The automaton runs over :func:`boundary_text`, where keys are padded with spaces,
        so it only ever reports whole words: no per-hit boundary checks in Python.
        """
        auto = self.automaton
        if not len(auto):
            return
        if padded is None:
            padded = boundary_text(text, lower)
        if padded is None:
            return
        for end, payload in auto.iter(padded):
            length = len(payload[0][1])
            start = end - length - 1  # key = " form ": last char at padded end - 1
            surface = text[start:start + length]
            if not _SURFACE_OK.match(surface):
                continue  # "o(1)" is not o1: brackets or commas inside are no name
            for idx, form in payload:
                if (surface == form or surface == form + "s") if self.exact_case \
                        else case_ok(form, surface):
                    yield Match(start, start + length, surface, idx)
                    break


#: Characters that end a word: everything but letters, digits and ``_.+*&'’-``.
_SEPARATORS = {i: " " for i in range(128) if not (chr(i).isalnum() or chr(i) in "_.+*&'-")}
_SEPARATORS.update({ord(c): " " for c in "“”‘«»–—…·•×±≤≥→←©®™\u00a0\u2009\u202f"})
_SURFACE_OK = re.compile(r"^[\w .+*&'’/×-]+$")
_WORD_END = re.compile(r"[.'’](?= |$)")
_SUFFIX_HYPHEN = re.compile(r"-(?=(?:based|like|style|level|specific|driven|tuned|powered|"
                            r"generated|guided|aware|free|only|sized|scale|class|type|family|"
                            r"series|inspired|centric|derived|enhanced|as)\b)")


def boundary_text(text: str, lower: str | None = None) -> str | None:
    """`` text `` lower-cased, with every word-separating character turned into a space.

    Offsets are kept (one character for one), so a hit at ``i`` is ``text[i - 1]``.
    """
    lower = text.lower() if lower is None else lower
    if len(lower) != len(text):
        return None
    out = lower.translate(_SEPARATORS)
    if ". " in out or "' " in out or "’ " in out or out.endswith((".", "'", "’")):
        out = _WORD_END.sub(" ", out)
    if "-" in out:
        out = _SUFFIX_HYPHEN.sub(" ", out)
    return " " + out + " "


# --- files ---------------------------------------------------------------------------

def parse_lines(lines: Iterable[str], source: str = "<gazetteer>") -> Iterator[GazEntry]:
    """Entries of one gazetteer file (see the module docstring for the format)."""
    kind = None
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            kind = line[1:-1].strip().lower()
            if kind not in (*ENTITY_KINDS, GENERIC):
                raise GazetteerError(f"{source}:{lineno}: unknown section [{kind}]")
            continue
        if kind is None:
            raise GazetteerError(f"{source}:{lineno}: entry before any [section] header")
        names_part, _, sizes_part = line.partition(";")
        names = [n.strip() for n in names_part.split("|") if n.strip()]
        if not names:
            continue
        entry = GazEntry(names[0], kind, names[1:])
        yield entry
        for size in sizes_part.split():
            yield GazEntry(f"{names[0]} {size}", kind,
                           [f"{alias}-{size}" for alias in names[1:]], family=names[0])


def load_file(path: str | Path) -> list[GazEntry]:
    try:
        with open(path, encoding="utf-8") as fh:
            return list(parse_lines(fh, str(path)))
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read gazetteer ({exc.strerror})") from None


def user_files(extra: Iterable[str | Path] = ()) -> list[Path]:
    """Gazetteer files named by ``CITEGRAPH_GAZETTEER`` and by the caller, in that order."""
    env = os.environ.get(ENV_VAR, "")
    return [Path(p) for p in env.split(os.pathsep) if p] + [Path(p) for p in extra]


def load_gazetteer(extra: Iterable[str | Path] = (), builtin: bool = True) -> Gazetteer:
    """The shipped gazetteer plus user files (later entries override earlier ones)."""
    gaz = Gazetteer()
    if builtin:
        data = resources.files("citegraph.graph.extract") / "data"
        for item in sorted(data.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".txt"):
                text = item.read_text(encoding="utf-8")
                for entry in parse_lines(text.splitlines(), item.name):
                    gaz.add(entry)
    for path in user_files(extra):
        for entry in load_file(path):
            gaz.add(entry)
    return gaz
