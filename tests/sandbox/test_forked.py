"""The stand-in for Popen that a harness forked from the command is watched through."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import threading

import pytest

from grader.sandbox.forked import ForkedProcess
from tests.conftest import ROOT


@pytest.fixture
def child():
    """A factory of sleeping children, watched through ForkedProcess."""
    made: list[ForkedProcess] = []

    def make(seconds: float) -> ForkedProcess:
        argv = [sys.executable, "-c", f"import time; time.sleep({seconds})"]
        pid = os.posix_spawn(sys.executable, argv, os.environ)
        made.append(ForkedProcess(pid, open(os.devnull, "wb"), open(os.devnull, "rb")))  # noqa: SIM115
        return made[-1]

    yield make
    for process in made:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        for stream in (process.stdin, process.stdout):
            stream.close()


def test_poll_and_wait_report_the_exit_as_popen_does(child):
    process = child(30)
    assert process.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        process.wait(timeout=0.05)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL
    assert process.poll() == -signal.SIGKILL


def test_a_timed_wait_beside_a_thread_blocked_in_wait_sees_the_exit(child):
    process = child(0.2)
    waiter = threading.Thread(target=process.wait)
    waiter.start()
    assert process.wait(timeout=10) == 0
    waiter.join(timeout=10)
    assert not waiter.is_alive() and process.returncode == 0


@pytest.mark.parametrize(
    ("options", "environment", "expected"),
    [
        ([], {}, True),
        ([], {"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}, True),
        ([], {"PYTHONOPTIMIZE": "1"}, False),
        ([], {"PYTHONPATH": "/elsewhere"}, False),
        ([], {"PYTHONHASHSEED": "0"}, False),
        (["-O"], {}, False),
        (["-X", "dev"], {}, False),
        (["-W", "error"], {}, False),
        (["-s"], {}, False),
    ],
)
def test_only_a_command_started_plainly_forks_its_processes(options, environment, expected):
    check = "from grader.sandbox import forked; forked.allow_forking(); print(forked.forkable())"
    result = subprocess.run(
        [sys.executable, *options, "-c", check],
        env={"PATH": os.environ.get("PATH", ""), **environment},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(expected)


def test_a_process_that_is_not_the_command_never_forks():
    """A test runner, a notebook: whatever they loaded and started stays theirs."""
    check = "from grader.sandbox.forked import forkable; print(forkable())"
    result = subprocess.run(
        [sys.executable, "-c", check],
        env={"PATH": os.environ.get("PATH", "")},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


ECHO_STREAMS = """\
import sys
data = sys.stdin.buffer.read()
sys.stdout.buffer.write(b"out:" + data)
sys.stdout.flush()
sys.stderr.write("err:" + data.decode())
"""

FORK_WITH_STREAMS_CLOSED = """\
import os, sys
from grader.sandbox import forked
forked.allow_forking()
folder = sys.argv[1]
stderr = open(os.path.join(folder, "stderr"), "w+b")  # fd 0 or 1: both were closed
child = forked.fork_module(
    "echo_streams", [], name="echo", folder=folder,
    env={"PYTHONPATH": folder, "PATH": ""}, stderr=stderr, pipes=True,
)
child.stdin.write(b"ping")
child.stdin.close()
out = child.stdout.read()
code = child.wait()
stderr.seek(0)
with open(os.path.join(folder, "result"), "w") as result:
    result.write(repr((stderr.fileno(), code, out, stderr.read())))
"""


def test_a_forked_child_gets_its_own_streams_when_the_commands_were_closed(tmp_path):
    (tmp_path / "echo_streams.py").write_text(ECHO_STREAMS)
    closed = ["sh", "-c", 'exec "$@" <&- >&-', "sh"]
    subprocess.run(
        [*closed, sys.executable, "-c", FORK_WITH_STREAMS_CLOSED, str(tmp_path)],
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    fd, code, out, err = ast.literal_eval((tmp_path / "result").read_text())
    assert fd < 3 and code == 0
    assert (out, err) == (b"out:ping", b"err:ping")
