"""Reads every readable file it can reach, looking for the pack's canary."""

import os
import re
import time

# Built from pieces so that this file does not match its own search.
CANARY = re.compile(("hostile" + "-canary-") + r"[0-9a-f]{32}")
FIRST = ["/run", "/grading", "/tmp", "/home", "/root", "/mnt", "/srv", "/opt", "/var", "/etc"]


def _search(budget_s=7.0, max_bytes=1 << 20):
    end = time.monotonic() + budget_s
    tops = FIRST + sorted(os.path.join("/", d) for d in os.listdir("/"))
    seen = set()
    for top in tops:
        if top in seen or top in ("/proc", "/sys", "/dev"):
            continue
        seen.add(top)
        for root, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/dev")]
            for name in files:
                if time.monotonic() > end:
                    return ""
                try:
                    with open(os.path.join(root, name), "rb") as handle:
                        data = handle.read(max_bytes)
                except OSError:
                    continue
                found = CANARY.search(data.decode("latin-1"))
                if found:
                    return found.group(0)
    return ""


def guess():
    return _search()
