"""In place of `python -m grader.harness.supervisor`: the same run, with marks on stderr."""

import os
import sys
import time

if sys.argv[1:2] == ["--marks"]:  # the local sandbox discards the supervisor's stderr
    _MARKS = os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    del sys.argv[1:3]
else:
    _MARKS = 2


def mark(event: str) -> None:
    os.write(_MARKS, f"GRADER-BENCH worker {event} {time.time():.6f}\n".encode())


mark("python ready")
from grader.harness import supervisor  # noqa: E402 - timed on purpose

mark("supervisor imported")

_connect = supervisor.Supervisor.connect
_spawn = supervisor.Supervisor.spawn
_send = supervisor.Supervisor.send
_relayed = []


def _timed_connect(self: supervisor.Supervisor) -> None:
    mark("connecting")
    _connect(self)
    mark("connected")


def _timed_spawn(self: supervisor.Supervisor) -> None:
    mark("spawn requested")
    _spawn(self)
    mark("worker process started")


def _timed_send(self: supervisor.Supervisor, payload: bytes, fds: tuple[int, ...] = ()) -> None:
    _send(self, payload, fds)
    if fds and not _relayed:
        _relayed.append(True)
        mark("worker channel handed over")


supervisor.Supervisor.connect = _timed_connect
supervisor.Supervisor.spawn = _timed_spawn
supervisor.Supervisor.send = _timed_send
_main = supervisor.main


def _timed_main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    finally:
        mark("exiting")


supervisor.main = _timed_main
supervisor.run_and_exit(sys.argv[1:])
