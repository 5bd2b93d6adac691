"""A local grading's harness starts before the `grader` command's own imports.

The command line is only glanced at before the CLI parses it: a harness started on a wrong
guess must never outlive the command, nor leave its folder behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.interrupts import interrupt_on_stop_signals
from grader.launch import asks_for_local_grading
from tests.conftest import BEHAVIOURS, MINI_PACK, ROOT


@pytest.mark.parametrize(
    "args",
    [
        ["grade", "s.py", "-e", "two-sum", "--sandbox", "local"],
        ["-v", "grade", "--sandbox=local", "s.py", "-e", "two-sum", "--format", "json"],
        ["grade", "--sandbox", "local", "--pack", "p", "s.py", "-e", "x"],
    ],
)
def test_a_local_grading_is_recognised(args):
    assert asks_for_local_grading(args)


@pytest.fixture
def docker_socket(tmp_path, monkeypatch):
    """A machine whose Docker socket exists: auto may well choose Docker."""
    socket_path = tmp_path / "docker.sock"
    socket_path.touch()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{socket_path}")


@pytest.mark.parametrize(
    "args",
    [
        ["grade", "s.py", "-e", "two-sum"],
        ["grade", "s.py", "-e", "two-sum", "--sandbox", "auto"],
        ["grade", "--sandbox=docker", "s.py", "-e", "two-sum", "--sandbox=auto"],
    ],
)
def test_auto_is_local_ahead_only_where_no_docker_socket_exists(
    args, tmp_path, monkeypatch, docker_socket
):
    assert not asks_for_local_grading(args)
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-such.sock'}")
    assert asks_for_local_grading(args)
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:2375")  # only asking it would tell
    assert not asks_for_local_grading(args)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["grade", "s.py", "-e", "two-sum"],  # auto: Docker when a daemon answers
        ["grade", "s.py", "-e", "two-sum", "--sandbox", "docker"],
        ["grade", "s.py", "-e", "two-sum", "--sandbox", "local", "--sandbox=docker"],
        ["grade", "s.py", "-e", "two-sum", "--sandbox", "local", "--help"],
        ["grade", "--sandbox", "local", "-h"],
        ["--version", "grade", "--sandbox", "local"],
        ["exercises", "show", "grade", "--sandbox", "local"],
        ["grade", "s.py", "-e", "local"],
    ],
)
def test_anything_else_starts_nothing_ahead(args, docker_socket):
    assert not asks_for_local_grading(args)


def _grader_command(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "grader", *args]


def _env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp)}  # the harness's folder is made under TMPDIR


def _local_grading(submission: str) -> list[str]:
    """The arguments of a local grading of a behaviours submission."""
    return [
        "grade",
        str(BEHAVIOURS / submission),
        "-e",
        "behaviours",
        "--pack",
        str(MINI_PACK),
        "--sandbox",
        "local",
    ]


def _grader(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    return _run(_grader_command(args), tmp)


def _run(command: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=_env(tmp),
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@contextlib.contextmanager
def _grading_once_running(
    submission: str, tmp: Path, running: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A local grading, from the moment a process whose command line holds `running` ("":
    any process) works under `tmp`; killed if still running at the end of the block."""
    process = subprocess.Popen(
        _grader_command(_local_grading(submission)),
        cwd=ROOT,
        env=_env(tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not any(running in p for p in _processes_working_under(tmp)):
            assert time.monotonic() < deadline and process.poll() is None, f"no {running}"
            time.sleep(0.001)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _stopped_once_running(
    submission: str, tmp: Path, running: str, stop: signal.Signals
) -> tuple[int, bytes, bytes]:
    """(exit status, stdout, stderr) of a local grading sent `stop` as soon as a process
    whose command line holds `running` ("": any process) works under `tmp`."""
    with _grading_once_running(submission, tmp, running) as process:
        process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=30)
    return process.returncode, stdout, stderr


def _processes_working_under(folder: Path) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if cwd.startswith(str(folder)):
            found.append(f"{entry.name}: {argv}")
    return found


def test_a_command_line_local_grading_uses_its_head_start_and_cleans_up(tmp_path):
    result = _grader([*_local_grading("correct.py"), "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "graded" and report["percent"] == 100.0
    assert list(tmp_path.iterdir()) == []
    assert _processes_working_under(tmp_path) == []


@pytest.mark.parametrize(
    "args",
    [
        ["grade", "no-such-file.py", "-e", "two-sum", "--sandbox", "local"],
        ["grade", "s.py", "--sandbox", "local"],  # no exercise: click's usage error
        ["grade", "s.py", "-e", "two-sum", "--sandbox", "local", "--format", "nope"],
    ],
)
def test_a_harness_started_on_a_failed_command_line_is_stopped(tmp_path, args):
    result = _grader(args, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
    assert _processes_working_under(tmp_path) == []


def test_the_local_sandbox_adopts_the_harness_started_early(mini_exercise):
    from grader.sandbox import harness_process
    from grader.sandbox.local import LocalSandbox
    from tests.conftest import grade_file

    harness_process.start_early()
    (early,) = harness_process._started_early
    sandbox = LocalSandbox()
    try:
        sandbox.prestart()
        assert sandbox._spare is early and harness_process.claim_early() is None
        report = grade_file(BEHAVIOURS / "correct.py", mini_exercise, sandbox)
    finally:
        sandbox.close()
    assert report.status == "graded" and report.percent == 100.0, report.flags
    assert early.process.poll() is not None and not early.root.exists()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_a_local_grading_stopped_leaves_nothing_behind(tmp_path, stop):
    returncode, stdout, stderr = _stopped_once_running(
        "infinite_loop.py", tmp_path, "grader.harness.worker", stop
    )
    assert returncode == 130, stderr
    assert stdout == b""
    assert _processes_working_under(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_a_command_stopped_before_its_grading_runs_leaves_nothing_behind(tmp_path):
    """Stopped while it still loads, the command stops the harness it started first."""
    # the harness is the first process to work there (forked from the command, it shows
    # the command's own command line)
    returncode, stdout, stderr = _stopped_once_running("correct.py", tmp_path, "", signal.SIGTERM)
    assert returncode == 130, stderr
    assert b"interrupted" in stderr and b"Traceback" not in stderr
    assert stdout == b""
    assert _processes_working_under(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def _stopped_at_start(
    monkeypatch, tmp: Path, number: int, stop: signal.Signals = signal.SIGTERM
) -> None:
    """Sends this process `stop` right after its `number`th process creation, before Popen
    returns the child (where a stop from outside can land too), with temporary folders
    made under `tmp`."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    execute_child = subprocess.Popen._execute_child
    started = []

    def stopped_once_started(self, *args, **kwargs):
        execute_child(self, *args, **kwargs)
        started.append(self.pid)
        if len(started) == number:
            os.kill(os.getpid(), stop)

    monkeypatch.setattr(subprocess.Popen, "_execute_child", stopped_once_started)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_while_the_early_harness_starts_still_stops_it(tmp_path, monkeypatch, stop):
    from grader.sandbox import harness_process

    _stopped_at_start(monkeypatch, tmp_path, 1, stop)
    with interrupt_on_stop_signals(), pytest.raises(KeyboardInterrupt):
        harness_process.start_early()
    harness_process._discard_unclaimed()  # what the command's exit does
    assert _processes_working_under(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("stopped_at", [1, 2], ids=["harness", "supervisor"])
def test_a_stop_while_a_local_grading_starts_a_process_stops_them_all(
    tmp_path, monkeypatch, mini_exercise, stopped_at, stop
):
    from grader.sandbox.local import LocalSandbox
    from tests.conftest import grade_file

    _stopped_at_start(monkeypatch, tmp_path, stopped_at, stop)
    sandbox = LocalSandbox()
    with pytest.raises(KeyboardInterrupt), contextlib.closing(sandbox):
        grade_file(BEHAVIOURS / "infinite_loop.py", mini_exercise, sandbox)
    assert _processes_working_under(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def _wrong_sum(tmp: Path) -> Path:
    source = (BEHAVIOURS / "correct.py").read_text()
    wrong = tmp / "wrong_sum.py"
    wrong.write_text(source.replace("return a + b", "return a - b"))
    return wrong


@pytest.mark.parametrize(
    ("interpreter", "environment"),
    [
        ([], {"PYTHONOPTIMIZE": "1"}),
        (["-O"], {}),
        (["-X", "dev", "-W", "ignore"], {}),
        ([], {}),
    ],
    ids=["PYTHONOPTIMIZE", "-O", "-X dev -W ignore", "plain"],
)
def test_the_commands_interpreter_options_never_reach_the_harness(
    tmp_path, interpreter, environment
):
    """-O or PYTHONOPTIMIZE would silence the hidden tests' asserts: a wrong answer must
    still fail, however the command itself was started."""
    runs = tmp_path / "runs"
    runs.mkdir()
    args = _local_grading("correct.py")
    args[1] = str(_wrong_sum(tmp_path))
    result = subprocess.run(
        [sys.executable, *interpreter, "-m", "grader", *args, "--format", "json"],
        capture_output=True,
        text=True,
        env={**_env(runs), **environment},
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    report = json.loads(result.stdout)
    outcomes = {test["name"]: (test["outcome"], test["message"]) for test in report["tests"]}
    outcome, message = outcomes["adds two numbers"]
    assert outcome == "failed" and "wrong sum" in message, outcomes
    assert report["score"] < report["max_score"]
    assert list(runs.iterdir()) == []


@pytest.mark.parametrize("to_file", [True, False], ids=["report to a file", "report to stdout"])
def test_a_command_started_with_its_standard_streams_closed_grades(tmp_path, to_file):
    """`grader … <&- >&-` (a cron job, a daemon): no descriptor mix-up, no traceback."""
    runs = tmp_path / "runs"
    runs.mkdir()
    report = tmp_path / "report.json"
    args = [*_local_grading("correct.py"), "--format", "json"]
    if to_file:
        args += ["--output", str(report)]
    result = _run(["sh", "-c", 'exec "$@" <&- >&-', "sh", *_grader_command(args)], runs)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if to_file:
        assert json.loads(report.read_text())["percent"] == 100.0
    else:
        assert "stdout is closed: the report was not written" in result.stderr
    assert list(runs.iterdir()) == []
    assert _processes_working_under(runs) == []


def test_a_worker_that_cannot_be_started_is_the_graders_failure(tmp_path):
    """No interpreter for the worker (gone, not executable for this user): a grader error,
    exit 3, never a candidate whose code 'crashed'."""
    command = (
        "import sys; sys.executable = '/nonexistent/python3'; sys.argv[0] = 'grader'; "
        "from grader.launch import main; main()"
    )
    args = [*_local_grading("correct.py"), "--format", "json"]
    result = _run([sys.executable, "-c", command, *args], tmp_path)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "error"
    assert "could not start a worker" in result.stderr
    assert list(tmp_path.iterdir()) == []
    assert _processes_working_under(tmp_path) == []


@pytest.mark.parametrize("attempt", range(3))
def test_stops_in_a_row_do_not_break_off_the_clean_up(tmp_path, attempt):
    """Ctrl-C pressed again and again: the first stop starts the clean-up, the others wait."""
    with _grading_once_running("infinite_loop.py", tmp_path, "grader.harness.worker") as process:
        for _ in range(6):
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGINT)
            time.sleep(0.003 * (attempt + 1))
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.count(b"interrupted") == 1 and b"Traceback" not in stderr, stderr
    assert _processes_working_under(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_a_command_killed_outright_leaves_no_process_running(tmp_path):
    """SIGKILL runs no clean-up: the harness, the supervisor and the worker end with the
    command all the same (its folders stay, as the trust model says)."""
    with _grading_once_running("infinite_loop.py", tmp_path, "grader.harness.worker") as process:
        process.kill()
    deadline = time.monotonic() + 2  # the worker's test alone would run for seconds more
    while _processes_working_under(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _processes_working_under(tmp_path) == []


def test_a_worker_that_kills_its_supervisor_does_not_outlive_the_grading(tmp_path):
    submission = tmp_path / "orphan.py"
    submission.write_text(
        "import os, signal, time\n"
        "os.kill(os.getppid(), signal.SIGKILL)\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "time.sleep(40)\n" + (BEHAVIOURS / "correct.py").read_text()
    )
    runs = tmp_path / "runs"
    runs.mkdir()
    args = _local_grading("correct.py")
    args[1] = str(submission)
    result = _grader([*args, "--format", "json"], runs)
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["score"] == 0
    assert _processes_working_under(runs) == []
    assert list(runs.iterdir()) == []
