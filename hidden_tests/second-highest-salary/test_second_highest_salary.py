"""Hidden tests for second-highest-salary (10 points).

Each test builds its own Employee tables (statements written here, run in the worker
before the candidate's query) and computes the expected answer in Python: the second
highest distinct non-NULL salary, or None. The candidate's query runs read-only with a
time bound; its columns and rows come back as plain values.

The value tests read the first column of the single row returned, whatever it is named,
so a wrong column name loses only `test_result_shape`. Test groups are kept apart on
purpose: only `test_ties_at_the_top` and `test_all_equal` put the highest salary on
several rows, only `test_large_table` is big enough for speed to matter.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from grader.harness import CandidateError

SCHEMA = "CREATE TABLE Employee (id INTEGER PRIMARY KEY, salary INTEGER)"
COLUMN = "SecondHighestSalary"
TIME_LIMIT_S = 2.0
ROWS_PER_INSERT = 500

# The statement's examples (README.md): salaries by id 1, 2, ...
EXAMPLES = [[100, 200, 300], [100]]

Salaries = list[int | None]


def _setup(salaries: Salaries) -> list[str]:
    statements = [SCHEMA]
    rows = [f"({i}, {'NULL' if s is None else int(s)})" for i, s in enumerate(salaries, 1)]
    for start in range(0, len(rows), ROWS_PER_INSERT):
        values = ", ".join(rows[start : start + ROWS_PER_INSERT])
        statements.append(f"INSERT INTO Employee (id, salary) VALUES {values}")
    return statements


def _expected(salaries: Salaries) -> int | None:
    distinct = sorted({s for s in salaries if s is not None}, reverse=True)
    return distinct[1] if len(distinct) > 1 else None


def _run(submission: Any, salaries: Salaries, what: str, *, reveal: bool = False) -> Any:
    """The query's result on a table of `salaries`; a failure becomes a clear assertion."""
    try:
        return submission.run_query(_setup(salaries), time_limit_s=TIME_LIMIT_S)
    except CandidateError as exc:
        if exc.type_name == "QueryTimeout":
            raise AssertionError(
                f"the query took longer than {TIME_LIMIT_S:g} s on {what} and was stopped"
            ) from None
        # SQLite's messages may quote table values, so only revealing tests show them.
        detail = f": {exc.message}" if reveal and exc.message else ""
        raise AssertionError(f"the query failed on {what} ({exc.type_name}{detail})") from None


def _value_problem(result: Any, expected: int | None) -> str | None:
    """None when the result's single row holds `expected`; otherwise what is wrong."""
    rows = result.get("rows") if isinstance(result, dict) else None
    if not isinstance(rows, list):
        return "the query's result could not be read"
    if not rows:
        hint = "; with no second salary, return one row holding NULL" if expected is None else ""
        return "returned no row" + hint
    if len(rows) > 1:
        return f"returned {len(rows)} rows instead of one"
    row = rows[0]
    if not isinstance(row, list) or not row:
        return "returned a row without columns"
    value = row[0]
    if expected is None:
        if value is not None:
            return "returned a salary instead of NULL (there is no second distinct salary)"
        return None
    if value is None:
        return "returned NULL although there is a second distinct salary"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"returned {type(value).__name__} instead of a number"
    if value != expected:
        return "returned the wrong salary"
    return None


def _check_hidden(submission: Any, cases: list[Salaries], what: str) -> None:
    for salaries in cases:
        problem = _value_problem(_run(submission, salaries, what), _expected(salaries))
        assert problem is None, f"wrong answer on {what}: {problem}"


def _show(salaries: Salaries) -> str:
    rows = ", ".join(f"({i}, {'NULL' if s is None else s})" for i, s in enumerate(salaries, 1))
    return f"Employee(id, salary) = [{rows}]"


@pytest.mark.reveal
@pytest.mark.points(2)
def test_examples(submission):
    """examples from the statement"""
    for salaries in EXAMPLES:
        expected = _expected(salaries)
        result = _run(submission, salaries, _show(salaries), reveal=True)
        problem = _value_problem(result, expected)
        shown = "NULL" if expected is None else expected
        assert problem is None, (
            f"on {_show(salaries)} the query {problem}: got rows {result.get('rows')!r}; "
            f"expected one row holding {shown}"
        )


@pytest.mark.points(1)
def test_ties_at_the_top(submission):
    """ties at the top"""
    cases: list[Salaries] = [
        [100, 100, 90],
        [300, 200, 300, 300, 100],
        [5, 7, 7, 3, 5],
        [60, 60, 50, 50, 40],
    ]
    _check_hidden(submission, cases, "a table whose highest salary appears several times")


@pytest.mark.points(1)
def test_all_equal(submission):
    """all salaries equal"""
    cases: list[Salaries] = [[100, 100], [42, 42, 42, 42, 42], [0, 0, 0]]
    _check_hidden(submission, cases, "a table whose salaries are all equal")


@pytest.mark.points(1)
def test_single_row(submission):
    """a single employee"""
    cases: list[Salaries] = [[500], [0], [-3]]
    _check_hidden(submission, cases, "a table with a single employee")


@pytest.mark.points(1)
def test_empty_table(submission):
    """an empty table, or only NULL salaries"""
    cases: list[Salaries] = [[], [None], [None, None, None]]
    _check_hidden(submission, cases, "an empty table or one with only NULL salaries")


@pytest.mark.points(1)
def test_null_salaries(submission):
    """NULL salaries among the others"""
    cases: list[Salaries] = [
        [300, None, 200],
        [None, 300, None],
        [None, 50, None, 20, 20],
        [10, None, 30, None, 20, None],
    ]
    _check_hidden(submission, cases, "a table with NULL salaries")


@pytest.mark.points(1)
def test_negative_salaries(submission):
    """zero and negative salaries"""
    cases: list[Salaries] = [
        [-10, -5, -20],
        [0, -1],
        [-7, 3],
        [-1_000_000, -999_999, -1_000_001],
    ]
    _check_hidden(submission, cases, "a table with zero or negative salaries")


@pytest.mark.points(1)
def test_large_table(submission):
    """a large table, 10^4 employees"""
    rng = random.Random(10_000)
    top = 10**7  # alone at the top: ties belong to test_ties_at_the_top
    salaries: Salaries = [rng.randint(1, 10**6) for _ in range(10_000 - 1)]
    salaries.insert(rng.randrange(len(salaries)), top)
    what = "a table of 10^4 employees"
    problem = _value_problem(_run(submission, salaries, what), _expected(salaries))
    assert problem is None, f"wrong answer on {what}: {problem}"


@pytest.mark.reveal
@pytest.mark.points(1)
def test_result_shape(submission):
    """one row, one column named SecondHighestSalary"""
    salaries = EXAMPLES[0]
    result = _run(submission, salaries, _show(salaries), reveal=True)
    columns = result.get("columns") if isinstance(result, dict) else None
    rows = result.get("rows") if isinstance(result, dict) else None
    assert isinstance(columns, list) and isinstance(rows, list), "the result could not be read"
    assert len(columns) == 1, (
        f"the result has {len(columns)} columns {columns}; return exactly one, named {COLUMN}"
    )
    assert columns[0] == COLUMN, (
        f"the result's column is named {columns[0]!r}; name it {COLUMN} (... AS {COLUMN})"
    )
    assert len(rows) == 1, f"on {_show(salaries)} the query returned {len(rows)} rows, not one"
