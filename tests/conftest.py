"""Shared fixtures: packs, submissions, the two sandboxes, and the CLI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grader.cli.main import cli
from grader.models import Exercise, Report
from grader.pack import load_pack

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_PACK = FIXTURES / "packs" / "mini"
BEHAVIOURS = FIXTURES / "submissions" / "behaviours"
EXAMPLES = ROOT / "examples"


def docker_required() -> bool:
    """In CI a Docker test must run: a skip there is an error."""
    return bool(os.environ.get("CI") or os.environ.get("GRADER_REQUIRE_DOCKER"))


@pytest.fixture(scope="session")
def docker_client():
    from grader.errors import SandboxError
    from grader.sandbox.docker import docker_client as connect

    try:
        client = connect()
    except SandboxError as exc:
        if docker_required():
            pytest.fail(f"Docker is required in CI but unavailable: {exc}")
        pytest.skip(f"no Docker daemon: {exc}")
    yield client
    client.close()


@pytest.fixture(scope="session")
def sandbox_image(docker_client) -> str:
    from grader.sandbox.image import find_image

    image = find_image(docker_client)
    if image is None:
        message = "the sandbox image is not built (run scripts/setup.sh)"
        if docker_required():
            pytest.fail(message)
        pytest.skip(message)
    return image


@pytest.fixture(scope="session")
def docker_sandbox(docker_client, sandbox_image):
    from grader.sandbox.docker import DockerSandbox

    return DockerSandbox(docker_client, image=sandbox_image)


@pytest.fixture(scope="session")
def local_sandbox():
    from grader.sandbox.local import LocalSandbox

    return LocalSandbox()


@pytest.fixture(params=["local", "docker"])
def any_sandbox(request):
    return request.getfixturevalue(f"{request.param}_sandbox")


@pytest.fixture(scope="session")
def mini_exercise() -> Exercise:
    return load_pack(MINI_PACK).exercise("behaviours")


@pytest.fixture(scope="session")
def main_pack():
    return load_pack(ROOT)


def grade_file(path: Path, exercise: Exercise, sandbox) -> Report:
    from grader.grading import grade

    return grade(path, exercise, sandbox)


def outcomes(report: Report) -> dict[str, str]:
    return {t.name: t.outcome for t in report.tests}


def flag_codes(report: Report) -> set[str]:
    return {f.code for f in report.flags}


@pytest.fixture
def run_cli() -> Iterator:
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    yield invoke
