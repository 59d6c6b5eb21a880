"""What extraction returns: one :class:`Entity` per distinct named thing in a paper."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Entity:
    """A method, model or benchmark named in one paper.

    ``name`` is the most complete spelling in the text, ``aliases`` the others; ``key`` is
    the corpus-wide identity (see :func:`citegraph.graph.extract.resolve.entity_key`),
    ``canonical`` the gazetteer's name when the entity is known, ``family`` the model
    family a variant belongs to. ``sources`` says whether it was seen in the title, the
    abstract or both, ``count`` how many times.
    """

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    introduced: bool = False
    evidence: list[str] = field(default_factory=list)
    key: str = ""
    canonical: str | None = None
    family: str | None = None
    sources: list[str] = field(default_factory=list)
    count: int = 1
    score: float = 0.0
    typed_by: str = ""  # gazetteer | signal | context | default: how sure the type is

    def to_json(self) -> dict[str, Any]:
        """The record ``citegraph extract`` writes (the scorer's format)."""
        return {"name": self.name, "type": self.type, "aliases": self.aliases,
                "introduced": self.introduced, "evidence": self.evidence}
