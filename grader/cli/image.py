"""`grader image build`."""

from __future__ import annotations

import contextlib

import click

from grader.cli.options import progress


@click.group("image")
def image_group() -> None:
    """Manage the sandbox image."""


@image_group.command("build")
@click.option(
    "--base",
    default=None,
    metavar="IMAGE",
    help="Base image with python3 (default: $GRADER_BASE_IMAGE or python:3.11-slim).",
)
@click.option("--force", is_flag=True, help="Rebuild even when an up-to-date image exists.")
def build_command(base: str | None, force: bool) -> None:
    """Build the sandbox image (reused while its inputs are unchanged)."""
    from grader.sandbox.docker import docker_client
    from grader.sandbox.image import build_image

    with contextlib.closing(docker_client(timeout=600)) as client:
        tag = build_image(client, base=base, progress=progress, force=force)
    click.echo(tag)
