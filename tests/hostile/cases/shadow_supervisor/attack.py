"""Plants /tmp/numpy.py for the supervisor, which runs from /tmp and imports numpy only when
the first array crosses; the planted module marks that it ran as PID 1, then hands over to
the real numpy so that grading goes on.

echo() answers "owned" once the mark exists: a supervisor that ran candidate code costs the
echo point, so the honest 12 of 12 is reached only when the shadow never runs there.
"""

import os

SHADOW = """
import os, sys
if os.getpid() == 1:
    open("/tmp/hostile-pid1-owned", "w").close()
sys.path[:] = [p for p in sys.path if p not in ("/tmp", "")]
del sys.modules["numpy"]
import numpy as _real
sys.modules["numpy"] = _real
"""


def add(a, b):
    with open("/tmp/numpy.py", "w") as handle:
        handle.write(SHADOW)
    return a + b


def echo(value):
    return "owned" if os.path.exists("/tmp/hostile-pid1-owned") else value
