"""The checks of a SQL submission, made on the host before anything runs.

Bytes first (size, UTF-8, NUL), then statements: the file must hold exactly one read-only
`SELECT` or `WITH … SELECT`. Statements are split by a tokenizer that knows SQLite's quotes and
comments, so a semicolon inside a string does not split and a statement hidden after a comment
does not slip through. The syntax is then checked by SQLite itself, preparing `EXPLAIN <query>`
(which never evaluates the query) on an in-memory database built from the exercise's
`schema.sql`, with an authorizer that allows reading only. Without a schema, only the grammar is
checked: names cannot be resolved against tables that do not exist.

Every fault of the candidate leaves as a `Reject`; nothing else escapes, whatever the bytes.
"""

from __future__ import annotations

import bisect
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from grader.flags import FlagCode
from grader.harness.sql import HEAP_LIMIT_BYTES, READ_ACTIONS
from grader.models import Exercise
from grader.submission.policy import MAX_SQL_BYTES
from grader.submission.rejection import Reject
from grader.submission.safe_names import safe_text

log = logging.getLogger("grader")


# SQLite's own idea of whitespace (Python's sqlite3 skips the same after a statement); any
# other character outside a comment or a quote is part of some statement.
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\n\f\r]+)
  | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<quoted>
        '[^']*(?:''[^']*)*(?:'|\Z)
      | "[^"]*(?:""[^"]*)*(?:"|\Z)
      | `[^`]*(?:``[^`]*)*(?:`|\Z)
      | \[[^\]]*(?:\]|\Z)
    )
  | (?P<semicolon>;)
  | (?P<word>[\w$]+)
  | (?P<other>.)
    """,
    re.S | re.X,
)

# First words of statements that are not queries: named in the rejection as found.
_NOT_QUERIES = frozenset(
    {
        "ALTER",
        "ANALYZE",
        "ATTACH",
        "BEGIN",
        "COMMIT",
        "CREATE",
        "DELETE",
        "DETACH",
        "DROP",
        "END",
        "EXPLAIN",
        "INSERT",
        "PRAGMA",
        "REINDEX",
        "RELEASE",
        "REPLACE",
        "ROLLBACK",
        "SAVEPOINT",
        "UPDATE",
        "VACUUM",
        "VALUES",
    }
)
# Words that complete the name of a statement: `CREATE TEMP TABLE`, `ATTACH DATABASE`.
_STATEMENT_NOUNS = frozenset(
    {
        "DATABASE",
        "INDEX",
        "TABLE",
        "TEMP",
        "TEMPORARY",
        "TRIGGER",
        "UNIQUE",
        "VIEW",
        "VIRTUAL",
        "TRANSACTION",
        "DEFERRED",
        "IMMEDIATE",
        "EXCLUSIVE",
        "QUERY",
        "PLAN",
    }
)

# Authorizer action codes, for saying what a refused query tried to do.
_ACTIONS = {
    getattr(sqlite3, f"SQLITE_{name}", None): name.replace("_", " ").lower()
    for name in (
        "CREATE_INDEX",
        "CREATE_TABLE",
        "CREATE_TEMP_INDEX",
        "CREATE_TEMP_TABLE",
        "CREATE_TEMP_TRIGGER",
        "CREATE_TEMP_VIEW",
        "CREATE_TRIGGER",
        "CREATE_VIEW",
        "DELETE",
        "DROP_INDEX",
        "DROP_TABLE",
        "DROP_TEMP_INDEX",
        "DROP_TEMP_TABLE",
        "DROP_TEMP_TRIGGER",
        "DROP_TEMP_VIEW",
        "DROP_TRIGGER",
        "DROP_VIEW",
        "INSERT",
        "PRAGMA",
        "TRANSACTION",
        "UPDATE",
        "ATTACH",
        "DETACH",
        "ALTER_TABLE",
        "REINDEX",
        "ANALYZE",
        "CREATE_VTABLE",
        "DROP_VTABLE",
        "SAVEPOINT",
    )
}
_ACTIONS.pop(None, None)

_NAME_ERRORS = ("no such table", "no such column", "no such function", "ambiguous column name")
_MULTIPLE = "You can only execute one statement at a time"
_NEAR = re.compile(r'near "(.*)": syntax error', re.S)
_UNRECOGNIZED = re.compile(r'unrecognized token: "(.*)"', re.S)
_LISTED = 3


@dataclass(frozen=True)
class _Token:
    kind: str  # word, quoted, semicolon or other
    text: str
    start: int
    end: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


@dataclass(frozen=True)
class _Statement:
    tokens: list[_Token]

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end


class _Lines:
    """Offsets to 1-based line numbers, without rescanning the text for each token."""

    def __init__(self, text: str) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self._newlines, offset - 1) + 1


def check_sql(data: bytes, where: str, exercise: Exercise | None = None) -> bytes:
    """The SQL to stage, as UTF-8 without a byte-order mark, or a rejection.

    `bad-sql` for anything but one read-only query, `syntax-error` when SQLite cannot
    prepare it. Names are checked against `schema.sql` in the exercise's folder when there
    is one. The text is staged as written, except that empty statements (a second `;`) are
    blanked, because Python's sqlite3 refuses them after a query.
    """
    name = safe_text(where)
    text = _decode(data, name)
    lines = _Lines(text)
    tokens = _tokenize(text)
    statements = _split(tokens)
    if not statements:
        raise Reject(
            FlagCode.BAD_SQL,
            f"{name} holds no SQL statement, only comments or blank space; write one SELECT query",
        )
    if len(statements) > 1:
        found = ", ".join(f"{_describe(s)} at line {lines(s.start)}" for s in statements[:_LISTED])
        more = f" and {len(statements) - _LISTED} more" if len(statements) > _LISTED else ""
        raise Reject(
            FlagCode.BAD_SQL,
            f"{name} holds {len(statements)} SQL statements ({found}{more}); submit exactly "
            "one SELECT query (comments and one trailing semicolon are fine)",
        )
    statement = statements[0]
    is_query = _check_kind(statement, name, lines)
    _check_with_sqlite(text, statement, name, lines, _schema_of(exercise))
    if not is_query:
        raise Reject(
            FlagCode.BAD_SQL,
            f"{name}:{lines(statement.start)}: found {_describe(statement)}; the answer must be "
            "one read-only SELECT query (or WITH … SELECT)",
        )
    return _without_empty_statements(text, tokens, statement).encode("utf-8")


# -- bytes ---------------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_SQL_BYTES:
        raise Reject(
            FlagCode.BAD_SQL, f"{name} is larger than {MAX_SQL_BYTES // 1024} KB; submit one query"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Reject(FlagCode.BAD_SQL, f"{name}:{line}: not valid UTF-8 text") from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise Reject(FlagCode.BAD_SQL, f"{name}:{line}: contains a NUL byte")
    return text


# -- statements ----------------------------------------------------------------------------------


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("space", "comment") or kind is None:
            continue
        tokens.append(_Token(kind, match.group(), match.start(), match.end()))
    return tokens


def _split(tokens: list[_Token]) -> list[_Statement]:
    """Non-empty statements; empty ones (`;;`) are nothing to SQLite and are left out."""
    statements: list[_Statement] = []
    current: list[_Token] = []
    for token in tokens:
        if token.kind == "semicolon":
            if current:
                statements.append(_Statement(current))
            current = []
        else:
            current.append(token)
    if current:
        statements.append(_Statement(current))
    return statements


def _describe(statement: _Statement) -> str:
    """What a statement is, as a reader would name it: `SELECT`, `DROP TABLE`, `WITH … DELETE`."""
    tokens = statement.tokens
    first = tokens[0]
    if first.kind != "word":
        return f"a statement starting with '{safe_text(first.text, 20)}'"
    words = [first.text.upper()]
    if words[0] == "WITH":
        main = _main_keyword(tokens)
        return f"WITH … {main.text.upper()}" if main is not None else "WITH …"
    if words[0] in _NOT_QUERIES:
        for token in tokens[1:4]:
            if not token.is_word(*_STATEMENT_NOUNS):
                break
            words.append(token.text.upper())
    return safe_text(" ".join(words), 40)


def _main_keyword(tokens: list[_Token]) -> _Token | None:
    """The keyword after a WITH clause's common table expressions, or None if malformed."""
    i = 1
    n = len(tokens)

    def at(k: int) -> _Token | None:
        return tokens[k] if k < n else None

    def skip_parentheses(k: int) -> int:
        depth = 0
        while k < n:
            if tokens[k].text == "(" and tokens[k].kind == "other":
                depth += 1
            elif tokens[k].text == ")" and tokens[k].kind == "other":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return n

    if (token := at(i)) is not None and token.is_word("RECURSIVE"):
        i += 1
    while True:
        token = at(i)
        if token is None or token.kind not in ("word", "quoted"):
            return None
        i += 1
        if (token := at(i)) is not None and token.text == "(":
            i = skip_parentheses(i)
        if (token := at(i)) is None or not token.is_word("AS"):
            return None
        i += 1
        if (token := at(i)) is not None and token.is_word("NOT"):
            i += 1
        if (token := at(i)) is not None and token.is_word("MATERIALIZED"):
            i += 1
        if (token := at(i)) is None or token.text != "(":
            return None
        i = skip_parentheses(i)
        token = at(i)
        if token is not None and token.text == "," and token.kind == "other":
            i += 1
            continue
        return token if token is not None and token.kind == "word" else None


def _check_kind(statement: _Statement, name: str, lines: Callable[[int], int]) -> bool:
    """Reject a statement that is plainly not a query; True when it is SELECT or WITH … SELECT.

    False means the first word is not a statement SQLite knows (a typo such as `SELEC`): the
    syntax check names that better than this one could.
    """
    first = statement.tokens[0]
    if first.is_word("SELECT"):
        return True
    if first.is_word("WITH"):
        main = _main_keyword(statement.tokens)
        if main is None or main.is_word("SELECT"):
            return main is not None
    elif not first.is_word(*_NOT_QUERIES):
        return False
    raise Reject(
        FlagCode.BAD_SQL,
        f"{name}:{lines(statement.start)}: found {_describe(statement)}; the answer must be one "
        "read-only SELECT query (or WITH … SELECT)",
    )


def _without_empty_statements(text: str, tokens: list[_Token], statement: _Statement) -> str:
    """Blank every semicolon but the one ending the query, keeping offsets and lines."""
    chars = list(text)
    terminator_seen = False
    for token in tokens:
        if token.kind != "semicolon":
            continue
        if token.start >= statement.end and not terminator_seen:
            terminator_seen = True
            continue
        chars[token.start] = " "
    return "".join(chars)


# -- SQLite ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Schema:
    script: str
    description: str  # "Employee(id, salary)", for messages


def _schema_of(exercise: Exercise | None) -> _Schema | None:
    """The exercise's schema.sql, or None when it has none (the grammar is checked alone).

    A schema that does not build is the pack's fault: it is logged and the check falls back
    to the grammar, so no candidate is rejected for it.
    """
    if exercise is None:
        return None
    path = exercise.schema
    try:
        script = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s: %s; checking SQL syntax without it", path, exc)
        return None
    connection = sqlite3.connect(":memory:")
    try:
        connection.executescript(script)
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        described = []
        for table in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({quoted})")]
            described.append(f"{table}({', '.join(columns)})")
    except sqlite3.Error as exc:
        log.warning("%s does not build (%s); checking SQL syntax without it", path, exc)
        return None
    finally:
        connection.close()
    return _Schema(script, "; ".join(described))


def _check_with_sqlite(
    text: str,
    statement: _Statement,
    name: str,
    lines: Callable[[int], int],
    schema: _Schema | None,
) -> None:
    """Let SQLite prepare the statement without running it; reject what it refuses."""
    query = text[statement.start : statement.end]
    refused: list[str] = []

    def authorizer(action: int, *_: Any) -> int:
        if action in READ_ACTIONS:
            return sqlite3.SQLITE_OK
        refused.append(_ACTIONS.get(action, f"action {action}"))
        return sqlite3.SQLITE_DENY

    connection = sqlite3.connect(":memory:")
    try:
        if schema is not None:
            connection.executescript(schema.script)
        with _heap_bounded(connection, HEAP_LIMIT_BYTES):
            connection.set_authorizer(authorizer)
            connection.execute("EXPLAIN " + query)
    except MemoryError:
        raise Reject(
            FlagCode.BAD_SQL,
            f"{name}: the query is too complex: SQLite needs more than "
            f"{HEAP_LIMIT_BYTES // (1024 * 1024)} MB just to prepare it",
        ) from None
    except (sqlite3.Error, sqlite3.Warning) as exc:
        _reject_sqlite_error(exc, statement, name, lines, schema, refused)
    except (ValueError, OverflowError, RecursionError) as exc:
        raise Reject(
            FlagCode.SYNTAX_ERROR,
            f"{name}: SQLite could not read the query ({type(exc).__name__})",
        ) from None
    finally:
        connection.close()


@contextmanager
def _heap_bounded(connection: sqlite3.Connection, limit: int) -> Iterator[None]:
    """SQLite's hard heap limit, meanwhile. Queries that inline themselves exponentially
    (common table expressions that each use the previous one twice, or `x + x` nested) take
    gigabytes and minutes to prepare, before anything runs. The limit is the whole process's:
    the pragma can only lower it, SQLite's C function also puts it back."""
    try:
        import _sqlite3
        import ctypes

        set_limit = ctypes.CDLL(_sqlite3.__file__).sqlite3_hard_heap_limit64
    except (ImportError, OSError, AttributeError):  # a Python built without it: keep it low
        connection.execute(f"PRAGMA hard_heap_limit = {limit}")
        yield
        return
    set_limit.restype = ctypes.c_int64
    set_limit.argtypes = [ctypes.c_int64]
    previous = set_limit(limit)
    try:
        yield
    finally:
        set_limit(previous)


def _reject_sqlite_error(
    exc: Exception,
    statement: _Statement,
    name: str,
    lines: Callable[[int], int],
    schema: _Schema | None,
    refused: list[str],
) -> None:
    message = str(exc)
    shown = safe_text(message, 160)
    if refused:
        what = ", ".join(dict.fromkeys(refused))
        raise Reject(
            FlagCode.BAD_SQL,
            f"{name}: the query does more than read the tables (SQLite's read-only check "
            f"refused: {what}); the answer must be one read-only SELECT query",
        )
    if _MULTIPLE in message:
        raise Reject(
            FlagCode.BAD_SQL, f"{name}: SQLite reads more than one statement here; submit one"
        )
    if message.startswith(_NAME_ERRORS):
        if schema is None:
            if message.startswith("no such table"):
                return  # the grammar is fine; names need the schema, which this exercise lacks
        else:
            raise Reject(
                FlagCode.SYNTAX_ERROR,
                f"{name}: {shown}: the query names something the database does not have "
                f"(it holds {safe_text(schema.description, 120)})",
            )
    line = _error_line(message, statement, lines)
    where = f"{name}:{line}" if line else name
    raise Reject(FlagCode.SYNTAX_ERROR, f"{where}: SQL syntax error: {shown}")


def _error_line(message: str, statement: _Statement, lines: Callable[[int], int]) -> int | None:
    """The line SQLite's message points at: its `near "…"` token, or the end of the query."""
    if message.startswith("incomplete input"):
        return lines(statement.end - 1)
    near = _NEAR.match(message) or _UNRECOGNIZED.match(message)
    if near is None:
        return None
    quoted = near.group(1)
    for token in statement.tokens:
        if token.text == quoted or (quoted and token.text.startswith(quoted)):
            return lines(token.start)
    return None
