"""The command line contract: exit codes, stdout discipline, messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import BEHAVIOURS, EXAMPLES, FIXTURES, MINI_PACK
from tests.contract import assert_valid_report

CORRECT = str(BEHAVIOURS / "correct.py")
MINI = ["--pack", str(MINI_PACK), "-e", "behaviours"]


def grade_json(run_cli, *args: str):
    result = run_cli("grade", *args, "--format", "json")
    return result, (json.loads(result.stdout) if result.stdout else None)


@pytest.mark.parametrize("sandbox", ["local", "docker"])
def test_graded_submission_exits_0_with_one_json_document(run_cli, sandbox, request):
    if sandbox == "docker":
        request.getfixturevalue("sandbox_image")
    result, report = grade_json(run_cli, CORRECT, *MINI, "--sandbox", sandbox)
    assert result.exit_code == 0, result.stderr
    assert_valid_report(report)
    assert report["percent"] == 100.0
    assert report["environment"]["sandbox"] == sandbox


def test_below_min_score_exits_1(run_cli):
    result, report = grade_json(
        run_cli, str(BEHAVIOURS / "sys_exit.py"), *MINI, "--sandbox", "local", "--min-score", "95"
    )
    assert result.exit_code == 1
    assert report["status"] == "graded" and report["percent"] < 95


def test_at_min_score_exits_0(run_cli):
    result, _ = grade_json(run_cli, CORRECT, *MINI, "--sandbox", "local", "--min-score", "100")
    assert result.exit_code == 0


def test_rejected_submission_is_a_report_and_counts_as_zero(run_cli, tmp_path):
    broken = tmp_path / "solution.py"
    broken.write_text("def add(a, b)\n    return a + b\n")
    result, report = grade_json(run_cli, str(broken), *MINI, "--sandbox", "local")
    assert result.exit_code == 0
    assert_valid_report(report)
    assert report["status"] == "rejected"
    assert [f["code"] for f in report["flags"]] == ["syntax-error"]
    assert report["score"] == 0 and report["max_score"] == 9 and report["percent"] == 0
    result, _ = grade_json(run_cli, str(broken), *MINI, "--sandbox", "local", "--min-score", "0.1")
    assert result.exit_code == 1


def test_unknown_exercise_exits_2_with_a_suggestion(run_cli):
    result = run_cli("grade", CORRECT, "-e", "two_sun", "--sandbox", "local")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "did you mean 'two-sum'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_submission_exits_2(run_cli, tmp_path):
    result = run_cli("grade", str(tmp_path / "nope.py"), *MINI, "--sandbox", "local")
    assert result.exit_code == 2 and result.stdout == ""
    assert "nope.py" in result.stderr


def test_invalid_pack_exits_2_listing_problems(run_cli, tmp_path):
    (tmp_path / "exercises" / "bad").mkdir(parents=True)
    result = run_cli("grade", CORRECT, "--pack", str(tmp_path), "-e", "bad", "--sandbox", "local")
    assert result.exit_code == 2 and result.stdout == ""
    assert "exercise.toml" in result.stderr


def test_unreachable_docker_exits_3_with_empty_stdout(run_cli):
    result = run_cli(
        "grade",
        CORRECT,
        *MINI,
        "--sandbox",
        "docker",
        "--format",
        "json",
        env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"},
    )
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "Docker daemon not reachable" in result.stderr


@pytest.mark.parametrize("host", ["tcp://127.0.0.1:1", "http://127.0.0.1:1"])
def test_an_unreachable_daemon_over_tcp_is_said_plainly(run_cli, host):
    result = run_cli("grade", CORRECT, *MINI, "--sandbox", "docker", env={"DOCKER_HOST": host})
    assert result.exit_code == 3
    assert f"Docker daemon not reachable at {host}" in result.stderr


def test_a_folder_as_output_is_refused_before_grading(run_cli, tmp_path):
    result = run_cli("grade", CORRECT, *MINI, "--sandbox", "local", "--output", str(tmp_path))
    assert result.exit_code == 2
    assert "is a folder" in result.stderr and "grading" not in result.stderr


def test_a_report_that_cannot_be_written_is_a_grader_error(run_cli):
    result = run_cli("grade", CORRECT, *MINI, "--sandbox", "local", "--output", "/dev/full")
    assert result.exit_code == 3
    assert "cannot write the text report to /dev/full: No space left on device" in result.stderr


def test_grader_fault_is_status_error_and_exits_3_after_writing_the_report(run_cli):
    pack = FIXTURES / "packs" / "broken"
    result, report = grade_json(
        run_cli, CORRECT, "--pack", str(pack), "-e", "uncollectable", "--sandbox", "local"
    )
    assert result.exit_code == 3
    assert_valid_report(report)
    assert report["status"] == "error"
    assert "not your fault" in report["flags"][0]["message"]


def test_several_formats_to_files(run_cli, tmp_path):
    json_path, md_path = tmp_path / "r.json", tmp_path / "r.md"
    result = run_cli(
        "grade",
        CORRECT,
        *MINI,
        "--sandbox",
        "local",
        "--format",
        "json",
        "--output",
        str(json_path),
        "--format",
        "markdown",
        "--output",
        str(md_path),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert_valid_report(json.loads(json_path.read_text()))
    assert "| " in md_path.read_text()


def test_local_sandbox_warns_loudly_on_stderr(run_cli):
    result = run_cli("grade", CORRECT, *MINI, "--sandbox", "local")
    assert "UNCONFINED" in result.stderr
    assert "Score: 9/9 (100.0%)" in result.stdout


def test_exercises_lists_and_shows(run_cli):
    listing = run_cli("exercises")
    assert listing.exit_code == 0
    assert "two-sum" in listing.stdout and "num-islands" in listing.stdout
    shown = run_cli("exercises", "show", "two-sum")
    assert shown.exit_code == 0 and "Two Sum" in shown.stdout


def test_init_writes_starter_and_refuses_to_overwrite(run_cli, tmp_path):
    dest = tmp_path / "learner"
    first = run_cli("init", "two-sum", str(dest))
    assert first.exit_code == 0, first.stderr
    assert (dest / "solution.py").is_file() and (dest / "README.md").is_file()
    second = run_cli("init", "two-sum", str(dest))
    assert second.exit_code == 2
    assert "refusing to overwrite" in second.stderr


def test_init_of_a_sql_exercise_hands_out_its_schema(run_cli, tmp_path):
    dest = tmp_path / "learner"
    result = run_cli("init", "second-highest-salary", str(dest))
    assert result.exit_code == 0, result.stderr
    assert (dest / "solution.sql").is_file()
    assert "CREATE TABLE Employee" in (dest / "schema.sql").read_text()


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "grader", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "grader" in result.stdout


def test_examples_folder_exists_for_the_readme():
    assert (EXAMPLES / "two-sum" / "solution.py").is_file()


@pytest.mark.parametrize("tmpdir", [".", "runs"])
@pytest.mark.parametrize("sandbox", ["local", "docker"])
def test_a_relative_tmpdir_changes_nothing(tmp_path, sandbox, tmpdir, request):
    """The run's folders are made under TMPDIR; processes that work from inside them, or
    a daemon that wants absolute binds, must still find them."""
    if sandbox == "docker":
        request.getfixturevalue("sandbox_image")
    (tmp_path / "runs").mkdir()
    args = ["grade", str(CORRECT), *MINI, "--sandbox", sandbox, "--format", "json"]
    result = subprocess.run(
        [sys.executable, "-m", "grader", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": tmpdir},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["percent"] == 100.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs"]
    assert list((tmp_path / "runs").iterdir()) == []


def _grade_locally(tmp_path, stdout, **env: str):
    args = ["grade", CORRECT, *MINI, "--sandbox", "local"]
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path), **env},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_the_report_is_written_in_whatever_stdout_can_encode(tmp_path, encoding):
    result = _grade_locally(tmp_path, subprocess.PIPE, PYTHONIOENCODING=encoding)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Score: 9/9 (100.0%)" in result.stdout
    assert "-" * 20 in result.stdout  # the rule under the table's header, in ASCII


def test_a_full_disk_on_stdout_is_a_grader_error_not_a_score(tmp_path):
    with open("/dev/full", "w") as full:
        result = _grade_locally(tmp_path, full)
    assert result.returncode == 3
    assert "cannot write the report to stdout: No space left on device" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reader_that_goes_away_does_not_change_the_exit_status(tmp_path):
    read, write = os.pipe()
    os.close(read)  # as `grader grade … | true` leaves it
    with os.fdopen(write, "w") as gone:
        result = _grade_locally(tmp_path, gone)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
