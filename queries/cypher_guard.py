"""Which raw Cypher ``query cypher`` sends: read clauses and allow-listed procedures only.

Raw Cypher runs in a read transaction, but read access alone is no sandbox: ``LOAD CSV``
fetches URLs from the server, ``TERMINATE TRANSACTIONS`` stops other sessions' work,
``CALL dbms.*`` administers the server. So a query is tokenized first and refused, before
anything is sent, when it names:

* a clause that writes (``CREATE``, ``MERGE``, ``SET``, ``DELETE``, ``DETACH``, ``REMOVE``,
  ``DROP``, ``FOREACH``, ``INSERT``) or administers (``TERMINATE``, ``GRANT``, ``DENY``,
  ``REVOKE``, ``ALTER``, ``START``, ``STOP``, ``RENAME``, ``ENABLE``, ...); ``SHOW`` other
  than ``SHOW INDEXES`` / ``SHOW CONSTRAINTS``;
* ``LOAD CSV``; ``CALL { } IN TRANSACTIONS``; ``USE`` of a database other than the one
  queried;
* a procedure not on :data:`ALLOWED_PROCEDURES` (GDS procedures are allowed in their
  ``stream`` and ``stats`` modes, never ``gds.graph.*``);
* a namespaced function outside Cypher's own namespaces and :data:`ALLOWED_FUNCTIONS` /
  :data:`ALLOWED_FUNCTION_PREFIXES` (so no ``apoc.*`` beyond its pure text, list, map and
  number functions).

The tokenizer knows Cypher's string literals (with backslash escapes), backtick-quoted
names, parameters and both comment forms, so a keyword inside a string or a backtick name
is data, and a keyword split off by comments is still seen. Where it could read the text
differently from the server it reads more of it as code (a line comment ends at any line
break character), so an ambiguity leads to a refusal, never to a miss. A name spelled like
a refused keyword (a variable called ``set``) is refused too unless it follows ``.`` or
``:``, precedes ``:`` or is backtick-quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citegraph.errors import QueryRefused

#: Clauses that change data or schema.
WRITE_CLAUSES = frozenset({
    "CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "DROP", "FOREACH",
    "INSERT",
})
#: Administration commands (users, roles, privileges, databases, servers, transactions).
ADMIN_COMMANDS = frozenset({
    "TERMINATE", "GRANT", "DENY", "REVOKE", "ALTER", "START", "STOP", "RENAME", "ENABLE",
    "DEALLOCATE", "REALLOCATE", "DRYRUN", "PERIODIC",
})
#: Words that name what an administration command acts on (``CREATE USER``, ...).
ADMIN_OBJECTS = frozenset({
    "USER", "USERS", "ROLE", "ROLES", "DATABASE", "DATABASES", "ALIAS", "ALIASES",
    "COMPOSITE", "SERVER", "SERVERS", "PRIVILEGE", "PRIVILEGES", "INDEX", "INDEXES",
    "CONSTRAINT", "CONSTRAINTS", "TRANSACTION", "TRANSACTIONS", "OR",
})
#: ``SHOW`` may list indexes and constraints, optionally of a kind.
SHOW_ALLOWED = frozenset({"INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS"})
SHOW_KINDS = frozenset({
    "ALL", "RANGE", "FULLTEXT", "TEXT", "POINT", "VECTOR", "LOOKUP", "BTREE", "UNIQUE",
    "UNIQUENESS", "KEY", "EXIST", "EXISTENCE", "NODE", "RELATIONSHIP", "REL", "PROPERTY",
})

#: Read-only procedures (lower case; procedure names are compared case-insensitively).
ALLOWED_PROCEDURES = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys",
    "db.index.fulltext.querynodes", "db.index.fulltext.queryrelationships",
    "db.index.vector.querynodes", "db.index.vector.queryrelationships",
    "gds.version",
})
#: GDS procedure modes that only read (``gds.pageRank.stream``, ``gds.louvain.stats``).
GDS_READ_MODES = frozenset({"stream", "stats"})

#: Namespaces of Cypher's built-in functions (all pure).
BUILTIN_FUNCTION_NAMESPACES = frozenset({
    "date", "datetime", "localdatetime", "time", "localtime", "duration", "point", "vector",
})
#: Further namespaced functions that only compute from their arguments or read.
ALLOWED_FUNCTIONS = frozenset({
    "db.namefromelementid", "gds.version", "gds.util.asnode", "gds.util.asnodes",
    "gds.util.nan", "gds.util.infinity", "gds.util.isfinite", "gds.util.isinfinite",
})
ALLOWED_FUNCTION_PREFIXES = (
    "gds.similarity.", "apoc.text.", "apoc.coll.", "apoc.map.", "apoc.math.",
    "apoc.number.", "apoc.convert.", "apoc.agg.", "apoc.date.", "apoc.temporal.",
)

#: Characters that end a ``//`` comment. The server ends it at CR or LF; ending it at
#: any line break makes this reader see more code than the server, never less.
_LINE_BREAKS = "\n\r\u2028\u2029\x85\x0b\x0c"
_SPACE = re.compile(r"\s+")
_NAME = re.compile(r"[^\W\d]\w*")
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F_]*|0[oO][0-7_]*|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class Token:
    """One lexical token: ``kind`` is name, string, number, param or punct.

    A backtick-quoted name has ``quoted`` set and its unescaped text; it is never a
    keyword.
    """

    kind: str
    text: str
    pos: int
    quoted: bool = False


def _refuse(query: str, pos: int, what: str) -> QueryRefused:
    line = query.count("\n", 0, pos) + 1
    column = pos - (query.rfind("\n", 0, pos) + 1) + 1
    return QueryRefused(
        f"Cypher refused (line {line}, column {column}): {what}; "
        "`query cypher` runs read-only queries"
    )


def _skip_string(query: str, start: int) -> int:
    """Index after the string literal opening at ``start`` (backslash escapes the next
    character, as in Cypher)."""
    quote, i, n = query[start], start + 1, len(query)
    while i < n:
        ch = query[i]
        if ch == "\\":
            i += 2
        elif ch == quote:
            return i + 1
        else:
            i += 1
    raise _refuse(query, start, "unterminated string literal")


def _backtick_name(query: str, start: int) -> tuple[str, int]:
    """Text and end of the backtick-quoted name at ``start`` (a doubled backtick is one)."""
    i, n, parts = start + 1, len(query), []
    while i < n:
        end = query.find("`", i)
        if end < 0:
            break
        parts.append(query[i:end])
        if query.startswith("``", end):
            parts.append("`")
            i = end + 2
            continue
        return "".join(parts), end + 1
    raise _refuse(query, start, "unterminated backtick-quoted name")


def tokenize(query: str) -> list[Token]:
    """The significant tokens of a Cypher text: comments and whitespace dropped."""
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if (m := _SPACE.match(query, i)) is not None:
            i = m.end()
        elif query.startswith("//", i):
            ends = [j for j in (query.find(c, i) for c in _LINE_BREAKS) if j >= 0]
            i = min(ends) if ends else n
        elif query.startswith("/*", i):
            end = query.find("*/", i + 2)
            if end < 0:
                raise _refuse(query, i, "unterminated comment")
            i = end + 2
        elif ch in "'\"":
            end = _skip_string(query, i)
            tokens.append(Token("string", query[i:end], i))
            i = end
        elif ch == "`":
            text, end = _backtick_name(query, i)
            tokens.append(Token("name", text, i, quoted=True))
            i = end
        elif ch == "$":
            if query.startswith("`", i + 1):
                text, end = _backtick_name(query, i + 1)
            elif (m := _WORD.match(query, i + 1)) is not None:
                text, end = m.group(), m.end()
            else:
                text, end = "", i + 1
            tokens.append(Token("param", text, i))
            i = end
        elif (m := _NAME.match(query, i)) is not None:
            tokens.append(Token("name", m.group(), i))
            i = m.end()
        elif (m := _NUMBER.match(query, i)) is not None:
            tokens.append(Token("number", m.group(), i))
            i = m.end()
        else:
            tokens.append(Token("punct", ch, i))
            i += 1
    return tokens


class _Reader:
    """Walks the tokens of one query and refuses the first construct not allowed."""

    def __init__(self, query: str, tokens: list[Token], database: str | None) -> None:
        self.query = query
        self.tokens = tokens
        self.database = database

    def punct(self, i: int, char: str) -> bool:
        return 0 <= i < len(self.tokens) and self.tokens[i].kind == "punct" \
            and self.tokens[i].text == char

    def keyword(self, i: int) -> str | None:
        """The upper-cased keyword at ``i``, or None where the token is a name."""
        if not 0 <= i < len(self.tokens):
            return None
        tok = self.tokens[i]
        if tok.kind != "name" or tok.quoted:
            return None
        if self.punct(i - 1, ".") or self.punct(i - 1, ":") or self.punct(i + 1, ":"):
            return None  # property key, label or type, map key or labelled variable
        return tok.text.upper()

    def qualified(self, i: int) -> tuple[str, int]:
        """The dotted name starting at ``i`` (lower case, backtick parts split on dots)
        and the index after it."""
        parts: list[str] = []
        while i < len(self.tokens) and self.tokens[i].kind == "name":
            parts.extend(self.tokens[i].text.split("."))
            if not (self.punct(i + 1, ".") and i + 2 < len(self.tokens)
                    and self.tokens[i + 2].kind == "name"):
                return ".".join(parts).lower(), i + 1
            i += 2
        return ".".join(parts).lower(), i

    def refuse(self, i: int, what: str) -> QueryRefused:
        return _refuse(self.query, self.tokens[i].pos, what)

    def check(self) -> None:
        for i in range(len(self.tokens)):
            word = self.keyword(i)
            if word is not None:
                self.check_keyword(i, word)
            if self.tokens[i].kind == "name" and not self.punct(i - 1, ".") \
                    and self.keyword(i - 1) != "CALL":
                self.check_function(i)

    def check_keyword(self, i: int, word: str) -> None:
        following = self.keyword(i + 1) or ""
        if word == "LOAD":
            raise self.refuse(i, "LOAD CSV reads files and URLs from the server")
        if word in WRITE_CLAUSES:
            if following in ADMIN_OBJECTS:
                raise self.refuse(i, f"{word} {following} changes the schema or administers "
                                     "the server")
            raise self.refuse(i, f"{word} writes to the database")
        if word in ADMIN_COMMANDS:
            shown = f"{word} {following}".strip() if following in ADMIN_OBJECTS else word
            raise self.refuse(i, f"{shown} administers the server")
        if word == "SHOW":
            self.check_show(i)
        if word in ("TRANSACTION", "TRANSACTIONS"):
            raise self.refuse(i, "CALL { } IN TRANSACTIONS commits on its own")
        if word == "USE":
            name, _ = self.qualified(i + 1)
            if self.database is None or name != self.database.lower():
                raise self.refuse(i, f"USE {name or '...'} reaches another database")
        if word == "CALL" and not (self.punct(i + 1, "{") or self.punct(i + 1, "(")):
            self.check_procedure(i)

    def check_show(self, i: int) -> None:
        j = i + 1
        while self.keyword(j) in SHOW_KINDS:
            j += 1
        if self.keyword(j) not in SHOW_ALLOWED:
            shown = self.keyword(j) or "..."
            raise self.refuse(i, f"SHOW {shown} is administration (only SHOW INDEXES and "
                                 "SHOW CONSTRAINTS are allowed)")

    def check_procedure(self, i: int) -> None:
        name, _ = self.qualified(i + 1)
        if name in ALLOWED_PROCEDURES:
            return
        parts = name.split(".")
        if parts[0] == "gds" and len(parts) > 2 and parts[1] != "graph" \
                and parts[-1] in GDS_READ_MODES:
            return
        reason = {
            "dbms": "administers the server",
            "apoc": "is an APOC procedure (only pure APOC functions are allowed)",
            "gds": "is not a read-only GDS mode (stream, stats)",
        }.get(parts[0], "is not on the read-only procedure allow-list")
        raise self.refuse(i, f"CALL {name or '...'} {reason}")

    def check_function(self, i: int) -> None:
        name, end = self.qualified(i)
        if "." not in name or not self.punct(end, "("):
            return  # a plain built-in function, a variable or a property access
        if name.split(".")[0] in BUILTIN_FUNCTION_NAMESPACES or name in ALLOWED_FUNCTIONS \
                or name.startswith(ALLOWED_FUNCTION_PREFIXES):
            return
        raise self.refuse(i, f"function {name} is not on the read-only function allow-list")


def check_read_only(query: str, database: str | None = None) -> None:
    """Raise :class:`~citegraph.errors.QueryRefused` (one line, naming the clause) unless
    ``query`` only reads from ``database``; see the module docstring for the rules."""
    _Reader(query, tokenize(query), database).check()
