"""Entry point and the single place that turns errors into messages and exit codes."""

from __future__ import annotations

import logging
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
    cli(prog_name="grader")
