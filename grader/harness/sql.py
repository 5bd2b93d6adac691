"""Running a candidate's SQL query inside the worker, read-only and bounded.

The harness sends the statements that build the database (its own, trusted)
and gets back the query's column names and rows as plain values. The query
runs on a database file reopened read-only, with `query_only`, an authorizer
that allows reading and nothing else (no ATTACH, PRAGMA, writes or extension
loading), a heap limit and a time bound.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
import types
from typing import Any

READ_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_READ,
        sqlite3.SQLITE_FUNCTION,
        getattr(sqlite3, "SQLITE_RECURSIVE", 33),
    }
)
HEAP_LIMIT_BYTES = 64 * 1024 * 1024
PROGRESS_EVERY_OPS = 10_000


class QueryTimeout(Exception):
    pass


def _authorizer(action: int, *_: Any) -> int:
    return sqlite3.SQLITE_OK if action in READ_ACTIONS else sqlite3.SQLITE_DENY


def run_query(
    query: str, setup: list[str], *, time_limit_s: float = 2.0, max_rows: int = 10_000
) -> dict[str, Any]:
    """Build the database from `setup`, run `query` on it read-only; columns and rows."""
    with tempfile.TemporaryDirectory(prefix="grader-sql-") as tmp:
        path = os.path.join(tmp, "db.sqlite")
        builder = sqlite3.connect(path)
        try:
            for statement in setup:
                builder.execute(statement)
            builder.commit()
        finally:
            builder.close()
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.execute("PRAGMA query_only = ON")
            connection.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT_BYTES}")
            connection.set_authorizer(_authorizer)
            deadline = time.monotonic() + time_limit_s
            connection.set_progress_handler(
                lambda: 1 if time.monotonic() > deadline else 0, PROGRESS_EVERY_OPS
            )
            try:
                cursor = connection.execute(query)
                columns = [d[0] for d in cursor.description or ()]
                rows = cursor.fetchmany(max_rows + 1)
            except sqlite3.OperationalError as exc:
                if "interrupted" in str(exc) and time.monotonic() > deadline:
                    raise QueryTimeout(
                        f"the query ran longer than {time_limit_s:g} s and was stopped"
                    ) from None
                raise
            if len(rows) > max_rows:
                raise ValueError(f"the query returned more than {max_rows} rows")
            return {"columns": columns, "rows": [list(row) for row in rows]}
        finally:
            connection.close()


def sql_module(path: str) -> types.ModuleType:
    """The candidate's .sql file seen as a module with `query` and `run_query`."""
    with open(path, encoding="utf-8") as handle:
        query = handle.read()
    module = types.ModuleType("solution_sql")
    module.query = query

    def run(setup: list[str], time_limit_s: float = 2.0, max_rows: int = 10_000) -> dict[str, Any]:
        return run_query(query, setup, time_limit_s=time_limit_s, max_rows=max_rows)

    module.run_query = run
    return module
