"""The local sandbox's harness and supervisor, forked from the `grader` command instead of
started as new interpreters.

The command forks its harness before its own imports (Python, `re` and a few small modules
are loaded) and its supervisor once the submission is staged; each child runs its module
as `python -P -m MODULE` would, with the harness's clean environment: a new interpreter's
start-up (~10 ms) and the imports both have in common are not paid again, on a local
grading's critical path. The worker, which runs the candidate's code, is never forked.

Only the command forks, and only when a child runs as one started anew would: one thread,
no `PYTHON*` variable and no interpreter option a new interpreter would not have (with
PYTHONOPTIMIZE or -O the hidden tests' asserts would be silenced); otherwise the caller
starts a new interpreter.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import time

from grader.interrupts import STOP_SIGNALS

TYPE_CHECKING = False  # typing itself costs ~3 ms to import
if TYPE_CHECKING:
    import subprocess
    from typing import IO, NoReturn

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


_allowed = False
_import_path: list[str] = []  # as the command started, the script's folder first


def allow_forking() -> None:
    """Called first thing by the `grader` command, the one process that forks: another
    program using grader (a test runner, a notebook) has loaded and started anything."""
    global _allowed
    _allowed = True
    _import_path[:] = sys.path


def forkable() -> bool:
    """Whether a process forked from this one runs as one started anew would."""
    if not _allowed:
        return False
    if "threading" in sys.modules and sys.modules["threading"].active_count() > 1:
        return False  # locks held by other threads would stay held in the child
    if any(name.startswith("PYTHON") and name not in _HARMLESS_VARIABLES for name in os.environ):
        return False
    if any(getattr(sys.flags, name) for name in _DEFAULT_FLAGS):
        return False
    return not sys.warnoptions and not sys._xoptions and hasattr(os, "fork")


class ForkedProcess:
    """The part of `subprocess.Popen` the local sandbox uses, for a forked harness."""

    def __init__(self, pid: int, stdin: IO[bytes] | None, stdout: IO[bytes] | None) -> None:
        self.pid = pid
        self.stdin: IO[bytes] | None = stdin
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None
        self._reaping = _thread.allocate_lock()

    def send_signal(self, number: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, number)

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

                    raise subprocess.TimeoutExpired(f"process {self.pid}", timeout)
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


def fork_module(
    module: str,
    args: list[str],
    *,
    name: str,
    folder: str,
    env: dict[str, str],
    stderr: IO[bytes] | None,
    pipes: bool,
) -> ForkedProcess:
    """`python -P -m module *args` named `name` (up to 15 bytes: `ps -o comm`, `top`; the
    command line shown is the command's), working in `folder`, in a session of its own,
    with `env` for its environment and `stderr` (None: /dev/null) for its diagnostics; its stdin and
    stdout are pipes from and to the caller when `pipes`, else /dev/null. The caller holds
    the stop signals."""
    fds: list[int] = []  # the child's ends, closed here once it has them
    kept: tuple[int, ...] = ()
    try:
        if pipes:
            stdin_read, stdin_write = os.pipe()
            fds += (stdin_read, stdin_write)
            stdout_read, stdout_write = os.pipe()
            fds += (stdout_read, stdout_write)
            kept = (stdin_write, stdout_read)
        else:
            stdin_read = stdout_write = os.open(os.devnull, os.O_RDWR)
            fds.append(stdin_read)
        if stderr is None:
            stderr_fd = os.open(os.devnull, os.O_WRONLY)
            fds.append(stderr_fd)
        else:
            stderr_fd = stderr.fileno()
        pid = os.fork()
    except OSError:
        for fd in fds:
            os.close(fd)
        raise
    if pid == 0:
        _become(module, args, name, folder, env, (stdin_read, stdout_write, stderr_fd))
    for fd in fds:
        if fd not in kept:
            os.close(fd)
    if not pipes:
        return ForkedProcess(pid, None, None)
    return ForkedProcess(pid, open(stdin_write, "wb"), open(stdout_read, "rb"))


def start_module(
    module: str,
    args: list[str],
    *,
    name: str,
    folder: str,
    env: dict[str, str],
    stderr: IO[bytes] | None,
    pipes: bool,
) -> subprocess.Popen[bytes] | ForkedProcess:
    """`python -P -m module *args`, forked where this process can (see fork_module for the
    arguments), else started as a new interpreter with the same streams and session."""
    if forkable():
        return fork_module(
            module, args, name=name, folder=folder, env=env, stderr=stderr, pipes=pipes
        )
    import subprocess

    stream = subprocess.PIPE if pipes else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-P", "-m", module, *args],
        stdin=stream,
        stdout=stream,
        stderr=subprocess.DEVNULL if stderr is None else stderr,
        cwd=folder,
        env=env,
        start_new_session=True,
    )


def run_module(module: str, args: list[str]) -> None:
    """What `python -m module *args` runs."""
    import runpy

    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def _become(
    module: str,
    args: list[str],
    name: str,
    folder: str,
    env: dict[str, str],
    stdio: tuple[int, int, int],
) -> NoReturn:
    """The child: never returns to the command's code, whatever happens."""
    status: int = 1
    try:
        # the command's handlers (and the hold on stop signals) are not the module's
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        os.setsid()
        # a descriptor among 0-2 (the command started with one closed) would be overwritten
        # before its turn: each is moved above them first
        import fcntl

        moved = [fcntl.fcntl(fd, fcntl.F_DUPFD, 3) if fd < 3 else fd for fd in stdio]
        for target, source in enumerate(moved):
            os.dup2(source, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the command's files and pipe ends
        os.chdir(folder)
        with contextlib.suppress(OSError), open("/proc/self/comm", "w") as comm:
            comm.write(name[:15])
        os.environ.clear()
        os.environ.update(env)
        sys.dont_write_bytecode = True
        # `python -P`, with PYTHONPATH: the package's parent instead of the script's folder
        started_with = _import_path or sys.path
        rest = started_with if sys.flags.safe_path else started_with[1:]
        sys.path[:] = [env["PYTHONPATH"], *rest]
        sys.stdin = sys.__stdin__ = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = sys.__stdout__ = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = sys.__stderr__ = open(2, "w", closefd=False, errors="backslashreplace")  # noqa: SIM115
        import atexit

        atexit._clear()  # the command's exit hooks are the command's
        run_module(module, args)
        status = 0
    except SystemExit as stop:
        if isinstance(stop.code, int) or stop.code is None:
            status = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - reported on its stderr, never raised further
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # leaving all the same
                stream.flush()
        os._exit(status)
