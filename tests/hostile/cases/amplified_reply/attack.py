"""A 40 MB reply of 40 million empty lists: each byte decodes to a 64-byte object.

Written straight to the protocol pipe in chunks, so the worker itself stays small.
"""

import os
import struct
import time

COUNT = 40_000_000


def _protocol_out():
    with open("/proc/self/cmdline", "rb") as handle:
        argv = handle.read().split(b"\0")
    return int(argv[argv.index(b"--write-fd") + 1])


def squares(n):
    fd = _protocol_out()
    head = b"\x81\xa2ok\xdd" + struct.pack(">I", COUNT)  # {"ok": [<COUNT items>]}
    os.write(fd, struct.pack(">I", len(head) + COUNT) + head)
    chunk = b"\x90" * (1 << 20)  # 0x90: an empty list
    left = COUNT
    while left:
        left -= os.write(fd, chunk[: min(left, len(chunk))])
    time.sleep(60)
