"""Announces a 4 GB reply on the protocol pipe and sends a few bytes of it."""

import os
import time


def _protocol_out():
    with open("/proc/self/cmdline", "rb") as handle:
        argv = handle.read().split(b"\0")
    return int(argv[argv.index(b"--write-fd") + 1])


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def squares(n):
    _write_all(_protocol_out(), b"\xff\xff\xff\xff" + b"x" * 100)
    time.sleep(60)
