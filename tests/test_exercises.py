"""The shipped exercises: references score full marks, realistic bugs lose exactly their points."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, grade_file, outcomes
from tests.contract import assert_valid_report

# example -> (score out of 10, names of the tests it must fail)
TWO_SUM = {
    "solution.py": (10, set()),
    "leetcode_paste.py": (10, set()),
    "notebook.ipynb": (10, set()),
    "folder": (10, set()),
    "quadratic.py": (8, {"large input, n = 10^5, in O(n)"}),
    "off_by_one.py": (9, {"answers at the first and last positions, and n = 2"}),
}
NUM_ISLANDS = {
    "solution.py": (10, set()),
    "leetcode_paste.py": (10, set()),
    "recursive_dfs.py": (9, None),
    "wrong_diagonal.py": (5, None),
}


def check(report, score, failing):
    assert_valid_report(report.to_dict())
    assert report.status == "graded"
    failed = {name for name, outcome in outcomes(report).items() if outcome != "passed"}
    assert report.score == score, failed
    if failing is not None:
        assert failed == failing


@pytest.mark.parametrize("example", sorted(TWO_SUM))
def test_two_sum_examples(docker_sandbox, main_pack, example):
    report = grade_file(
        EXAMPLES / "two-sum" / example, main_pack.exercise("two-sum"), docker_sandbox
    )
    check(report, *TWO_SUM[example])


@pytest.mark.parametrize("example", sorted(NUM_ISLANDS))
def test_num_islands_examples(docker_sandbox, main_pack, example):
    report = grade_file(
        EXAMPLES / "num-islands" / example, main_pack.exercise("num-islands"), docker_sandbox
    )
    check(report, *NUM_ISLANDS[example])


def test_recursive_dfs_fails_only_the_deep_grid_and_says_why(docker_sandbox, main_pack):
    report = grade_file(
        EXAMPLES / "num-islands" / "recursive_dfs.py",
        main_pack.exercise("num-islands"),
        docker_sandbox,
    )
    failed = [t for t in report.tests if t.outcome != "passed"]
    assert len(failed) == 1
    assert "recursion" in failed[0].message.lower()


def test_zipped_folder_grades_like_the_folder(docker_sandbox, main_pack, tmp_path):
    archive = shutil.make_archive(
        str(tmp_path / "submission"), "zip", root_dir=EXAMPLES / "two-sum", base_dir="folder"
    )
    report = grade_file(Path(archive), main_pack.exercise("two-sum"), docker_sandbox)
    assert report.submission.kind == "zip"
    check(report, 10, set())


@pytest.mark.parametrize("example", ["solution.py", "quadratic.py"])
def test_local_sandbox_agrees_with_docker(local_sandbox, main_pack, example):
    report = grade_file(
        EXAMPLES / "two-sum" / example, main_pack.exercise("two-sum"), local_sandbox
    )
    check(report, *TWO_SUM[example])


def test_validate_proves_references_and_starters(run_cli):
    result = run_cli("validate", "--sandbox", "local")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "two-sum" in result.stdout and "num-islands" in result.stdout
    assert "FAILED" not in result.stdout
