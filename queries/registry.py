"""The registry of query helpers: what each one is called, takes, returns and means.

A helper is one Cypher text (run on Neo4j) plus one Python function over the in-memory
graph (the embedded backend), both returning the same plain rows. The CLI, the
:class:`~citegraph.queries.Queries` object and the parity test all iterate this registry,
so a helper added here is exposed and tested on both backends without further wiring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from citegraph.errors import BadArgument

Row = dict[str, Any]

#: Parameter kinds that name nodes through :mod:`citegraph.queries.resolve`. A ``term``
#: (an entity name or a keyword) always takes every node it fits.
REFERENCE_KINDS = frozenset({"entity", "paper", "author", "keyword", "benchmark", "model",
                             "node"})
#: What a helper does with a name that fits several nodes: ``error`` refuses it, listing
#: each candidate with its type and long form; ``all`` answers for all of them.
AMBIGUITY_CHOICES = ("error", "all")


@dataclass(frozen=True)
class Param:
    """One helper parameter; ``default`` of ``REQUIRED`` means it must be given."""

    name: str
    kind: str
    help: str
    default: Any = None
    required: bool = True

    def convert(self, raw: str) -> Any:
        """A command-line string as the value the helper expects."""
        if self.kind == "ambiguity":
            return self.check(raw)
        if self.kind != "int":
            return raw
        try:
            return int(raw)
        except ValueError:
            raise BadArgument(f"{self.name} must be a whole number, not {raw!r}") from None

    def check(self, value: Any) -> Any:
        """``value`` when this parameter accepts it; a bad ``ambiguous`` is refused here,
        before any work."""
        if self.kind == "ambiguity" and value not in AMBIGUITY_CHOICES:
            raise BadArgument(f"{self.name} must be one of {', '.join(AMBIGUITY_CHOICES)}, "
                              f"not {value!r}")
        return value


@dataclass(frozen=True)
class Helper:
    """A named, documented query with an implementation per backend.

    ``cypher`` runs with the helper's parameters (plus ``extra_params``) on Neo4j;
    ``post`` turns its raw records into the final rows when they need shaping in Python.
    ``neo4j`` replaces the single-statement path (for algorithms run through GDS);
    ``whole_graph`` marks a helper whose answer reads the whole graph.
    """

    name: str
    doc: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    embedded: Callable[..., list[Row]]
    cypher: str | None = None
    extra_params: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    post: Callable[[list[Row], dict[str, Any]], list[Row]] | None = None
    neo4j: Callable[..., list[Row]] | None = None
    approximate: tuple[str, ...] = field(default_factory=tuple)
    #: The answer reads the whole graph (a ranking, a histogram): on Neo4j it is computed
    #: once per graph version and argument set (:mod:`~citegraph.queries.neo4j_cache`).
    whole_graph: bool = False

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Positional and keyword arguments as a complete parameter dict, checked."""
        names = [p.name for p in self.params]
        if len(args) > len(names):
            raise BadArgument(f"{self.name}() takes {len(names)} arguments, got {len(args)}")
        values = dict(zip(names, args, strict=False))
        for key, value in kwargs.items():
            if key not in names:
                raise BadArgument(f"{self.name}() got an unexpected argument {key!r}")
            if key in values:
                raise BadArgument(f"{self.name}() got two values for {key!r}")
            values[key] = value
        for p in self.params:
            if p.name in values:
                p.check(values[p.name])
        for p in self.params:
            if p.name not in values:
                if p.required:
                    raise BadArgument(f"{self.name}() needs the argument {p.name!r}")
                values[p.name] = p.default
        return values


HELPERS: dict[str, Helper] = {}


#: The last parameter of every helper that takes a node reference.
AMBIGUOUS = Param("ambiguous", "ambiguity",
                  "error: refuse a name that fits several nodes, listing them; all: use "
                  "every node it fits", "error", required=False)


def register(helper: Helper) -> Helper:
    """Add ``helper`` to :data:`HELPERS`; a helper that takes a node reference gets the
    ``ambiguous`` parameter, so every such helper treats a name fitting several nodes the
    same way (its embedded function takes ``ambiguous`` too)."""
    if helper.name in HELPERS:
        raise ValueError(f"query helper {helper.name!r} registered twice")
    if any(p.kind in REFERENCE_KINDS for p in helper.params):
        helper = replace(helper, params=(*helper.params, AMBIGUOUS))
    HELPERS[helper.name] = helper
    return helper


def optional(name: str, kind: str, help: str, default: Any = None) -> Param:
    return Param(name, kind, help, default, required=False)
