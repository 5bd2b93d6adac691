"""Stopping a command the way Ctrl-C does, so that its clean-up runs.

Light to import (the `grader` command sets it up before anything else loads).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator

TYPE_CHECKING = False  # typing itself costs ~3 ms to import
if TYPE_CHECKING:
    from typing import Any

# a stop (kill, a CI job's timeout) and a closed terminal end the command as Ctrl-C does
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# what the blocks below handle: Ctrl-C and the stop signals
_HANDLED = (signal.SIGINT, *STOP_SIGNALS)


class _Stop:
    """Whether a stop is under way in the outermost `interrupt_on_stop_signals` block."""

    depth = 0
    under_way = False


@contextlib.contextmanager
def interrupt_on_stop_signals() -> Iterator[None]:
    """Meanwhile, SIGTERM and SIGHUP raise KeyboardInterrupt (in the main thread), as Ctrl-C
    does, so that the clean-up in `finally` blocks runs: no container, process or folder
    outlives a stopped grading. Only the first stop raises: a second Ctrl-C would break
    off the clean-up the first one started (SIGKILL still ends the command at once).
    Elsewhere than in the main thread, where handlers cannot be set, it does nothing."""
    if _Stop.depth == 0:
        _Stop.under_way = False
    _Stop.depth += 1
    try:
        with _handled(_HANDLED, _interrupt):
            yield
    finally:
        _Stop.depth -= 1


@contextlib.contextmanager
def stop_signals_held() -> Iterator[None]:
    """Meanwhile, a stop (Ctrl-C too) waits; it is delivered when the block ends. For
    starting something that must be cleaned up: a stop while a process starts (inside Popen,
    before it returns the child) or before the new process is recorded would leave that
    process running unseen by every `finally`. In other threads than the main one it does
    nothing."""
    held: list[int] = []
    previous: dict[int, Any] = {}
    try:
        with _handled(_HANDLED, lambda n, _: held.append(n)) as previous:
            yield
    finally:
        if held:
            handler = previous[held[0]]
            if callable(handler):
                handler(held[0], None)
            else:  # the default action (or none): the stop as it would have come
                signal.raise_signal(held[0])


@contextlib.contextmanager
def _handled(
    numbers: tuple[int, ...], handler: Callable[[int, Any], None]
) -> Iterator[dict[int, Any]]:
    """Meanwhile, `handler` handles the signals `numbers`; yields the handlers it replaced
    (none outside the main thread, where handlers cannot be set)."""
    previous: dict[int, Any] = {}
    try:
        for number in numbers:
            previous[number] = signal.signal(number, handler)
    except ValueError:  # not the main thread
        pass
    try:
        yield previous
    finally:
        for number, replaced in previous.items():
            signal.signal(number, replaced)


def _interrupt(signum: int, frame: object) -> None:
    if _Stop.under_way:
        return
    _Stop.under_way = True
    raise KeyboardInterrupt
