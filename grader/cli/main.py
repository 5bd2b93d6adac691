"""Entry point and the single place that turns errors into messages and exit codes."""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import os
import sys
from typing import Any

import click

import grader
from grader.errors import GraderError

# Each command's module is imported only when that command runs: a grading does not pay for
# the catalog's or the image builder's imports.
_COMMANDS = {
    "grade": ("grader.cli.grade", "grade_command"),
    "exercises": ("grader.cli.catalog", "exercises_command"),
    "init": ("grader.cli.catalog", "init_command"),
    "validate": ("grader.cli.validate", "validate_command"),
    "image": ("grader.cli.image", "image_group"),
}


class GraderGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _COMMANDS:
            module, attribute = _COMMANDS[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)

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


def main() -> None:
    try:
        cli(prog_name="grader")
    except SystemExit as exc:
        _exit_now(exc.code)
    _exit_now(0)


def _exit_now(code: int | str | None) -> None:
    """Exit without tearing the interpreter down (the docker SDK and pytest's modules
    take ~40 ms to finalise, on every grading). Exit hooks still run and output is flushed."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
    status = code if isinstance(code, int) else (0 if code is None else 1)
    logging.shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None: the command was started with it closed
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    os._exit(status)
