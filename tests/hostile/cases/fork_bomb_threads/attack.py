"""A fork bomb run from several threads, whose children ignore SIGTERM and fork on.

squares() never returns: the harness's deadline must end it, with every process it made.
"""

import os
import signal
import threading


def _bomb():
    while True:
        try:
            if os.fork() == 0:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
        except OSError:
            pass


def squares(n):
    for _ in range(4):
        try:
            threading.Thread(target=_bomb, daemon=True).start()
        except RuntimeError:
            break
    _bomb()
