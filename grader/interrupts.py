"""Stopping a command the way Ctrl-C does, so that its clean-up runs.

Light to import (the `grader` command sets it up before anything else loads).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

# a stop (kill, a CI job's timeout) and a closed terminal end the command as Ctrl-C does
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def interrupt_on_stop_signals() -> Iterator[None]:
    """Meanwhile, SIGTERM and SIGHUP raise KeyboardInterrupt (in the main thread), so that the
    clean-up in `finally` blocks runs: no container, process or folder outlives a stopped
    grading. Elsewhere than in the main thread, where handlers cannot be set, it does
    nothing."""
    previous = {}
    try:
        for number in STOP_SIGNALS:
            previous[number] = signal.signal(number, _interrupt)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
