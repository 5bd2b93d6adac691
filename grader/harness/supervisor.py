"""The supervisor: starts and kills worker processes, drains their output.

It runs beside the candidate's code (PID 1 of the worker container, or a child
of the local sandbox) and connects to the harness's socket. It is no trust
boundary: the harness treats every byte from this side as hostile. Its job is
liveness: spawn a worker on request and hand the harness its end of the
worker's channel, drain the worker's output within a cap, report the worker's
death, and kill the worker's whole process tree when the harness says so.

The harness talks to each worker over a socket pair of its own: the supervisor
keeps none of it, so a call is one round trip harness <-> worker.

Harness -> supervisor: frames {"op": "spawn"|"kill"|"status"|"shutdown"}.
Supervisor -> harness: {"spawned": true} carrying the harness's end of the new
worker's channel (SCM_RIGHTS), or {"spawn_failed": "why"} when no process could be
started, {"died": {...}} when a worker exits on its own,
{"killed": {...}}, {"status": {...}}.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

import msgpack

from grader.harness.cells import KINDS
from grader.harness.processes import become_subreaper, descendants, die_with_parent

# Neither typing nor the codec (dataclasses, inspect): the supervisor starts on the critical
# path of every grading, and its few messages are plain values msgpack packs as they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

_LENGTH = struct.Struct(">I")
# {"op": "shutdown"} and its kin are a few bytes; a longer frame is not decoded here, so that
# nothing the harness could send makes this process import numpy (from a folder the candidate
# can write, with pids the candidate may have used up).
CONTROL_FRAME_LIMIT = 64
CONTROL_OPS = frozenset({"spawn", "kill", "status", "shutdown"})
OOM_COUNTERS = (
    "/sys/fs/cgroup/memory.events",  # cgroup v2, the container's own
    "/sys/fs/cgroup/memory/memory.oom_control",  # cgroup v1
)


def oom_kill_count() -> int:
    for path in OOM_COUNTERS:
        try:
            with open(path) as handle:
                for line in handle:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            continue
    return 0


class Supervisor:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.conn: socket.socket | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.output_fd: int | None = None
        self.exit_fd: int | None = None  # a pidfd of the worker: readable once it exits
        self.selector = selectors.DefaultSelector()
        self.output_bytes = 0
        self.output_head = bytearray()
        self.oom_before = 0
        self.is_init = os.getpid() == 1
        if not self.is_init:  # the local sandbox's: the host's command is its parent
            become_subreaper()
            die_with_parent()

    # -- connection ----------------------------------------------------------------
    def connect(self) -> None:
        deadline = time.monotonic() + self.args.connect_timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.args.socket)
                self.conn = sock
                return
            except OSError:
                sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def send(self, payload: bytes, fds: tuple[int, ...] = ()) -> None:
        assert self.conn is not None
        frame = _LENGTH.pack(len(payload)) + payload
        if fds:
            # a control frame is a few bytes: one sendmsg carries it whole, with the fds
            socket.send_fds(self.conn, [frame], list(fds))
        else:
            self.conn.sendall(frame)

    def send_value(self, value: Any, fds: tuple[int, ...] = ()) -> None:
        self.send(msgpack.packb(value, use_bin_type=True, strict_types=True), fds)

    # -- worker lifecycle ----------------------------------------------------------
    def spawn(self) -> None:
        """Start a worker and hand the harness its end of the worker's channel."""
        self.kill_all()
        harness_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        read_fd = worker_end.fileno()
        write_fd = os.dup(read_fd)
        output_r, output_w = os.pipe()
        command = worker_command(self.args, read_fd, write_fd)
        self.oom_before = oom_kill_count()
        try:
            self.worker = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output_w,
                stderr=output_w,
                pass_fds=(read_fd, write_fd),
                cwd=self.args.workdir,
                env=worker_environment(),
                start_new_session=True,
            )
        except OSError as exc:  # the interpreter gone or not executable, no process left
            harness_end.close()
            os.close(output_r)
            self.send_value({"spawn_failed": exc.strerror or type(exc).__name__})
            return
        finally:
            worker_end.close()
            for fd in (write_fd, output_w):
                os.close(fd)
        self.output_fd = output_r
        os.set_blocking(output_r, False)
        self.selector.register(output_r, selectors.EVENT_READ, "output")
        try:
            self.exit_fd = os.pidfd_open(self.worker.pid)
            self.selector.register(self.exit_fd, selectors.EVENT_READ, "exit")
        except (AttributeError, OSError):
            self.exit_fd = None  # an older kernel: the exit is polled for instead
        try:
            self.send_value({"spawned": True}, (harness_end.fileno(),))
        finally:
            harness_end.close()  # the harness and the worker hold the channel; we keep none

    def kill_all(self) -> None:
        """SIGKILL every process but ourselves, then reap them."""
        if self.is_init:
            # kill(-1) reaches every process of this PID namespace but init, in one pass.
            with contextlib.suppress(ProcessLookupError):
                os.kill(-1, signal.SIGKILL)
        else:
            for attempt in range(50):
                pids = descendants(os.getpid())
                if not pids:
                    break
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
                self.reap()
                # a killed tree is usually gone within a millisecond; a stubborn one (forking
                # as it is killed) gets up to 5 ms between passes
                time.sleep(min(0.005, 0.0005 * 2**attempt))
        self.reap()
        if self.worker is not None:
            with contextlib.suppress(ChildProcessError, OSError):
                self.worker.wait(timeout=5)
        self.worker = None
        for fd in (self.output_fd, self.exit_fd):
            if fd is not None:
                with contextlib.suppress(KeyError, ValueError):
                    self.selector.unregister(fd)
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.output_fd = self.exit_fd = None

    def reap(self) -> None:
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if self.worker is not None and pid == self.worker.pid:
                # Popen must not wait on a pid we already reaped.
                self.worker.returncode = self.worker.returncode or -1

    def worker_exit(self) -> dict[str, Any] | None:
        worker = self.worker
        if worker is None:
            return {"exitcode": None, "signal": None, "oom": False}
        try:
            pid, status = os.waitpid(worker.pid, os.WNOHANG)
        except ChildProcessError:
            pid, status = worker.pid, 0
        if pid == 0:
            return None
        code = os.waitstatus_to_exitcode(status) if status else 0
        worker.returncode = code
        oom = oom_kill_count() > self.oom_before
        return {"exitcode": code, "signal": -code if code < 0 else None, "oom": oom}

    def report_death(self) -> None:
        """The worker exited on its own: what remains of its tree goes, the harness hears."""
        exited = self.worker_exit()
        if exited is None:
            return
        self.drain_output()
        self.kill_all()
        self.send_value({"died": exited})

    # -- output --------------------------------------------------------------------
    def drain_output(self) -> bool:
        """Read what the worker printed so far; True once its output is closed."""
        if self.output_fd is None:
            return True
        while True:
            try:
                chunk = os.read(self.output_fd, 65536)
            except BlockingIOError:
                return False
            except OSError:
                return True
            if not chunk:
                return True
            self.output_bytes += len(chunk)
            room = self.args.output_limit - len(self.output_head)
            if room > 0:
                self.output_head += chunk[:room]

    # -- the harness's requests ------------------------------------------------------
    def serve(self) -> None:
        from grader.harness.codec import read_frame

        assert self.conn is not None
        stream = self.conn.makefile("rb", buffering=0)
        self.selector.register(self.conn, selectors.EVENT_READ, "harness")
        while True:
            polled = self.worker is not None and self.exit_fd is None
            for key, _ in self.selector.select(timeout=0.05 if polled else None):
                if key.data == "harness":
                    frame = read_frame(stream)
                    if frame is None or not self.handle(control_op(frame)):
                        return
                    break  # the request may have replaced the worker: its events are stale
                if key.data == "output":
                    if self.drain_output() and self.output_fd is not None:
                        self.selector.unregister(self.output_fd)  # closed: stays readable
                elif key.data == "exit":
                    self.report_death()
                    break
            else:
                if polled:
                    self.report_death()

    def handle(self, op: str | None) -> bool:
        """Carry out one request of the harness; False when it is time to leave."""
        if op == "spawn":
            self.spawn()
        elif op == "kill":
            oom = oom_kill_count() > self.oom_before
            self.drain_output()
            self.kill_all()
            self.send_value({"killed": {"oom": oom}})
        elif op == "status":
            self.drain_output()
            self.send_value(
                {
                    "status": {
                        "output_bytes": self.output_bytes,
                        "output_head": bytes(self.output_head),
                    }
                }
            )
        elif op == "shutdown":
            return False
        return True  # anything else is not a request of the harness's: ignored


def control_op(frame: bytes) -> str | None:
    """The supervisor's own operation a frame asks for, or None for a frame to relay."""
    if len(frame) > CONTROL_FRAME_LIMIT:
        return None
    try:
        request = msgpack.unpackb(frame, raw=False, ext_hook=lambda _tag, _data: None)
    except Exception:  # noqa: BLE001 - whatever does not parse is not ours to handle
        return None
    op = request.get("op") if isinstance(request, dict) else None
    return op if op in CONTROL_OPS else None


def worker_environment() -> dict[str, str]:
    """A small, explicit environment: nothing of the harness's or the host's leaks in."""
    keep = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "TZ")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=os.environ.get("GRADER_WORKER_HOME", "/tmp"),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONHASHSEED="0",
        PYTHONUNBUFFERED="1",
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    return env


def stage_workdir(source: str, workdir: str) -> None:
    """Copy the submission into the worker's private scratch space."""
    if os.path.abspath(source) == os.path.abspath(workdir):
        return
    os.makedirs(workdir, exist_ok=True)
    shutil.copytree(source, workdir, dirs_exist_ok=True, symlinks=False)


def worker_command(args: argparse.Namespace, read_fd: int, write_fd: int) -> list[str]:
    """How a worker is started, with the two ends of its channel."""
    command = [
        sys.executable,
        "-P",  # the working folder is the submission's: it must not shadow our modules
        "-m",
        "grader.harness.worker",
        "--read-fd",
        str(read_fd),
        "--write-fd",
        str(write_fd),
        "--submission",
        args.workdir,
        "--entry-module",
        args.entry_module,
        "--file-size-mb",
        str(args.file_size_mb),
        "--address-space-mb",
        str(args.address_space_mb),
        "--max-processes",
        str(args.max_processes),
        "--kind",
        args.kind,
    ]
    if args.entry_point:
        command += ["--entry-point", args.entry_point]
    if args.leetcode_method:
        command += ["--leetcode-method", args.leetcode_method]
    for name in args.forbidden:
        command += ["--forbidden", name]
    if args.no_poll:
        command.append("--no-poll")
    return command


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="grader-supervisor")
    parser.add_argument("--socket", required=True)
    parser.add_argument("--submission", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--entry-module", required=True)
    parser.add_argument("--entry-point", default=None)
    parser.add_argument("--leetcode-method", default=None)
    parser.add_argument("--forbidden", action="append", default=[])
    parser.add_argument("--output-limit", type=int, default=1_000_000)
    parser.add_argument("--file-size-mb", type=int, default=64)
    parser.add_argument("--address-space-mb", type=int, default=0)
    parser.add_argument("--max-processes", type=int, default=0)
    parser.add_argument("--kind", choices=KINDS, default="python")
    parser.add_argument("--connect-timeout", type=float, default=60.0)
    parser.add_argument("--no-poll", action="store_true", help="pass --no-poll to workers")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if os.getpid() == 1:
        # PID 1 of the worker's container: the kernel drops signals sent to it from inside
        # its namespace unless it handles them, so it handles none (not even Python's
        # SIGINT) and the candidate cannot stop it; Docker stops it with SIGKILL from outside.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    else:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    stage_workdir(args.submission, args.workdir)
    supervisor = Supervisor(args)
    try:
        supervisor.connect()
    except OSError as exc:
        print(f"supervisor: cannot reach the harness at {args.socket}: {exc}", file=sys.stderr)
        return 1
    try:
        supervisor.serve()
    except OSError as exc:
        if exc.errno not in (errno.EPIPE, errno.ECONNRESET):
            raise
    finally:
        supervisor.kill_all()
    return 0


def run_and_exit(argv: list[str] | None = None) -> NoReturn:
    """main(), then out without the interpreter's teardown: the worker tree is gone by
    then and nothing is left to flush but stderr."""
    try:
        status = main(argv)
    except SystemExit as stop:  # SIGTERM, once main's clean-up ran
        status = stop.code if isinstance(stop.code, int) else 0
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    run_and_exit()
