"""Pure scoring: the harness's raw per-test outcomes and the pack's points -> a Report.

The score is recomputed here from outcomes; no total from the sandbox is trusted.
"""

from __future__ import annotations

import math
from typing import Any

from grader.flags import ALL_FLAG_CODES, FlagCode
from grader.models import (
    OUTCOMES,
    Environment,
    Exercise,
    Flag,
    Report,
    Status,
    SubmissionInfo,
    TestResult,
)

GRADER_FAULT_MESSAGE = "the grader failed while grading this submission; this is not your fault"


def _number(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if math.isfinite(value) and value >= 0 else default


def _text(value: Any, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


def tests_from_results(results: dict[str, Any]) -> tuple[TestResult, ...]:
    tests = []
    for raw in results.get("tests", []):
        if not isinstance(raw, dict):
            continue
        outcome = raw.get("outcome")
        if outcome not in OUTCOMES:
            outcome = "error"
        max_points = _number(raw.get("max_points"), 1.0)
        tests.append(
            TestResult(
                id=_text(raw.get("id")),
                name=_text(raw.get("name")),
                outcome=outcome,
                points=max_points if outcome == "passed" else 0.0,
                max_points=max_points,
                duration_s=_number(raw.get("duration_s")),
                message=_text(raw.get("message")),
            )
        )
    return tuple(tests)


def flags_from_results(results: dict[str, Any]) -> tuple[Flag, ...]:
    flags = []
    for raw in results.get("flags", []):
        if isinstance(raw, dict) and raw.get("code") in ALL_FLAG_CODES:
            flags.append(Flag(raw["code"], _text(raw.get("message"))))
    return tuple(flags)


def make_report(
    exercise: Exercise,
    submission: SubmissionInfo,
    environment: Environment,
    *,
    status: Status,
    tests: tuple[TestResult, ...] = (),
    flags: tuple[Flag, ...] = (),
    duration_s: float,
    max_score: float | None = None,
) -> Report:
    """`max_score` is for reports without tests (rejected): the exercise's points."""
    score = sum(t.points for t in tests) if status == "graded" else 0.0
    if tests or max_score is None:
        max_score = sum(t.max_points for t in tests)
    return Report(
        exercise_id=exercise.id,
        exercise_title=exercise.title,
        exercise_version=exercise.version,
        submission=submission,
        status=status,
        score=score,
        max_score=max_score,
        tests=tests,
        flags=flags if status == "rejected" else _with_environment_flags(flags, environment),
        environment=environment,
        duration_s=round(duration_s, 3),
    )


def _with_environment_flags(flags: tuple[Flag, ...], environment: Environment) -> tuple[Flag, ...]:
    if environment.confined:
        return flags
    return (
        *flags,
        Flag(FlagCode.UNCONFINED, "graded with --sandbox local: the code ran unconfined"),
    )


def graded_report(
    exercise: Exercise,
    submission: SubmissionInfo,
    environment: Environment,
    results: dict[str, Any],
    notes: tuple[Flag, ...],
    duration_s: float,
) -> Report:
    tests = tests_from_results(results)
    flags = (*notes, *flags_from_results(results))
    collection_errors = results.get("collection_errors") or []
    if collection_errors or not tests:
        # the pack's tests could not be collected: the grader's fault, never the candidate's
        return make_report(
            exercise,
            submission,
            environment,
            status="error",
            tests=tests,
            flags=(*notes, Flag(FlagCode.CRASHED, GRADER_FAULT_MESSAGE)),
            duration_s=duration_s,
        )
    if results.get("broken") and all(t.outcome == "crashed" for t in tests):
        flags = (*flags, Flag(FlagCode.CRASHED, "the sandbox stopped responding"))
    return make_report(
        exercise,
        submission,
        environment,
        status="graded",
        tests=tests,
        flags=flags,
        duration_s=duration_s,
    )
