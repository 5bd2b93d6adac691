"""Bug: an exception of the function is logged and swallowed; the caller gets None."""

import functools
import logging
import time

logger = logging.getLogger("timing")


def timed(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            result = func(*args, **kwargs)
        except Exception:
            logger.exception("%s failed", func.__name__)
            return None
        logger.info("%s took %.4f s", func.__name__, time.perf_counter() - start)
        return result

    return wrapper
