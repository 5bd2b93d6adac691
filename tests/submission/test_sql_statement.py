"""The statement rules of a SQL submission: one read-only SELECT, checked before anything runs."""

from __future__ import annotations

import contextlib
import dataclasses
import random
import sqlite3
import time
from pathlib import Path

import pytest

from grader.flags import FlagCode
from grader.models import Exercise
from grader.submission.rejection import Reject
from grader.submission.sqlfile import check_sql

from .builders import make_exercise, staged_files, write_zip

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = "CREATE TABLE Employee (id INTEGER PRIMARY KEY, salary INTEGER);\n"
ANSWER = (
    "SELECT MAX(salary) AS SecondHighestSalary FROM Employee\n"
    "WHERE salary < (SELECT MAX(salary) FROM Employee);\n"
)


@pytest.fixture
def with_schema(tmp_path: Path) -> Exercise:
    """An SQL exercise whose folder holds schema.sql, as the shipped one does."""
    root = tmp_path / "exercise"
    root.mkdir()
    (root / "schema.sql").write_text(SCHEMA)
    return dataclasses.replace(make_exercise("sql", None, None), root=root)


def submit(tmp_path: Path, content: bytes | str, name: str = "answer.sql") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def rejected(content: bytes | str, exercise: Exercise | None = None) -> Reject:
    data = content.encode() if isinstance(content, str) else content
    with pytest.raises(Reject) as caught:
        check_sql(data, "answer.sql", exercise)
    return caught.value


def accepted(content: bytes | str, exercise: Exercise | None = None) -> str:
    data = content.encode() if isinstance(content, str) else content
    return check_sql(data, "answer.sql", exercise).decode("utf-8")


# -- accepted queries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        ANSWER,
        ANSWER.rstrip(";\n"),
        ANSWER.lower(),
        "  \n-- the answer\n/* two\n   lines */\n" + ANSWER + "-- done\n",
        "SELECT ';' AS SecondHighestSalary",
        "SELECT 'it''s; -- not a comment' AS x",
        'SELECT "salary" FROM "Employee"',
        "SELECT [salary] FROM [Employee] WHERE salary <> 0",
        "SELECT `salary` FROM `Employee`",
        "SELECT '/*' AS a, '*/' AS b",
        "WITH top AS (SELECT MAX(salary) AS m FROM Employee) "
        "SELECT MAX(salary) AS SecondHighestSalary FROM Employee, top WHERE salary < m",
        "with recursive n(x) as (select 1 union all select x + 1 from n where x < 3) "
        "select max(x) from n",
        'WITH "a;b"(c) AS MATERIALIZED (SELECT 1), d AS NOT MATERIALIZED (SELECT 2) '
        'SELECT c FROM "a;b", d',
        "SELECT (SELECT DISTINCT salary FROM (SELECT salary, DENSE_RANK() OVER "
        "(ORDER BY salary DESC) AS r FROM Employee) WHERE r = 2) AS SecondHighestSalary",
        "SELECT 1 /* a comment left open at the end",
        "SELECT 1 -- a comment without a newline",
    ],
)
def test_one_query_is_accepted(query: str, with_schema: Exercise):
    assert accepted(query) == query
    assert accepted(query, with_schema) == query


def test_the_shipped_examples_and_reference_pass_the_shipped_schema():
    exercise = dataclasses.replace(
        make_exercise("sql", None, None), root=ROOT / "exercises" / "second-highest-salary"
    )
    for path in [
        ROOT / "reference" / "second-highest-salary" / "solution.sql",
        exercise.starter,
        *sorted((ROOT / "examples" / "second-highest-salary").glob("*.sql")),
    ]:
        data = path.read_bytes()
        if path.stem in ("two_statements", "drop_table", "syntax_error"):
            with pytest.raises(Reject):
                check_sql(data, path.name, exercise)
        else:
            assert check_sql(data, path.name, exercise) == data


def test_staged_through_intake(tmp_path: Path, stage, sql_exercise):
    staged = stage(submit(tmp_path, ANSWER), sql_exercise)
    assert staged_files(staged.directory) == {"solution.sql": ANSWER.encode()}


@pytest.mark.parametrize(
    ("query", "staged"),
    [
        ("SELECT 1;;", "SELECT 1; "),
        (";SELECT 1", " SELECT 1"),
        ("SELECT 1;\n;\n-- end\n;", "SELECT 1;\n \n-- end\n "),
        ("; ;SELECT ';'; ;", "   SELECT ';';  "),
    ],
)
def test_empty_statements_are_blanked(query: str, staged: str):
    assert accepted(query) == staged
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(staged)  # Python's sqlite3 refuses a second statement, even an empty one
    finally:
        connection.close()


# -- several statements --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "count"),
    [
        ("SELECT 1; SELECT 2", 2),
        ("SELECT 1; -- harmless\nDROP TABLE Employee", 2),
        ("SELECT 1 /* ; */; DELETE FROM Employee", 2),
        ("SELECT 1;/**/DROP TABLE Employee;", 2),
        ("SELECT '--' AS x; DROP TABLE Employee", 2),
        ("SELECT '/*' AS x; DROP TABLE Employee; SELECT '*/'", 3),
        ('SELECT "x" FROM t; ATTACH DATABASE "/tmp/x.db" AS x', 2),
        ("SELECT 1;\nSELECT 2;\nSELECT 3;\nSELECT 4;\nSELECT 5;\n", 5),
        ("SELECT 1; SELEC 2", 2),
        ("SELECT 1;\v", 2),  # not whitespace to SQLite: Python's sqlite3 would refuse it
    ],
)
def test_several_statements_are_bad_sql(content: str, count: int):
    exc = rejected(content)
    assert exc.code == FlagCode.BAD_SQL
    assert f"holds {count} SQL statements" in exc.message
    assert "submit exactly one" in exc.message


def test_several_statements_are_named_with_their_lines():
    exc = rejected("-- explore first\nSELECT * FROM Employee;\n\ndrop table Employee;\n")
    assert "SELECT at line 2, DROP TABLE at line 4" in exc.message


def test_several_statements_are_rejected_through_intake(tmp_path: Path, reject, sql_exercise):
    exc = reject(submit(tmp_path, "SELECT 1; DROP TABLE Employee"), sql_exercise)
    assert exc.flag.code == FlagCode.BAD_SQL


def test_several_statements_inside_a_zip(tmp_path: Path, reject, sql_exercise):
    path = write_zip(tmp_path / "hw.zip", {"hw/answer.sql": "SELECT 1;\nDELETE FROM Employee;\n"})
    exc = reject(path, sql_exercise)
    assert exc.flag.code == FlagCode.BAD_SQL
    assert exc.flag.message.startswith("answer.sql holds 2 SQL statements")


# -- not a query ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ("INSERT INTO Employee VALUES (9, 1)", "INSERT"),
        ("UPDATE Employee SET salary = 0", "UPDATE"),
        ("DELETE FROM Employee", "DELETE"),
        ("REPLACE INTO Employee VALUES (1, 1)", "REPLACE"),
        ("CREATE TABLE t (x)", "CREATE TABLE"),
        ("create temp view v as select 1", "CREATE TEMP VIEW"),
        ("DROP TABLE Employee", "DROP TABLE"),
        ("drop table if exists Employee", "DROP TABLE"),
        ("ALTER TABLE Employee ADD COLUMN x", "ALTER TABLE"),
        ("ATTACH DATABASE '/tmp/x.db' AS x", "ATTACH DATABASE"),
        ("attach '/tmp/x.db' as x", "ATTACH"),
        ("DETACH x", "DETACH"),
        ("PRAGMA query_only = OFF", "PRAGMA"),
        ("pragma table_info(Employee)", "PRAGMA"),
        ("VACUUM", "VACUUM"),
        ("REINDEX", "REINDEX"),
        ("ANALYZE", "ANALYZE"),
        ("BEGIN TRANSACTION", "BEGIN TRANSACTION"),
        ("EXPLAIN SELECT 1", "EXPLAIN"),
        ("EXPLAIN QUERY PLAN SELECT 1", "EXPLAIN QUERY PLAN"),
        ("VALUES (1)", "VALUES"),
        ("WITH x AS (SELECT 1) DELETE FROM Employee", "WITH … DELETE"),
        ("WITH x AS (SELECT 1) INSERT INTO Employee SELECT 9, 1 FROM x", "WITH … INSERT"),
        ("with x(a) as (select 1) update Employee set salary = 0", "WITH … UPDATE"),
        ("WITH x AS (SELECT 1), y AS (SELECT 2) REPLACE INTO Employee VALUES (1, 2)", "WITH … "),
        ("WITH RECURSIVE x AS (SELECT 1) VALUES (1)", "WITH … VALUES"),
        ("-- a harmless comment\n  DROP TABLE Employee;", "DROP TABLE"),
    ],
)
def test_anything_but_a_query_is_bad_sql(statement: str, found: str, with_schema: Exercise):
    for exercise in (None, with_schema):
        exc = rejected(statement, exercise)
        assert exc.code == FlagCode.BAD_SQL
        assert f"found {found}" in exc.message
        assert "read-only SELECT" in exc.message


def test_not_a_query_gives_its_line():
    exc = rejected("-- one\n-- two\n\nDELETE FROM Employee;\n")
    assert exc.message.startswith("answer.sql:4: found DELETE")


def test_a_select_that_would_write_is_refused_by_sqlite(with_schema: Exercise):
    # table-valued pragma functions read through SQLite's schema machinery, which the
    # read-only authorizer in the worker refuses too
    for exercise in (None, with_schema):
        exc = rejected("SELECT * FROM pragma_table_info('Employee')", exercise)
        assert exc.code == FlagCode.BAD_SQL
        assert "read-only" in exc.message


# -- syntax --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELEC salary FROM Employee",
            'answer.sql:1: SQL syntax error: near "SELEC": syntax error',
        ),
        ("SELECT MAX(salary),\nFROM Employee", 'answer.sql:2: SQL syntax error: near "FROM"'),
        ("SELECT (1", "answer.sql:1: SQL syntax error: incomplete input"),
        ("SELECT\n1 +\n", "answer.sql:2: SQL syntax error: incomplete input"),
        ("SELECT 'never closed", "SQL syntax error: unrecognized token"),
        ('SELECT "never closed', "SQL syntax error: unrecognized token"),
        ("SELECT [never closed", "SQL syntax error: unrecognized token"),
        ("(SELECT 1)", 'near "(": syntax error'),
        ("SELECT 1 LIMIT", "incomplete input"),
        ("WITH x AS (SELECT 1)", "incomplete input"),
        ("WITH x SELECT 1", "syntax error"),
        ("SELECT * FROM Employee WHERE salary = = 1", 'near "="'),
        ("SELECT salary FROM Employee ORDER salary", 'near "salary"'),
        ("SELECT \u00a0 1", "syntax error"),
    ],
)
def test_syntax_errors_carry_sqlite_message(query: str, message: str, with_schema: Exercise):
    for exercise in (None, with_schema):
        exc = rejected(query, exercise)
        assert exc.code == FlagCode.SYNTAX_ERROR
        assert message in exc.message


def test_syntax_error_through_intake(tmp_path: Path, reject, sql_exercise):
    exc = reject(submit(tmp_path, "SELECT MAX(salary) AS x,\nFROM Employee;"), sql_exercise)
    assert exc.flag.code == FlagCode.SYNTAX_ERROR
    assert exc.flag.message.startswith("answer.sql:2: SQL syntax error")


@pytest.mark.parametrize(
    ("query", "what"),
    [
        ("SELECT salry FROM Employee", "no such column: salry"),
        ("SELECT MAX(salary) FROM Employees", "no such table: Employees"),
        ("SELECT salary FROM Employee e, Employee f", "ambiguous column name: salary"),
        ("SELECT SECOND_MAX(salary) FROM Employee", "no such function: SECOND_MAX"),
        ("SELECT 1 FROM Employee JOIN Salaries USING (id)", "no such table: Salaries"),
    ],
)
def test_unknown_names_are_syntax_errors_with_a_schema(query: str, what: str, with_schema):
    exc = rejected(query, with_schema)
    assert exc.code == FlagCode.SYNTAX_ERROR
    assert what in exc.message
    assert "Employee(id, salary)" in exc.message


def test_without_a_schema_only_the_grammar_is_checked():
    # names cannot be resolved without the tables: such queries reach the worker,
    # whose failure fails the tests instead
    assert accepted("SELECT salry FROM Employee") == "SELECT salry FROM Employee"
    exc = rejected("SELECT salry")
    assert exc.code == FlagCode.SYNTAX_ERROR  # no table involved: the column cannot exist


def test_a_broken_schema_falls_back_to_the_grammar(tmp_path: Path):
    root = tmp_path / "exercise"
    root.mkdir()
    (root / "schema.sql").write_text("CREATE TABLE (oops;\n")
    exercise = dataclasses.replace(make_exercise("sql", None, None), root=root)
    assert accepted("SELECT salry FROM Employee", exercise) == "SELECT salry FROM Employee"
    assert rejected("SELEC 1", exercise).code == FlagCode.SYNTAX_ERROR


def test_the_schema_is_never_written_to(with_schema: Exercise):
    before = (with_schema.root / "schema.sql").read_bytes()
    rejected("DROP TABLE Employee", with_schema)
    rejected("SELECT 1; DROP TABLE Employee", with_schema)
    assert (with_schema.root / "schema.sql").read_bytes() == before
    assert list(with_schema.root.iterdir()) == [with_schema.root / "schema.sql"]


# -- odd bytes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"   \n\t\n", b"-- just a comment\n", b"/* only */ -- comments\n", b";", b" ; ;\n"],
)
def test_no_statement_is_bad_sql(content: bytes):
    exc = rejected(content)
    assert exc.code == FlagCode.BAD_SQL
    assert "holds no SQL statement" in exc.message


def test_byte_order_mark_then_comments_only():
    assert rejected(b"\xef\xbb\xbf-- nothing\n").code == FlagCode.BAD_SQL
    assert accepted(b"\xef\xbb\xbf" + ANSWER.encode()) == ANSWER


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"SELECT 1\x00", "answer.sql:1: contains a NUL byte"),
        (b"-- a\n\x00SELECT 1", "answer.sql:2: contains a NUL byte"),
        (b"SELECT 'caf\xe9'", "answer.sql:1: not valid UTF-8"),
        (b"SELECT 1" + b" " * (100 * 1024), "larger than 100 KB"),
    ],
)
def test_bad_bytes_are_bad_sql(content: bytes, expected: str):
    exc = rejected(content)
    assert exc.code == FlagCode.BAD_SQL
    assert expected in exc.message


@pytest.mark.parametrize(
    "content",
    [
        "SELECT " + "(" * 20_000 + "1" + ")" * 20_000,
        "SELECT " + " + ".join(["1"] * 20_000),
        "SELECT 1" + " UNION ALL SELECT 1" * 4_000,
        "SELECT " + ", ".join(f"{i} AS c{i}" for i in range(6_000)),
        "SELECT '" + "x" * 90_000 + "'",
        "SELECT 1 " + "/* c */" * 14_000,
        "WITH " + ", ".join(f"t{i} AS (SELECT {i})" for i in range(4_000)) + " SELECT 1",
        "WITH " + "x AS (" * 8_000,
        "'" * 90_000,
        ";" * 90_000,
        "--\n" * 30_000,
        "SELECT 1" + "\n" * 90_000,
    ],
    ids=[
        "deep parentheses",
        "long expression",
        "compound select",
        "many columns",
        "long string",
        "many comments",
        "many ctes",
        "unfinished ctes",
        "quotes",
        "semicolons",
        "comment lines",
        "newlines",
    ],
)
def test_huge_hostile_queries_end_quickly_in_a_rejection_or_a_pass(content: str, with_schema):
    assert len(content.encode()) <= 100 * 1024
    for exercise in (None, with_schema):
        start = time.perf_counter()
        with contextlib.suppress(Reject):
            check_sql(content.encode(), "answer.sql", exercise)
        assert time.perf_counter() - start < 5


def test_messages_are_safe_to_print():
    exc = rejected("\x1b[31mDROP TABLE Employee")
    assert "\x1b" not in exc.message
    exc = rejected("SELECT 1;\n\u202eDROP\u202c TABLE x")
    assert "\u202e" not in exc.message
    exc = rejected("SELEC\u2028T 1")
    assert "\u2028" not in exc.message
    exc = rejected("SELECT 1; " + "x" * 5_000)
    assert len(exc.message) < 400


FRAGMENTS = [
    "SELECT",
    "select",
    "WITH",
    "x",
    "AS",
    "(",
    ")",
    ",",
    ";",
    "'",
    '"',
    "`",
    "[",
    "]",
    "--",
    "/*",
    "*/",
    "\n",
    " ",
    "DROP",
    "TABLE",
    "DELETE",
    "FROM",
    "Employee",
    "salary",
    "1",
    "MAX",
    "PRAGMA",
    "ATTACH",
    "\x00",
    "\u00e9",
    "\ufeff",
    "\x1b",
    "\\",
    "\v",
    "\f",
    "\r",
]


@pytest.mark.parametrize("seed", range(4))
def test_random_inputs_only_ever_pass_or_reject(seed: int, with_schema: Exercise):
    rng = random.Random(seed)
    for _ in range(500):
        text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 30)))
        data = text.encode("utf-8")
        if rng.random() < 0.1:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
        for exercise in (None, with_schema):
            try:
                staged = check_sql(data, "answer.sql", exercise)
            except Reject as exc:
                assert exc.code in (FlagCode.BAD_SQL, FlagCode.SYNTAX_ERROR)
                continue
            # whatever passes is one statement Python's sqlite3 accepts as it is
            connection = sqlite3.connect(":memory:")
            connection.executescript(SCHEMA)
            try:
                connection.execute(staged.decode("utf-8"))
            except sqlite3.ProgrammingError as exc:
                pytest.fail(f"accepted {data!r} but sqlite3 refuses it: {exc}")
            except sqlite3.Error:
                pass  # a runtime error (e.g. no such table without a schema) is the tests' job
            finally:
                connection.close()
