"""Harness side of the worker channel: requests with deadlines, kills, restarts.

Everything received here comes from the candidate's side and is decoded
strictly. Timeouts are measured here, outside the worker, and a timed-out or
misbehaving worker is killed (its whole process tree) and replaced for the
next test, within the exercise's restart budget.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from grader.harness.codec import MAX_FRAME_BYTES, CodecError, Decoder, Encoder, Handle

_LENGTH = struct.Struct(">I")
KILL_ACK_TIMEOUT_S = 10.0
FORBIDDEN_IMPORT_ERROR = "ForbiddenImportError"  # the worker's exception for refused imports


class CandidateError(Exception):
    """The candidate's code raised; the test that called it fails."""

    def __init__(self, type_name: str, message: str, where: str = "", errno: int | None = None):
        self.type_name = type_name
        self.message = message
        self.where = where
        self.errno = errno
        super().__init__(f"{type_name}: {message}" if message else type_name)


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


class WorkerClient:
    def __init__(
        self, listener: socket.socket, *, import_timeout_s: float, restarts: int, memory_mb: int
    ) -> None:
        self.listener = listener
        self.import_timeout_s = import_timeout_s
        self.restart_budget = restarts
        self.memory_mb = memory_mb
        self.conn: socket.socket | None = None
        self.encoder = Encoder()
        self.decoder = Decoder()
        self.generation = 0  # bumps whenever a new worker starts; old handles go stale
        self.alive = False
        self.broken: str | None = None  # the channel itself is gone: every later test crashes
        self.import_error: ImportFailed | None = None
        self.events = ChannelEvents()
        self.deadline: float | None = None
        self.time_limit_s: float = 0.0
        self._buffer = bytearray()
        self._lock = threading.Lock()
        self._warm: threading.Thread | None = None
        self.ready_at = 0.0  # when the first worker answered, for profiling
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
            self._spawn_locked()

    def _wait_warm(self) -> None:
        if self._warm is not None:
            self._warm.join()
            self._warm = None

    def _send(self, message: dict[str, Any]) -> None:
        assert self.conn is not None
        payload = self.encoder.encode(message)
        self.conn.sendall(_LENGTH.pack(len(payload)) + payload)

    def _recv(self, timeout_s: float | None) -> Any:
        """One decoded frame; socket.timeout when the deadline passes."""
        assert self.conn is not None
        end = None if timeout_s is None else time.monotonic() + max(timeout_s, 0.0)
        while True:
            if len(self._buffer) >= _LENGTH.size:
                (length,) = _LENGTH.unpack_from(self._buffer)
                if length > MAX_FRAME_BYTES:
                    raise CodecError(f"reply of {length} bytes exceeds the limit")
                if len(self._buffer) >= _LENGTH.size + length:
                    frame = bytes(self._buffer[_LENGTH.size : _LENGTH.size + length])
                    del self._buffer[: _LENGTH.size + length]
                    return self.decoder.decode(frame)
            if end is not None:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                self.conn.settimeout(remaining)
            else:
                self.conn.settimeout(None)
            try:
                chunk = self.conn.recv(1 << 20)
            except TimeoutError:
                raise
            except OSError as exc:
                raise _Disconnected(str(exc)) from exc
            if not chunk:
                raise _Disconnected("the sandbox closed the channel")
            self._buffer += chunk

    # -- worker lifecycle ----------------------------------------------------------
    def _spawn_locked(self) -> None:
        self.generation += 1
        self.alive = False
        try:
            self._send({"op": "spawn"})
            reply = self._recv(self.import_timeout_s)
        except TimeoutError:
            self._kill_locked()
            self.import_error = ImportFailed(
                None, f"importing your code took longer than {self.import_timeout_s:g} s"
            )
            return
        except (_Disconnected, OSError) as exc:
            self.broken = f"the sandbox stopped responding ({exc})"
            return
        except CodecError as exc:
            self._violation(f"the worker answered out of protocol ({exc})")
            return
        if isinstance(reply, dict) and reply.get("ready") is True:
            self.alive = True
            if not self.ready_at:
                self.ready_at = time.time()
        elif isinstance(reply, dict) and reply.get("ready") is False:
            error = _candidate_error(reply.get("raised"))
            self.import_error = ImportFailed(error, "your code failed while being imported")
        elif isinstance(reply, dict) and "died" in reply:
            died = reply["died"] if isinstance(reply["died"], dict) else {}
            self.import_error = ImportFailed(
                None, "the worker process died while importing your code: " + _death(died, self)
            )
        else:
            self._violation("the worker answered out of protocol at start-up")

    def _kill_locked(self) -> bool:
        """Kill the worker tree; False when the supervisor no longer answers."""
        self.alive = False
        try:
            self._send({"op": "kill"})
            end = time.monotonic() + KILL_ACK_TIMEOUT_S
            while True:
                reply = self._recv(end - time.monotonic())
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
            if self.events.restarts >= self.restart_budget:
                self.events.budget_exhausted = True
                return
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
                self._send(message)
                reply = self._recv(timeout)
            except TimeoutError:
                self.events.timeouts += 1
                self._kill_locked()
                raise WorkerTimeout(
                    f"took longer than the limit of {self.time_limit_s:g} s"
                ) from None
            except _Disconnected as exc:
                self.broken = f"the sandbox stopped responding ({exc})"
                raise WorkerCrashed(self.broken) from None
            except CodecError as exc:
                self._violation(f"the worker answered out of protocol ({exc})")
                raise ProtocolViolation("the worker answered out of protocol") from None
            return self._interpret(reply)

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
            reason = died.get("protocol")
            if reason:
                self.events.protocol_violations.append(
                    reason if isinstance(reason, str) else "the worker answered out of protocol"
                )
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
                reply = self._recv(KILL_ACK_TIMEOUT_S)
            except (TimeoutError, _Disconnected, OSError, CodecError):
                return 0, b""
            status = reply.get("status") if isinstance(reply, dict) else None
            if not isinstance(status, dict):
                return 0, b""
            size = status.get("output_bytes")
            head = status.get("output_head")
            return (size if type(size) is int else 0), (head if type(head) is bytes else b"")

    def shutdown(self) -> None:
        self._wait_warm()
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
        value = self._wrap(
            client.request({"op": "getattr", "target": self._target(), "name": name})
        )
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
