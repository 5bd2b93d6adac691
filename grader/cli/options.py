"""Options shared by several commands, and small helpers to print to the user."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from grader.models import Exercise
from grader.pack import Pack, load_pack
from grader.sandbox import SANDBOX_CHOICES

F = Callable[..., Any]


def pack_option(func: F) -> F:
    return click.option(
        "--pack",
        "pack_root",
        type=click.Path(path_type=Path),
        envvar="GRADER_PACK",
        help="Exercise pack folder (default: the pack shipped with grader; env GRADER_PACK).",
    )(func)


def sandbox_options(func: F) -> F:
    func = click.option(
        "--runtime",
        default=None,
        metavar="NAME",
        help="Docker runtime for the containers, e.g. runsc (gVisor).",
    )(func)
    func = click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=None,
        metavar="SECONDS",
        help="Per-test time limit, overriding the exercise's.",
    )(func)
    return click.option(
        "--sandbox",
        type=click.Choice(SANDBOX_CHOICES),
        default="auto",
        show_default=True,
        help="docker: confined containers; local: unconfined processes; auto: docker if available.",
    )(func)


def open_pack(pack_root: Path | None) -> Pack:
    from grader.sandbox.base import phase

    with phase("load the exercise pack"):
        return load_pack(pack_root)


def with_timeout(exercise: Exercise, timeout: float | None) -> Exercise:
    if timeout is None:
        return exercise
    limits = exercise.limits
    total = max(limits.total_timeout_s, timeout)
    return replace(exercise, limits=replace(limits, test_timeout_s=timeout, total_timeout_s=total))


def progress(message: str) -> None:
    """Progress of long work, on stderr only, so stdout stays one clean document."""
    click.secho(f"grader: {message}", err=True, dim=True)


def warn(message: str) -> None:
    click.secho(f"grader: {message}", err=True, fg="yellow", bold=True)


def emit(text: str, what: str = "the report") -> None:
    """`text` on stdout, in whatever its encoding can show (the table rule in ASCII, other
    characters as '?'); a reader gone away (`| head`) is not an error."""
    from grader.errors import GraderError
    from grader.report.terminal import RULE

    stream = sys.stdout
    if stream is None:
        warn(f"stdout is closed: {what} was not written")
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = text.replace(RULE, "-").encode(encoding, "replace").decode(encoding)
    try:
        click.echo(text, nl=False)
        stream.flush()
    except BrokenPipeError:
        pass
    except OSError as exc:
        raise GraderError(f"cannot write {what} to stdout: {exc.strerror or exc}") from None
