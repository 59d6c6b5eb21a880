"""The raw-Cypher allow-list: what `query cypher` refuses before sending, and what it lets
through. Pure: no server needed (the server-side checks are in test_query_sandbox.py)."""

from __future__ import annotations

import pytest

from citegraph.errors import QueryError, QueryRefused
from citegraph.queries.cypher_guard import check_read_only, tokenize

#: (query, words the refusal must name)
REFUSED = [
    ("LOAD CSV FROM 'http://127.0.0.1:9/x' AS row RETURN row", "LOAD CSV"),
    ("load csv with headers from 'file:///etc/passwd' as r return r", "LOAD CSV"),
    ("MATCH (n) WITH n LIMIT 1 LOAD/* split */CSV FROM $u AS r RETURN r", "LOAD CSV"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE TRANSACTIONS"),
    ("SHOW TRANSACTIONS", "SHOW TRANSACTIONS"),
    ("SHOW USERS", "SHOW USERS"),
    ("SHOW DATABASES YIELD name", "SHOW DATABASES"),
    ("CALL dbms.security.createUser('x', 'y', false)", "CALL dbms.security.createuser"),
    ("CALL dbms.components() YIELD name RETURN name", "CALL dbms.components"),
    ("CALL `dbms`.`security`.`createUser`('x', 'y')", "CALL dbms.security.createuser"),
    ("CALL `dbms.killQueries`(['q'])", "CALL dbms.killqueries"),
    ("CALL db.createLabel('X')", "CALL db.createlabel"),
    ("CALL db.create.setNodeVectorProperty(n, 'v', [1.0])", "CALL db.create.setnodevector"),
    ("CALL gds.graph.project('g', 'Paper', 'CITES')", "CALL gds.graph.project"),
    ("CALL gds.graph.drop('g')", "CALL gds.graph.drop"),
    ("CALL gds.pageRank.write('g', {writeProperty: 'pr'})", "CALL gds.pagerank.write"),
    ("CALL gds.pageRank.mutate('g', {mutateProperty: 'pr'})", "CALL gds.pagerank.mutate"),
    ("CALL apoc.cypher.run('CREATE (n)', {})", "CALL apoc.cypher.run"),
    ("CALL apoc.load.json('http://127.0.0.1:9/x')", "CALL apoc.load.json"),
    ("RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {})",
     "function apoc.cypher.runfirstcolumnsingle"),
    ("RETURN dbms.procedures()", "function dbms.procedures"),
    ("CALL my.plugin.doThings()", "CALL my.plugin.dothings"),
    ("CREATE (n:Paper {key: 'x'})", "CREATE writes"),
    ("MATCH (n) DETACH DELETE n", "DETACH writes"),
    ("MATCH (n) DELETE n", "DELETE writes"),
    ("MERGE (n:Paper {key: 'x'})", "MERGE writes"),
    ("MATCH (n) SET n.x = 1", "SET writes"),
    ("MATCH (n) REMOVE n.x", "REMOVE writes"),
    ("INSERT (:Paper {key: 'x'})", "INSERT writes"),
    ("DROP INDEX paper_title", "DROP INDEX"),
    ("CREATE INDEX x FOR (n:Paper) ON (n.year)", "CREATE INDEX"),
    ("CREATE USER eve SET PASSWORD 'pw'", "CREATE USER"),
    ("GRANT ROLE admin TO eve", "GRANT ROLE"),
    ("DENY READ {*} ON GRAPH * TO eve", "DENY"),
    ("ALTER USER neo4j SET PASSWORD 'x'", "ALTER USER"),
    ("STOP DATABASE neo4j", "STOP DATABASE"),
    ("START DATABASE neo4j", "START DATABASE"),
    ("MATCH (n) FOREACH (x IN [1] | SET n.x = x)", "FOREACH writes"),
    ("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS", "DETACH"),
    ("UNWIND range(1, 3) AS x CALL (x) { RETURN x AS y } IN TRANSACTIONS RETURN y",
     "IN TRANSACTIONS"),
    ("USE system SHOW USERS", "USE system"),
    ("CALL { USE other MATCH (n) RETURN n } RETURN n", "USE other"),
    # keywords after a string, a comment or on another line are still seen
    ("RETURN 'harmless' AS s CREATE (n)", "CREATE writes"),
    ("MATCH (n) // a comment\nDETACH DELETE n", "DETACH writes"),
    ("MATCH (n) /* 'an unclosed quote in a comment */ DELETE n", "DELETE writes"),
    ("MATCH (n) // comment ends at any line break\u2028DELETE n", "DELETE writes"),
    ("RETURN 'it\\'s' AS s DELETE n", "DELETE writes"),
    ("RETURN \"a\\\"b\" AS s DELETE n", "DELETE writes"),
    ("MATCH (n) RETURN n.`x` AS x; CREATE (m)", "CREATE writes"),
    ("mAtCh (n) dElEtE n", "DELETE writes"),
]

ALLOWED = [
    "MATCH (p:Paper) WHERE p.year >= $y RETURN count(p) AS n",
    "RETURN 'CREATE (n) DETACH DELETE n; LOAD CSV FROM \"http://x\"' AS text",
    'RETURN "TERMINATE TRANSACTIONS" AS s, \'it\\\'s\' AS t',
    "MATCH (n:`CREATE`)-[:`DELETE`]->(m) RETURN n.`SET` AS s",
    "MATCH (n) RETURN n.set AS s, n.delete AS d",
    "MATCH (n:Paper) RETURN {set: n.key, load: 1, create: 2} AS m",
    "// DELETE everything\nMATCH (n) /* DROP INDEX x */ RETURN count(n) AS n",
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType",
    "CALL db.propertyKeys",
    "CALL db.index.fulltext.queryNodes('paper_text', 'lora') YIELD node RETURN node.key",
    "CALL db.index.vector.queryNodes('idx', 5, $v) YIELD node, score RETURN node.key, score",
    "CALL gds.pageRank.stream('citegraph_rank') YIELD nodeId, score RETURN nodeId, score",
    "CALL gds.louvain.stats('g') YIELD communityCount RETURN communityCount",
    "RETURN gds.version() AS v",
    "CALL gds.version() YIELD gdsVersion RETURN gdsVersion",
    "RETURN apoc.text.join(['a', 'b'], '-') AS s",
    "RETURN date.truncate('month', date('2024-05-17')) AS d, vector.similarity.cosine($a, $b)",
    "UNWIND range(1, 10) AS x WITH x WHERE x % 2 = 0 RETURN collect(x) AS xs",
    "MATCH (p:Paper) WHERE p.title STARTS WITH 'Lo' AND p.title ENDS WITH 'x' RETURN p",
    "MATCH (n) CALL (n) { RETURN count(*) AS c } RETURN c",
    "MATCH (n) WHERE EXISTS { MATCH (n)-->() } RETURN COUNT { (n)--() } AS degree",
    "SHOW INDEXES",
    "SHOW FULLTEXT INDEXES YIELD name RETURN name",
    "USE neo4j MATCH (n) RETURN count(n) AS n",
    "EXPLAIN MATCH (n) RETURN n",
    "RETURN $`odd param` AS x, 0x1F AS h, 1.5e3 AS f",
]


@pytest.mark.parametrize(("query", "named"), REFUSED)
def test_forbidden_constructs_are_refused(query: str, named: str):
    with pytest.raises(QueryRefused) as caught:
        check_read_only(query, database="neo4j")
    message = str(caught.value)
    assert named.lower() in message.lower(), message
    assert "\n" not in message and message.startswith("Cypher refused (line ")
    assert isinstance(caught.value, QueryError)


@pytest.mark.parametrize("query", ALLOWED)
def test_hostile_but_read_only_queries_pass(query: str):
    check_read_only(query, database="neo4j")


def test_refusal_points_at_the_line_and_column():
    with pytest.raises(QueryRefused, match=r"line 3, column 3\): DELETE"):
        check_read_only("MATCH (n)\nWITH n\n  DELETE n")


@pytest.mark.parametrize("query", ["RETURN 'open", "RETURN `open", "RETURN 1 /* open",
                                   'RETURN "a\\"'])
def test_unterminated_literals_are_refused(query: str):
    with pytest.raises(QueryRefused, match="unterminated"):
        check_read_only(query)


def test_tokens_of_strings_names_and_comments():
    tokens = tokenize("MATCH (`a``b`) // x\nRETURN 'DELETE' /* y */ AS $p")
    assert [(t.kind, t.text, t.quoted) for t in tokens] == [
        ("name", "MATCH", False), ("punct", "(", False), ("name", "a`b", True),
        ("punct", ")", False), ("name", "RETURN", False), ("string", "'DELETE'", False),
        ("name", "AS", False), ("param", "p", False),
    ]


def test_use_without_a_known_database_is_refused():
    with pytest.raises(QueryRefused, match="USE neo4j"):
        check_read_only("USE neo4j RETURN 1")
