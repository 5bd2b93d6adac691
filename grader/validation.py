"""Check an exercise against itself: reference full marks, starter below."""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.grading import grade
from grader.models import Exercise, Report
from grader.sandbox.base import Sandbox


@dataclass
class ValidationResult:
    exercise_id: str
    reference: Report
    starter: Report
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reference_summary(self) -> str:
        return _summary(self.reference)

    @property
    def starter_summary(self) -> str:
        return _summary(self.starter)


def _summary(report: Report) -> str:
    if report.status != "graded":
        return report.status
    return f"{report.score:g}/{report.max_score:g} ({report.percent:.0f}%)"


def validate_exercise(exercise: Exercise, sandbox: Sandbox) -> ValidationResult:
    suffix = ".sql" if exercise.kind == "sql" else ".py"
    reference = grade(exercise.reference / f"solution{suffix}", exercise, sandbox)
    starter = grade(exercise.starter, exercise, sandbox)
    result = ValidationResult(exercise.id, reference, starter)
    if reference.status != "graded" or reference.score != reference.max_score:
        failing = [t.name for t in reference.tests if t.outcome != "passed"]
        detail = f" (failing: {', '.join(failing[:3])})" if failing else ""
        result.problems.append(f"reference scores {_summary(reference)}{detail}")
    if starter.status == "graded" and starter.score >= starter.max_score:
        result.problems.append("starter scores full marks")
    if starter.status == "error":
        result.problems.append("grading the starter failed")
    return result
