"""Constraints and indexes the Neo4j store relies on, derived from the schema.

A uniqueness constraint on every node key makes ``MERGE`` both correct (one node per key
even across interrupted runs) and fast (endpoint lookups use the constraint's index).
Full-text indexes back the ``search`` query helper; range indexes back name lookups.
The vector index over paper embeddings backs ``search_similar``; its dimension comes from
the embeddings, so it is created when they are written (:func:`vector_index_statement`).
"""

from __future__ import annotations

from citegraph.graph import schema as S


def constraint_name(label: str) -> str:
    return f"citegraph_{label.lower()}_key"


def fulltext_index_name(label: str) -> str:
    """The full-text index of one label (the ``search`` helper queries these by name)."""
    return f"citegraph_{label.lower()}_text"


def vector_index_name() -> str:
    """The vector index over ``Paper.embedding`` (the ``search_similar`` helper queries it)."""
    return f"citegraph_{S.PAPER.lower()}_{S.EMBEDDING}"


def vector_index_statement() -> str:
    """Idempotent DDL of the cosine vector index; the dimension is the parameter ``$dim``.

    Quantization is off so the index ranks by the stored float32 vectors, not a compressed
    copy: near-ties are ordered as an exact scan orders them.
    """
    return (
        f"CREATE VECTOR INDEX {vector_index_name()} IF NOT EXISTS "
        f"FOR (n:`{S.PAPER}`) ON (n.`{S.EMBEDDING}`) "
        "OPTIONS {indexConfig: {`vector.dimensions`: $dim, "
        "`vector.similarity_function`: 'cosine', `vector.quantization.enabled`: false}}"
    )


def schema_statements() -> list[str]:
    """Idempotent DDL for every node kind: key constraint, name/date indexes, full-text."""
    statements = []
    for kind in S.NODE_KINDS:
        statements.append(
            f"CREATE CONSTRAINT {constraint_name(kind.label)} IF NOT EXISTS "
            f"FOR (n:`{kind.label}`) REQUIRE n.`{kind.key}` IS UNIQUE"
        )
        for prop in (S.NAME, S.DATE):
            if prop in kind.properties:
                statements.append(
                    f"CREATE INDEX citegraph_{kind.label.lower()}_{prop} IF NOT EXISTS "
                    f"FOR (n:`{kind.label}`) ON (n.`{prop}`)"
                )
        if kind.fulltext:
            fields = ", ".join(f"n.`{p}`" for p in kind.fulltext)
            statements.append(
                f"CREATE FULLTEXT INDEX {fulltext_index_name(kind.label)} IF NOT EXISTS "
                f"FOR (n:`{kind.label}`) ON EACH [{fields}]"
            )
    return statements


def ensure_schema(driver, database: str) -> None:
    """Create what is missing and wait until every index is online."""
    with driver.session(database=database) as session:
        for statement in schema_statements():
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()
