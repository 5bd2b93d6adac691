"""SQL submissions: one UTF-8 .sql file of at most 100 KB, staged as solution.sql."""

import sqlite3
import time
from pathlib import Path

import pytest

from grader.flags import FlagCode
from grader.pack import load_pack
from tests.conftest import ROOT

from .builders import TWO_SUM, staged_files, write_tree, write_zip

QUERY = "SELECT MAX(salary) AS SecondHighestSalary FROM Employee;\n"


def test_sql_file_is_staged_as_solution_sql(tmp_path: Path, stage, sql_exercise):
    path = tmp_path / "answer.sql"
    path.write_text(QUERY)
    staged = stage(path, sql_exercise)
    assert staged.entry_module is None
    assert staged.info.kind == "sql"
    assert staged_files(staged.directory) == {"solution.sql": QUERY.encode()}


def test_byte_order_mark_is_dropped(tmp_path: Path, stage, sql_exercise):
    path = tmp_path / "answer.sql"
    path.write_bytes(b"\xef\xbb\xbf" + QUERY.encode())
    staged = stage(path, sql_exercise)
    assert staged_files(staged.directory)["solution.sql"] == QUERY.encode()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"SELECT 1;\n-- caf\xe9\n", "answer.sql:2: not valid UTF-8"),
        (b"SELECT 1;\x00 DROP TABLE x;", "answer.sql:1: contains a NUL byte"),
        (b"-- " + b"x" * (100 * 1024), "larger than 100 KB"),
    ],
)
def test_bad_sql_bytes(tmp_path: Path, reject, sql_exercise, content: bytes, expected: str):
    path = tmp_path / "answer.sql"
    path.write_bytes(content)
    exc = reject(path, sql_exercise)
    assert exc.flag.code == FlagCode.BAD_SQL
    assert expected in exc.flag.message


def test_folder_with_one_sql_file(tmp_path: Path, stage, sql_exercise):
    root = write_tree(tmp_path / "hw", {"hw/query.sql": QUERY, "hw/README.md": "notes"})
    staged = stage(root, sql_exercise)
    assert staged.entry_module is None
    assert staged_files(staged.directory) == {"solution.sql": QUERY.encode()}
    assert "hw/README.md" in staged.notes[0].message


def test_zip_with_one_sql_file(tmp_path: Path, stage, sql_exercise):
    path = write_zip(tmp_path / "hw.zip", {"q/answer.sql": QUERY, "__MACOSX/q/._answer.sql": "x"})
    staged = stage(path, sql_exercise)
    assert staged_files(staged.directory) == {"solution.sql": QUERY.encode()}
    assert staged.notes == ()


def test_several_sql_files_are_ambiguous(tmp_path: Path, reject, sql_exercise):
    path = write_zip(tmp_path / "hw.zip", {"a.sql": QUERY, "b.sql": QUERY})
    exc = reject(path, sql_exercise)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "a.sql, b.sql" in exc.flag.message


def test_sql_only_in_a_sub_folder(tmp_path: Path, reject, sql_exercise):
    path = write_zip(tmp_path / "hw.zip", {"README.md": "x", "queries/answer.sql": QUERY})
    exc = reject(path, sql_exercise)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "queries/answer.sql" in exc.flag.message


def test_python_folder_for_a_sql_exercise(tmp_path: Path, reject, sql_exercise):
    exc = reject(write_tree(tmp_path / "hw", {"solution.py": TWO_SUM}), sql_exercise)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "SQL exercise" in exc.flag.message


def test_sql_folder_for_a_python_exercise(tmp_path: Path, reject):
    exc = reject(write_tree(tmp_path / "hw", {"answer.sql": QUERY}))
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "Python exercise" in exc.flag.message


def test_bad_sql_inside_a_zip(tmp_path: Path, reject, sql_exercise):
    exc = reject(write_zip(tmp_path / "hw.zip", {"answer.sql": b"\xff\xfe"}), sql_exercise)
    assert exc.flag.code == FlagCode.BAD_SQL
    assert exc.flag.message.startswith("answer.sql:1: ")


@pytest.mark.parametrize("container", ["file", "folder"])
def test_names_are_checked_against_the_shipped_schema(tmp_path: Path, reject, container):
    exercise = load_pack(ROOT).exercise("second-highest-salary")
    query = "SELECT MAX(salry) AS SecondHighestSalary FROM Employee;\n"
    if container == "file":
        path = tmp_path / "answer.sql"
        path.write_text(query)
    else:
        path = write_tree(tmp_path / "sub", {"answer.sql": query})
    exc = reject(path, exercise)
    assert exc.flag.code == FlagCode.SYNTAX_ERROR
    assert "no such column: salry" in exc.flag.message
    assert "Employee(id, salary)" in exc.flag.message


_TWICE_EACH = ["c0(x) AS (SELECT 1)"] + [
    f"c{i}(x) AS NOT MATERIALIZED (SELECT x FROM c{i - 1} UNION ALL SELECT x FROM c{i - 1})"
    for i in range(1, 22)
]
_DOUBLED_EXPRESSIONS = ["c0(x) AS (SELECT 1)"] + [
    f"c{i}(x) AS (SELECT x + x FROM c{i - 1})" for i in range(1, 22)
]


@pytest.mark.parametrize(
    "ctes", [_TWICE_EACH, _DOUBLED_EXPRESSIONS], ids=["used-twice", "doubled-expressions"]
)
def test_a_query_that_takes_gigabytes_to_prepare_is_refused_at_once(
    tmp_path: Path, reject, sql_exercise, ctes: list[str]
):
    """SQLite inlines each common table expression into the next: preparing 21 levels took
    gigabytes and most of a minute on the host before its heap was bounded."""
    path = tmp_path / "answer.sql"
    path.write_text("WITH " + ",\n".join(ctes) + "\nSELECT x FROM c21;\n")
    connection = sqlite3.connect(":memory:")
    (limit_before,) = connection.execute("PRAGMA hard_heap_limit").fetchone()
    started = time.monotonic()
    exc = reject(path, sql_exercise)
    assert time.monotonic() - started < 10
    assert exc.flag.code == FlagCode.BAD_SQL and "too complex" in exc.flag.message
    assert connection.execute("PRAGMA hard_heap_limit").fetchone() == (limit_before,)
