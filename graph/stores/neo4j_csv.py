"""The ``neo4j-admin database import`` CSV layout: a header file and row parts per group.

A group is one node label (header ``key:ID(Label),:LABEL,prop:type,...``) or one
relationship type between one start and one end label (``:START_ID(Label),:END_ID(Label),
:TYPE,prop:type,...``). Each label is its own ID space, so keys only need to be unique per
label, as in the schema. neo4j-admin reads ``--nodes=Label=header,part,part,...`` as one
file, so a group is written as one header file and parts of at most
:func:`rows_per_part` rows without a header line.

The import type of a column must be the same in every part, so :func:`plan_import` decides
every group's header in one pass over the graph (no text is formatted) before any part is
written; :func:`iter_parts` then cuts the rows into parts in the graph's order, and
:func:`write_part` formats one part. Whichever process writes a part (this one or a
worker), a part holds the same rows, so the files do not depend on who wrote them.

Lists are typed arrays (``authors:string[]``) joined by :data:`ARRAY_DELIMITER`. Paper
embeddings become three Paper columns, ``embedding:float[]`` (float32, as the transactional
writer stores them), ``embedding_hash`` and ``embedding_model``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citegraph.atomic import atomic_write, write_text_atomic
from citegraph.errors import Neo4jStoreError
from citegraph.graph import schema as S

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

#: Column types that cannot be told from the values (vectors are float32, not double).
FIXED_TYPES: dict[str, str] = {S.EMBEDDING: "float[]", S.EMBEDDING_HASH: "string",
                               S.EMBEDDING_MODEL: "string"}

#: Separates array elements inside one CSV field (ASCII unit separator: never in text).
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "U+001F"

#: Most rows in one part: big enough that a part's overhead is noise.
PART_ROWS = 100_000
#: Most cells in one part (an embedding counts one cell per dimension), so a part of wide
#: rows stays a few tens of MB in memory and on disk.
PART_CELLS = 2_000_000

NODES = "nodes"
RELATIONSHIPS = "relationships"


# --- typing columns -----------------------------------------------------------------------
_KINDS: dict[type, str] = {bool: "boolean", int: "long", float: "double", str: "string"}


def _native(value: Any) -> Any:
    """A numpy scalar or array as the Python value or list it holds."""
    if type(value) not in _KINDS and not isinstance(value, list) and hasattr(value, "tolist"):
        return value.tolist()
    return value


def _kind(value: Any) -> str:
    kind = _KINDS.get(type(value))
    if kind is not None:
        return kind
    value = _native(value)
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


class _Columns:
    """The kinds of value each property of one group holds, gathered row by row: per
    name, one value of each Python type seen (the kinds are told from them at the end);
    list values are looked into item by item."""

    def __init__(self) -> None:
        self.types: dict[str, dict[type, Any]] = {}
        self.item_kinds: dict[str, set[str]] = {}  # list-valued name -> its items' kinds
        self.rows = 0

    def add(self, props: Mapping[str, Any]) -> str | None:
        """Count one row; returns the name of a list property whose items hold the array
        delimiter (the row cannot be written), else None."""
        self.rows += 1
        types = self.types
        for name, value in props.items():
            kind = type(value)
            seen = types.get(name)
            if seen is None:
                seen = types[name] = {}
            if kind not in seen:
                seen[kind] = value
            if kind is list and self._items(name, value):
                return name
        return None

    def _items(self, name: str, value: list[Any]) -> bool:
        """Gather a list's item kinds; True when an item holds the array delimiter."""
        kinds = self.item_kinds.setdefault(name, set())
        for item in value:
            kind = _kind(item)
            if kind == "string" and ARRAY_DELIMITER in str(item):
                return True
            kinds.add(kind)
        return False

    def names(self, skip: frozenset[str]) -> list[str]:
        return sorted(set(self.types) - skip)

    def import_type(self, name: str) -> str:
        """One type for every value of a column: ints and floats make double, anything
        else mixed makes string; a column holding lists is an array of that type."""
        if name in FIXED_TYPES:
            return FIXED_TYPES[name]
        kinds = {_kind(value) for kind, value in self.types.get(name, {}).items()
                 if kind is not list}
        is_array = name in self.item_kinds
        if is_array:
            kinds |= self.item_kinds[name]
        if kinds == {"long", "double"}:
            kind = "double"
        elif len(kinds) == 1:
            kind = next(iter(kinds))
        else:
            kind = "string"
        return kind + ("[]" if is_array else "")


# --- the plan -------------------------------------------------------------------------------
@dataclass
class Group:
    """One node label or one (type, start label, end label): a header and its parts."""

    kind: str  # NODES or RELATIONSHIPS
    name: str  # the label or relationship type neo4j-admin is told
    stem: str  # file name stem, e.g. ``nodes_paper``, ``rels_cites_paper_paper``
    columns: list[str]  # property names, after the id columns
    header: list[str]
    rows: int
    rows_per_part: int

    @property
    def parts(self) -> int:
        return -(-self.rows // self.rows_per_part)

    def header_name(self) -> str:
        return f"{self.stem}.header.csv"

    def part_name(self, index: int) -> str:
        return f"{self.stem}.part-{index:05d}.csv"

    def describe(self, row: list[Any]) -> str:
        """The record a row holds, for messages."""
        if self.kind == NODES:
            return f"{self.name} {row[0]!r}"
        return f"{self.name} from {row[0]!r} to {row[1]!r}"


@dataclass
class ImportFiles:
    """The CSV files of one graph: per label and per type, each file group's header file
    followed by its parts."""

    directory: Path
    nodes: dict[str, list[list[Path]]] = field(default_factory=dict)
    relationships: dict[str, list[list[Path]]] = field(default_factory=dict)

    def arguments(self) -> list[str]:
        """The ``--nodes=Label=header,part,...`` / ``--relationships=TYPE=...`` options
        naming every file (neo4j-admin splits a file list at commas, so no path may hold
        one)."""
        args = []
        for option, groups in (("--nodes", self.nodes), ("--relationships", self.relationships)):
            for name, file_groups in groups.items():
                for paths in file_groups:
                    for path in paths:
                        if "," in str(path):
                            raise Neo4jStoreError(
                                f"{path}: neo4j-admin cannot be given a path with a comma")
                    args.append(f"{option}={name}={','.join(map(str, paths))}")
        return args

    def all_files(self) -> list[Path]:
        return [p for groups in (self.nodes, self.relationships)
                for file_groups in groups.values() for paths in file_groups for p in paths]


@dataclass
class ImportPlan:
    """Every group of a graph with its header, decided before any row is written."""

    node_groups: dict[str, Group]
    rel_groups: dict[tuple[str, str, str], Group]
    vector_rows: dict[str, int]  # paper key -> row of kg.embeddings.matrix

    @property
    def groups(self) -> list[Group]:
        return [*self.node_groups.values(), *self.rel_groups.values()]

    def files(self, directory: Path) -> ImportFiles:
        out = ImportFiles(directory)
        for group in self.groups:
            target = out.nodes if group.kind == NODES else out.relationships
            target.setdefault(group.name, []).append(
                [directory / group.header_name(),
                 *(directory / group.part_name(k) for k in range(group.parts))])
        return out


def rows_per_part(width: int) -> int:
    """Rows in one part of a group whose rows hold ``width`` cells."""
    return max(1, min(PART_ROWS, PART_CELLS // max(1, width)))


def _node_group(label: str, columns: _Columns, vector_dim: int) -> Group:
    names = columns.names(_NODE_SKIP)
    if vector_dim:
        names = sorted({*names, *S.EMBEDDING_PROPERTIES})
    header = [f"{S.KEY}:ID({label})", ":LABEL",
              *(f"{n}:{columns.import_type(n)}" for n in names)]
    width = len(header) + max(0, vector_dim - 1)
    return Group(NODES, label, f"nodes_{label.lower()}", names, header, columns.rows,
                 rows_per_part(width))


def _rel_group(ident: tuple[str, str, str], columns: _Columns) -> Group:
    rel, start, end = ident
    names = columns.names(_EDGE_SKIP)
    header = [f":START_ID({start})", f":END_ID({end})", ":TYPE",
              *(f"{n}:{columns.import_type(n)}" for n in names)]
    stem = "_".join(p.lower() for p in ("rels", rel, start, end))
    return Group(RELATIONSHIPS, rel, stem, names, header, columns.rows,
                 rows_per_part(len(header)))


_NODE_SKIP = frozenset({S.LABEL, S.KEY})
_EDGE_SKIP = frozenset({S.TYPE})


def _delimiter_in(record: str, name: str) -> Neo4jStoreError:
    return Neo4jStoreError(f"{record}: property {name!r}: a list value contains the array "
                           f"delimiter {ARRAY_DELIMITER_OPTION}")


def plan_import(kg: KnowledgeGraph) -> ImportPlan:
    """Each group's columns and their import types, from one pass over every node and
    edge; a list value holding the array delimiter stops here, before any file is
    written."""
    vectors = kg.embeddings
    vector_rows = {key: i for i, key in enumerate(vectors.keys)} if vectors is not None else {}
    node_columns: dict[str, _Columns] = defaultdict(_Columns)
    labels: dict[str, str] = {}
    embedded = False
    for nid, attrs in kg.g.nodes(data=True):
        label = labels[nid] = attrs[S.LABEL]
        bad = node_columns[label].add(attrs)
        if bad is not None:
            raise _delimiter_in(f"{label} {attrs[S.KEY]!r}", bad)
        if not embedded and label == S.PAPER and attrs[S.KEY] in vector_rows:
            embedded = True
    dim = int(vectors.matrix.shape[1]) if embedded and vectors is not None else 0
    node_groups = {label: _node_group(label, columns, dim if label == S.PAPER else 0)
                   for label, columns in node_columns.items()}
    rel_columns: dict[tuple[str, str, str], _Columns] = defaultdict(_Columns)
    for start, end, ekey, rel, attrs in kg.keyed_edges():
        ident = (rel, labels[start], labels[end])
        columns = rel_columns[ident]
        bad = columns.add(attrs)
        if bad is not None:
            raise _delimiter_in(f"{ident[0]} from {start!r} to {end!r}", bad)
        if S.EDGE_KEY_SEPARATOR in ekey:
            columns.types.setdefault(S.DISCRIMINATOR, {str: ""})
    rel_groups = {ident: _rel_group(ident, rel_columns[ident]) for ident in sorted(rel_columns)}
    return ImportPlan(node_groups, rel_groups, vector_rows if embedded else {})


# --- the rows, in parts ----------------------------------------------------------------------
@dataclass
class Part:
    """Rows of one group, numbered from 0 within it."""

    group: Group
    index: int
    rows: list[list[Any]]


def iter_parts(kg: KnowledgeGraph, plan: ImportPlan) -> Iterator[Part]:
    """Every row of every group, in parts of at most the group's ``rows_per_part`` rows,
    as the graph's iteration order deals them; only one open part per group is held."""
    buffers: dict[str, list[list[Any]]] = {}
    counts: dict[str, int] = {}

    def take(group: Group, row: list[Any]) -> Part | None:
        rows = buffers.setdefault(group.stem, [])
        rows.append(row)
        if len(rows) < group.rows_per_part:
            return None
        buffers[group.stem] = []
        index = counts.get(group.stem, 0)
        counts[group.stem] = index + 1
        return Part(group, index, rows)

    vectors = kg.embeddings if plan.vector_rows else None
    keys: dict[str, str] = {}
    labels: dict[str, str] = {}
    for nid, attrs in kg.g.nodes(data=True):
        group = plan.node_groups[attrs[S.LABEL]]
        key = keys[nid] = attrs[S.KEY]
        labels[nid] = group.name
        at = plan.vector_rows.get(key) if vectors is not None else None
        if vectors is not None and at is not None and group.name == S.PAPER:
            attrs = {**attrs, S.EMBEDDING: vectors.matrix[at],
                     S.EMBEDDING_HASH: vectors.hashes[at], S.EMBEDDING_MODEL: vectors.model}
        row = [key, group.name]
        row.extend(map(attrs.get, group.columns))
        if (part := take(group, row)) is not None:
            yield part
    for start, end, ekey, rel, attrs in kg.keyed_edges():
        group = plan.rel_groups[(rel, labels[start], labels[end])]
        row = [keys[start], keys[end], group.name]
        row.extend(map(attrs.get, group.columns))
        if S.EDGE_KEY_SEPARATOR in ekey:
            row[3 + group.columns.index(S.DISCRIMINATOR)] = S.edge_discriminator(ekey)
        if (part := take(group, row)) is not None:
            yield part
    for group in plan.groups:
        rows = buffers.get(group.stem)
        if rows:
            yield Part(group, counts.get(group.stem, 0), rows)


# --- formatting ------------------------------------------------------------------------------
def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _array(values: list[Any]) -> str:
    return _quote(ARRAY_DELIMITER.join([_PLAIN.get(type(v), _plain_other)(v) for v in values]))


def _other(value: Any) -> str:
    """A field of no plain Python type: None (empty), a float vector (written straight
    from its items), a numpy scalar or array, a subclass (an enum of strings)."""
    if value is None:
        return ""
    if getattr(value, "ndim", 0) == 1 and value.dtype.kind == "f":
        return _quote(ARRAY_DELIMITER.join(map(repr, value.tolist())))
    value = _native(value)
    for kind in (bool, str, int, float, list):  # bool first: it is an int
        if isinstance(value, kind):
            return _CELL[kind](value)
    return str(value)


def _plain_other(value: Any) -> str:
    """An array item of no plain Python type, as :func:`_other` but never quoted."""
    value = _native(value)
    for kind in (bool, str, int, float):
        if isinstance(value, kind):
            return _PLAIN[kind](value)
    return str(value)


#: How each value type is written as a CSV field: strings quoted (so an empty string
#: stays one), numbers and booleans bare, a list as one quoted field joined by the array
#: delimiter; anything else goes through :func:`_other`.
_CELL: dict[type, Any] = {str: _quote, int: str, float: repr, bool: _boolean, list: _array}
#: An array item: the same, unquoted (a string's own text, also of a subclass).
_PLAIN: dict[type, Any] = {str: str.__str__, int: str, float: repr, bool: _boolean}


def write_header(directory: Path, group: Group) -> Path:
    path = directory / group.header_name()
    write_text_atomic(path, ",".join(group.header) + "\n")
    return path


def write_part(directory: Path, group: Group, index: int, rows: list[list[Any]]) -> int:
    """Format and write one part (no header line); returns its rows. A lone surrogate,
    which UTF-8 cannot hold, is written as U+FFFD, as the saved graph writes it."""
    with atomic_write(directory / group.part_name(index), "w") as fh:
        cell = _CELL.get
        for row in rows:
            line = ",".join([cell(type(v), _other)(v) for v in row]) + "\n"
            try:
                fh.write(line)
            except UnicodeEncodeError:
                fh.write(line.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))
    return len(rows)


def remove_stale_parts(directory: Path, plan: ImportPlan) -> None:
    """Parts an earlier, bigger write of the same groups left behind, which a glob over
    the directory would otherwise read with the new ones."""
    for group in plan.groups:
        keep = {group.part_name(k) for k in range(group.parts)}
        for path in directory.glob(f"{group.stem}.part-*.csv"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
