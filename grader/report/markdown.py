"""The Markdown report, sized for a pull-request comment or a job summary.

Everything that did not come from this module goes through `md_escape`, so a
candidate message cannot add links, images, HTML, mentions or table columns.
"""

from __future__ import annotations

from grader.models import Report
from grader.report.common import (
    GRADER_ERROR,
    REJECTED,
    UNCONFINED_WARNING,
    exercise_rows,
    fmt_number,
    fmt_score,
    rejection_reason,
)
from grader.report.escape import md_escape

MESSAGE_LIMIT = 300
LINE_LIMIT = 400

OUTCOME_ICONS = {
    "passed": "✅",
    "failed": "❌",
    "error": "💥",
    "timeout": "⏱️",
    "crashed": "💥",
    "skipped": "⏭️",
}
STATUS_ICONS = {"graded": "📝", "rejected": "⛔", "error": "⚠️"}


def _cell(text: str, limit: int = LINE_LIMIT) -> str:
    return md_escape(text, limit)


def _tests_table(report: Report) -> list[str]:
    lines = ["| Test | Outcome | Points | Message |", "| --- | --- | ---: | --- |"]
    for test in report.tests:
        icon = OUTCOME_ICONS.get(test.outcome, "")
        lines.append(
            f"| {_cell(test.name or test.id)} | {icon} {_cell(test.outcome)} "
            f"| {fmt_number(test.points)}/{fmt_number(test.max_points)} "
            f"| {_cell(test.message, MESSAGE_LIMIT)} |"
        )
    return lines


def _exercises_table(report: Report) -> list[str]:
    lines = ["| Exercise | Status | Score | Weight |", "| --- | --- | ---: | ---: |"]
    for row in exercise_rows(report):
        name = f"{_cell(row.title)} ({_cell(row.id)})" if row.title else _cell(row.id)
        lines.append(f"| {name} | {_cell(row.status, 20)} | {row.score} | {row.weight} |")
    return lines


def render(report: Report, *, color: bool = False) -> str:
    del color  # Markdown is styled by whoever renders it
    title = report.exercise_title or report.exercise_id
    icon = STATUS_ICONS.get(report.status, "")
    lines = [f"## {icon} {_cell(title)} ({_cell(report.exercise_id)})", ""]

    score = "not available" if report.status == "error" else fmt_score(report)
    submission = report.submission
    lines.append(
        f"**Score: {score}** · status: **{_cell(report.status)}** · "
        f"submission: {_cell(submission.path)} ({_cell(submission.kind)})"
    )
    lines.append("")

    if report.status == "rejected":
        reason = rejection_reason(report)
        detail = (
            f"**{_cell(reason.code)}**: {_cell(reason.message)}"
            if reason
            else "no reason was recorded"
        )
        lines += [f"> **Rejected:** {REJECTED}: {detail}", ""]
    elif report.status == "error":
        lines += [f"> **Grader error:** {GRADER_ERROR}.", ""]
    if not report.environment.confined:
        lines += [f"> **Warning:** {_cell(UNCONFINED_WARNING)}", ""]

    if report.tests:
        lines += [*_tests_table(report), ""]
    elif report.status == "graded" and not report.exercises:
        lines += ["_No tests were run._", ""]

    if report.exercises:
        lines += [*_exercises_table(report), ""]

    if report.flags:
        lines += ["**Flags**", ""]
        lines += [f"- **{_cell(f.code, 60)}**: {_cell(f.message)}" for f in report.flags]
        lines.append("")

    env = report.environment
    image = f", image {env.image}" if env.image else ""
    footer = (
        f"sandbox {env.sandbox}{image}, grader {env.grader_version}, "
        f"{fmt_number(report.duration_s)} s"
    )
    lines.append(f"<sub>{_cell(footer)}</sub>")
    return "\n".join(lines) + "\n"
