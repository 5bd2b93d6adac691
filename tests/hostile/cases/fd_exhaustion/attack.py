"""Opens file descriptors until the limit (or 100,000), keeps them, then answers right."""

import os
import socket

_kept = []


def squares(n):
    try:
        while len(_kept) < 100_000:
            _kept.append(os.open("/dev/null", os.O_RDONLY))
            if len(_kept) % 10 == 0:
                _kept.extend(socket.socketpair())
    except OSError:
        pass
    return [i * i for i in range(n)]
