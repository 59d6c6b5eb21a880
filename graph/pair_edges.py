"""The symmetric pair networks (co-authorship, similarity, coupling, co-citation,
co-mention, keyword co-occurrence) held in numpy columns rather than in networkx.

These networks are most of a built graph's edges, and their edges are uniform per type:
two node ends, an integer ``count``, a float ``strength`` or ``score``, and ``evidence``
(a capped list of strings, the keys of the papers holding the pair). In a networkx
multigraph each costs two adjacency entries, a key mapping, an attribute mapping and
boxed values (about 330 bytes); here one costs its columns (about 30 bytes plus 4 per
evidence key).

Layout of one type (:class:`PairTable`):

- ``start`` and ``end``: int32 indexes into the node table of the graph
  (:class:`Interned`), the start the smaller node id (the symmetric kinds' rule);
- one column per scalar property: ``count`` int64 (absent: :data:`INT_MISSING`),
  ``strength``/``score`` float64 (absent: NaN), so every value reads back as written;
- evidence as int32 indexes into a string table, ragged: each row's offset and length
  into one flat array (an update appends the new list and moves the row's offset);
- ``alive``: a removed row is marked dead and dropped when the table is compacted.

Rows are added one at a time into Python lists (cheap), and moved into the arrays when
the table is next read whole. Finding a pair uses a sorted array of pair keys
(``start << 32 | end``) over the rows it was built from, plus a dict of the pairs added
since; the dict is folded into the sorted array once it grows past a fraction of it, so
adding n edges one by one costs O(n log n). Neighbour lookups use a per-node index (CSR)
built on first use after a change.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from citegraph.errors import GraphError
from citegraph.graph import schema as S

#: An integer property an edge does not have.
INT_MISSING = int(np.iinfo(np.int64).min)

#: The value kind of each scalar property of the columnar types.
_INT_PROPS = frozenset({S.COUNT})
_FLOAT_PROPS = frozenset({S.STRENGTH, S.SCORE})

Props = dict[str, Any]


class Interned:
    """Each distinct string once, as an int that stays with it (a value no longer used
    keeps its int), so columns that hold the ints never need renumbering. Used for the
    columnar edges' ends (node ids) and for their evidence strings."""

    __slots__ = ("values", "index")

    def __init__(self) -> None:
        self.values: list[str] = []
        self.index: dict[str, int] = {}

    def of(self, value: str) -> int:
        i = self.index.get(value)
        if i is None:
            i = self.index[value] = len(self.values)
            self.values.append(value)
        return i

    def nbytes(self, *, strings: bool = True) -> int:
        """The table's memory, its strings included unless ``strings`` is False (node ids,
        which the graph's nodes share)."""
        import sys

        own = sys.getsizeof(self.values) + sys.getsizeof(self.index)
        return own + (sum(map(sys.getsizeof, self.values)) if strings else 0)


#: Rows decoded into Python objects at once when a table is listed: small enough that
#: a streamed export's memory stays flat, big enough that numpy's per-call cost is noise.
_CHUNK = 128


def _pair_key(a: int, b: int) -> int:
    return (a << 32) | b


class PairTable:
    """The edges of one columnar relationship type (see the module docstring)."""

    def __init__(self, rel: str, props: tuple[str, ...], strings: Interned) -> None:
        self.rel = rel
        self.scalars = tuple(p for p in props if p != S.EVIDENCE)
        self.props = frozenset(props)
        for name in self.scalars:
            if name not in _INT_PROPS and name not in _FLOAT_PROPS:
                raise GraphError(f"{rel}: property {name!r} has no column kind")
        self.has_evidence = S.EVIDENCE in props
        self.strings = strings
        self.start = np.empty(0, np.int32)
        self.end = np.empty(0, np.int32)
        self.cols: dict[str, np.ndarray] = {
            p: np.empty(0, np.int64 if p in _INT_PROPS else np.float64) for p in self.scalars}
        self.ev_start = np.empty(0, np.int64)
        self.ev_len = np.empty(0, np.int32)
        self.ev = np.empty(0, np.int32)
        self.alive = np.empty(0, bool)
        self._dead = 0
        # rows not yet in the arrays (numbered after them)
        self._t_start: list[int] = []
        self._t_end: list[int] = []
        self._t_cols: dict[str, list[Any]] = {p: [] for p in self.scalars}
        self._t_ev_start: list[int] = []
        self._t_ev_len: list[int] = []
        self._t_alive: list[bool] = []
        self._t_ev: list[int] = []  # evidence after ``self.ev`` (offsets run on into it)
        # the pair index: sorted keys of the rows it was built over, then a dict
        self._keys = np.empty(0, np.int64)
        self._key_rows = np.empty(0, np.int64)
        self._recent: dict[int, int] = {}
        self._csr: tuple[np.ndarray, np.ndarray] | None = None  # (offsets, rows) per node

    # --- size -----------------------------------------------------------------------
    @property
    def rows(self) -> int:
        """Rows, dead ones included."""
        return len(self.start) + len(self._t_start)

    def __len__(self) -> int:
        return self.rows - self._dead

    def nbytes(self) -> int:
        arrays = (self.start, self.end, self.ev_start, self.ev_len, self.ev, self.alive,
                  self._keys, self._key_rows, *self.cols.values())
        csr = sum(a.nbytes for a in self._csr) if self._csr is not None else 0
        return sum(a.nbytes for a in arrays) + csr

    # --- finding --------------------------------------------------------------------
    def find(self, a: int, b: int) -> int:
        """The row of the live edge from node ``a`` to ``b`` (-1: none)."""
        key = _pair_key(a, b)
        row = self._recent.get(key)
        if row is not None:
            return row
        keys = self._keys
        if len(keys):
            i = int(np.searchsorted(keys, key))
            if i < len(keys) and keys[i] == key:
                row = int(self._key_rows[i])
                if self._alive(row):
                    return row
        return -1

    def _alive(self, row: int) -> bool:
        n = len(self.start)
        return bool(self.alive[row]) if row < n else self._t_alive[row - n]

    def _reindex(self) -> None:
        """Fold the recent pairs into the sorted index (compacting first when many rows
        are dead)."""
        self.flush()
        if self._dead and self._dead * 4 >= len(self.start):
            self._compact()
        live = np.flatnonzero(self.alive)
        keys = (self.start[live].astype(np.int64) << 32) | self.end[live].astype(np.int64)
        order = np.argsort(keys, kind="stable")
        self._keys, self._key_rows = keys[order], live[order].astype(np.int64)
        self._recent = {}

    # --- writing --------------------------------------------------------------------
    def put(self, a: int, b: int, props: Props) -> tuple[bool, Props | None]:
        """Add the edge ``a``-``b`` with ``props``, or update the properties it has with
        them (as a dict update). Returns (whether it existed, its properties before)."""
        self._check(props)
        row = self.find(a, b)
        if row >= 0:
            before = self.props_of(row)
            self._update(row, props)
            return True, before
        n = len(self.start)
        row = n + len(self._t_start)
        self._t_start.append(a)
        self._t_end.append(b)
        for name in self.scalars:
            self._t_cols[name].append(self._encode(name, props.get(name)))
        s, ln = self._put_evidence(props.get(S.EVIDENCE))
        self._t_ev_start.append(s)
        self._t_ev_len.append(ln)
        self._t_alive.append(True)
        self._recent[_pair_key(a, b)] = row
        self._csr = None
        if len(self._recent) > max(4096, len(self._keys) // 2):
            self._reindex()
        return False, None

    def extend(self, a: np.ndarray, b: np.ndarray, columns: dict[str, Any],
               evidence: Any = None, *, unique: bool = False) -> None:
        """Add many edges at once: ends ``a``-``b`` (node indexes), ``columns`` one
        sequence per scalar property (None where an edge has no value), ``evidence`` one
        list of strings per edge (or None). A pair already in the table, or twice in the
        batch, is updated as :meth:`put` does, or with ``unique`` refused (nothing added);
        the rest go straight into the arrays."""
        n = len(a)
        cols = {name: self._column(name, values, n) for name, values in columns.items()}
        if evidence is not None:
            self._check({S.EVIDENCE: [x for ev in evidence for x in ev]})
            if len(evidence) != n:
                raise GraphError(f"{self.rel}: {len(evidence)} evidence lists for {n} edges")
        keys = (a.astype(np.int64) << 32) | b.astype(np.int64)
        _, first = np.unique(keys, return_index=True)
        fresh = np.zeros(n, bool)
        fresh[first] = True
        fresh &= ~self._known(keys)
        if unique and not fresh.all():
            i = int(np.flatnonzero(~fresh)[0])
            raise GraphError(f"edge {self.rel} from node {int(a[i])} to node {int(b[i])} "
                             "appears twice")
        self.flush()
        new = np.flatnonzero(fresh)
        base = len(self.start)
        self.start = np.concatenate([self.start, a[new].astype(np.int32)])
        self.end = np.concatenate([self.end, b[new].astype(np.int32)])
        for name in self.scalars:
            col = self.cols[name]
            add = (cols[name][new] if name in cols else
                   np.full(len(new), INT_MISSING if name in _INT_PROPS else np.nan, col.dtype))
            self.cols[name] = np.concatenate([col, add])
        lens = np.zeros(len(new), np.int32)
        starts = np.zeros(len(new), np.int64)
        if evidence is not None and len(new):
            of = self.strings.of
            picked = [evidence[i] for i in new.tolist()]
            lens = np.fromiter(map(len, picked), np.int32, len(picked))
            starts = len(self.ev) + np.concatenate([[0], np.cumsum(lens[:-1], dtype=np.int64)])
            flat = np.fromiter((of(x) for ev in picked for x in ev), np.int32, int(lens.sum()))
            self.ev = np.concatenate([self.ev, flat])
            starts[lens == 0] = 0
        self.ev_start = np.concatenate([self.ev_start, starts])
        self.ev_len = np.concatenate([self.ev_len, lens])
        self.alive = np.concatenate([self.alive, np.ones(len(new), bool)])
        self._csr = None
        if len(new) * 2 > len(self._keys):
            self._reindex()
        else:
            self._recent.update(zip(keys[new].tolist(), range(base, base + len(new)),
                                    strict=True))
            if len(self._recent) > max(4096, len(self._keys) // 2):
                self._reindex()
        for i in np.flatnonzero(~fresh).tolist():  # updates, in batch order
            props = {name: col[i].item() for name, col in cols.items()}
            if evidence is not None and len(evidence[i]):
                props[S.EVIDENCE] = list(evidence[i])
            self.put(int(a[i]), int(b[i]), props)

    def _known(self, keys: np.ndarray) -> np.ndarray:
        """Which pair keys have a live row: the sorted index searched for all at once,
        the recent pairs looked up one by one."""
        known = np.zeros(len(keys), bool)
        index = self._keys
        if len(index) and len(keys):
            at = np.minimum(np.searchsorted(index, keys), len(index) - 1)
            hit = index[at] == keys
            rows = self._key_rows[at[hit]]
            known[np.flatnonzero(hit)] = self.alive[rows]  # the index covers flushed rows
        if self._recent:
            recent = self._recent
            known |= np.fromiter((k in recent for k in keys.tolist()), bool, len(keys))
        return known

    def _column(self, name: str, values: Any, n: int) -> np.ndarray:
        """One property's values for :meth:`extend`, checked as :meth:`_check` checks one."""
        if name not in self.scalars:
            raise GraphError(f"a {self.rel} edge cannot hold property {name!r} (its "
                             f"properties: {', '.join(sorted(self.props))})")
        if isinstance(values, list) and None in values:  # absent values: the column's mark
            mark = INT_MISSING if name in _INT_PROPS else math.nan
            values = [mark if v is None else v for v in values]
            col = np.asarray(values)
            present = col != mark if name in _INT_PROPS else ~np.isnan(col.astype(np.float64))
        else:
            col = np.asarray(values)
            present = None
        if col.shape != (n,):
            raise GraphError(f"{self.rel}: {col.shape} values of {name} for {n} edges")
        if n and name in _INT_PROPS and col.dtype.kind not in "iu":
            raise GraphError(f"a {self.rel} edge's {name} must be an integer, not {col.dtype}")
        if n and name in _FLOAT_PROPS:
            if col.dtype.kind not in "iuf":
                raise GraphError(f"a {self.rel} edge's {name} must be a number, not "
                                 f"{col.dtype}")
            nan = np.isnan(col.astype(np.float64))
            if (nan if present is None else nan & present).any():
                raise GraphError(f"a {self.rel} edge's {name} is not a number (NaN)")
        return col.astype(np.int64 if name in _INT_PROPS else np.float64)

    def _check(self, props: Props) -> None:
        for name, value in props.items():
            if name not in self.props:
                raise GraphError(f"a {self.rel} edge cannot hold property {name!r} (its "
                                 f"properties: {', '.join(sorted(self.props))})")
            if name == S.EVIDENCE:
                if not isinstance(value, list | tuple) or not all(
                        type(x) is str for x in value):
                    raise GraphError(f"a {self.rel} edge's evidence must be a list of "
                                     "strings")
            elif name in _INT_PROPS:
                if isinstance(value, bool) or not isinstance(value, int | np.integer):
                    raise GraphError(f"a {self.rel} edge's {name} must be an integer, "
                                     f"not {type(value).__name__}")
            elif isinstance(value, bool) or not isinstance(value, float | int | np.floating):
                raise GraphError(f"a {self.rel} edge's {name} must be a number, not "
                                 f"{type(value).__name__}")
            elif isinstance(value, float | np.floating) and math.isnan(value):
                raise GraphError(f"a {self.rel} edge's {name} is not a number (NaN)")

    @staticmethod
    def _encode(name: str, value: Any) -> Any:
        if name in _INT_PROPS:
            return INT_MISSING if value is None else int(value)
        return math.nan if value is None else float(value)

    def _put_evidence(self, evidence: Any) -> tuple[int, int]:
        if not evidence:
            return 0, 0
        of = self.strings.of
        start = len(self.ev) + len(self._t_ev)
        self._t_ev.extend(of(x) for x in evidence)
        return start, len(evidence)

    def _update(self, row: int, props: Props) -> None:
        n = len(self.start)
        for name in self.scalars:
            if name in props:
                value = self._encode(name, props[name])
                if row < n:
                    self.cols[name][row] = value
                else:
                    self._t_cols[name][row - n] = value
        if S.EVIDENCE in props:
            s, ln = self._put_evidence(props[S.EVIDENCE])
            if row < n:
                self.ev_start[row], self.ev_len[row] = s, ln
            else:
                self._t_ev_start[row - n], self._t_ev_len[row - n] = s, ln

    def remove(self, a: int, b: int) -> Props | None:
        """Remove the edge ``a``-``b``; returns its properties (None: there was none)."""
        row = self.find(a, b)
        if row < 0:
            return None
        before = self.props_of(row)
        self._kill(row)
        self._recent.pop(_pair_key(a, b), None)
        return before

    def _kill(self, row: int) -> None:
        n = len(self.start)
        if row < n:
            self.alive[row] = False
        else:
            self._t_alive[row - n] = False
        self._dead += 1

    def remove_nodes(self, nodes: np.ndarray) -> list[tuple[int, int, Props]]:
        """Remove every edge at any of ``nodes`` (int indexes); returns them."""
        self.flush()
        hit = self.alive & (np.isin(self.start, nodes) | np.isin(self.end, nodes))
        rows = np.flatnonzero(hit)
        gone = [(int(self.start[r]), int(self.end[r]), self.props_of(int(r))) for r in rows]
        for a, b, _ in gone:
            self._recent.pop(_pair_key(a, b), None)
        self.alive[rows] = False
        self._dead += len(rows)
        return gone

    def flush(self) -> None:
        """Move the rows added since into the arrays."""
        if not self._t_start and not self._t_ev:
            return
        self.start = np.concatenate([self.start, np.asarray(self._t_start, np.int32)])
        self.end = np.concatenate([self.end, np.asarray(self._t_end, np.int32)])
        for name in self.scalars:
            col = self.cols[name]
            self.cols[name] = np.concatenate([col, np.asarray(self._t_cols[name], col.dtype)])
            self._t_cols[name] = []
        self.ev_start = np.concatenate([self.ev_start, np.asarray(self._t_ev_start, np.int64)])
        self.ev_len = np.concatenate([self.ev_len, np.asarray(self._t_ev_len, np.int32)])
        self.alive = np.concatenate([self.alive, np.asarray(self._t_alive, bool)])
        self.ev = np.concatenate([self.ev, np.asarray(self._t_ev, np.int32)])
        self._t_start, self._t_end, self._t_ev_start, self._t_ev_len = [], [], [], []
        self._t_alive, self._t_ev = [], []

    def _compact(self) -> None:
        """Drop the dead rows and the evidence no live row points at."""
        live = np.flatnonzero(self.alive)
        lens = self.ev_len[live]
        starts = self.ev_start[live]
        offsets = np.zeros(len(live) + 1, np.int64)
        np.cumsum(lens, out=offsets[1:])
        # gather each live row's evidence run into one new flat array
        take = (np.repeat(starts - offsets[:-1], lens) + np.arange(offsets[-1], dtype=np.int64))
        self.ev = self.ev[take]
        self.ev_start, self.ev_len = offsets[:-1], lens
        self.start, self.end = self.start[live], self.end[live]
        self.cols = {name: col[live] for name, col in self.cols.items()}
        self.alive = np.ones(len(live), bool)
        self._dead = 0
        self._keys = np.empty(0, np.int64)
        self._key_rows = np.empty(0, np.int64)
        self._recent = {}
        self._csr = None

    # --- reading --------------------------------------------------------------------
    def props_of(self, row: int) -> Props:
        """The properties of one row, as the graph gives an edge's: type first."""
        n = len(self.start)
        out: Props = {S.TYPE: self.rel}
        if row < n:
            for name in self.scalars:
                value = self.cols[name][row]
                if name in _INT_PROPS:
                    if value != INT_MISSING:
                        out[name] = int(value)
                elif not math.isnan(value):
                    out[name] = float(value)
            s, ln = int(self.ev_start[row]), int(self.ev_len[row])
        else:
            t = row - n
            for name in self.scalars:
                value = self._t_cols[name][t]
                if value != INT_MISSING and not (type(value) is float and math.isnan(value)):
                    out[name] = value
            s, ln = self._t_ev_start[t], self._t_ev_len[t]
        if ln:
            strings = self.strings.values
            m = len(self.ev)
            ids = self.ev[s:s + ln].tolist() if s < m else self._t_ev[s - m:s - m + ln]
            out[S.EVIDENCE] = [strings[i] for i in ids]
        return out

    def iter_rows(self, rows: np.ndarray | None = None) -> Iterator[tuple[int, int, Props]]:
        """``(start index, end index, properties)`` of every live row (or of ``rows``),
        decoded a column at a time rather than a cell at a time, in small chunks so that
        a listing's memory does not grow with the table."""
        self.flush()
        if rows is None:
            alive = self.alive
            for at in range(0, len(alive), _CHUNK):
                yield from self._decode(at + np.flatnonzero(alive[at:at + _CHUNK]))
            return
        for at in range(0, len(rows), _CHUNK):
            yield from self._decode(rows[at:at + _CHUNK])

    def _decode(self, rows: np.ndarray) -> Iterator[tuple[int, int, Props]]:
        rel, strings = self.rel, self.strings.values
        starts, ends = self.start[rows].tolist(), self.end[rows].tolist()
        columns = []
        for name in self.scalars:
            col = self.cols[name][rows]
            if name in _INT_PROPS:
                present = (col != INT_MISSING).tolist()
            else:
                present = (~np.isnan(col)).tolist()
            columns.append((name, col.tolist(), present))
        lens = self.ev_len[rows]
        offsets = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(lens, out=offsets[1:])
        # each row's evidence run gathered into one flat list
        take = np.repeat(self.ev_start[rows] - offsets[:-1], lens) + np.arange(
            offsets[-1], dtype=np.int64)
        ev = self.ev[take].tolist()
        bounds = offsets.tolist()
        for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
            out: Props = {S.TYPE: rel}
            for name, values, present in columns:
                if present[i]:
                    out[name] = values[i]
            s, e = bounds[i], bounds[i + 1]
            if e > s:
                out[S.EVIDENCE] = [strings[x] for x in ev[s:e]]
            yield a, b, out

    def live_ends(self) -> tuple[np.ndarray, np.ndarray]:
        """The start and end node indexes of every live row."""
        self.flush()
        return self.start[self.alive], self.end[self.alive]

    def rows_at(self, node: int) -> np.ndarray:
        """Live rows with ``node`` at either end, through the per-node index (built on
        the first lookup after rows were added; a removal only marks rows dead)."""
        self.flush()
        if self._csr is None:
            live = np.flatnonzero(self.alive)
            ends = np.concatenate([self.start[live], self.end[live]])
            rows = np.concatenate([live, live])
            order = np.argsort(ends, kind="stable")
            counts = np.bincount(ends) if len(ends) else np.zeros(0, np.int64)
            offsets = np.zeros(len(counts) + 1, np.int64)
            np.cumsum(counts, out=offsets[1:])
            self._csr = (offsets, rows[order])
        offsets, rows = self._csr
        if node >= len(offsets) - 1:
            return np.empty(0, np.int64)
        found = rows[offsets[node]:offsets[node + 1]]
        found = found[self.alive[found]]
        return np.unique(found)  # a self-pair is listed at both ends


class PairEdges:
    """Every columnar type's table, with the node and string tables they share."""

    def __init__(self) -> None:
        self.nodes = Interned()
        self.strings = Interned()
        self.tables: dict[str, PairTable] = {
            rel: PairTable(rel, S.REL_KIND_BY_TYPE[rel].properties, self.strings)
            for rel in S.REL_TYPES if rel in S.COLUMNAR_TYPES}

    def __len__(self) -> int:
        return sum(map(len, self.tables.values()))

    def put(self, rel: str, start: str, end: str, props: Props) -> tuple[bool, Props | None]:
        of = self.nodes.of
        return self.tables[rel].put(of(start), of(end), props)

    def extend(self, rel: str, starts: list[str], ends: list[str], columns: dict[str, Any],
               evidence: Any = None, *, unique: bool = False) -> None:
        """Many edges of one type at once (ends as stored); see :meth:`PairTable.extend`."""
        of = self.nodes.of
        a = np.fromiter(map(of, starts), np.int64, len(starts))
        b = np.fromiter(map(of, ends), np.int64, len(ends))
        self.tables[rel].extend(a, b, columns, evidence, unique=unique)

    def extend_rows(self, rel: str, rows: list[tuple[str, str, Props]]) -> None:
        """Edges of one type given as ``(start, end, properties)``, as stored, each pair
        new and once (else :class:`GraphError`, nothing added): a saved file's rows."""
        table = self.tables[rel]
        names = set().union(*(props.keys() for _, _, props in rows)) if rows else set()
        table._check(dict.fromkeys(names - table.props - {S.EVIDENCE}))  # noqa: SLF001
        columns = {name: [props.get(name) for _, _, props in rows]
                   for name in table.scalars if name in names}
        evidence = ([props.get(S.EVIDENCE) or [] for _, _, props in rows]
                    if S.EVIDENCE in names else None)
        if evidence is not None and not all(type(ev) is list for ev in evidence):
            raise GraphError(f"a {rel} edge's evidence must be a list of strings")
        self.extend(rel, [r[0] for r in rows], [r[1] for r in rows], columns, evidence,
                    unique=True)

    def get(self, rel: str, start: str, end: str) -> Props | None:
        """The properties of the edge ``rel`` from ``start`` to ``end`` as stored."""
        index = self.nodes.index
        a, b = index.get(start), index.get(end)
        if a is None or b is None:
            return None
        table = self.tables[rel]
        row = table.find(a, b)
        return table.props_of(row) if row >= 0 else None

    def remove(self, rel: str, start: str, end: str) -> Props | None:
        index = self.nodes.index
        a, b = index.get(start), index.get(end)
        if a is None or b is None:
            return None
        return self.tables[rel].remove(a, b)

    def remove_nodes(self, nids: Iterable[str]) -> list[tuple[str, str, str, Props]]:
        """Remove every edge at any of ``nids``; returns them as (start, end, type, props)."""
        index = self.nodes.index
        found = np.asarray([index[n] for n in nids if n in index], np.int64)
        if not len(found):
            return []
        ids = self.nodes.values
        return [(ids[a], ids[b], rel, props) for rel, table in self.tables.items() if len(table)
                for a, b, props in table.remove_nodes(found)]

    def edges(self, rel: str | None = None) -> Iterator[tuple[str, str, str, Props]]:
        """``(start, end, type, properties)`` of every edge (or of one type)."""
        ids = self.nodes.values
        for name, table in self.tables.items():
            if rel is not None and name != rel:
                continue
            for a, b, props in table.iter_rows():
                yield ids[a], ids[b], name, props

    def at(self, nid: str, rel: str | None = None) -> Iterator[tuple[str, str, str, Props]]:
        """The edges with ``nid`` at either end, as :meth:`edges` gives them."""
        i = self.nodes.index.get(nid)
        if i is None:
            return
        ids = self.nodes.values
        for name, table in self.tables.items():
            if (rel is not None and name != rel) or not len(table):
                continue
            rows = table.rows_at(i)
            if len(rows):
                for a, b, props in table.iter_rows(rows):
                    yield ids[a], ids[b], name, props

    def ends(self, rel: str | None = None) -> Iterator[tuple[str, str, str]]:
        """``(start, end, type)`` of every edge (or of one type), without properties."""
        ids = self.nodes.values
        for name, table in self.tables.items():
            if (rel is None or name == rel) and len(table):
                starts, ends = table.live_ends()
                for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                    yield ids[a], ids[b], name

    def neighbours(self, nid: str) -> set[str]:
        """The nodes an edge of any type joins to ``nid`` (``nid`` itself for a self-pair)."""
        i = self.nodes.index.get(nid)
        if i is None:
            return set()
        found: set[int] = set()
        for table in self.tables.values():
            if len(table):
                rows = table.rows_at(i)
                if len(rows):
                    starts, ends = table.start[rows], table.end[rows]
                    found.update(np.where(starts == i, ends, starts).tolist())
        ids = self.nodes.values
        return {ids[j] for j in found}

    def degree(self, nid: str) -> int:
        """How many edges have ``nid`` at an end."""
        i = self.nodes.index.get(nid)
        if i is None:
            return 0
        return sum(len(t.rows_at(i)) for t in self.tables.values() if len(t))

    def counts(self) -> dict[str, int]:
        return {rel: len(table) for rel, table in self.tables.items()}

    def nbytes(self) -> int:
        """Memory of the columns and indexes, the node table and the evidence strings."""
        return (sum(t.nbytes() for t in self.tables.values()) + self.nodes.nbytes(strings=False)
                + self.strings.nbytes())
