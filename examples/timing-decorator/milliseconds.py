"""Bug: logs milliseconds where seconds are asked for."""

import functools
import logging
import time

logger = logging.getLogger("timing")


def timed(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        elapsed_ms = (time.perf_counter() - start) * 1000
        logger.info("%s took %.1f ms", func.__name__, elapsed_ms)
        return result

    return wrapper
