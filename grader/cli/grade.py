"""`grader grade SUBMISSION -e EXERCISE`."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from grader.cli.options import (
    emit,
    open_pack,
    pack_option,
    progress,
    sandbox_options,
    warn,
    with_timeout,
)
from grader.errors import GraderError, UsageError
from grader.models import Report
from grader.report import FORMATS, render, renderer

EXIT_BELOW_MIN_SCORE = 1
EXIT_GRADER_ERROR = 3


@click.command("grade")
@click.argument("submission", type=click.Path(path_type=Path))
@click.option(
    "-e",
    "--exercise",
    "exercise_id",
    required=True,
    metavar="ID",
    help="Exercise to grade against (see `grader exercises`).",
)
@pack_option
@sandbox_options
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Report format; repeat together with --output for several files. [default: text]",
)
@click.option(
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Write the report to this file (one per --format, in order).",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PERCENT",
    help="Exit 1 when the score is below PERCENT (a rejected submission counts as 0).",
)
def grade_command(
    submission: Path,
    exercise_id: str,
    pack_root: Path | None,
    sandbox: str,
    timeout: float | None,
    runtime: str | None,
    formats: tuple[str, ...],
    outputs: tuple[Path, ...],
    min_score: float | None,
) -> None:
    """Grade one SUBMISSION (.py, folder, .zip, .ipynb or .sql) against an exercise."""
    from grader.sandbox import select_sandbox

    targets = _targets(formats, outputs)
    for _, path in targets:
        if path is not None and path.is_dir():
            raise UsageError(f"--output {path}: is a folder; give a file name")
    if not submission.exists():
        raise UsageError(f"submission not found: {submission}")
    exercise = with_timeout(open_pack(pack_root).exercise(exercise_id), timeout)
    from grader.sandbox.base import phase

    with phase("connect to the sandbox"):
        chosen = select_sandbox(
            sandbox,
            progress=progress,
            warn=warn,
            runtime=runtime,
        )
    with contextlib.closing(chosen):
        chosen.prestart()
        from grader.grading import grade

        for fmt, _ in targets:
            renderer(fmt)  # loaded while a local harness still imports pytest, not after it
        progress(f"grading {submission} against {exercise.id}")
        report = grade(submission, exercise, chosen)
    _write(report, targets)
    sys.exit(exit_code(report, min_score))


def exit_code(report: Report, min_score: float | None) -> int:
    if report.status == "error":
        return EXIT_GRADER_ERROR
    if min_score is not None:
        percent = report.percent if report.status == "graded" else 0.0
        if percent < min_score:
            return EXIT_BELOW_MIN_SCORE
    return 0


def _targets(formats: tuple[str, ...], outputs: tuple[Path, ...]) -> list[tuple[str, Path | None]]:
    if not outputs:
        if len(formats) > 1:
            raise UsageError("several --format values need one --output each")
        return [(formats[0] if formats else "text", None)]
    if not formats:
        formats = tuple(_format_from_suffix(path) for path in outputs)
    if len(formats) != len(outputs):
        raise UsageError("give one --output per --format, in the same order")
    return list(zip(formats, outputs, strict=True))


def _format_from_suffix(path: Path) -> str:
    return {".json": "json", ".md": "markdown"}.get(path.suffix.lower(), "text")


def _write(report: Report, targets: list[tuple[str, Path | None]]) -> None:
    for fmt, path in targets:
        if path is None:
            color = fmt == "text" and sys.stdout is not None and sys.stdout.isatty()
            emit(render(report, fmt, color=color))
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(render(report, fmt), encoding="utf-8")
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise GraderError(f"cannot write the {fmt} report to {path}: {reason}") from None
            progress(f"wrote {fmt} report to {path}")
