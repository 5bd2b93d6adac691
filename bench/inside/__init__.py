"""Timers run inside the sandbox containers in place of the harness and supervisor commands.

Each file is passed as `python -c <source> <original arguments>`; it marks moments
as `GRADER-BENCH <event> <unix time>` lines on the container's stderr, then runs the
real entry point unchanged. Containers share the host's clock, so the marks line up
with the host's own.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
MARK_PREFIX = "GRADER-BENCH"


def source(name: str) -> str:
    return (HERE / f"{name}.py").read_text()
