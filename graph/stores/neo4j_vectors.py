"""Paper embeddings in Neo4j: written onto Paper nodes, indexed, and read back.

Each embedded paper carries three properties (names in :mod:`citegraph.graph.schema`):
the vector (``embedding``, stored as a float32 array like the file store keeps it), the
content hash of the text it was made from and the model that made it. Keeping hash and
model on every paper, rather than on one metadata node, means an append or an interrupted
write can never leave vectors described by another paper's model; a reader that finds
several models refuses instead of mixing them.

Writes are batched ``UNWIND $rows`` statements matching papers by key, run on the
writer's sessions at once, so writing the same vectors again changes nothing. The cosine
vector index is created from the matrix's width.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from citegraph.graph import schema as S
from citegraph.graph.stores.neo4j_batches import DEFAULT_WORKERS, BatchPool, BatchRows
from citegraph.graph.stores.neo4j_conn import Neo4jStoreError
from citegraph.graph.stores.neo4j_schema import vector_index_name, vector_index_statement

if TYPE_CHECKING:
    from citegraph.graph.vectors import PaperVectors

#: Vectors per transaction: a 384-float row is ~1.5 kB in the store, several in transit.
VECTOR_BATCH_SIZE = 2_000

Row = dict[str, Any]


def vector_rows(vectors: PaperVectors, start: int = 0, stop: int | None = None) -> list[Row]:
    """One parameter row per embedded paper (of ``start:stop``): key, vector (Python
    floats), hash, model."""
    stop = len(vectors) if stop is None else stop
    return [
        {"key": vectors.keys[i], "vector": vectors.matrix[i].tolist(),
         "hash": vectors.hashes[i], "model": vectors.model}
        for i in range(start, min(stop, len(vectors)))
    ]


def write_statement() -> str:
    """Set the embedding properties of papers matched by key (float32 via the procedure)."""
    return (
        f"UNWIND $rows AS row MATCH (p:`{S.PAPER}` {{`{S.KEY}`: row.key}}) "
        f"SET p.`{S.EMBEDDING_HASH}` = row.hash, p.`{S.EMBEDDING_MODEL}` = row.model "
        "WITH p, row CALL db.create.setNodeVectorProperty(p, $property, row.vector)"
    )


def _write_batch(tx, rows: list[Row]) -> None:
    tx.run(write_statement(), rows=BatchRows(rows), property=S.EMBEDDING).consume()


def index_dimension(session) -> int | None:
    """The dimension of the existing vector index, or None when there is none."""
    record = session.run(
        "SHOW VECTOR INDEXES YIELD name, options WHERE name = $name RETURN options",
        name=vector_index_name(),
    ).single()
    if record is None:
        return None
    return int(record["options"]["indexConfig"]["vector.dimensions"])


def _holds_vectors(session) -> bool:
    found = session.run(
        f"MATCH (p:`{S.PAPER}`) WHERE p.`{S.EMBEDDING}` IS NOT NULL RETURN 1 AS found LIMIT 1"
    ).single()
    return found is not None


def ensure_vector_index(session, dimension: int) -> None:
    """Create the vector index for ``dimension``-wide vectors.

    An index of another width is replaced when no paper holds a vector any more (e.g.
    after ``clear``); while vectors of the other width remain, the write is refused.
    """
    existing = index_dimension(session)
    if existing is not None and existing != dimension:
        if _holds_vectors(session):
            raise Neo4jStoreError(
                f"the database's paper vectors are {existing}-dimensional, these are "
                f"{dimension}: write with the same model, or clear the database first"
            )
        session.run(f"DROP INDEX {vector_index_name()} IF EXISTS").consume()
    session.run(vector_index_statement(), dim=dimension).consume()
    session.run("CALL db.awaitIndexes(300)").consume()


def write_vectors(
    driver, database: str, vectors: PaperVectors | None, batch_size: int = VECTOR_BATCH_SIZE,
    workers: int = DEFAULT_WORKERS,
) -> int:
    """Write the embeddings of papers already in the database, on ``workers`` sessions at
    once; returns the rows written."""
    if vectors is None or len(vectors) == 0:
        return 0
    with driver.session(database=database) as session:
        ensure_vector_index(session, int(vectors.matrix.shape[1]))
    size = max(1, min(batch_size, VECTOR_BATCH_SIZE))
    with BatchPool(driver, database, workers) as pool:
        for start in range(0, len(vectors), size):
            pool.submit(_write_batch, vector_rows(vectors, start, start + size))
        pool.wait()
    return len(vectors)


def take_vector(props: dict[str, Any]) -> tuple[list[float], str, str] | None:
    """Remove the embedding properties from a paper's read properties; return them."""
    vector = props.pop(S.EMBEDDING, None)
    content = props.pop(S.EMBEDDING_HASH, None)
    model = props.pop(S.EMBEDDING_MODEL, None)
    if vector is None or content is None or model is None:
        return None
    return list(vector), content, model


def assemble(found: list[tuple[str, list[float], str, str]]) -> PaperVectors | None:
    """``PaperVectors`` from ``(key, vector, hash, model)`` rows, in key order."""
    import numpy as np

    from citegraph.graph.vectors import PaperVectors

    if not found:
        return None
    models = sorted({model for _, _, _, model in found})
    if len(models) > 1:
        raise Neo4jStoreError(
            f"the database holds paper vectors of several models ({', '.join(models)}); "
            "clear it and write one graph"
        )
    found = sorted(found, key=lambda row: row[0])
    matrix = np.asarray([vector for _, vector, _, _ in found], dtype=np.float32)
    return PaperVectors(models[0], [k for k, _, _, _ in found], [h for _, _, h, _ in found],
                        matrix)
