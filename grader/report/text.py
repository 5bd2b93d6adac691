"""The terminal report, rendered with rich into a string.

Candidate-controlled strings only ever reach rich as `Text` objects (never as
markup) after `one_line`, so "[bold]" stays literal and escape sequences never
reach the terminal.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

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


def _console(buffer: io.StringIO, color: bool) -> Console:
    return Console(
        file=buffer,
        width=WIDTH,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
        # Pinned so that rendering never depends on the host: under IPython rich
        # would otherwise display the output instead of writing it to our buffer.
        force_jupyter=False,
        legacy_windows=False,
    )


def _line(label: str, value: str, style: str = "") -> Text:
    return Text.assemble((label, "bold"), (one_line(value, LINE_LIMIT), style))


def _tests_table(report: Report) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("Test", overflow="fold", ratio=3)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Message", overflow="fold", ratio=4)
    for test in report.tests:
        table.add_row(
            Text(one_line(test.name or test.id, LINE_LIMIT)),
            Text(test.outcome, style=OUTCOME_STYLES.get(test.outcome, "")),
            Text(f"{fmt_number(test.points)}/{fmt_number(test.max_points)}"),
            Text(one_line(test.message, MESSAGE_LIMIT)),
        )
    return table


def _exercises_table(report: Report) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Exercise", overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Weight", justify="right", no_wrap=True)
    for row in exercise_rows(report):
        name = f"{row.title} ({row.id})" if row.title else row.id
        table.add_row(
            Text(one_line(name, LINE_LIMIT)),
            Text(one_line(row.status, 20), style=STATUS_STYLES.get(row.status, "")),
            Text(row.score),
            Text(row.weight),
        )
    return table


def _flags_grid(report: Report) -> Table:
    # A grid rather than plain lines so that a long message wraps under itself
    # instead of at column 0, where it could pass for a line of the report.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for flag in report.flags:
        grid.add_row(
            Text.assemble("  ", (one_line(flag.code, 40), "bold"), ":"),
            Text(one_line(flag.message, FLAG_LIMIT)),
        )
    return grid


def _header(report: Report) -> list[RenderableType]:
    title = report.exercise_title or report.exercise_id
    submission = report.submission
    lines: list[RenderableType] = [
        Text.assemble((one_line(title, LINE_LIMIT), "bold"), f" ({one_line(report.exercise_id)})"),
        _line("Submission: ", f"{submission.path} ({submission.kind})"),
        _line("Status: ", report.status, STATUS_STYLES.get(report.status, "")),
    ]
    if report.status == "rejected":
        reason = rejection_reason(report)
        detail = f"{reason.code}: {reason.message}" if reason else "no reason was recorded"
        lines.append(Text(f"REJECTED: {REJECTED}.", style="bold red"))
        lines.append(Text.assemble(("  reason: ", "bold red"), one_line(detail, LINE_LIMIT)))
    elif report.status == "error":
        lines.append(Text(f"GRADER ERROR: {GRADER_ERROR}.", style="bold magenta"))
    if not report.environment.confined:
        lines.append(Text(f"WARNING: {UNCONFINED_WARNING}", style="bold yellow reverse"))
    return lines


def _footer(report: Report) -> list[RenderableType]:
    if report.status == "error":
        score = Text("Score: not available (grader error)", style="bold magenta")
    else:
        score = Text(f"Score: {fmt_score(report)}", style="bold")
    env = report.environment
    image = f", image {env.image}" if env.image else ""
    where = f"sandbox {env.sandbox}{image}, grader {env.grader_version}"
    took = f"{fmt_number(report.duration_s)} s"
    return [score, Text(one_line(f"{where}, {took}", LINE_LIMIT), style="dim")]


def render(report: Report, *, color: bool = False) -> str:
    sections: list[list[RenderableType]] = [_header(report)]
    if report.tests:
        sections.append([_tests_table(report)])
    elif report.status == "graded" and not report.exercises:
        sections.append([Text("No tests were run.", style="dim")])
    if report.exercises:
        sections.append([_exercises_table(report)])
    if report.flags:
        sections.append([Text("Flags:", style="bold"), _flags_grid(report)])
    sections.append(_footer(report))

    buffer = io.StringIO()
    console = _console(buffer, color)
    for index, section in enumerate(sections):
        if index:
            console.print()
        for item in section:
            console.print(item)
    # rich pads every table row to the full width; trailing blanks are noise in
    # logs and diffs of saved reports.
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))
