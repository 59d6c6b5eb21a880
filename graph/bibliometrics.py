"""Bibliometric edges: co-citation, bibliographic coupling, co-authorship, keyword co-occurrence.

Every network is one sparse matrix product over an incidence matrix (scipy.sparse), never a
loop over pairs:

- ``CO_CITED``: A is papers × cited works (explicit citations only: an inferred citation is
  a guess from shared entities and never counts); AᵀA counts, for two cited works, the
  papers citing both. Evidence: those citing papers.
- ``COUPLED``: AAᵀ counts, for two citing papers, the references they share. Evidence: the
  shared references.
- ``CO_AUTHORED``: B is papers × authors; BᵀB counts joint papers. Evidence: the papers.
- ``CO_OCCURS``: K is papers × keywords; KᵀK counts papers given both. Evidence: the papers.

``strength`` is Salton's cosine, c(i,j) / sqrt(c(i) c(j)) with c(i) the row or column total
of the incidence matrix (times cited, references made, papers with the keyword): 1 when two
items always occur together, small when one is far more frequent than the pair. Evidence
lists are sorted and capped at :data:`EVIDENCE_LIMIT` keys; ``count`` holds the full number.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.names import fold_keyword

#: Keys kept as evidence on one edge; popular pairs would otherwise list thousands.
EVIDENCE_LIMIT = 25
#: Papers with more authors than this add no CO_AUTHORED edges: a 3,000-author consortium
#: paper would add 4.5 million pairs that say nothing about collaboration.
MAX_AUTHORS_FOR_PAIRS = 100
#: Multiply-adds per block of the co-occurrence product (bounds its working memory).
BLOCK_WORK = 40_000_000
#: Evidence is found for all pairs at once when the rows hold at most this many pairs of
#: columns per pair asked: listing one costs about 0.13 µs, one lookup per pair about 8 µs
#: (measured on matrices shaped like papers x entities), so up to here the bulk way is
#: cheaper, by half at the bound.
BULK_CANDIDATES_PER_PAIR = 32
#: Row pairs listed at once by the bulk way (a few int64 arrays of this length).
BULK_RUN_PAIRS = 4_000_000


@dataclass(frozen=True)
class Pairs:
    """Upper-triangle pairs (i < j) of a co-occurrence product with their counts and cosine."""

    i: np.ndarray
    j: np.ndarray
    count: np.ndarray
    strength: np.ndarray


def incidence(
    rows: Sequence[int], cols: Sequence[int], shape: tuple[int, int]
) -> sparse.csr_matrix:
    """A 0/1 CSR matrix with a one at every (row, col) given (duplicates count once)."""
    data = np.ones(len(rows), dtype=np.int32)
    m = sparse.csr_matrix((data, (np.asarray(rows, dtype=np.int64),
                                  np.asarray(cols, dtype=np.int64))), shape=shape)
    m.data[:] = 1
    return m


def co_occurrence(m: sparse.spmatrix, min_count: int = 1) -> Pairs:
    """Pairs of columns of a 0/1 matrix sharing at least ``min_count`` rows: MᵀM, upper
    triangle, with Salton's cosine from the column totals.

    The product is taken in blocks of columns (:func:`column_blocks`), each cut to its
    upper triangle and threshold at once (:func:`block_co_occurrence`), so memory follows
    the pairs kept rather than every pair occurrence (a work cited by thousands of papers
    joins millions of pairs, most under the threshold)."""
    m = sparse.csr_matrix(m, dtype=np.int32)
    mt = m.T.tocsr()
    parts = [block_co_occurrence(m, mt, start, end, min_count)
             for start, end in column_blocks(m)]
    # blocks come in row order and each is sorted by row, then column
    return join_blocks(m, parts)


def column_blocks(m: sparse.csr_matrix, most_work: int = BLOCK_WORK) -> list[tuple[int, int]]:
    """Consecutive column ranges of about ``most_work`` multiply-adds of MᵀM each."""
    mt = m.T.tocsr()
    row_sizes = np.diff(m.indptr).astype(np.int64)
    work = np.asarray(mt @ row_sizes).ravel() if m.nnz else np.zeros(m.shape[1])
    bounds = [0]
    spent = 0
    for col, w in enumerate(work.tolist()):
        spent += w
        if spent >= most_work:
            bounds.append(col + 1)
            spent = 0
    if bounds[-1] != m.shape[1]:
        bounds.append(m.shape[1])
    return list(itertools.pairwise(bounds))


def block_co_occurrence(m: sparse.csr_matrix, mt: sparse.csr_matrix, start: int, end: int,
                        min_count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(i, j, count)`` of the pairs whose first column is in ``start:end`` (``mt`` is
    ``m`` transposed, CSR), sorted by i, then j."""
    # only columns from ``start`` on: the pairs below the block are counted already
    block = mt[start:end] @ m[:, start:]
    block.data[block.data < max(1, min_count)] = 0  # most pairs: dropped before COO
    block.eliminate_zeros()
    block.sort_indices()
    block = block.tocoo()
    rows = block.row.astype(np.int64) + start
    cols = block.col.astype(np.int64) + start
    keep = rows < cols
    return rows[keep], cols[keep], block.data[keep]


def join_blocks(m: sparse.csr_matrix, parts: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]]
                ) -> Pairs:
    """The pairs of consecutive column blocks, with their cosine from ``m``'s totals."""
    i = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    j = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    count = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
    totals = np.asarray(m.sum(axis=0)).ravel().astype(np.float64)
    strength = count / np.sqrt(totals[i] * totals[j])
    return Pairs(i, j, count, strength)


#: Co-occurrence with evidence: for a 0/1 matrix, a least count and a most evidence rows,
#: the pairs of :func:`co_occurrence` and each pair's shared rows (:func:`shared_rows`).
#: :func:`co_occurrence_evidence` here; the Ray engine computes column blocks on workers.
PairCounter = Callable[[sparse.csr_matrix, int, int], tuple[Pairs, list[np.ndarray]]]


def co_occurrence_evidence(m: sparse.spmatrix, min_count: int, limit: int
                           ) -> tuple[Pairs, list[np.ndarray]]:
    """:func:`co_occurrence` and, for each pair, its first ``limit`` shared rows."""
    m = sparse.csr_matrix(m, dtype=np.int32)
    pairs = co_occurrence(m, min_count)
    return pairs, pair_evidence(m, pairs.i, pairs.j, limit)


def pair_evidence(m: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, limit: int
                  ) -> list[np.ndarray]:
    """The first ``limit`` rows (sorted) that columns ``i[n]`` and ``j[n]`` share
    (``i[n] < j[n]``): for all pairs at once (:func:`first_shared_rows`) when the rows'
    own pairs are at most :data:`BULK_CANDIDATES_PER_PAIR` per pair asked, else pair by
    pair (:func:`shared_rows`). The result is the same; the cheaper way is taken."""
    sizes = np.diff(m.indptr).astype(np.int64)
    if int((sizes * (sizes - 1) // 2).sum()) <= BULK_CANDIDATES_PER_PAIR * len(i):
        return first_shared_rows(m, i, j, limit)
    csc = m.tocsc()
    csc.sort_indices()
    return [shared_rows(csc, a, b, limit) for a, b in zip(i.tolist(), j.tolist(), strict=True)]


def shared_rows(
    m_csc: sparse.csc_matrix, i: int, j: int, limit: int = EVIDENCE_LIMIT
) -> np.ndarray:
    """Row indices where columns ``i`` and ``j`` are both one (sorted, at most ``limit``).

    The shorter column is looked up in the longer by binary search, so a pair with one
    very frequent item (a prolific author, a classic cited by thousands) costs the length
    of the other, not of both: merging both would make the pass over all pairs grow
    faster than the corpus."""
    a = m_csc.indices[m_csc.indptr[i]:m_csc.indptr[i + 1]]
    b = m_csc.indices[m_csc.indptr[j]:m_csc.indptr[j + 1]]
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    at = np.searchsorted(b, a).clip(max=len(b) - 1)
    return a[b[at] == a][:limit]


def first_shared_rows(m: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, limit: int,
                      most_work: int = BULK_RUN_PAIRS) -> list[np.ndarray]:
    """What :func:`pair_evidence` gives (the first ``limit`` rows, sorted, that columns
    ``i[n]`` and ``j[n]`` share; ``i[n] < j[n]``), for every pair at once rather than pair
    by pair.

    Every row's own pairs of columns are listed (the work of the product that counted the
    pairs) and looked up among the pairs asked for, in numpy. Rows are taken in runs of
    about ``most_work`` such pairs, in order, and a pair stops collecting rows once it
    has ``limit``, so memory follows the evidence kept. For a network with short rows
    (papers naming a few entities) this costs a fraction of a lookup per pair, and it
    grows with the rows, not with the pairs kept; a row holding thousands of columns (a
    classic cited by thousands) lists millions of pairs, so :func:`pair_evidence` looks
    such pairs up one by one.
    """
    npairs = len(i)
    if not npairs:
        return []
    m = sparse.csr_matrix(m)
    m.sort_indices()
    ncols = m.shape[1]
    wanted = np.asarray(i, dtype=np.int64) * ncols + np.asarray(j, dtype=np.int64)
    order = np.argsort(wanted, kind="stable")
    keys = wanted[order]
    indptr = m.indptr.astype(np.int64)
    columns = m.indices.astype(np.int64)
    sizes = np.diff(indptr)
    have = np.zeros(npairs, dtype=np.int64)
    kept_pairs: list[np.ndarray] = []
    kept_rows: list[np.ndarray] = []
    for first, last in _row_runs(sizes * (sizes - 1) // 2, most_work):
        run = sizes[first:last]
        row_of = np.repeat(np.arange(first, last, dtype=np.int64), run)
        end_of = np.repeat(indptr[first + 1:last + 1], run)
        at = np.arange(indptr[first], indptr[last], dtype=np.int64)
        none = np.zeros(0, dtype=np.int64)
        found_pairs, found_rows = [none], [none]
        step = 1
        while len(at):  # each entry with the entry ``step`` places after it in its row
            still = at + step < end_of[at - indptr[first]]
            at = at[still]
            key = columns[at] * ncols + columns[at + step]
            where = np.searchsorted(keys, key).clip(max=npairs - 1)
            hit = keys[where] == key
            found_pairs.append(order[where[hit]])
            found_rows.append(row_of[at[hit] - indptr[first]])
            step += 1
        pair, row = np.concatenate(found_pairs), np.concatenate(found_rows)
        by_pair = np.lexsort((row, pair))
        pair, row = pair[by_pair], row[by_pair]
        rank = np.arange(len(pair)) - np.searchsorted(pair, pair)
        keep = rank + have[pair] < limit
        pair, row = pair[keep], row[keep]
        have += np.bincount(pair, minlength=npairs)
        kept_pairs.append(pair)
        kept_rows.append(row)
    pair, row = np.concatenate(kept_pairs), np.concatenate(kept_rows)
    row = row[np.argsort(pair, kind="stable")].astype(m.indices.dtype)  # runs in row order
    return np.split(row, np.cumsum(have)[:-1])


def _row_runs(work: np.ndarray, most_work: int) -> list[tuple[int, int]]:
    """Consecutive row ranges of about ``most_work`` work each (a longer row alone)."""
    bounds = np.searchsorted(np.cumsum(work), np.arange(most_work, int(work.sum()) + most_work,
                                                        most_work), side="right")
    edges = sorted({0, len(work), *np.minimum(bounds + 1, len(work)).tolist()})
    return list(itertools.pairwise(edges))


def explicit_citations(kg: KnowledgeGraph) -> list[tuple[str, str]]:
    """``(citing, cited)`` node ids of every explicit citation, each pair once."""
    return sorted({(u, v) for u, v, _, p in kg.edges(S.CITES) if not p.get(S.INFERRED)})


def _index(items: Sequence[str]) -> dict[str, int]:
    return {item: n for n, item in enumerate(items)}


Rows = dict[str, frozenset[str]]  # row node id -> the column node ids it holds


@dataclass(frozen=True)
class Network:
    """The incidence matrix of one co-occurrence network: rows (the evidence: citing
    papers, cited works, papers) × columns (the items paired), both in node-id order."""

    rows: list[str]
    columns: list[str]
    m: sparse.csr_matrix

    @classmethod
    def of(cls, rows: Rows) -> Network:
        names = sorted(rows)
        columns = sorted({c for cols in rows.values() for c in cols})
        at = _index(columns)
        r = [n for n, row in enumerate(names) for _ in rows[row]]
        c = [at[col] for row in names for col in rows[row]]
        return cls(names, columns, incidence(r, c, (len(names), len(columns))))


def co_citation_rows(kg: KnowledgeGraph) -> Rows:
    """Citing paper -> the works it cites explicitly (an inferred citation is a guess
    from shared entities and never counts)."""
    rows: dict[str, set[str]] = defaultdict(set)
    for u, v in explicit_citations(kg):
        rows[u].add(v)
    return {r: frozenset(c) for r, c in rows.items()}


def coupling_rows(kg: KnowledgeGraph) -> Rows:
    """Cited work -> the papers citing it explicitly (the transpose of co-citation)."""
    rows: dict[str, set[str]] = defaultdict(set)
    for u, v in explicit_citations(kg):
        rows[v].add(u)
    return {r: frozenset(c) for r, c in rows.items()}


def co_author_rows(kg: KnowledgeGraph) -> Rows:
    """Paper -> its authors, for papers with 2 to :data:`MAX_AUTHORS_FOR_PAIRS` authors."""
    by_paper: dict[str, set[str]] = defaultdict(set)
    for author, paper, _, _ in kg.edges(S.AUTHORED):
        by_paper[paper].add(author)
    return {p: frozenset(a) for p, a in by_paper.items() if 1 < len(a) <= MAX_AUTHORS_FOR_PAIRS}


def keyword_rows(kg: KnowledgeGraph) -> Rows:
    """Paper -> its keywords (every paper with one: the column totals count them all)."""
    by_paper: dict[str, set[str]] = defaultdict(set)
    for paper, keyword, _, _ in kg.edges(S.HAS_KEYWORD):
        by_paper[paper].add(keyword)
    return {p: frozenset(k) for p, k in by_paper.items()}


def network_pairs(net: Network, min_count: int,
                  count_pairs: PairCounter = co_occurrence_evidence
                  ) -> tuple[Pairs, list[np.ndarray]]:
    """The pairs of ``net`` and every row each pair shares (the evidence is chosen by
    key among them)."""
    return count_pairs(net.m, min_count, len(net.rows))


def add_pairs(kg: KnowledgeGraph, rel: str, pairs: Pairs, shared: Sequence[np.ndarray],
              net: Network, strength: bool) -> int:
    """One ``rel`` edge per pair: count, the smallest keys of the rows holding both
    (capped at :data:`EVIDENCE_LIMIT`) and, with ``strength``, the cosine."""
    keys = [_key(kg, r) for r in net.rows]
    names = net.columns
    columns: dict[str, list] = {S.COUNT: pairs.count.astype(np.int64).tolist()}
    if strength:
        columns[S.STRENGTH] = [round(x, 4) for x in pairs.strength.astype(np.float64).tolist()]
    evidence = [sorted(keys[r] for r in rows.tolist())[:EVIDENCE_LIMIT] for rows in shared]
    return kg.add_pair_edges(rel, [names[a] for a in pairs.i.tolist()],
                             [names[b] for b in pairs.j.tolist()], columns, evidence)


def _key(kg: KnowledgeGraph, nid: str) -> str:
    return kg.node(nid)[S.KEY]


def add_network(kg: KnowledgeGraph, rel: str, rows: Rows, min_count: int, strength: bool,
                count_pairs: PairCounter = co_occurrence_evidence) -> int:
    if not rows:
        return 0
    net = Network.of(rows)
    pairs, shared = network_pairs(net, min_count, count_pairs)
    return add_pairs(kg, rel, pairs, shared, net, strength)


def add_co_citation_edges(kg: KnowledgeGraph, min_count: int = 2,
                          count_pairs: PairCounter = co_occurrence_evidence) -> int:
    """CO_CITED between works cited together by at least ``min_count`` papers."""
    return add_network(kg, S.CO_CITED, co_citation_rows(kg), min_count, True, count_pairs)


def add_coupling_edges(kg: KnowledgeGraph, min_count: int = 2,
                       count_pairs: PairCounter = co_occurrence_evidence) -> int:
    """COUPLED between papers sharing at least ``min_count`` explicit references."""
    return add_network(kg, S.COUPLED, coupling_rows(kg), min_count, True, count_pairs)


def add_co_author_edges(kg: KnowledgeGraph, min_count: int = 1,
                        count_pairs: PairCounter = co_occurrence_evidence) -> int:
    """CO_AUTHORED between authors with at least ``min_count`` joint papers."""
    return add_network(kg, S.CO_AUTHORED, co_author_rows(kg), min_count, False, count_pairs)


# --- keywords ----------------------------------------------------------------------------

def add_keywords(kg: KnowledgeGraph) -> int:
    """A Keyword node per folded keyword (author keywords and index terms of every paper),
    named by its most frequent spelling, with HAS_KEYWORD edges; returns the node count."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, set[str]] = defaultdict(set)
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pid, paper in kg.nodes(S.PAPER):
        for prop, kind in ((S.KEYWORDS, "author"), (S.INDEX_TERMS, "index")):
            for raw in paper.get(prop) or []:
                if not isinstance(raw, str):
                    continue
                key = fold_keyword(raw)
                if not key:
                    continue
                spellings[key][raw.strip()] += 1
                kinds[key].add(kind)
                links[(pid, key)].add(kind)
    papers: Counter[str] = Counter(key for _, key in links)
    for key, counts in spellings.items():
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        kg.add_node(S.KEYWORD, key, **{S.NAME: ranked[0][0],
                                       S.ALIASES: sorted(s for s, _ in ranked[1:]),
                                       S.KEYWORD_KINDS: sorted(kinds[key]),
                                       S.PAPER_COUNT: papers[key]})
    for (pid, key), source in links.items():
        kg.add_edge(S.HAS_KEYWORD, pid, S.node_id(S.KEYWORD, key),
                    **{S.SOURCE: ",".join(sorted(source))})
    return len(spellings)


def add_keyword_co_occurrence_edges(kg: KnowledgeGraph, min_count: int = 2,
                                    count_pairs: PairCounter = co_occurrence_evidence) -> int:
    """CO_OCCURS between keywords given together to at least ``min_count`` papers."""
    return add_network(kg, S.CO_OCCURS, keyword_rows(kg), min_count, True, count_pairs)
