"""Harness side of the worker channel: requests with deadlines, kills, restarts.

Everything received here comes from the candidate's side and is decoded
strictly. Timeouts are measured here, outside the worker, and a timed-out or
misbehaving worker is killed (its whole process tree) and replaced for the
next test, within the exercise's restart budget.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from grader.harness.cells import MAX_LOAD_ERRORS
from grader.harness.codec import (
    MAX_FRAME_BYTES,
    CodecError,
    Decoder,
    Encoder,
    Handle,
    Poller,
    ValueLimit,
)

_LENGTH = struct.Struct(">I")
KILL_ACK_TIMEOUT_S = 10.0
# a worker that closed its channel has this long to be reported dead before it is killed
CLOSED_CHANNEL_GRACE_S = 2.0
FORBIDDEN_IMPORT_ERROR = "ForbiddenImportError"  # the worker's exception for refused imports


class CandidateError(Exception):
    """The candidate's code raised; the test that called it fails."""

    def __init__(self, type_name: str, message: str, where: str = "", errno: int | None = None):
        self.type_name = type_name
        self.message = message
        self.where = where
        self.errno = errno
        super().__init__(f"{type_name}: {message}" if message else type_name)


class RemoteAttributeError(CandidateError, AttributeError):
    """The candidate's object has no such attribute: `hasattr` and `getattr` with a default
    see an AttributeError, as for a local object."""


class WorkerProblem(BaseException):
    """Base of failures a test's own `except Exception` must not swallow."""

    outcome = "crashed"


class WorkerTimeout(WorkerProblem):
    outcome = "timeout"


class WorkerCrashed(WorkerProblem):
    outcome = "crashed"

    def __init__(self, message: str, *, oom: bool = False) -> None:
        self.oom = oom
        super().__init__(message)


class ImportFailed(WorkerProblem):
    outcome = "failed"

    def __init__(self, error: CandidateError | None, message: str) -> None:
        self.error = error
        super().__init__(message)


class ProtocolViolation(WorkerProblem):
    outcome = "crashed"


@dataclass
class ChannelEvents:
    """What happened on the channel, for the report's flags."""

    timeouts: int = 0
    crashes: int = 0
    oom_kills: int = 0
    restarts: int = 0
    protocol_violations: list[str] = field(default_factory=list)
    budget_exhausted: bool = False


class _Disconnected(Exception):
    pass


class _SpawnFailed(Exception):
    """The supervisor could start no worker process."""


class _Frames:
    """Length-prefixed frames arriving on one socket, buffered."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.closed = False
        self.closed_at = 0.0
        self.fds: list[int] = []  # descriptors that came with the frames (SCM_RIGHTS)

    def frame(self) -> bytes | None:
        """The next whole frame, if it has arrived; CodecError when its length lies."""
        if len(self.buffer) < _LENGTH.size:
            return None
        (length,) = _LENGTH.unpack_from(self.buffer)
        if length > MAX_FRAME_BYTES:
            raise CodecError(f"reply of {length} bytes exceeds the limit")
        if len(self.buffer) < _LENGTH.size + length:
            return None
        frame = bytes(self.buffer[_LENGTH.size : _LENGTH.size + length])
        del self.buffer[: _LENGTH.size + length]
        return frame

    def fill(self, *, with_fds: bool = False, wait: bool = True) -> bool:
        """Read what has arrived (blocking unless `wait` is False); False when nothing had."""
        flags = 0 if wait else socket.MSG_DONTWAIT
        try:
            if with_fds:
                chunk, fds, _, _ = socket.recv_fds(self.sock, 1 << 20, 4, flags)
                self.fds += fds
            else:
                chunk = self.sock.recv(1 << 20, flags)
        except BlockingIOError:
            return False
        except OSError:
            chunk = b""
        if not chunk:
            if not self.closed:
                self.closed, self.closed_at = True, time.monotonic()
            return False
        self.buffer += chunk
        return True

    def drop_fds(self) -> None:
        _close_fds(self.fds)
        self.fds = []

    def close(self) -> None:
        self.drop_fds()
        with contextlib.suppress(OSError):
            self.sock.close()


def _close_fds(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            socket.close(fd)


def _died() -> dict[str, Any]:
    """A death notice with nothing known of how the worker ended, as the supervisor's are."""
    return {"died": {"exitcode": None, "signal": None, "oom": False}}


class WorkerClient:
    """The harness's side of the sandbox: a control connection to the supervisor, which
    starts and kills workers, and a channel of its own to each worker it started."""

    def __init__(
        self, listener: socket.socket, *, import_timeout_s: float, restarts: int, memory_mb: int
    ) -> None:
        self.listener = listener
        self.import_timeout_s = import_timeout_s
        self.restart_budget = restarts
        self.memory_mb = memory_mb
        self.conn: socket.socket | None = None
        self.control: _Frames | None = None
        self.data: _Frames | None = None  # the current worker's channel
        self.encoder = Encoder()
        self.decoder = Decoder()
        self.poller = Poller()
        self.generation = 0  # bumps whenever a new worker starts; old handles go stale
        self.alive = False
        self.broken: str | None = None  # the channel itself is gone: every later test crashes
        # why the first worker could not be started: the sandbox's fault (no candidate code
        # had run in it yet, so its supervisor is still the one grader started)
        self.start_failure: str | None = None
        self.import_error: ImportFailed | None = None
        # what the module's top level raised when what the tests need was defined all the same
        self.load_errors: list[CandidateError] = []
        self.events = ChannelEvents()
        self.deadline: float | None = None
        self.time_limit_s: float = 0.0
        self._lock = threading.Lock()
        self._warm: threading.Thread | None = None
        self.ready_at = 0.0  # when the first worker answered, for profiling
        # the worker was stopped after a value too large to build, not for a crash
        self._replaced_for_a_value = False
        self.test_epoch = 0  # bumped before each test: module handles are reused within one
        self.module_handles: dict[tuple[int, int, str], Remote] = {}

    # -- connection ----------------------------------------------------------------
    def start(self, connect_timeout_s: float) -> None:
        """Accept the supervisor and start the first worker in the background."""
        self._warm = threading.Thread(
            target=self._connect_and_spawn, args=(connect_timeout_s,), daemon=True
        )
        self._warm.start()

    def _connect_and_spawn(self, connect_timeout_s: float) -> None:
        with self._lock:
            self.listener.settimeout(connect_timeout_s)
            try:
                self.conn, _ = self.listener.accept()
            except OSError as exc:
                self.broken = f"the sandbox's worker never connected ({exc})"
                return
            self.control = _Frames(self.conn)
            self._spawn_locked()

    def _wait_warm(self) -> None:
        if self._warm is not None:
            self._warm.join()
            self._warm = None

    def _send(self, message: dict[str, Any]) -> None:
        """A request to the supervisor."""
        assert self.conn is not None
        payload = self.encoder.encode(message)
        self.conn.sendall(_LENGTH.pack(len(payload)) + payload)

    def _next(self, timeout_s: float | None, *, from_worker: bool) -> tuple[str, Any]:
        """The next message of the worker (when `from_worker`) or of the supervisor,
        whichever comes first, decoded: ("worker", None) once the worker's channel has been
        closed for CLOSED_CHANNEL_GRACE_S without a word from the supervisor; TimeoutError
        when the deadline passes."""
        assert self.control is not None
        end = None if timeout_s is None else time.monotonic() + max(timeout_s, 0.0)
        data = self.data if from_worker else None
        if data is not None and not data.closed and not data.buffer:
            self.poller.wait(data.sock.fileno())
        while True:
            # the worker's reply first: a death right after it is for the next request
            frame = data.frame() if data is not None else None
            if frame is not None:
                return "worker", self.decoder.decode(frame)
            frame = self.control.frame()
            if frame is not None:
                return "supervisor", self.decoder.decode(frame)
            if self.control.closed:
                raise _Disconnected("the sandbox closed the channel")
            waits = [] if end is None else [end - time.monotonic()]
            if data is not None and data.closed:
                grace = data.closed_at + CLOSED_CHANNEL_GRACE_S - time.monotonic()
                if grace <= 0:
                    return "worker", None
                waits.append(grace)
            remaining = min(waits) if waits else None
            if remaining is not None and remaining <= 0:
                raise TimeoutError
            sockets = [self.control.sock]
            if data is not None and not data.closed:
                sockets.append(data.sock)
            try:
                readable, _, _ = select.select(sockets, [], [], remaining)
            except (OSError, ValueError) as exc:
                raise _Disconnected(str(exc)) from exc
            if data is not None and data.sock in readable:
                data.fill()
            if self.control.sock in readable:
                self.control.fill(with_fds=True)

    def _close_data(self) -> None:
        if self.data is not None:
            self.data.close()
            self.data = None

    # -- worker lifecycle ----------------------------------------------------------
    def _spawn_locked(self) -> None:
        self.generation += 1
        self.alive = False
        self._close_data()
        assert self.control is not None
        self.control.drop_fds()  # came with a start given up on: the supervisor killed it
        end = time.monotonic() + self.import_timeout_s
        try:
            self._send({"op": "spawn"})
            self._receive_channel(end)
            source, reply = self._next(end - time.monotonic(), from_worker=True)
        except TimeoutError:
            self._kill_locked()
            self.import_error = ImportFailed(
                None, f"importing your code took longer than {self.import_timeout_s:g} s"
            )
            return
        except (_Disconnected, OSError) as exc:
            self.broken = f"the sandbox stopped responding ({exc})"
            return
        except _SpawnFailed as exc:
            self.broken = f"the sandbox could not start a worker ({exc})"
            if self.generation == 1:
                self.start_failure = str(exc)
            return
        except CodecError as exc:
            self._violation(f"the worker answered out of protocol ({exc})")
            return
        if reply is None:  # the worker closed its channel and was not reported dead
            self._kill_locked()
            source, reply = "supervisor", _died()
        if isinstance(reply, dict) and reply.get("ready") is True and source == "worker":
            self.alive = True
            if not self.ready_at:
                self.ready_at = time.time()
                load_errors = reply.get("load_errors")
                if isinstance(load_errors, list):
                    self.load_errors = [_candidate_error(e) for e in load_errors[:MAX_LOAD_ERRORS]]
        elif isinstance(reply, dict) and reply.get("ready") is False and source == "worker":
            error = _candidate_error(reply.get("raised"))
            self.import_error = ImportFailed(error, "your code failed while being imported")
        elif isinstance(reply, dict) and "died" in reply and source == "supervisor":
            died = reply["died"] if isinstance(reply["died"], dict) else {}
            self.import_error = ImportFailed(
                None, "the worker process died while importing your code: " + _death(died, self)
            )
        else:
            self._violation("the worker answered out of protocol at start-up")

    def _receive_channel(self, end: float) -> None:
        """Wait for the supervisor's word that the worker started, with our end of its
        channel; a death notice before it is of the worker this one replaces."""
        assert self.control is not None
        while True:
            _, message = self._next(end - time.monotonic(), from_worker=False)
            if isinstance(message, dict) and message.get("spawned") is True:
                break
            if isinstance(message, dict) and "spawn_failed" in message:
                raise _SpawnFailed(str(message["spawn_failed"])[:200])
        fds, self.control.fds = self.control.fds, []
        if not fds:
            raise _Disconnected("the supervisor started a worker without a channel")
        _close_fds(fds[1:])
        self.data = _Frames(socket.socket(fileno=fds[0]))

    def _kill_locked(self) -> bool:
        """Kill the worker tree; False when the supervisor no longer answers."""
        self.alive = False
        self._close_data()
        try:
            self._send({"op": "kill"})
            end = time.monotonic() + KILL_ACK_TIMEOUT_S
            while True:
                _, reply = self._next(end - time.monotonic(), from_worker=False)
                if isinstance(reply, dict) and "killed" in reply:
                    killed = reply["killed"]
                    if isinstance(killed, dict) and killed.get("oom") is True:
                        self.events.oom_kills += 1
                    return True
        except (TimeoutError, _Disconnected, OSError, CodecError):
            self.broken = "the sandbox stopped responding after a kill"
            return False

    def _violation(self, what: str) -> None:
        self.events.protocol_violations.append(what)
        self._kill_locked()

    def ensure_worker(self) -> None:
        """Before a test: a live worker, or the reason there cannot be one."""
        self._wait_warm()
        with self._lock:
            if self.broken:
                return
            if self.import_error is not None or self.alive:
                return
            if self._replaced_for_a_value:
                self._replaced_for_a_value = False  # not the candidate's crash: no restart spent
            elif self.events.restarts >= self.restart_budget:
                self.events.budget_exhausted = True
                return
            else:
                self.events.restarts += 1
            self._spawn_locked()

    # -- requests ------------------------------------------------------------------
    def request(self, message: dict[str, Any]) -> Any:
        self._wait_warm()
        with self._lock:
            if self.broken:
                raise WorkerCrashed(self.broken)
            if self.import_error is not None:
                raise self.import_error
            if not self.alive:
                if self.events.budget_exhausted:
                    raise WorkerCrashed(
                        "not run: your code crashed the worker too many times "
                        f"(restart budget of {self.restart_budget})"
                    )
                raise WorkerCrashed("the worker is not running after an earlier failure")
            timeout = None if self.deadline is None else self.deadline - time.monotonic()
            try:
                if self._worker_spoke():
                    return self._protocol_death("the worker wrote a reply nobody asked for")
                self._send_to_worker(message, timeout)
                source, reply = self._next(timeout, from_worker=True)
                if reply is None:  # its channel closed, and no death was reported
                    self._kill_locked()
                    reply = _died()
                elif source == "worker" and self.data is not None and self.data.buffer:
                    return self._protocol_death("the worker answered one request twice")
                elif source == "worker" and isinstance(reply, dict) and "died" in reply:
                    return self._protocol_death("the worker sent a death notice of its own")
                elif source == "supervisor" and not (isinstance(reply, dict) and "died" in reply):
                    return self._protocol_death("the sandbox sent a message nobody asked for")
            except TimeoutError:
                self.events.timeouts += 1
                self._kill_locked()
                raise WorkerTimeout(
                    f"took longer than the limit of {self.time_limit_s:g} s"
                ) from None
            except _Disconnected as exc:
                self.broken = f"the sandbox stopped responding ({exc})"
                raise WorkerCrashed(self.broken) from None
            except ValueLimit as exc:
                # More than is built here, which an honest value can be: its test fails, with
                # no tampering flag. The worker is replaced all the same: one that wrote the
                # frame itself may still be inside the call.
                self._kill_locked()
                self._replaced_for_a_value = True
                raise CandidateError("Unencodable", str(exc)) from None
            except CodecError as exc:
                self._violation(f"the worker answered out of protocol ({exc})")
                raise ProtocolViolation("the worker answered out of protocol") from None
            return self._interpret(reply)

    def _worker_spoke(self) -> bool:
        """Whether the worker wrote since its last reply: it answers only when asked."""
        data = self.data
        if data is None:
            return False
        return bool(data.buffer) or data.fill(wait=False)

    def _send_to_worker(self, message: dict[str, Any], timeout_s: float | None) -> None:
        data = self.data
        if data is None or data.closed:
            return  # a dead worker is reported by the supervisor
        payload = self.encoder.encode(message)
        # a worker that stops reading must not hold the harness past the test's deadline
        data.sock.settimeout(None if timeout_s is None else max(timeout_s, 0.001))
        try:
            data.sock.sendall(_LENGTH.pack(len(payload)) + payload)
        except TimeoutError:
            raise
        except OSError:
            pass  # it is gone: the supervisor says how
        finally:
            data.sock.settimeout(None)

    def _protocol_death(self, reason: str) -> Any:
        """The worker broke the protocol: it is killed and its test crashes."""
        self._kill_locked()
        self.events.protocol_violations.append(reason)
        return self._interpret(_died())

    def _interpret(self, reply: Any) -> Any:
        if not isinstance(reply, dict) or len(reply) != 1:
            self._violation("the worker sent a reply of the wrong shape")
            raise ProtocolViolation("the worker answered out of protocol")
        if "ok" in reply:
            return reply["ok"]
        if "raised" in reply:
            raise _candidate_error(reply["raised"])
        if "died" in reply:
            died = reply["died"] if isinstance(reply["died"], dict) else {}
            self.alive = False
            self.events.crashes += 1
            oom = died.get("oom") is True
            if oom:
                self.events.oom_kills += 1
            raise WorkerCrashed(_death(died, self), oom=oom)
        self._violation("the worker sent an unknown reply")
        raise ProtocolViolation("the worker answered out of protocol")

    def output_status(self) -> tuple[int, bytes]:
        self._wait_warm()
        with self._lock:
            if self.broken or self.conn is None:
                return 0, b""
            try:
                self._send({"op": "status"})
                end = time.monotonic() + KILL_ACK_TIMEOUT_S
                while True:
                    _, reply = self._next(end - time.monotonic(), from_worker=False)
                    if isinstance(reply, dict) and "status" in reply:
                        break  # a death notice on the way is of a worker no test asks any more
            except (TimeoutError, _Disconnected, OSError, CodecError):
                return 0, b""
            status = reply.get("status")
            if not isinstance(status, dict):
                return 0, b""
            size = status.get("output_bytes")
            head = status.get("output_head")
            return (size if type(size) is int else 0), (head if type(head) is bytes else b"")

    def shutdown(self) -> None:
        self._wait_warm()
        self._close_data()
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self._send({"op": "shutdown"})
            with contextlib.suppress(OSError):
                self.conn.close()


def _candidate_error(raised: Any) -> CandidateError:
    if not isinstance(raised, dict):
        return CandidateError("Exception", "")

    def text(key: str) -> str:
        value = raised.get(key)
        return value[:500] if isinstance(value, str) else ""

    errno = raised.get("errno")
    return CandidateError(
        text("type") or "Exception",
        text("message"),
        text("where"),
        errno if type(errno) is int else None,
    )


def _death(died: dict[str, Any], client: WorkerClient) -> str:
    if died.get("oom") is True:
        return f"the worker ran out of memory (limit {client.memory_mb} MB) and was killed"
    code = died.get("exitcode")
    signal_number = died.get("signal")
    if type(signal_number) is int:
        return f"the worker process was killed by signal {signal_number}"
    if type(code) is int:
        return f"the worker process exited with code {code} (sys.exit or os._exit?)"
    return "the worker process ended unexpectedly"


class Remote:
    """A value that lives in the worker: attributes and calls go over the channel."""

    __slots__ = ("_client", "_generation", "_handle")

    def __init__(self, client: WorkerClient, handle: Handle | None) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_generation", client.generation)

    def _target(self) -> Handle | None:
        if self._handle is not None and self._generation != self._client.generation:
            raise CandidateError(
                "StaleObject", "this object was lost when the worker was restarted"
            )
        return self._handle

    def _wrap(self, value: Any) -> Any:
        if isinstance(value, Handle):
            return Remote(self._client, value)
        return value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        client = self._client
        key = (client.generation, client.test_epoch, name)
        if self._handle is None and key in client.module_handles:
            # the same test calling an entry point again: one round trip instead of two
            return client.module_handles[key]
        try:
            value = self._wrap(
                client.request({"op": "getattr", "target": self._target(), "name": name})
            )
        except CandidateError as exc:
            if exc.type_name != "AttributeError":
                raise
            raise RemoteAttributeError(exc.type_name, exc.message, exc.where, exc.errno) from None
        if self._handle is None and isinstance(value, Remote):
            client.module_handles = {
                key: value,
                **{k: v for k, v in client.module_handles.items() if k[:2] == key[:2]},
            }
        return value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        message = {
            "op": "call",
            "target": self._target(),
            "args": [_unwrap(a) for a in args],
            "kwargs": {k: _unwrap(v) for k, v in kwargs.items()},
        }
        return self._wrap(self._client.request(message))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("objects of the submission are read-only from tests")

    def __repr__(self) -> str:
        return (
            "<submission module>" if self._handle is None else f"<remote object {self._handle.id}>"
        )

    # identity only: a candidate object can never claim to equal an expected value
    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


def _unwrap(value: Any) -> Any:
    if isinstance(value, Remote):
        return value._target()
    return value


class SubmissionModule(Remote):
    """The `submission` fixture: the candidate's module, plus probes."""

    __slots__ = ()

    def __init__(self, client: WorkerClient) -> None:
        super().__init__(client, None)

    def probe(self, name: str, source: str, func: str, *args: Any, **kwargs: Any) -> Any:
        """Run `func(candidate_module, *args)` from pack-shipped probe code inside the worker."""
        message = {
            "op": "probe",
            "module": name,
            "source": source,
            "func": func,
            "args": [_unwrap(a) for a in args],
            "kwargs": {k: _unwrap(v) for k, v in kwargs.items()},
        }
        return self._wrap(self._client.request(message))
