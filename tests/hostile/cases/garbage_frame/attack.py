"""Writes a well-framed but undecodable reply straight to the worker's protocol pipe."""

import os
import struct
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
    body = b"\xc1" * 64  # 0xc1 is never valid msgpack
    _write_all(_protocol_out(), struct.pack(">I", len(body)) + body)
    time.sleep(60)
