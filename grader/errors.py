"""Errors the grader raises for its own or its user's faults.

Candidate faults are never exceptions that reach the CLI: they become a
`rejected` report or a failed test. The exit code lives on each class and the
CLI is the single place that turns one of these into a message and a code.

    GraderError (exit 3: infrastructure)
    ├── UsageError (exit 2: bad command line, unknown exercise, unreadable path)
    │   └── PackError (exit 2: invalid exercise pack, every problem listed)
    └── SandboxError (exit 3: Docker unreachable, image missing and not buildable)
"""

from __future__ import annotations


class GraderError(Exception):
    exit_code = 3


class UsageError(GraderError):
    exit_code = 2


class PackError(UsageError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid exercise pack ({len(self.problems)} {noun}):\n{lines}")


class SandboxError(GraderError):
    exit_code = 3
