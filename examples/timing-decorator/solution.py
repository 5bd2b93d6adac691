"""A correct timing decorator: functools.wraps, time.perf_counter, lazy %-formatting."""

import functools
import logging
import time

logger = logging.getLogger("timing")


def timed(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        logger.info("%s took %.4f s", func.__name__, time.perf_counter() - start)
        return result

    return wrapper
