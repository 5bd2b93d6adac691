"""A local harness process started ahead of its grading.

Kept apart from the local sandbox and light to import, so that the `grader` command can
start one before its own imports when its command line asks for a local grading: no
tempfile or pathlib before the harness has started (~6 ms of a local grading).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal

import grader
from grader.interrupts import stop_signals_held
from grader.sandbox import forked

TYPE_CHECKING = False  # typing itself costs ~3 ms to import
if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

    from grader.sandbox.forked import ForkedProcess


HARNESS_MODULE = "grader.harness.run"
HARNESS_ARGS = ["--config", "-"]  # the config comes on stdin


class StartedHarness:
    """A harness process started ahead of its grading, waiting for its config on stdin,
    with the private folder the grading's channel, config and worker live in."""

    def __init__(self) -> None:
        self._folder = _private_folder()
        try:
            self.stderr = open(os.path.join(self._folder, "harness.err"), "w+b")  # noqa: SIM115
            self.process = forked.start_module(
                HARNESS_MODULE,
                HARNESS_ARGS,
                name="grader-harness",
                folder=self._folder,
                env=process_environment(),
                stderr=self.stderr,
                pipes=True,
            )
        except OSError:
            if hasattr(self, "stderr"):
                self.stderr.close()
            remove_folder(self._folder)
            raise

    @property
    def root(self) -> Path:
        from pathlib import Path

        return Path(self._folder)

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
        remove_folder(self._folder)


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


def _private_folder() -> str:
    """A new folder only this user may enter, as `tempfile.mkdtemp` makes them."""
    # mkdir fails on a name that exists (a file, a planted symlink): no folder is reused
    # absolute: the harness and the supervisor work from inside it
    base = os.path.abspath(os.environ.get("TMPDIR") or "/tmp")  # noqa: S108
    try:
        path = os.path.join(base, f"grader-{os.urandom(8).hex()}")
        os.mkdir(path, 0o700)
        return path
    except OSError:  # no such folder, not writable: wherever tempfile finds room
        import tempfile

        return os.path.abspath(tempfile.mkdtemp(prefix="grader-"))


def remove_folder(path: str) -> None:
    """Remove a run's folder and everything in it, also where the candidate's code took
    the permissions away (a folder of mode 000 in the worker's working folder)."""
    import shutil

    tried: set[str] = set()

    def writable_again(_function: object, failed: str, _error: object) -> None:
        if failed in tried:
            return  # still refused with the permissions back: left behind
        tried.add(failed)
        try:
            for entry in (os.path.dirname(failed), failed):
                if not os.path.islink(entry):
                    os.chmod(entry, 0o700)
        except OSError:  # gone already, or not ours to change
            return
        with contextlib.suppress(OSError):
            if os.path.isdir(failed) and not os.path.islink(failed):
                shutil.rmtree(failed, onerror=writable_again)
            else:
                os.unlink(failed)

    shutil.rmtree(path, onerror=writable_again)


def process_environment() -> dict[str, str]:
    """Environment of the harness and supervisor: no proxies, no host secrets."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    package_parent = os.path.dirname(os.path.dirname(os.path.realpath(grader.__file__)))
    env["PYTHONPATH"] = package_parent
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def kill_process_group(process: subprocess.Popen[bytes] | ForkedProcess) -> None:
    import subprocess

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
