"""Hidden tests for timing-decorator (10 points).

A function cannot cross to the worker, so the decorating and calling happen there, in
the probes of probes/timing_probe.py; they return plain values (results, names, the
log records captured during a call) and every judgement is made here. The sleep that
the decorated function takes is chosen here, and each call's round trip is timed here,
outside the worker: a logged duration must be at least the sleep and at most that round
trip (with a margin for rounding), in seconds.

Each property is its own test, so a bug loses the points of the property it breaks: a
record logged on the wrong logger still has its message checked, and a wrapper that
never calls the function still has its record counted.

These checks run inside the candidate's process and a determined candidate could fool
them (for instance by logging a made-up duration close to the right one); they check an
honest solution's behaviour, not its good faith.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

import pytest

PROBE = "timing_probe"
SHORT_S = 0.05
LONG_S = 0.25
NAME = "napper"
LOGGER = "timing"
# how far below the sleep a rounded duration may print ("%.1f" of 0.05 s is "0.1", of
# 0.25 s "0.3"; "%.2f" never goes below), and how far above the round trip
LOWER_FACTOR = 0.8
UPPER_FACTOR = 1.5
UPPER_MARGIN_S = 0.1
# the long call sleeps 0.2 s more than the short one: a logged duration that follows it
# grows by at least half of that, even if the short call's sleep overshoots on a busy
# machine; a second try absorbs a worse moment
GROWTH_S = 0.5 * (LONG_S - SHORT_S)
ATTEMPTS = 2

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")

Record = list[str]  # [logger name, level name, message]


def _run(probe: Any, sleep_s: float) -> tuple[dict[str, Any], float]:
    """One decorated call sleeping `sleep_s`: the probe's report and the round trip."""
    start = time.perf_counter()
    report = probe(PROBE, "run_timed", sleep_s)
    return report, time.perf_counter() - start


def _records(report: dict[str, Any]) -> list[Record]:
    records = report.get("records") if isinstance(report, dict) else None
    if not isinstance(records, list):
        return []
    return [r for r in records if isinstance(r, list) and len(r) == 3]


def _timing_info(records: list[Record]) -> list[Record]:
    return [r for r in records if r[0] == LOGGER and r[1] == "INFO"]


def _chosen(records: list[Record]) -> Record | None:
    """The record that stands for the timing: on "timing" at INFO if any, else the likeliest."""
    for keep in (
        lambda r: r[0] == LOGGER and r[1] == "INFO",
        lambda r: r[0] == LOGGER,
        lambda r: r[1] == "INFO",
        lambda r: True,
    ):
        for record in records:
            if keep(record):
                return record
    return None


def _numbers(message: str) -> list[float]:
    values = []
    for text in _NUMBER.findall(message):
        try:
            value = float(text)
        except ValueError:
            continue
        if math.isfinite(value):
            values.append(value)
    return values


NO_RECORD = 'no log record was emitted; log with logging.getLogger("timing").info(...), not print()'


@pytest.mark.points(1)
def test_returns_result(probe):
    """returns the function's result"""
    report = probe(PROBE, "returns")
    assert report["raised"] is None, f"calling the wrapper raised {report['raised']}"
    assert report["same"], "the wrapper did not return the object the function returned"
    assert report["zero"], "the wrapper did not return the function's result when it was 0"


@pytest.mark.points(1)
def test_keeps_name_and_doc(probe):
    """keeps the function's __name__ and __doc__ (functools.wraps)"""
    report = probe(PROBE, "metadata")
    assert report["name"] == NAME, (
        f"the wrapper's __name__ is {report['name']!r}, not the function's; "
        "decorate the wrapper with @functools.wraps(func)"
    )
    assert report["doc"] == "Sleeps a bit, then returns its arguments.", (
        "the wrapper's __doc__ is not the function's; decorate the wrapper with "
        "@functools.wraps(func)"
    )


@pytest.mark.points(1)
def test_passes_arguments(probe):
    """passes positional and keyword arguments"""
    report = probe(PROBE, "passes_arguments")
    expected = {
        "positional": [[1, "two", [3]], {}],
        "keywords": [[], {"x": 1, "y": None}],
        "mixed": [[5], {"key": "k"}],
        "none": [[], {}],
        "keyword_only": (7, 8),
        "default": (9, 1),
    }
    kinds = {
        "positional": "positional arguments",
        "keywords": "keyword arguments",
        "mixed": "positional and keyword arguments together",
        "none": "no arguments",
        "keyword_only": "a keyword-only argument",
        "default": "an argument left to its default",
    }
    for key, want in expected.items():
        got = report[key]
        raised = got.get("raised") if isinstance(got, dict) else None
        assert raised is None, f"calling the wrapper with {kinds[key]} raised {raised}"
        value = got.get("value") if isinstance(got, dict) else None
        assert value == want, (
            f"with {kinds[key]}, the function did not receive what the wrapper was given "
            "(pass *args and **kwargs on)"
        )


@pytest.mark.points(1)
def test_calls_once(probe):
    """calls the function exactly once per call"""
    times = 3
    report = probe(PROBE, "counts_calls", times)
    assert report["at_decoration"] == 0, "decorating the function already called it"
    assert not report["raised"], f"calling the wrapper raised {report['raised'][0]}"
    calls = report["calls"]
    assert len(calls) == times, (
        f"the function ran {len(calls)} times for {times} calls of the wrapper; "
        "it must run exactly once per call"
    )
    assert calls == list(range(times)), "the function did not receive each call's argument"


@pytest.mark.points(1)
def test_exceptions_propagate(probe):
    """lets the function's exceptions propagate"""
    report = probe(PROBE, "propagates")
    raised = report["raised"]
    assert raised is not None, (
        "the function raised an exception but calling the wrapper did not; let it "
        "propagate (use try/finally, or log only after a successful call)"
    )
    assert raised == "Boom", (
        f"the function raised its own exception but the wrapper raised {raised}; "
        "let the original exception propagate unchanged"
    )


@pytest.mark.points(2)
def test_logs_one_info_record(probe):
    """logs one INFO record on logger "timing" per call"""
    for sleep_s in (SHORT_S, LONG_S):
        report, _ = _run(probe, sleep_s)
        records = _records(report)
        assert records, NO_RECORD
        info = _timing_info(records)
        if not info:
            on_timing = [r for r in records if r[0] == LOGGER]
            if on_timing:
                raise AssertionError(
                    f'the record on logger "timing" has level {on_timing[0][1]}, not INFO; '
                    "use .info(...)"
                )
            raise AssertionError(
                f'the record went to logger {records[0][0]!r}, not to "timing"; '
                'log with logging.getLogger("timing")'
            )
        assert len(info) == 1, (
            f'{len(info)} INFO records on logger "timing" for one call; log exactly one'
        )


@pytest.mark.points(1)
def test_message_names_function(probe):
    """the message names the function"""
    report, _ = _run(probe, SHORT_S)
    record = _chosen(_records(report))
    assert record is not None, NO_RECORD
    assert NAME in record[2], (
        "the log message does not hold the function's name; include func.__name__"
    )


def _seconds_problem(record: Record | None, sleep_s: float, round_trip_s: float) -> str | None:
    if record is None:
        return NO_RECORD
    numbers = _numbers(record[2])
    if not numbers:
        return "the log message holds no number; log the elapsed time in seconds"
    lower = LOWER_FACTOR * sleep_s
    upper = UPPER_FACTOR * round_trip_s + UPPER_MARGIN_S
    if any(lower <= n <= upper for n in numbers):
        return None
    if any(lower <= n / 1000 <= upper for n in numbers):
        return "the logged time looks like milliseconds; log seconds"
    if all(n < lower for n in numbers):
        return (
            "the logged time is shorter than the function ran; time the call itself "
            "with time.perf_counter()"
        )
    return "the logged time is longer than the whole call took; log the elapsed seconds"


@pytest.mark.points(1)
def test_logs_elapsed_seconds(probe):
    """logs the elapsed time in seconds"""
    for sleep_s in (SHORT_S, LONG_S):
        report, round_trip_s = _run(probe, sleep_s)
        problem = _seconds_problem(_chosen(_records(report)), sleep_s, round_trip_s)
        assert problem is None, f"on a call lasting about {sleep_s:g} s: {problem}"


def _follows(short: Record, long: Record) -> bool:
    """Some number of the long call's message exceeds its counterpart by a clear margin."""
    pairs = zip(_numbers(short[2]), _numbers(long[2]), strict=False)
    return any(b - a >= GROWTH_S for a, b in pairs)


@pytest.mark.points(1)
def test_time_follows_duration(probe):
    """the logged time follows the call's duration"""
    for _ in range(ATTEMPTS):
        short_record = _chosen(_records(_run(probe, SHORT_S)[0]))
        long_record = _chosen(_records(_run(probe, LONG_S)[0]))
        assert short_record is not None and long_record is not None, NO_RECORD
        if _follows(short_record, long_record):
            return
    raise AssertionError(
        f"calls lasting {SHORT_S:g} s and {LONG_S:g} s logged about the same time; "
        "log the time each call really took"
    )
