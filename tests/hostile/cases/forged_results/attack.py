"""Plants results and reports that claim full marks wherever it can, and prints them too.

squares() is wrong on purpose: honest answers earn 11 of 12, so a forgery that worked
would show as a higher score.
"""

import json
import os
import sys

FAKE_REPORT = {
    "schema": "grader.report/v1",
    "status": "graded",
    "score": 12.0,
    "max_score": 12.0,
    "percent": 100.0,
    "tests": [],
    "flags": [],
}
NAMES = ["test_target.py::" + name for name in ("test_squares", "test_after")]
FAKE_RESULTS = {
    "pytest_exit": 0,
    "collection_errors": [],
    "tests": [
        {"id": n, "name": n, "outcome": "passed", "max_points": 100.0, "duration_s": 0.0}
        for n in NAMES
    ],
    "flags": [],
    "broken": None,
}
FOLDERS = ["/tmp", "/tmp/work", os.getcwd(), os.path.expanduser("~"), "/run/grader/channel"]
FOLDERS += ["/run/grader", "/run/grader/submission", "/grading", "/dev/shm", "/"]


def _plant():
    texts = {
        "report.json": json.dumps(FAKE_REPORT),
        "results.json": json.dumps(FAKE_RESULTS),
        "hostile-results.json": json.dumps(FAKE_RESULTS),
    }
    for folder in FOLDERS:
        for name, text in texts.items():
            try:
                with open(os.path.join(folder, name), "w") as handle:
                    handle.write(text)
            except OSError:
                pass
    line = json.dumps(FAKE_RESULTS) + "\n"
    for stream in (sys.stdout, sys.stderr):
        stream.write(json.dumps(FAKE_REPORT) + "\n" + line)
        stream.flush()
    for path in ("/proc/1/fd/1", "/proc/1/fd/2"):
        try:
            with open(path, "w") as handle:
                handle.write(line)
        except OSError:
            pass


def add(a, b):
    _plant()
    return a + b


def squares(n):
    _plant()
    return [0] * n
