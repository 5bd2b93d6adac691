"""Reference solution for timing-decorator."""

import functools
import logging
import time

logger = logging.getLogger("timing")


def timed(func):
    """Wrap func so that each call logs its wall-clock duration in seconds at INFO on "timing"."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            # also on an exception: the call took that long before failing
            logger.info("%s took %.6f s", func.__name__, time.perf_counter() - start)

    return wrapper
