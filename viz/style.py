"""How each node label and relationship type looks, decided once for every view.

Styles are looked up by iterating ``schema.NODE_KINDS`` / ``schema.REL_KINDS``: a kind
without a hand-picked style gets one from the fallback palette, so a new kind added to the
schema still shows up, coloured and in the legend, without touching this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from citegraph.graph import schema as S


@dataclass(frozen=True)
class NodeStyle:
    """Colour and vis-network shape of one node label."""

    color: str
    shape: str
    border: str


@dataclass(frozen=True)
class EdgeStyle:
    """Colour, dash pattern, width and arrow of one relationship type."""

    color: str
    dashes: bool | list[int]
    width: float
    arrow: bool


# Colour-blind-safe hues (Tableau 10), one per label, with a darker border of the same hue.
_NODE_STYLES: dict[str, NodeStyle] = {
    S.PAPER: NodeStyle("#4e79a7", "dot", "#2f4b6c"),
    S.AUTHOR: NodeStyle("#9c755f", "triangle", "#5e4538"),
    S.METHOD: NodeStyle("#f28e2b", "diamond", "#a65a10"),
    S.MODEL: NodeStyle("#59a14f", "square", "#346030"),
    S.BENCHMARK: NodeStyle("#e15759", "star", "#9a2a2c"),
    S.KEYWORD: NodeStyle("#76b7b2", "hexagon", "#427a75"),
}
_FALLBACK_NODES = (
    NodeStyle("#b07aa1", "dot", "#6e4664"),
    NodeStyle("#76b7b2", "hexagon", "#427a75"),
    NodeStyle("#edc948", "triangleDown", "#9c8220"),
    NodeStyle("#ff9da7", "dot", "#b2525d"),
)

_EDGE_STYLES: dict[str, EdgeStyle] = {
    S.MENTIONS: EdgeStyle("#a0a7b4", False, 1.0, False),
    S.INTRODUCES: EdgeStyle("#f28e2b", False, 2.0, True),
    S.SIMILAR_TO: EdgeStyle("#4e79a7", [6, 4], 1.5, False),
    S.CO_MENTIONED: EdgeStyle("#76b7b2", [2, 3], 1.0, False),
    S.CITES: EdgeStyle("#3b3b3b", False, 1.5, True),
    S.AUTHORED: EdgeStyle("#9c755f", False, 1.0, False),
    S.VARIANT_OF: EdgeStyle("#59a14f", [6, 4], 1.5, True),
    S.EVALUATED_ON: EdgeStyle("#e15759", False, 1.5, True),
    S.HAS_KEYWORD: EdgeStyle("#76b7b2", False, 1.0, False),
    S.CO_CITED: EdgeStyle("#6b7a8f", False, 1.0, False),
    S.COUPLED: EdgeStyle("#b07aa1", [4, 3], 1.0, False),
    S.CO_AUTHORED: EdgeStyle("#9c755f", False, 1.0, False),
    S.CO_OCCURS: EdgeStyle("#8a9a5b", False, 1.0, False),
}
_FALLBACK_EDGES = (
    EdgeStyle("#b07aa1", False, 1.0, True),
    EdgeStyle("#edc948", [4, 4], 1.0, True),
)


T = TypeVar("T")


def _assign(names: Sequence[str], chosen: Mapping[str, T], spares: Sequence[T]) -> dict[str, T]:
    """Each name's chosen style, or the next spare one for a kind added to the schema later."""
    out: dict[str, T] = {}
    spare = 0
    for name in names:
        style = chosen.get(name)
        if style is None:
            style = spares[spare % len(spares)]
            spare += 1
        out[name] = style
    return out


def node_styles() -> dict[str, NodeStyle]:
    """A style for every node label of the schema, in schema order."""
    return _assign([k.label for k in S.NODE_KINDS], _NODE_STYLES, _FALLBACK_NODES)


def edge_styles() -> dict[str, EdgeStyle]:
    """A style for every relationship type of the schema, in schema order."""
    return _assign([k.type for k in S.REL_KINDS], _EDGE_STYLES, _FALLBACK_EDGES)
