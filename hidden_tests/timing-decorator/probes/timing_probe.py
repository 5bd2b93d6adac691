"""Probes for timing-decorator, run inside the worker next to the candidate's module.

Functions can only be decorated where they live, so each probe defines its own small
functions, wraps them with the candidate's `timed`, calls the wrapper and returns plain
values (results, names, captured log records) for the hidden tests to judge. Nothing is
judged here. Logging is captured on logger "timing" and on the root logger (to tell "logged
elsewhere" from "did not log"), and its configuration is put back as it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

MESSAGE_LIMIT = 500


class _Capture(logging.Handler):
    """Collects the records emitted while it is active, each once."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []
        self._seen: set[int] = set()
        self._saved: list[tuple[logging.Logger, int, bool]] = []
        self._disabled = logging.NOTSET

    def emit(self, record: logging.LogRecord) -> None:
        # attached to "timing" and to the root: a propagated record arrives twice
        if id(record) not in self._seen:
            self._seen.add(id(record))
            self.records.append(record)

    def __enter__(self) -> _Capture:
        self._disabled = logging.root.manager.disable
        logging.disable(logging.NOTSET)
        for logger in (logging.getLogger("timing"), logging.getLogger()):
            self._saved.append((logger, logger.level, logger.disabled))
            logger.setLevel(logging.DEBUG)
            logger.disabled = False
            logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for logger, level, disabled in self._saved:
            logger.removeHandler(self)
            logger.setLevel(level)
            logger.disabled = disabled
        self._saved.clear()
        logging.disable(self._disabled)

    def rows(self) -> list[list[str]]:
        """Each record as [logger name, level name, formatted message]."""
        return [[str(r.name), str(r.levelname), _message(r)] for r in self.records]


def _message(record: logging.LogRecord) -> str:
    try:
        text = record.getMessage()
    except Exception as exc:  # noqa: BLE001 - a record whose arguments do not fit its format
        text = f"<unformattable message: {type(exc).__name__}>"
    return str(text)[:MESSAGE_LIMIT]


def _timed(module: Any, func: Callable[..., Any]) -> Any:
    # the worker gives probes its own lookup of entry points, with its usual message
    resolve = globals().get("resolve_entry")
    if resolve is not None:
        return resolve("timed")(func)
    timed = getattr(module, "timed", None)
    if timed is None:
        raise AttributeError("your module does not define 'timed'")
    return timed(func)


def _attempt(call: Callable[[], Any]) -> dict[str, Any]:
    try:
        return {"value": call()}
    except Exception as exc:  # noqa: BLE001 - whatever the candidate's code raises is reported
        return {"raised": type(exc).__name__}


def run_timed(module: Any, sleep_s: float) -> dict[str, Any]:
    """Call a decorated sleeper once: what it returned and every record logged meanwhile."""

    def napper(x: Any, *, y: Any = 1) -> tuple[Any, Any]:
        """Sleeps a bit, then returns its arguments."""
        time.sleep(sleep_s)
        return (x, y)

    wrapped = _timed(module, napper)
    with _Capture() as capture:
        result = _attempt(lambda: wrapped(3, y=4))
    return {"result": result, "records": capture.rows()}


def returns(module: Any) -> dict[str, Any]:
    """Whether the wrapper hands back the very object the function returned, and falsy ones."""
    marker = object()

    def make() -> object:
        """Returns a marker."""
        return marker

    def zero() -> int:
        """Returns 0."""
        return 0

    with _Capture():
        got = _attempt(_timed(module, make))
        falsy = _attempt(_timed(module, zero))
    same = "value" in got and got["value"] is marker
    return {
        "same": same,
        "raised": got.get("raised") or falsy.get("raised"),
        "zero": "value" in falsy and falsy["value"] == 0 and type(falsy["value"]) is int,
    }


def metadata(module: Any) -> dict[str, Any]:
    """The wrapper's __name__, __doc__ and whether __wrapped__ leads to the function."""

    def napper(x: Any, *, y: Any = 1) -> tuple[Any, Any]:
        """Sleeps a bit, then returns its arguments."""
        return (x, y)

    wrapped = _timed(module, napper)
    name = getattr(wrapped, "__name__", None)
    doc = getattr(wrapped, "__doc__", None)
    return {
        "name": name if isinstance(name, str) or name is None else repr(name),
        "doc": doc if isinstance(doc, str) or doc is None else repr(doc),
        "wrapped": getattr(wrapped, "__wrapped__", None) is napper,
    }


def passes_arguments(module: Any) -> dict[str, Any]:
    """What the function received for positional, keyword and keyword-only arguments."""

    def collect(*args: Any, **kwargs: Any) -> list[Any]:
        """Returns what it was given."""
        return [list(args), dict(kwargs)]

    def napper(x: Any, *, y: Any = 1) -> tuple[Any, Any]:
        """Sleeps a bit, then returns its arguments."""
        return (x, y)

    with _Capture():
        wrapped = _timed(module, collect)
        keyword_only = _timed(module, napper)
        return {
            "positional": _attempt(lambda: wrapped(1, "two", [3])),
            "keywords": _attempt(lambda: wrapped(x=1, y=None)),
            "mixed": _attempt(lambda: wrapped(5, key="k")),
            "none": _attempt(lambda: wrapped()),
            "keyword_only": _attempt(lambda: keyword_only(7, y=8)),
            "default": _attempt(lambda: keyword_only(9)),
        }


def counts_calls(module: Any, times: int) -> dict[str, Any]:
    """The calls the function received while the wrapper was called `times` times."""
    calls: list[Any] = []

    def work(n: Any = None) -> Any:
        """Counts its calls."""
        calls.append(n)
        return n

    with _Capture():
        wrapped = _timed(module, work)
        at_decoration = len(calls)
        outcomes = [_attempt(lambda i=i: wrapped(i)) for i in range(times)]
    raised = [o["raised"] for o in outcomes if "raised" in o]
    return {"at_decoration": at_decoration, "calls": calls, "raised": raised[:1]}


def propagates(module: Any) -> dict[str, Any]:
    """What escapes the wrapper when the function raises."""

    class Boom(Exception):
        pass

    def explode() -> None:
        """Always fails."""
        raise Boom("the function failed")

    with _Capture():
        wrapped = _timed(module, explode)
        try:
            value = wrapped()
        except Boom:
            return {"raised": "Boom"}
        except Exception as exc:  # noqa: BLE001 - a replaced exception is reported by name
            return {"raised": type(exc).__name__}
    return {"raised": None, "returned": value is not None}
