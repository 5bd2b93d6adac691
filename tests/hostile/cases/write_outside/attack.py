"""Tries to write everywhere but its scratch space, including the grader's own code.

answer() returns 42 only when every write failed.
"""

TARGETS = [
    "/hostile-probe",
    "/etc/hostile-probe",
    "/opt/grader/grader/harness/plugin.py",
    "/opt/grader/grader/hostile-probe.py",
    "/run/grader/channel/hostile-probe",
    "/run/grader/submission/hostile-probe",
    "/run/grader/hostile-probe",
    "/grading/hostile-probe",
    "/usr/lib/hostile-probe",
    "/var/hostile-probe",
    "/sys/fs/cgroup/hostile-probe",
    "/proc/sys/kernel/hostname",
]


def _writable(path):
    try:
        with open(path, "a") as handle:
            handle.write("")
        return True
    except OSError:
        return False


def answer():
    written = [path for path in TARGETS if _writable(path)]
    return 42 if not written else f"wrote {written}"
