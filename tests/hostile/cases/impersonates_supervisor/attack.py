"""Sends the supervisor's own death notice, claiming an out-of-memory kill that never happened."""

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
    forged = b"\x81\xa4died\x81\xa3oom\xc3"  # msgpack for {"died": {"oom": True}}
    _write_all(_protocol_out(), struct.pack(">I", len(forged)) + forged)
    time.sleep(60)
