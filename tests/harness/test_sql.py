"""The read-only query runner used in the worker for SQL exercises."""

from __future__ import annotations

import sqlite3

import pytest

from grader.harness.sql import QueryTimeout, run_query

SETUP = [
    "CREATE TABLE Employee (id INTEGER PRIMARY KEY, salary INTEGER)",
    "INSERT INTO Employee VALUES (1, 100), (2, 200), (3, 300)",
]


def test_select_returns_columns_and_rows():
    result = run_query(
        "SELECT MAX(salary) AS SecondHighestSalary FROM Employee "
        "WHERE salary < (SELECT MAX(salary) FROM Employee)",
        SETUP,
    )
    assert result == {"columns": ["SecondHighestSalary"], "rows": [[200]]}


def test_with_select_is_allowed():
    result = run_query("WITH s AS (SELECT salary FROM Employee) SELECT COUNT(*) FROM s", SETUP)
    assert result["rows"] == [[3]]


@pytest.mark.parametrize(
    "query",
    [
        "INSERT INTO Employee VALUES (4, 1)",
        "DELETE FROM Employee",
        "DROP TABLE Employee",
        "UPDATE Employee SET salary = 0",
        "CREATE TABLE t (x)",
        "ATTACH DATABASE '/tmp/x.db' AS x",
        "PRAGMA query_only = OFF",
        "SELECT load_extension('/tmp/evil.so')",
    ],
)
def test_anything_but_reading_is_refused(query):
    with pytest.raises(sqlite3.DatabaseError):
        run_query(query, SETUP)


def test_several_statements_are_refused():
    with pytest.raises(sqlite3.ProgrammingError):
        run_query("SELECT 1; SELECT 2", SETUP)


def test_runaway_query_is_stopped():
    endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT MAX(x) FROM n"
    with pytest.raises(QueryTimeout):
        run_query(endless, SETUP, time_limit_s=0.3)


def test_row_count_is_capped():
    with pytest.raises(ValueError, match="more than 2 rows"):
        run_query("SELECT * FROM Employee", SETUP, max_rows=2)
