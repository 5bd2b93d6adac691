"""Sandboxes that run a grading: Docker (confined) or local (unconfined)."""

from __future__ import annotations

import os
from collections.abc import Callable

# The package stays light to import (not even typing): grader.launch starts a local
# harness through one of its modules before anything else is loaded.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from grader.sandbox.base import Sandbox

SANDBOX_CHOICES = ("auto", "docker", "local")
UNCONFINED_WARNING = (
    "WARNING: grading with --sandbox local: the submission's code runs UNCONFINED "
    "with your user's rights (no container, no network or file isolation)"
)

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"

__all__ = ["SANDBOX_CHOICES", "docker_host", "no_docker_here", "select_sandbox"]


def docker_host() -> str:
    """Where the Docker daemon is asked for: $DOCKER_HOST, else the local socket."""
    return os.environ.get("DOCKER_HOST") or DEFAULT_DOCKER_HOST


def no_docker_here() -> bool:
    """Whether no daemon can answer: the host is a local socket that does not exist (a daemon
    that exists may still not answer; only asking it tells)."""
    host = docker_host()
    return host.startswith("unix://") and not os.path.exists(host.removeprefix("unix://"))


def select_sandbox(
    choice: str,
    *,
    progress: Callable[[str], None],
    warn: Callable[[str], None],
    runtime: str | None = None,
) -> Sandbox:
    """`auto` is Docker when a daemon answers, else local with a loud warning."""
    if choice not in SANDBOX_CHOICES:
        from grader.errors import UsageError

        raise UsageError(f"unknown sandbox {choice!r} (choose from {', '.join(SANDBOX_CHOICES)})")
    if choice in ("auto", "docker"):
        from grader.errors import SandboxError
        from grader.sandbox.docker import DockerSandbox
        from grader.sandbox.engine import connect_engine

        try:
            engine = connect_engine()
        except SandboxError:
            if choice == "docker":
                raise
            warn("no Docker daemon answered: falling back to --sandbox local")
        else:
            return DockerSandbox(engine=engine, progress=progress, runtime=runtime)
    from grader.sandbox.local import LocalSandbox

    warn(UNCONFINED_WARNING)
    return LocalSandbox()
