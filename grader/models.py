"""Frozen data that crosses module boundaries, each with one `to_dict`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

REPORT_SCHEMA = "grader.report/v1"

Outcome = Literal["passed", "failed", "error", "timeout", "crashed", "skipped"]
OUTCOMES: tuple[str, ...] = ("passed", "failed", "error", "timeout", "crashed", "skipped")
Status = Literal["graded", "rejected", "error"]
SubmissionKind = Literal["py", "dir", "zip", "ipynb", "sql"]
ExerciseKind = Literal["python", "sql"]


@dataclass(frozen=True)
class Limits:
    """Resource limits of one exercise; the pack's exercise.toml overrides the defaults."""

    test_timeout_s: float = 10.0
    total_timeout_s: float = 300.0
    memory_mb: int = 1024
    cpus: float = 1.0
    output_bytes: int = 1_000_000
    pids: int = 128
    restarts: int = 5
    tmpfs_mb: int = 64

    def to_dict(self) -> dict[str, Any]:
        return {
            "test_timeout_s": self.test_timeout_s,
            "total_timeout_s": self.total_timeout_s,
            "memory_mb": self.memory_mb,
            "cpus": self.cpus,
            "output_bytes": self.output_bytes,
            "pids": self.pids,
            "restarts": self.restarts,
            "tmpfs_mb": self.tmpfs_mb,
        }


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    kind: ExerciseKind
    entry_point: str | None  # snake_case name the candidate's module must define
    leetcode_method: str | None  # camelCase method of `class Solution`, when accepted
    limits: Limits
    version: str  # sha256 of the exercise's tests and config
    root: Path  # exercises/<id>
    hidden_tests: Path  # hidden_tests/<id>
    reference: Path  # reference/<id>
    forbidden_imports: tuple[str, ...] = ()

    @property
    def statement(self) -> Path:
        return self.root / "README.md"

    @property
    def starter(self) -> Path:
        return self.root / ("starter.sql" if self.kind == "sql" else "starter.py")

    @property
    def public_tests(self) -> Path:
        return self.root / "tests"

    @property
    def schema(self) -> Path:
        """The tables a SQL exercise's query runs on, for intake's checks and for learners."""
        return self.root / "schema.sql"


@dataclass(frozen=True)
class Flag:
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class SubmissionInfo:
    path: str
    sha256: str
    kind: SubmissionKind

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "kind": self.kind}


@dataclass(frozen=True)
class StagedSubmission:
    """A submission checked and copied into a private folder, ready for a worker."""

    info: SubmissionInfo
    directory: Path  # holds only the candidate's files, flattened to the module root
    entry_module: str | None  # importable module name; None for SQL
    notes: tuple[Flag, ...] = ()  # informational flags (magics neutralised, files left out)
    notebook: bool = False  # the entry module holds a notebook's code cells, run cell by cell
    # Python files that call get_ipython()'s magics: a notebook exported as a script, which
    # runs with IPython's builtins
    exported_notebook: bool = False


@dataclass(frozen=True)
class TestResult:
    id: str
    name: str
    outcome: Outcome
    points: float
    max_points: float
    duration_s: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "outcome": self.outcome,
            "points": self.points,
            "max_points": self.max_points,
            "duration_s": self.duration_s,
            "message": self.message,
        }


@dataclass(frozen=True)
class Environment:
    sandbox: str
    image: str | None
    grader_version: str
    confined: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "sandbox": self.sandbox,
            "image": self.image,
            "grader_version": self.grader_version,
            "confined": self.confined,
        }


@dataclass(frozen=True)
class Report:
    exercise_id: str
    exercise_title: str
    exercise_version: str
    submission: SubmissionInfo
    status: Status
    score: float
    max_score: float
    tests: tuple[TestResult, ...]
    flags: tuple[Flag, ...]
    environment: Environment
    duration_s: float
    exercises: tuple[dict[str, Any], ...] | None = field(default=None)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema": REPORT_SCHEMA,
            "exercise": {
                "id": self.exercise_id,
                "title": self.exercise_title,
                "version": self.exercise_version,
            },
            "submission": self.submission.to_dict(),
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "percent": self.percent,
            "tests": [t.to_dict() for t in self.tests],
            "flags": [f.to_dict() for f in self.flags],
            "environment": self.environment.to_dict(),
            "duration_s": self.duration_s,
        }
        if self.exercises is not None:
            data["exercises"] = list(self.exercises)
        return data
