"""Replies that lie to the codec: deep nesting and an array of Python objects, written
straight to the protocol pipe, and a pickle that would run code if anything loaded it.
"""

import os
import pickle
import struct
import time

import msgpack


def _protocol_out():
    with open("/proc/self/cmdline", "rb") as handle:
        argv = handle.read().split(b"\0")
    return int(argv[argv.index(b"--write-fd") + 1])


def _send(body):
    frame = struct.pack(">I", len(body)) + body
    view = memoryview(frame)
    fd = _protocol_out()
    while view:
        view = view[os.write(fd, view) :]
    time.sleep(60)


class _Runs:
    def __reduce__(self):
        return (os.system, ("touch /tmp/hostile-pickle-ran",))


def squares(n):
    _send(b"\x81\xa2ok" + b"\x91" * 100_000 + b"\x00")


def words(text):
    array = msgpack.ExtType(2, msgpack.packb(["|O", [1], b"\x00" * 8], use_bin_type=True))
    _send(msgpack.packb({"ok": array}, use_bin_type=True))


def unique(values):
    return pickle.dumps(_Runs())  # bytes cross as bytes: nothing on the harness's side loads them
