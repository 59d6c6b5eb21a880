"""Paper identity on Ray: blocking and pair decisions on workers, the joins on the driver.

The steps of :func:`citegraph.graph.matching.candidate_pairs` and the decision of each
pair, as a two-round hash-partitioned shuffle of Ray tasks (a map-reduce):

1. *blocking keys* (one task per chunk of records): every record's keys, each as a
   stable 64-bit hash, sent to the partition ``hash % P``; the document frequencies the
   rare-word keys need are counted on the driver (one pass) and shared with the tasks;
2. *blocks* (one task per key partition): each block is whole in its partition, so the
   sorted-neighbourhood pairs of :func:`~citegraph.graph.matching.block_pairs` are those
   of the local build; each pair code goes to the partition ``code % Q``;
3. *pairs* (one task per code partition): every occurrence of a pair is in its partition,
   so counting its rare-word keys (:func:`~citegraph.graph.matching.kept_pairs`), the bulk
   word filter and :func:`~citegraph.graph.matching.decide` give the local decisions.

The driver gets back the decided pairs in code order, as
:func:`~citegraph.graph.matching.decided_pairs` yields them; the joins (strongest first,
refused when they would span years or fold two papers, see
:func:`citegraph.graph.identity.merge_records`) depend on one another and run there, over
integer record numbers only. So the papers, keys and merge report are the local ones.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from citegraph.graph.matching import (
    Evidence,
    Features,
    block_entries,
    block_pairs,
    content_ranks,
    decide,
    document_frequencies,
    kept_pairs,
    worth_a_look,
)

#: Records per blocking-key task.
KEY_CHUNK = 20_000
#: Below this many records the shuffle costs more than it spreads: decided on the driver.
#: (0 in tests, so the small fixtures go through the distributed path.)
LOCAL_BELOW = 2_000
#: Partitions per CPU slot of each shuffle round.
PARTITIONS_PER_WORKER = 2


def stable_hash(key: str) -> int:
    """A 64-bit hash of a blocking key that every worker process computes alike (Python's
    ``hash`` of a string differs from process to process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little", signed=True)


def _split(parts: int, bucket: np.ndarray, *columns: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """``columns`` cut into ``parts`` partitions by ``bucket`` (each row's partition)."""
    order = np.argsort(bucket, kind="stable")
    bounds = np.searchsorted(bucket[order], np.arange(parts + 1))
    return [tuple(c[order[a:b]] for c in columns) for a, b in zip(bounds, bounds[1:],
                                                                   strict=False)]


def _keys_task(feats: Sequence[Features], offset: int, df: Counter[str], fuzzy: bool,
               parts: int) -> list[tuple[np.ndarray, ...]]:
    """Round 1: the blocking entries of one chunk of records, by key partition."""
    hashes, rows, kinds = block_entries(feats, range(len(feats)), df, fuzzy, stable_hash)
    rows = rows + offset
    return _split(parts, (hashes.view(np.uint64) % np.uint64(parts)).astype(np.int64),
                  hashes, rows, kinds)


def _blocks_task(ranks: np.ndarray, n: int, parts: int, *pieces: tuple[np.ndarray, ...]
                 ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Round 2: the pairs of the blocks of one key partition, by code partition."""
    hashes = np.concatenate([p[0] for p in pieces])
    if not len(hashes):
        empty = np.zeros(0, dtype=np.int64)
        return [(empty, empty)] * parts
    _, keys = np.unique(hashes, return_inverse=True)
    rows = np.concatenate([p[1] for p in pieces])
    kinds = np.concatenate([p[2] for p in pieces])
    by_words, by_other = block_pairs(keys, rows, kinds, ranks, n)
    words = np.concatenate(by_words) if by_words else np.zeros(0, dtype=np.int64)
    other = np.concatenate(by_other) if by_other else np.zeros(0, dtype=np.int64)
    split_words = _split(parts, words % parts, words)
    split_other = _split(parts, other % parts, other)
    return [(w[0], o[0]) for w, o in zip(split_words, split_other, strict=True)]


def _pairs_task(feats: Sequence[Features], fuzzy: bool, skip_below: int, n: int,
                *pieces: tuple[np.ndarray, np.ndarray]
                ) -> tuple[np.ndarray, list[Evidence | None]]:
    """Round 3: the candidate pairs of one code partition and their decisions."""
    by_words = [p[0] for p in pieces]
    by_other = [p[1] for p in pieces]
    codes = kept_pairs(by_words, by_other, n)
    if fuzzy and len(codes):
        codes = worth_a_look(feats, codes)
    codes = codes[codes % n >= skip_below]
    found = [decide(feats[i], feats[j], fuzzy) for i, j in
             (divmod(c, n) for c in codes.tolist())]
    return codes, found


def decided_pairs_distributed(feats: Sequence[Features], fuzzy: bool = True,
                              skip_below: int = 0
                              ) -> Iterator[tuple[int, int, Evidence | None]]:
    """:func:`citegraph.graph.matching.decided_pairs` on the running Ray instance (same
    pairs, same decisions, same order); small inputs are decided here."""
    from citegraph.graph.matching import decided_pairs
    from citegraph.graph.ray_engine import workers

    n = len(feats)
    if n < max(2, LOCAL_BELOW):
        yield from decided_pairs(feats, fuzzy, skip_below)
        return
    import ray

    parts = max(2, workers() * PARTITIONS_PER_WORKER)  # several returns per task
    df = document_frequencies(feats) if fuzzy else Counter()
    df_ref = ray.put(df)
    del df
    keys = ray.remote(num_returns=parts)(_keys_task)
    mapped = [keys.remote(list(feats[start:start + KEY_CHUNK]), start, df_ref, fuzzy, parts)
              for start in range(0, n, KEY_CHUNK)]
    ranks_ref = ray.put(content_ranks(feats))
    blocks = ray.remote(num_returns=parts)(_blocks_task)
    reduced = []
    for p in range(parts):
        reduced.append(blocks.remote(ranks_ref, n, parts, *[m[p] for m in mapped]))
    del mapped
    feats_ref = ray.put(list(feats))
    pairs = ray.remote(_pairs_task)
    decided = [pairs.remote(feats_ref, fuzzy, skip_below, n, *[r[q] for r in reduced])
               for q in range(parts)]
    del reduced
    results = ray.get(decided)
    codes = np.concatenate([c for c, _ in results]) if results else np.zeros(0, np.int64)
    found: list[Any] = [e for _, ev in results for e in ev]
    for at in np.argsort(codes, kind="stable").tolist():
        i, j = divmod(int(codes[at]), n)
        yield i, j, found[at]
