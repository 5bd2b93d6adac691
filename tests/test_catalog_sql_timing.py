"""second-highest-salary and timing-decorator graded end to end, and points in the catalog."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader.catalog import exercise_points, suite_points
from tests.conftest import EXAMPLES, ROOT, flag_codes, grade_file, outcomes
from tests.contract import assert_valid_report

# example -> (score out of 10, names of the tests it must fail)
SALARY = {
    "limit_offset.sql": (10, set()),
    "max_below_max.sql": (10, set()),
    "dense_rank.sql": (10, set()),
    "no_distinct.sql": (8, {"ties at the top", "all salaries equal"}),
    "no_row.sql": (
        5,
        {
            "examples from the statement",
            "all salaries equal",
            "a single employee",
            "an empty table, or only NULL salaries",
        },
    ),
    "wrong_column.sql": (9, {"one row, one column named SecondHighestSalary"}),
    "correlated_count.sql": (9, {"a large table, 10^4 employees"}),
}
# example -> (flag code, words of its message)
SALARY_REJECTED = {
    "two_statements.sql": ("bad-sql", "2 SQL statements"),
    "drop_table.sql": ("bad-sql", "found DROP TABLE"),
    "syntax_error.sql": ("syntax-error", 'near "FROM": syntax error'),
}
RECORD = 'logs one INFO record on logger "timing" per call'
SECONDS = "logs the elapsed time in seconds"
FOLLOWS = "the logged time follows the call's duration"
TIMING = {
    "solution.py": (10, set()),
    "fstring_logger.py": (10, set()),
    "no_wraps.py": (9, {"keeps the function's __name__ and __doc__ (functools.wraps)"}),
    "milliseconds.py": (9, {SECONDS}),
    "constant_time.py": (8, {SECONDS, FOLLOWS}),
    "never_calls.py": (
        4,
        {
            "returns the function's result",
            "passes positional and keyword arguments",
            "calls the function exactly once per call",
            "lets the function's exceptions propagate",
            SECONDS,
            FOLLOWS,
        },
    ),
    "swallows_exceptions.py": (9, {"lets the function's exceptions propagate"}),
    "root_logger.py": (8, {RECORD}),
    "prints.py": (5, {RECORD, "the message names the function", SECONDS, FOLLOWS}),
}


def check(report, score, failing):
    assert_valid_report(report.to_dict())
    assert report.status == "graded", report.flags
    assert report.max_score == 10
    failed = {name for name, outcome in outcomes(report).items() if outcome != "passed"}
    assert report.score == score, failed
    assert failed == failing


def test_shipped_examples_are_all_listed():
    assert {p.name for p in (EXAMPLES / "second-highest-salary").iterdir()} == set(SALARY) | set(
        SALARY_REJECTED
    )
    assert {p.name for p in (EXAMPLES / "timing-decorator").iterdir()} == set(TIMING)


# -- graded in Docker ------------------------------------------------------------------------------


@pytest.mark.parametrize("example", sorted(SALARY))
def test_salary_examples(docker_sandbox, main_pack, example):
    report = grade_file(
        EXAMPLES / "second-highest-salary" / example,
        main_pack.exercise("second-highest-salary"),
        docker_sandbox,
    )
    assert report.submission.kind == "sql"
    check(report, *SALARY[example])


@pytest.mark.parametrize("example", sorted(SALARY_REJECTED))
def test_salary_rejections(docker_sandbox, main_pack, example):
    code, words = SALARY_REJECTED[example]
    report = grade_file(
        EXAMPLES / "second-highest-salary" / example,
        main_pack.exercise("second-highest-salary"),
        docker_sandbox,
    )
    assert_valid_report(report.to_dict())
    assert report.status == "rejected"
    assert report.score == 0 and report.tests == ()
    assert flag_codes(report) == {code}
    assert words in report.flags[-1].message


@pytest.mark.parametrize("example", sorted(TIMING))
def test_timing_examples(docker_sandbox, main_pack, example):
    report = grade_file(
        EXAMPLES / "timing-decorator" / example,
        main_pack.exercise("timing-decorator"),
        docker_sandbox,
    )
    check(report, *TIMING[example])


def test_failure_messages_say_what_went_wrong(docker_sandbox, main_pack):
    exercise = main_pack.exercise("timing-decorator")
    report = grade_file(EXAMPLES / "timing-decorator" / "milliseconds.py", exercise, docker_sandbox)
    messages = {t.name: t.message for t in report.tests}
    assert "milliseconds" in messages[SECONDS]
    report = grade_file(EXAMPLES / "timing-decorator" / "root_logger.py", exercise, docker_sandbox)
    messages = {t.name: t.message for t in report.tests}
    assert "'root'" in messages[RECORD] and '"timing"' in messages[RECORD]


def test_hidden_salary_messages_do_not_show_the_tables(docker_sandbox, main_pack):
    report = grade_file(
        EXAMPLES / "second-highest-salary" / "no_distinct.sql",
        main_pack.exercise("second-highest-salary"),
        docker_sandbox,
    )
    failed = [t for t in report.tests if t.outcome != "passed"]
    assert failed
    for test in failed:
        assert "highest salary appears several times" in test.message or "equal" in test.message
        assert not any(ch.isdigit() for ch in test.message), test.message


# -- the local sandbox agrees ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exercise_id", "example", "expected"),
    [
        ("second-highest-salary", "no_row.sql", SALARY["no_row.sql"]),
        ("second-highest-salary", "dense_rank.sql", SALARY["dense_rank.sql"]),
        ("timing-decorator", "root_logger.py", TIMING["root_logger.py"]),
        ("timing-decorator", "constant_time.py", TIMING["constant_time.py"]),
    ],
)
def test_local_sandbox_agrees_with_docker(local_sandbox, main_pack, exercise_id, example, expected):
    report = grade_file(
        EXAMPLES / exercise_id / example, main_pack.exercise(exercise_id), local_sandbox
    )
    check(report, *expected)


def test_validate_proves_references_and_starters(run_cli):
    result = run_cli("validate", "second-highest-salary", "timing-decorator", "--sandbox", "local")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "second-highest-salary" in result.stdout and "timing-decorator" in result.stdout
    assert "FAILED" not in result.stdout


# -- the public tests that `grader init` hands out -------------------------------------------------


@pytest.mark.parametrize(
    ("exercise_id", "solution", "passes"),
    [
        ("second-highest-salary", "limit_offset.sql", True),
        ("second-highest-salary", "wrong_column.sql", False),
        ("timing-decorator", "solution.py", True),
        ("timing-decorator", "prints.py", False),
    ],
)
def test_public_tests_run_with_plain_pytest(tmp_path, exercise_id, solution, passes):
    dest = tmp_path / "learner"
    shutil.copytree(
        ROOT / "exercises" / exercise_id / "tests",
        dest / "tests",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    name = "solution.sql" if solution.endswith(".sql") else "solution.py"
    (dest / name).write_bytes((EXAMPLES / exercise_id / solution).read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=dest,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode == 0) == passes, result.stdout + result.stderr


# -- points in the catalog -------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", ["second-highest-salary", "timing-decorator", "two-sum"])
def test_shipped_exercises_are_worth_ten(main_pack, exercise_id):
    assert exercise_points(main_pack.exercise(exercise_id)) == 10


def _copy_exercise(pack: Path, exercise_id: str) -> None:
    for area in ("exercises", "hidden_tests", "reference"):
        shutil.copytree(
            ROOT / area / exercise_id,
            pack / area / exercise_id,
            ignore=shutil.ignore_patterns("__pycache__"),
        )


def test_catalog_shows_points_and_kind(run_cli, tmp_path):
    pack = tmp_path / "pack"
    _copy_exercise(pack, "second-highest-salary")
    _copy_exercise(pack, "timing-decorator")
    # cases made by a fixture at run time: the points cannot be read from the source
    (pack / "hidden_tests" / "timing-decorator" / "conftest.py").write_text(
        "import pytest\n\n\n@pytest.fixture(params=[1, 2])\n"
        "def size(request):\n    return request.param\n"
    )
    result = run_cli("exercises", "--pack", str(pack))
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any("kind" in line and "points" in line for line in lines)
    salary = next(line for line in lines if "second-highest-salary" in line)
    assert "sql" in salary and salary.rstrip(" │|").endswith("10")
    timing = next(line for line in lines if "timing-decorator" in line)
    assert "python" in timing and timing.rstrip(" │|").endswith("?")


def _suite(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "suite"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.mark.parametrize(
    ("source", "points"),
    [
        ("def test_a(): pass\ndef test_b(): pass\n", 2),
        ("import pytest\n@pytest.mark.points(3)\ndef test_a(): pass\n", 3),
        ("import pytest\n@pytest.mark.points(0.5)\ndef test_a(): pass\n", 0.5),
        ("from pytest import mark\n@mark.points(2)\ndef test_a(): pass\n", 2),
        ("import pytest\n@pytest.mark.points\ndef test_a(): pass\n", 1),
        (
            """
            import pytest
            @pytest.mark.points(2)
            @pytest.mark.parametrize("x", [1, 2, 3])
            def test_a(x): pass
            """,
            6,
        ),
        (
            """
            import pytest
            CASES = [(1, 2), (3, 4)]
            @pytest.mark.parametrize(("a", "b"), CASES)
            @pytest.mark.parametrize("c", (5, 6, 7))
            def test_a(a, b, c): pass
            """,
            6,
        ),
        (
            """
            import pytest
            @pytest.mark.parametrize(argnames="x", argvalues=[1, 2])
            def test_a(x): pass
            """,
            2,
        ),
        (
            """
            import pytest
            pytestmark = pytest.mark.points(2)
            def test_a(): pass
            @pytest.mark.points(5)
            def test_b(): pass
            """,
            7,
        ),
        (
            """
            import pytest
            @pytest.mark.points(2)
            class TestGroup:
                def test_a(self): pass
                @pytest.mark.points(4)
                def test_b(self): pass
                def helper(self): pass
            class TestWithInit:
                def __init__(self): pass
                def test_never(self): pass
            class Helper:
                def test_never(self): pass
            """,
            6,
        ),
        (
            """
            def helper(): pass
            def _test_private(): pass
            test_data = [1, 2, 3]
            def testcase(): pass
            """,
            1,
        ),
        ("import pytest\n@pytest.mark.reveal\n@pytest.mark.time_limit(5)\ndef test_a(): pass\n", 1),
    ],
)
def test_points_read_statically(tmp_path, source, points):
    assert suite_points(_suite(tmp_path, {"test_x.py": source})) == points


@pytest.mark.parametrize(
    "source",
    [
        "import pytest\n@pytest.mark.points(n)\ndef test_a(): pass\n",
        "import pytest\n@pytest.mark.points(2)\n@pytest.mark.points(3)\ndef test_a(): pass\n",
        "import pytest\n@pytest.mark.parametrize('x', range(3))\ndef test_a(x): pass\n",
        "import pytest\n@pytest.mark.parametrize('x', [1] * 3)\ndef test_a(x): pass\n",
        "import pytest\n@pytest.mark.parametrize('x', [*A])\ndef test_a(x): pass\n",
        """
        import pytest
        CASES = [1, 2]
        CASES = [1, 2, 3]
        @pytest.mark.parametrize("x", CASES)
        def test_a(x): pass
        """,
        """
        import pytest
        CASES = [1, 2]
        CASES.append(3)
        @pytest.mark.parametrize("x", CASES)
        def test_a(x): pass
        """,
        """
        import pytest
        @pytest.mark.parametrize("x", [1, pytest.param(2, marks=pytest.mark.points(4))])
        def test_a(x): pass
        """,
        """
        import pytest
        @pytest.fixture(params=[1, 2])
        def size(request): return request.param
        def test_a(size): pass
        """,
        "def pytest_generate_tests(metafunc): pass\ndef test_a(x): pass\n",
        "def make(): return lambda: None\ntest_made = make()\n",
        "from helpers import test_shared\n",
        "from helpers import *\n",
        "class TestBase(Base):\n    pass\n",
        "import pytest\nMARK = pytest.mark.points(3)\npytestmark = MARK\ndef test_a(): pass\n",
        "def test_a(:\n",
    ],
)
def test_points_unknown_when_not_static(tmp_path, source):
    assert suite_points(_suite(tmp_path, {"test_x.py": source})) is None


def test_points_cover_every_collected_file(tmp_path):
    suite = _suite(
        tmp_path,
        {
            "test_one.py": "def test_a(): pass\n",
            "two_test.py": "def test_b(): pass\n",
            "sub/test_three.py": "def test_c(): pass\n",
            "helpers.py": "def test_not_collected(): pass\n",
            "probes/probe.py": "def test_not_collected(): pass\n",
            ".hidden/test_skipped.py": "def test_not_collected(): pass\n",
            "__pycache__/test_cached.py": "def test_not_collected(): pass\n",
        },
    )
    assert suite_points(suite) == 3


def test_conftest_fixture_params_make_points_unknown(tmp_path):
    suite = _suite(
        tmp_path,
        {
            "test_one.py": "def test_a(size): pass\n",
            "conftest.py": (
                "import pytest\n@pytest.fixture(params=[1, 2])\n"
                "def size(request): return request.param\n"
            ),
        },
    )
    assert suite_points(suite) is None


def test_points_of_a_missing_folder_are_unknown(tmp_path):
    assert suite_points(tmp_path / "nowhere") is None


def test_points_never_import_the_tests(tmp_path):
    marker = tmp_path / "imported"
    suite = _suite(
        tmp_path,
        {"test_boom.py": f"open({str(marker)!r}, 'w').close()\ndef test_a(): pass\n"},
    )
    assert suite_points(suite) == 1
    assert not marker.exists()
