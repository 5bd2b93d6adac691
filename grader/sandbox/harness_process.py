"""A local harness process started ahead of its grading.

Kept apart from the local sandbox and light to import, so that the `grader` command can
start one before its own imports when its command line asks for a local grading.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import grader
from grader.interrupts import stop_signals_held


class StartedHarness:
    """A harness process started ahead of its grading, waiting for its config on stdin,
    with the private folder the grading's channel, config and worker live in."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="grader-")
        self.root = Path(self._tmp.name)
        self.stderr = (self.root / "harness.err").open("w+b")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-P", "-m", "grader.harness.run", "--config", "-"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                cwd=self.root,
                env=process_environment(),
                start_new_session=True,
            )
        except OSError:
            self.stderr.close()
            self._tmp.cleanup()
            raise

    def send_config(self, config: dict[str, object]) -> None:
        import json  # not before the harness has started

        assert self.process.stdin is not None
        # a harness that died early is reported by the wait for its results
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.write(json.dumps(config).encode())
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.close()

    def discard(self) -> None:
        kill_process_group(self.process)
        for stream in (self.process.stdin, self.process.stdout, self.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._tmp.cleanup()


_started_early: list[StartedHarness] = []


def start_early() -> None:
    """Start a harness before the command's own imports, for the local sandbox to claim;
    one nobody claims is discarded when the command exits."""
    # a head start only: when no process can be started now, the grading tries and reports
    with stop_signals_held(), contextlib.suppress(OSError):
        _started_early.append(StartedHarness())


def claim_early() -> StartedHarness | None:
    return _started_early.pop() if _started_early else None


@atexit.register
def _discard_unclaimed() -> None:
    while _started_early:
        _started_early.pop().discard()


def process_environment() -> dict[str, str]:
    """Environment of the harness and supervisor: no proxies, no host secrets."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    package_parent = str(Path(grader.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = package_parent
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def kill_process_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
