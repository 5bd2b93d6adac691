"""Timing Decorator: the statement is in README.md.

Write `timed` below. Check it with `pytest` (the public tests in tests/), then grade it
with `grader grade solution.py -e timing-decorator`.
"""

import functools
import logging

logger = logging.getLogger("timing")


def timed(func):
    """Return a wrapper of func that logs how long each call took."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        # Your code here: time the call (time.perf_counter()) and log it on `logger`.
        return func(*args, **kwargs)

    return wrapper
