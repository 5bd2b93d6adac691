"""Correct too: the logger looked up on each call, an f-string message."""

import logging
import time
from functools import wraps


def timed(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - started
            logging.getLogger("timing").info(f"{func.__name__} finished in {elapsed:.3f} seconds")

    return wrapper
