"""Bug: logs with logging.info, which goes to the root logger, not to "timing"."""

import functools
import logging
import time


def timed(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        logging.info("%s took %.4f s", func.__name__, time.perf_counter() - start)
        return result

    return wrapper
