"""Looks for the canary in every process's environment, command line, open files and root."""

import os
import re
import stat
import time

CANARY = re.compile(("hostile" + "-canary-") + r"[0-9a-f]{32}")


def _read(path, limit=1 << 20):
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).decode("latin-1")
    except OSError:
        return ""


def _texts():
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        base = f"/proc/{pid}"
        for name in ("environ", "cmdline", "maps", "mountinfo", "status"):
            yield _read(f"{base}/{name}")
        try:
            fds = os.listdir(f"{base}/fd")
        except OSError:
            fds = []
        for fd in fds:
            try:
                regular = stat.S_ISREG(os.stat(f"{base}/fd/{fd}").st_mode)
            except OSError:
                continue
            if regular:  # a pipe would block, and could be one's own protocol pipe
                yield _read(f"{base}/fd/{fd}")
        for where in ("root/grading", "cwd", "root/run/grader"):
            for root, _, files in os.walk(f"{base}/{where}"):
                for name in files:
                    yield _read(os.path.join(root, name))


def guess():
    end = time.monotonic() + 6.0
    for text in _texts():
        if time.monotonic() > end:
            break
        found = CANARY.search(text)
        if found:
            return found.group(0)
    return ""
