"""The supervisor: starts, relays to and kills worker processes.

It runs beside the candidate's code (PID 1 of the worker container, or a child
of the local sandbox) and connects to the harness's socket. It is no trust
boundary: the harness treats every byte relayed from here as hostile. Its job
is liveness: spawn a worker on request, relay one request at a time, drain the
worker's output within a cap, and kill the worker's whole process tree when
the harness says so or when the worker dies.

Harness → supervisor: frames {"op": "spawn"|"kill"|"status"|"shutdown"} are
handled here; every other frame is relayed to the worker unchanged.
Supervisor → harness: worker frames unchanged, or {"died": {...}},
{"killed": {...}}, {"status": {...}} of its own.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
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
from typing import Any, NoReturn

import msgpack

from grader.harness.codec import Encoder
from grader.harness.processes import descendants

_LENGTH = struct.Struct(">I")
RELAY_FRAME_LIMIT = 256 * 1024 * 1024
# {"op": "shutdown"} and its kin are a few bytes; anything longer is relayed without being
# decoded here, so no argument's numpy array makes this process import numpy (from a folder
# the candidate can write, with pids the candidate may have used up).
CONTROL_FRAME_LIMIT = 64
CONTROL_OPS = frozenset({"spawn", "kill", "status", "shutdown"})
PR_SET_CHILD_SUBREAPER = 36
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


class FrameBuffer:
    """Accumulates bytes from a non-blocking pipe and yields whole frames."""

    def __init__(self) -> None:
        self.data = bytearray()

    def feed(self, chunk: bytes) -> None:
        self.data += chunk

    def frames(self) -> list[bytes]:
        out = []
        while len(self.data) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self.data)
            if length > RELAY_FRAME_LIMIT:
                raise ValueError("worker sent an oversized frame")
            if len(self.data) < _LENGTH.size + length:
                break
            out.append(bytes(self.data[_LENGTH.size : _LENGTH.size + length]))
            del self.data[: _LENGTH.size + length]
        return out


class Supervisor:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.conn: socket.socket | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.to_worker: int | None = None
        self.from_worker: int | None = None
        self.output_fd: int | None = None
        self.frames = FrameBuffer()
        self.selector: selectors.BaseSelector | None = None
        self.output_bytes = 0
        self.output_head = bytearray()
        self.encoder = Encoder()
        self.oom_before = 0
        self.is_init = os.getpid() == 1
        if not self.is_init:
            # Orphaned grandchildren are re-parented to us, so a kill finds them all.
            with contextlib.suppress(OSError, AttributeError):
                libc = ctypes.CDLL(None, use_errno=True)
                libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

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

    def send(self, payload: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(_LENGTH.pack(len(payload)) + payload)

    def send_value(self, value: Any) -> None:
        self.send(self.encoder.encode(value))

    # -- worker lifecycle ----------------------------------------------------------
    def spawn(self) -> None:
        self.kill_all()
        proto_in_r, proto_in_w = os.pipe()
        proto_out_r, proto_out_w = os.pipe()
        output_r, output_w = os.pipe()
        args = self.args
        command = [
            sys.executable,
            "-P",  # the working folder is the submission's: it must not shadow our modules
            "-m",
            "grader.harness.worker",
            "--read-fd",
            str(proto_in_r),
            "--write-fd",
            str(proto_out_w),
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
        self.oom_before = oom_kill_count()
        self.worker = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output_w,
            stderr=output_w,
            pass_fds=(proto_in_r, proto_out_w),
            cwd=args.workdir,
            env=worker_environment(),
            start_new_session=True,
        )
        for fd in (proto_in_r, proto_out_w, output_w):
            os.close(fd)
        self.to_worker, self.from_worker, self.output_fd = proto_in_w, proto_out_r, output_r
        os.set_blocking(self.from_worker, False)
        os.set_blocking(self.output_fd, False)
        self.frames = FrameBuffer()
        # one selector per worker, not per request: a call is a few hundred microseconds
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.from_worker, selectors.EVENT_READ, "worker")
        self.selector.register(self.output_fd, selectors.EVENT_READ, "output")
        assert self.conn is not None
        self.selector.register(self.conn, selectors.EVENT_READ, "harness")

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
        if self.selector is not None:
            self.selector.close()
            self.selector = None
        for fd in (self.to_worker, self.from_worker, self.output_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.to_worker = self.from_worker = self.output_fd = None

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

    def await_exit(self, grace_s: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            exited = self.worker_exit()
            if exited is not None:
                return exited
            self.drain_output()
            time.sleep(0.01)
        return None

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

    # -- relay ---------------------------------------------------------------------
    def relay(self, payload: bytes) -> None:
        """Forward one request and answer with the worker's reply or its death."""
        assert self.conn is not None
        if self.to_worker is None:
            self.send_value({"died": {"exitcode": None, "signal": None, "oom": False}})
            return
        if self.unsolicited_bytes():
            self.protocol_violation("the worker wrote a reply nobody asked for")
            return
        try:
            # one write: a header on its own would wake the worker for four bytes
            view = memoryview(_LENGTH.pack(len(payload)) + payload)
            while view:
                written = os.write(self.to_worker, view)
                view = view[written:]
        except OSError:
            pass  # a dead worker is noticed below
        self.await_worker_reply()

    def unsolicited_bytes(self) -> bool:
        """Whether the worker wrote anything since its last reply: it answers only when asked."""
        if self.frames.data:
            return True
        assert self.from_worker is not None
        try:
            chunk = os.read(self.from_worker, 1 << 20)
        except (BlockingIOError, OSError):
            return False
        self.frames.feed(chunk)
        return bool(chunk)

    def protocol_violation(self, reason: str) -> None:
        self.kill_all()
        died = {"exitcode": None, "signal": None, "oom": False, "protocol": reason}
        self.send_value({"died": died})

    def await_worker_reply(self) -> None:
        selector = self.selector
        assert selector is not None and self.from_worker is not None
        worker_eof = False
        while True:
            for key, _ in selector.select(timeout=0.05):
                if key.data == "output":
                    if self.drain_output():
                        selector.unregister(key.fileobj)  # closed: it would stay readable
                elif key.data == "harness":
                    # The harness only speaks while we wait to interrupt (kill or stop).
                    return
                elif key.data == "worker":
                    try:
                        chunk = os.read(self.from_worker, 1 << 20)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        worker_eof = True
                        selector.unregister(self.from_worker)
                        continue
                    try:
                        self.frames.feed(chunk)
                        replies = self.frames.frames()
                    except ValueError:
                        self.protocol_violation("the worker sent an oversized frame")
                        return
                    if len(replies) > 1 or (replies and self.frames.data):
                        self.protocol_violation("the worker answered one request twice")
                        return
                    if replies:
                        self.send(replies[0])
                        return
            exited = self.worker_exit()
            if exited is None and worker_eof:
                # the pipe closes a moment before the process can be reaped
                exited = self.await_exit(grace_s=2.0)
            if exited is not None or worker_eof:
                if exited is None:
                    exited = {"exitcode": None, "signal": None, "oom": False}
                self.drain_output()
                self.kill_all()
                self.send_value({"died": exited})
                return

    def serve(self) -> None:
        from grader.harness.codec import read_frame

        assert self.conn is not None
        stream = self.conn.makefile("rb", buffering=0)
        while True:
            frame = read_frame(stream)
            if frame is None:
                break
            op = control_op(frame)
            if op == "spawn":
                self.spawn()
                self.await_worker_reply()
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
                break
            else:
                self.relay(frame)
        self.kill_all()


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
    parser.add_argument("--kind", choices=("python", "sql"), default="python")
    parser.add_argument("--connect-timeout", type=float, default=60.0)
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
