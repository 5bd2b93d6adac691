"""Public tests: a decorated function that sleeps. Run `pytest` next to your solution.py."""

import logging
import re
import time

import pytest


@pytest.fixture
def napper(submission):
    @submission.timed
    def napper(x, *, y=1):
        """Sleeps a bit, then returns its arguments."""
        time.sleep(0.1)
        return (x, y)

    return napper


def test_result_and_metadata(napper):
    """returns the result and keeps __name__ and __doc__"""
    assert napper(3, y=4) == (3, 4), "the wrapper must return the function's result"
    assert napper.__name__ == "napper", "use functools.wraps to keep __name__"
    assert napper.__doc__ == "Sleeps a bit, then returns its arguments.", (
        "use functools.wraps to keep __doc__"
    )


def test_logs_seconds(napper, caplog):
    """logs one INFO record on "timing" naming the function, with the time in seconds"""
    caplog.set_level(logging.DEBUG)
    start = time.perf_counter()
    napper(1)
    took = time.perf_counter() - start
    records = [r for r in caplog.records if r.name == "timing" and r.levelno == logging.INFO]
    assert len(records) == 1, (
        f'expected one INFO record on logger "timing", got {len(records)}; all records: '
        f"{[(r.name, r.levelname, r.getMessage()) for r in caplog.records]}"
    )
    message = records[0].getMessage()
    assert "napper" in message, f"the message {message!r} does not name the function"
    numbers = [float(n) for n in re.findall(r"\d+\.?\d*(?:[eE][-+]?\d+)?", message)]
    assert any(0.08 <= n <= took + 0.1 for n in numbers), (
        f"the message {message!r} does not hold the elapsed time in seconds "
        f"(the call took {took:.3f} s)"
    )
