"""Answers one request twice: a forged {"ok": 0} meant for a later call, then the real reply."""

import os
import struct


def _protocol_out():
    with open("/proc/self/cmdline", "rb") as handle:
        argv = handle.read().split(b"\0")
    return int(argv[argv.index(b"--write-fd") + 1])


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def add(a, b):
    forged = b"\x81\xa2ok\x00"  # msgpack for {"ok": 0}
    _write_all(_protocol_out(), struct.pack(">I", len(forged)) + forged)
    return a + b
