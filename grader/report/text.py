"""The terminal report.

Candidate-controlled strings only ever reach it after `one_line`: escape sequences and
control characters never reach the terminal, and nothing in them is interpreted.
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
from grader.report.escape import one_line
from grader.report.terminal import Cell, Column, lines_of, styled, table

WIDTH = 100
MESSAGE_LIMIT = 120
FLAG_LIMIT = 300
LINE_LIMIT = 400  # header values (paths, titles) wrap, but a megabyte path should not

OUTCOME_STYLES = {
    "passed": "green",
    "failed": "red",
    "error": "bold red",
    "timeout": "yellow",
    "crashed": "bold magenta",
    "skipped": "dim",
}
STATUS_STYLES = {"graded": "bold green", "rejected": "bold red", "error": "bold magenta"}

TESTS_COLUMNS = (
    Column("Test", ratio=3),
    Column("Outcome", wraps=False),
    Column("Points", right=True, wraps=False),
    Column("Message", ratio=4),
)
EXERCISES_COLUMNS = (
    Column("Exercise"),
    Column("Status", wraps=False),
    Column("Score", right=True, wraps=False),
    Column("Weight", right=True, wraps=False),
)
# Grids rather than plain lines: a long value wraps under itself instead of at column 0,
# where a path or message of the candidate's could pass for a line of the report
# ("Score: 10/10").
FLAGS_COLUMNS = (Column(wraps=False), Column())
LABELLED_COLUMNS = (Column(wraps=False), Column())


def _labelled(label: Cell, value: str, color: bool, style: str = "") -> list[str]:
    """`label value`, the value wrapping under itself."""
    row = (label, styled(one_line(value, LINE_LIMIT), style))
    return table(LABELLED_COLUMNS, [row], width=WIDTH, gap=0, color=color)


def _tests_rows(report: Report) -> list[tuple[Cell, ...]]:
    return [
        (
            styled(one_line(test.name or test.id, LINE_LIMIT)),
            styled(test.outcome, OUTCOME_STYLES.get(test.outcome, "")),
            styled(f"{fmt_number(test.points)}/{fmt_number(test.max_points)}"),
            styled(one_line(test.message, MESSAGE_LIMIT)),
        )
        for test in report.tests
    ]


def _exercises_rows(report: Report) -> list[tuple[Cell, ...]]:
    rows = []
    for row in exercise_rows(report):
        name = f"{row.title} ({row.id})" if row.title else row.id
        rows.append(
            (
                styled(one_line(name, LINE_LIMIT)),
                styled(one_line(row.status, 20), STATUS_STYLES.get(row.status, "")),
                styled(row.score),
                styled(row.weight),
            )
        )
    return rows


def _flags_rows(report: Report) -> list[tuple[Cell, ...]]:
    return [
        (
            (("  ", ""), (one_line(flag.code, 40), "bold"), (":", "")),
            styled(one_line(flag.message, FLAG_LIMIT)),
        )
        for flag in report.flags
    ]


def _header(report: Report, color: bool) -> list[str]:
    title = report.exercise_title or report.exercise_id
    submission = report.submission
    # the title and id come from the pack, the path from the candidate
    heading = ((one_line(title, LINE_LIMIT), "bold"), (f" ({one_line(report.exercise_id)})", ""))
    lines = lines_of(heading, WIDTH, color)
    path = f"{submission.path} ({submission.kind})"
    lines += _labelled(styled("Submission: ", "bold"), path, color)
    status_style = STATUS_STYLES.get(report.status, "")
    lines += _labelled(styled("Status: ", "bold"), report.status, color, status_style)
    if report.status == "rejected":
        reason = rejection_reason(report)
        detail = f"{reason.code}: {reason.message}" if reason else "no reason was recorded"
        lines += lines_of(styled(f"REJECTED: {REJECTED}.", "bold red"), WIDTH, color)
        lines += _labelled(styled("  reason: ", "bold red"), detail, color)
    elif report.status == "error":
        lines += lines_of(styled(f"GRADER ERROR: {GRADER_ERROR}.", "bold magenta"), WIDTH, color)
    if not report.environment.confined:
        warning = styled(f"WARNING: {UNCONFINED_WARNING}", "bold yellow reverse")
        lines += lines_of(warning, WIDTH, color)
    return lines


def _footer(report: Report) -> list[Cell]:
    if report.status == "error":
        score = styled("Score: not available (grader error)", "bold magenta")
    else:
        score = styled(f"Score: {fmt_score(report)}", "bold")
    env = report.environment
    image = f", image {env.image}" if env.image else ""
    where = f"sandbox {env.sandbox}{image}, grader {env.grader_version}"
    took = f"{fmt_number(report.duration_s)} s"
    return [score, styled(one_line(f"{where}, {took}", LINE_LIMIT), "dim")]


def _lines(cells: list[Cell], color: bool) -> list[str]:
    return [line for cell in cells for line in lines_of(cell, WIDTH, color)]


def render(report: Report, *, color: bool = False) -> str:
    sections = [_header(report, color)]
    if report.tests:
        sections.append(table(TESTS_COLUMNS, _tests_rows(report), width=WIDTH, color=color))
    elif report.status == "graded" and not report.exercises:
        sections.append(_lines([styled("No tests were run.", "dim")], color))
    if report.exercises:
        rows = _exercises_rows(report)
        sections.append(table(EXERCISES_COLUMNS, rows, width=WIDTH, color=color))
    if report.flags:
        flags = table(FLAGS_COLUMNS, _flags_rows(report), width=WIDTH, gap=1, color=color)
        sections.append([*_lines([styled("Flags:", "bold")], color), *flags])
    sections.append(_lines(_footer(report), color))
    # trailing blanks are noise in logs and diffs of saved reports
    return "\n\n".join("\n".join(line.rstrip() for line in s) for s in sections) + "\n"
