"""Ignores and blocks every signal it can, spins in threads and in a detached grandchild."""

import contextlib
import os
import signal
import threading


def _deaf():
    for number in range(1, signal.NSIG):
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            signal.signal(number, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, set(range(1, signal.NSIG)))


def _spin():
    while True:
        pass


def squares(n):
    _deaf()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            _deaf()
            _spin()
        os._exit(0)
    for _ in range(3):
        threading.Thread(target=_spin, daemon=True).start()
    _spin()
