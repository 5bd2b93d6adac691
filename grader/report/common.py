"""Wording and number formatting shared by the human-readable formats."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from grader.flags import FlagCode
from grader.models import Flag, Report

UNCONFINED_WARNING = "ran UNCONFINED: --sandbox local gives no isolation"
GRADER_ERROR = "the grader failed while grading this submission; this is not the candidate's fault"
REJECTED = "the submission could not be graded as given"

# Flags that describe what the grader did to the submission rather than why it
# was turned away; never shown as the reason for a rejection.
_INFORMATIONAL = frozenset({FlagCode.NOTEBOOK_MAGIC, FlagCode.IGNORED_FILES, FlagCode.UNCONFINED})


def fmt_number(value: float) -> str:
    """2.0 -> "2", 1.5 -> "1.5", 1/3 -> "0.33": points read as people write them."""
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fmt_percent(value: float) -> str:
    return f"{value:.1f}%" if math.isfinite(value) else str(value)


def fmt_score(report: Report) -> str:
    """ "7/10 (70.0%)" """
    return (
        f"{fmt_number(report.score)}/{fmt_number(report.max_score)} ({fmt_percent(report.percent)})"
    )


def rejection_reason(report: Report) -> Flag | None:
    """The flag that explains a rejection: the first one that is not merely informational."""
    for flag in report.flags:
        if flag.code not in _INFORMATIONAL:
            return flag
    return report.flags[0] if report.flags else None


@dataclass(frozen=True)
class ExerciseRow:
    """One part of an assignment, read defensively from its plain dict."""

    id: str
    title: str
    status: str
    score: str
    weight: str


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def exercise_rows(report: Report) -> list[ExerciseRow]:
    rows: list[ExerciseRow] = []
    for entry in report.exercises or ():
        exercise = entry.get("exercise") or {}
        score = _as_float(entry.get("score"))
        max_score = _as_float(entry.get("max_score"))
        percent = _as_float(entry.get("percent"))
        rows.append(
            ExerciseRow(
                id=str(exercise.get("id", "?")),
                title=str(exercise.get("title", "")),
                status=str(entry.get("status", "?")),
                score=f"{fmt_number(score)}/{fmt_number(max_score)} ({fmt_percent(percent)})",
                weight=fmt_number(_as_float(entry.get("weight"))),
            )
        )
    return rows
