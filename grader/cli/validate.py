"""`grader validate [ID...]`: each reference scores full marks, each starter less."""

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


@click.command("validate")
@click.argument("exercise_ids", nargs=-1, metavar="[ID]...")
@pack_option
@sandbox_options
def validate_command(
    exercise_ids: tuple[str, ...],
    pack_root: Path | None,
    sandbox: str,
    timeout: float | None,
    runtime: str | None,
) -> None:
    """Prove each exercise's reference scores 100% and its starter scores less."""
    from grader.report.terminal import Column, titled_table
    from grader.sandbox import select_sandbox
    from grader.validation import validate_exercise

    pack = open_pack(pack_root)
    exercises = [pack.exercise(i) for i in exercise_ids] if exercise_ids else list(pack.exercises)
    chosen = select_sandbox(sandbox, progress=progress, warn=warn, runtime=runtime)
    rows = []
    all_ok = True
    with contextlib.closing(chosen):
        for exercise in exercises:
            progress(f"validating {exercise.id}")
            result = validate_exercise(with_timeout(exercise, timeout), chosen)
            all_ok &= result.ok
            verdict = "ok" if result.ok else "FAILED: " + "; ".join(result.problems)
            rows.append((exercise.id, result.reference_summary, result.starter_summary, verdict))
    columns = [Column(name) for name in ("exercise", "reference", "starter", "verdict")]
    emit(titled_table("Validation", columns, rows), "the table")
    sys.exit(0 if all_ok else 1)
