"""Starts threads until the process limit stops it."""

import threading
import time

_kept = []


def squares(n):
    while True:
        thread = threading.Thread(target=time.sleep, args=(3600,), daemon=True)
        thread.start()
        _kept.append(thread)
