"""A local harness forked from the `grader` command instead of started as a new interpreter.

The command forks before its own imports (Python, `re` and a few small modules are
loaded), and the child runs the harness module as `python -P -m grader.harness.run` would,
with the harness's clean environment: the new interpreter's start-up (~10 ms) and the
imports both have in common are not paid again, a local grading's critical path.

Only a process that starts the harness as a new interpreter would forks: one thread, no
`PYTHON*` variable and no interpreter option a new interpreter would not have (with
PYTHONOPTIMIZE or -O the hidden tests' asserts would be silenced); otherwise the caller
starts the harness anew.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import time

TYPE_CHECKING = False  # typing itself costs ~3 ms to import
if TYPE_CHECKING:
    from typing import IO, NoReturn

HARNESS_MODULE = "grader.harness.run"
# the harness's environment sets the first; the child opens its own standard streams
_HARMLESS_VARIABLES = frozenset({"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"})
# interpreter options off in a new interpreter (-B is not among them: the harness sets it)
_DEFAULT_FLAGS = (
    "debug",
    "inspect",
    "interactive",
    "optimize",
    "no_user_site",
    "no_site",
    "ignore_environment",
    "verbose",
    "bytes_warning",
    "isolated",
    "dev_mode",
    "warn_default_encoding",
)


def forkable() -> bool:
    """Whether a harness forked from this process runs as one started anew would."""
    if "threading" in sys.modules and sys.modules["threading"].active_count() > 1:
        return False  # locks held by other threads would stay held in the child
    if any(name.startswith("PYTHON") and name not in _HARMLESS_VARIABLES for name in os.environ):
        return False
    if any(getattr(sys.flags, name) for name in _DEFAULT_FLAGS):
        return False
    return not sys.warnoptions and not sys._xoptions and hasattr(os, "fork")


class ForkedProcess:
    """The part of `subprocess.Popen` the local sandbox uses, for a forked harness."""

    def __init__(self, pid: int, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.pid = pid
        self.stdin: IO[bytes] | None = stdin
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None
        self._reaping = _thread.allocate_lock()

    def poll(self) -> int | None:
        if self.returncode is None and self._reaping.acquire(blocking=False):
            try:
                self._reap(os.WNOHANG)
            finally:
                self._reaping.release()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None:
            with self._reaping:
                self._reap(0)
        else:
            # as Popen does: a thread blocked in waitpid may hold the lock meanwhile
            end, delay = time.monotonic() + timeout, 0.0005
            while self.poll() is None:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    import subprocess

                    raise subprocess.TimeoutExpired(HARNESS_MODULE, timeout)
                time.sleep(min(delay, remaining))
                delay = min(2 * delay, 0.05)
        assert self.returncode is not None
        return self.returncode

    def _reap(self, options: int) -> None:
        if self.returncode is not None:
            return
        try:
            pid, status = os.waitpid(self.pid, options)
        except ChildProcessError:  # reaped by someone else (SIGCHLD ignored): as Popen says
            self.returncode = 0
            return
        if pid:
            self.returncode = os.waitstatus_to_exitcode(status)


def fork_harness(folder: str, stderr: IO[bytes], env: dict[str, str]) -> ForkedProcess:
    """A harness working in `folder`, writing its diagnostics to `stderr`, waiting for its
    config on its stdin, in a session of its own. The caller holds the stop signals."""
    stdin_read, stdin_write = os.pipe()
    stdout_read, stdout_write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (stdin_read, stdin_write, stdout_read, stdout_write):
            os.close(fd)
        raise
    if pid == 0:
        _become_harness(folder, stdin_read, stdout_write, stderr.fileno(), env)
    os.close(stdin_read)
    os.close(stdout_write)
    return ForkedProcess(pid, open(stdin_write, "wb"), open(stdout_read, "rb"))


def _become_harness(
    folder: str, stdin_fd: int, stdout_fd: int, stderr_fd: int, env: dict[str, str]
) -> NoReturn:
    """The child: never returns to the command's code, whatever happens."""
    status: int = 1
    try:
        # the command's handlers (and the hold on stop signals) are not the harness's
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for number in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        os.setsid()
        for source, target in ((stdin_fd, 0), (stdout_fd, 1), (stderr_fd, 2)):
            os.dup2(source, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the command's other end of each pipe
        os.chdir(folder)
        with contextlib.suppress(OSError), open("/proc/self/comm", "w") as name:
            name.write("grader-harness")  # what ps -o comm and top call it
        os.environ.clear()
        os.environ.update(env)
        sys.dont_write_bytecode = True
        # `python -P`, with PYTHONPATH: the package's parent instead of the script's folder
        if not sys.flags.safe_path:
            del sys.path[0]
        sys.path.insert(0, env["PYTHONPATH"])
        sys.stdin = sys.__stdin__ = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = sys.__stdout__ = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = sys.__stderr__ = open(2, "w", closefd=False, errors="backslashreplace")  # noqa: SIM115
        import atexit

        atexit._clear()  # the command's exit hooks are the command's
        sys.argv = [HARNESS_MODULE, "--config", "-"]
        import runpy

        runpy.run_module(HARNESS_MODULE, run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as stop:
        if isinstance(stop.code, int) or stop.code is None:
            status = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - reported on the harness's stderr, never raised on
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # leaving all the same
                stream.flush()
        os._exit(status)
