"""Run these public tests against your own query: `pytest` next to your solution.sql.

This file stands in for the grader: it registers the grader's markers and gives each
test a `run_query` fixture that builds a fresh SQLite database, runs your query on it
and returns the column names and rows.

Your query is looked for as `solution.sql` in the current folder, then next to this
`tests/` folder; set GRADER_SOLUTION=path/to/file.sql to test another file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): points the test is worth (default 1)")
    config.addinivalue_line("markers", "reveal: the grader may show this test's inputs")
    config.addinivalue_line("markers", "time_limit(seconds): the grader's time limit per test")


def _solution_path() -> Path:
    chosen = os.environ.get("GRADER_SOLUTION")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            pytest.fail(f"GRADER_SOLUTION={chosen}: no such file", pytrace=False)
        return path
    here = Path(__file__).resolve().parent
    places = list(dict.fromkeys([Path.cwd(), here.parent]))
    for folder in places:
        if (folder / "solution.sql").is_file():
            return folder / "solution.sql"
    looked = " and ".join(str(folder) for folder in places)
    pytest.fail(
        f"no solution.sql in {looked}: save your query (e.g. a copy of starter.sql) "
        "as solution.sql, or set GRADER_SOLUTION=path/to/file.sql",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def query() -> str:
    """The text of your solution.sql."""
    return _solution_path().read_text(encoding="utf-8-sig")


@pytest.fixture
def run_query(query: str) -> Callable[[list[tuple[int, int | None]]], dict[str, Any]]:
    """`run_query(rows)`: a fresh Employee table holding rows (id, salary), then your query."""

    def run(rows: list[tuple[int, int | None]]) -> dict[str, Any]:
        connection = sqlite3.connect(":memory:")
        try:
            connection.execute("CREATE TABLE Employee (id INTEGER PRIMARY KEY, salary INTEGER)")
            connection.executemany("INSERT INTO Employee VALUES (?, ?)", rows)
            connection.execute("PRAGMA query_only = ON")  # as in the grader: reading only
            cursor = connection.execute(query)
            columns = [d[0] for d in cursor.description or ()]
            return {"columns": columns, "rows": [list(row) for row in cursor.fetchall()]}
        finally:
            connection.close()

    return run
