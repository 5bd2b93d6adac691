"""Bug: the clock is read twice before the call, so every call logs the same 0.0000 s."""

import functools
import logging
import time

logger = logging.getLogger("timing")


def timed(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        end = time.perf_counter()
        result = func(*args, **kwargs)
        logger.info("%s took %.4f s", func.__name__, end - start)
        return result

    return wrapper
