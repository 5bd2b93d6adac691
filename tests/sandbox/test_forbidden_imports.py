"""Forbidden imports: found by reading the code, refused when hidden."""

from __future__ import annotations

import pytest

from grader.pack import load_pack
from grader.submission.imports import find_forbidden_imports
from tests.conftest import FIXTURES, MINI_PACK, flag_codes, grade_file, outcomes

SUBMISSIONS = FIXTURES / "submissions" / "from-scratch"


@pytest.fixture(scope="module")
def exercise():
    return load_pack(MINI_PACK).exercise("from-scratch")


def test_honest_solution_scores_full_marks(any_sandbox, exercise):
    report = grade_file(SUBMISSIONS / "honest.py", exercise, any_sandbox)
    assert report.percent == 100.0
    assert "forbidden-import" not in flag_codes(report)


def test_plain_import_loses_only_the_from_scratch_points(any_sandbox, exercise):
    report = grade_file(SUBMISSIONS / "plain_import.py", exercise, any_sandbox)
    assert outcomes(report) == {
        "computes the mean": "passed",
        "written without the statistics module": "failed",
    }
    flag = next(f for f in report.flags if f.code == "forbidden-import")
    assert "line 1 imports statistics" in flag.message


def test_an_import_in_a_notebook_is_placed_by_its_cell(local_sandbox, exercise, tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    source = (SUBMISSIONS / "plain_import.py").read_text()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Mean"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("# checked against the library\n" + source),
    ]
    path = tmp_path / "mean.ipynb"
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    report = grade_file(path, exercise, local_sandbox)
    flag = next(f for f in report.flags if f.code == "forbidden-import")
    assert "cell 3, line 2 imports statistics" in flag.message
    assert "solution.py" not in flag.message


def test_a_cell_that_does_not_compile_hides_no_import_in_the_others(
    local_sandbox, exercise, tmp_path
):
    import nbformat

    nb = nbformat.v4.new_notebook()
    source = (SUBMISSIONS / "plain_import.py").read_text()
    nb.cells = [nbformat.v4.new_code_cell(source), nbformat.v4.new_code_cell("x = (1,")]
    path = tmp_path / "mean.ipynb"
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    report = grade_file(path, exercise, local_sandbox)
    assert outcomes(report) == {
        "computes the mean": "passed",
        "written without the statistics module": "failed",
    }
    flag = next(f for f in report.flags if f.code == "forbidden-import")
    assert "cell 1, line 1 imports statistics" in flag.message


def test_imports_in_exported_magics_are_found_wherever_they_are(tmp_path):
    (tmp_path / "solution.py").write_text(
        "def mean(values):\n"
        "    get_ipython().run_line_magic('time', 'import statistics')\n"
        "    return statistics.fmean(values)\n"
        "get_ipython().run_cell_magic('time', '', 'from statistics import median\\n')\n"
    )
    findings = find_forbidden_imports(tmp_path, ("statistics",))
    assert [f.describe() for f in findings] == [
        "solution.py, line 2 imports statistics",
        "solution.py, line 4 imports statistics",
    ]


def test_hidden_import_is_refused_at_run_time(any_sandbox, exercise):
    report = grade_file(SUBMISSIONS / "obfuscated_import.py", exercise, any_sandbox)
    results = {t.name: t for t in report.tests}
    assert results["computes the mean"].outcome == "failed"
    assert "not allowed" in results["computes the mean"].message
    assert "forbidden-import" in flag_codes(report)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import statistics", True),
        ("import statistics.linear as s", True),
        ("from statistics import fmean", True),
        ("import importlib\nm = importlib.import_module('statistics')", True),
        ("m = __import__('statistics')", True),
        ("from . import statistics", False),
        ("import statisticsx", False),
        ("x = 'statistics'", False),
    ],
)
def test_static_scan(tmp_path, source, found):
    (tmp_path / "solution.py").write_text(source + "\n")
    findings = find_forbidden_imports(tmp_path, ("statistics",))
    assert bool(findings) is found


def test_hidden_import_at_module_level_is_flagged(local_sandbox, exercise):
    report = grade_file(SUBMISSIONS / "obfuscated_at_import.py", exercise, local_sandbox)
    assert {"forbidden-import", "import-error"} <= flag_codes(report)
    assert report.score < report.max_score
