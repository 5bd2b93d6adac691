"""Every way out of the interpreter or the test that candidate code can reach for.

Each must fail only the test that called it: never a skip, never the end of the run.
"""

import os
import signal
import sys

import pytest


def squares(n):
    sys.exit(0)


def double(values):
    os._exit(0)


def mean(values):
    raise KeyboardInterrupt


def count(words):
    pytest.skip("nothing to grade here")


def words(text):
    pytest.exit("grading is over", returncode=0)


def unique(values):
    os.kill(os.getpid(), signal.SIGKILL)
