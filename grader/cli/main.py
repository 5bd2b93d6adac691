"""Entry point and the single place that turns errors into messages and exit codes."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
from typing import Any

import click

import grader
from grader.errors import GraderError


class GraderGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GraderError as exc:
            click.echo(f"grader: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("grader: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=GraderGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(grader.__version__, prog_name="grader")
@click.option("-v", "--verbose", is_flag=True, help="Log the grader's own diagnostics to stderr.")
def cli(verbose: bool) -> None:
    """Grade coding and ML take-home submissions in a sandbox."""
    logging.basicConfig(
        level=logging.WARNING, format="grader: %(levelname)s: %(message)s", stream=sys.stderr
    )
    if verbose:
        logging.getLogger("grader").setLevel(logging.DEBUG)


def _register() -> None:
    from grader.cli import catalog, grade, image, validate

    cli.add_command(grade.grade_command)
    cli.add_command(catalog.exercises_command)
    cli.add_command(catalog.init_command)
    cli.add_command(validate.validate_command)
    cli.add_command(image.image_group)


_register()


def main() -> None:
    try:
        cli(prog_name="grader")
    except SystemExit as exc:
        _exit_now(exc.code)
    _exit_now(0)


def _exit_now(code: int | str | None) -> None:
    """Exit without tearing the interpreter down (the docker SDK, rich and pytest's modules
    take ~40 ms to finalise, on every grading). Exit hooks still run and output is flushed."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
    status = code if isinstance(code, int) else (0 if code is None else 1)
    logging.shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
