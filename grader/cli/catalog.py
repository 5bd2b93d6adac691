"""`grader exercises [show ID]` and `grader init ID [DEST]`."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from grader.cli.options import emit, open_pack, pack_option
from grader.errors import UsageError
from grader.models import Exercise


@click.group("exercises", invoke_without_command=True)
@pack_option
@click.pass_context
def exercises_command(ctx: click.Context, pack_root: Path | None) -> None:
    """List the exercises and assignments of the active pack."""
    ctx.obj = pack_root
    if ctx.invoked_subcommand is not None:
        return
    from grader.report.terminal import Column, titled_table

    pack = open_pack(pack_root)
    columns = (
        Column("id", wraps=False),  # ids are typed back on the command line: never cut
        Column("title"),
        Column("kind"),
        Column("entry point"),
        Column("points", right=True),
    )
    rows = [
        (exercise.id, exercise.title, exercise.kind, _entry(exercise), _points(exercise))
        for exercise in pack.exercises
    ]
    emit(titled_table(f"Exercises in {pack.root}", columns, rows), "the list")
    if pack.assignments:
        click.echo("Assignments: " + ", ".join(pack.assignments))


def _entry(exercise: Exercise) -> str:
    if exercise.kind == "sql":
        return "one SELECT in a .sql file"
    if exercise.leetcode_method:
        return f"{exercise.entry_point} / Solution.{exercise.leetcode_method}"
    return exercise.entry_point or ""


def _points(exercise: Exercise) -> str:
    from grader.catalog import exercise_points

    points = exercise_points(exercise)
    # unknown when the hidden tests build their cases at run time
    return "?" if points is None else f"{points:g}"


@exercises_command.command("show")
@click.argument("exercise_id", metavar="ID")
@click.pass_obj
def show_command(pack_root: Path | None, exercise_id: str) -> None:
    """Print an exercise's statement."""
    exercise = open_pack(pack_root).exercise(exercise_id)
    click.echo(exercise.statement.read_text(encoding="utf-8"), nl=False)


@click.command("init")
@click.argument("exercise_id", metavar="EXERCISE")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@pack_option
def init_command(exercise_id: str, dest: Path | None, pack_root: Path | None) -> None:
    """Copy an exercise's starter, statement and public tests into DEST (default ./EXERCISE)."""
    exercise = open_pack(pack_root).exercise(exercise_id)
    written = init_exercise(exercise, dest or Path(exercise.id))
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: edit {written[0]}, then run: grader grade {written[0]} -e {exercise.id}")


def init_exercise(exercise: Exercise, dest: Path) -> list[Path]:
    """Copy the learner's files; refuse to overwrite anything that exists."""
    solution = "solution.sql" if exercise.kind == "sql" else "solution.py"
    plan: list[tuple[Path, Path]] = [
        (exercise.starter, dest / solution),
        (exercise.statement, dest / "README.md"),
    ]
    if exercise.kind == "sql" and exercise.schema.is_file():
        plan.append((exercise.schema, dest / exercise.schema.name))
    if exercise.public_tests.is_dir():
        for path in sorted(exercise.public_tests.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                plan.append((path, dest / "tests" / path.relative_to(exercise.public_tests)))
    existing = [str(target) for _, target in plan if target.exists() or target.is_symlink()]
    if existing:
        raise UsageError("refusing to overwrite existing files: " + ", ".join(existing))
    for source, target in plan:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return [target for _, target in plan]
