"""Up to 10 GB of output on stdout, stderr and the supervisor's own stdout and stderr."""

import os
import threading

TOTAL = 10 * 1024**3


def _pour(path_or_fd):
    chunk = b"\x1b[2J" + b"y" * (1 << 20)
    fd = os.open(path_or_fd, os.O_WRONLY) if isinstance(path_or_fd, str) else path_or_fd
    written = 0
    try:
        while written < TOTAL // 4:
            written += os.write(fd, chunk)
    except OSError:
        pass


def squares(n):
    threads = [
        threading.Thread(target=_pour, args=(target,), daemon=True)
        for target in (1, 2, "/proc/1/fd/1", "/proc/1/fd/2")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [i * i for i in range(n)]
