"""The outer wall, observed from inside the worker container, and cleanup."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from grader.pack import load_pack
from grader.sandbox.docker import COPY_MODE_ENV, RUN_TAG_ENV, TAG_LABEL, DockerSandbox
from tests.conftest import BEHAVIOURS, FIXTURES, MINI_PACK, flag_codes, grade_file, outcomes
from tests.contract import assert_valid_report

INSPECTOR = FIXTURES / "submissions" / "walls" / "inspector.py"


@pytest.fixture(scope="module")
def walls_exercise():
    return load_pack(MINI_PACK).exercise("walls")


@pytest.mark.parametrize("copy_mode", ["bind", "archive"])
def test_every_wall_holds_in_docker(
    docker_client, sandbox_image, walls_exercise, monkeypatch, copy_mode
):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    monkeypatch.setenv(COPY_MODE_ENV, copy_mode)
    sandbox = DockerSandbox(docker_client, image=sandbox_image)
    assert sandbox.binds is (copy_mode == "bind")
    report = grade_file(INSPECTOR, walls_exercise, sandbox)
    assert_valid_report(report.to_dict())
    failing = {t.name: t.message for t in report.tests if t.outcome != "passed"}
    assert failing == {}
    assert report.environment.sandbox == "docker" and report.environment.confined


def test_local_sandbox_keeps_the_split_but_not_the_walls(local_sandbox, walls_exercise):
    report = grade_file(INSPECTOR, walls_exercise, local_sandbox)
    results = outcomes(report)
    assert results["cannot see the hidden tests or the harness config"] in {"passed", "failed"}
    assert "unconfined" in flag_codes(report)


def _leftovers(client, tag: str) -> list[str]:
    label = f"{TAG_LABEL}={tag}"
    containers = client.containers.list(all=True, filters={"label": label})
    volumes = client.volumes.list(filters={"label": label})
    return [c.name for c in containers] + [v.name for v in volumes]


def _start_grading(tag: str, *extra: str) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "grader",
        "grade",
        str(BEHAVIOURS / "infinite_loop.py"),
        "-e",
        "behaviours",
        "--pack",
        str(MINI_PACK),
        "--sandbox",
        "docker",
        *extra,
    ]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, RUN_TAG_ENV: tag},
    )


def _wait_for_containers(client, tag: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not client.containers.list(filters={"label": f"{TAG_LABEL}={tag}"}):
        assert time.monotonic() < deadline, "the grading never started a container"
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)


def test_interrupted_grading_leaves_no_container(docker_client, sandbox_image):
    tag = f"sigint-{uuid.uuid4().hex}"
    process = _start_grading(tag, "--format", "json")
    try:
        _wait_for_containers(docker_client, tag, process)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert stdout == b""
    assert _leftovers(docker_client, tag) == []


def test_sigterm_also_cleans_up(docker_client, sandbox_image):
    tag = f"sigterm-{uuid.uuid4().hex}"
    process = _start_grading(tag)
    try:
        _wait_for_containers(docker_client, tag, process)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert _leftovers(docker_client, tag) == []


@pytest.mark.parametrize(
    ("creation", "stopped_at", "copy_mode"),
    [
        ("create_volume", 1, "bind"),
        ("create_volume", 2, "archive"),
        ("create_container", 1, "bind"),
        ("create_container", 2, "bind"),
    ],
)
def test_a_stop_while_the_daemon_creates_something_leaves_nothing(
    docker_client, sandbox_image, mini_exercise, monkeypatch, creation, stopped_at, copy_mode
):
    """The stop comes once the daemon has made a volume or container, before its answer."""
    tag = f"create-{uuid.uuid4().hex}"
    monkeypatch.setenv(RUN_TAG_ENV, tag)
    monkeypatch.setenv(COPY_MODE_ENV, copy_mode)
    sandbox = DockerSandbox(docker_client, image=sandbox_image)
    create = getattr(sandbox.engine, creation)
    made = []

    def stopped_on_the_way_back(name: str, *args: object) -> str:
        answer = create(name, *args)
        made.append(name)
        if len(made) == stopped_at:
            raise KeyboardInterrupt
        return answer

    monkeypatch.setattr(sandbox.engine, creation, stopped_on_the_way_back)
    with pytest.raises(KeyboardInterrupt):
        grade_file(BEHAVIOURS / "correct.py", mini_exercise, sandbox)
    assert len(made) >= stopped_at  # containers are made side by side
    assert _leftovers(docker_client, tag) == []


def test_binds_the_daemon_cannot_see_fall_back_to_copying(
    docker_client, sandbox_image, walls_exercise, monkeypatch, caplog
):
    """A daemon in a VM or a snap answers on a local socket but mounts empty folders."""
    import grader.sandbox.docker as docker_sandbox

    def mounted_by_a_daemon_elsewhere(entries, root):
        root.mkdir(mode=0o755)

    monkeypatch.setenv(COPY_MODE_ENV, "bind")
    monkeypatch.setattr(docker_sandbox, "_write_tree", mounted_by_a_daemon_elsewhere)
    sandbox = DockerSandbox(docker_client, image=sandbox_image)
    with caplog.at_level("WARNING", logger="grader.sandbox.docker"):
        report = grade_file(INSPECTOR, walls_exercise, sandbox)
    assert report.status == "graded"
    assert {t.name: t.message for t in report.tests if t.outcome != "passed"} == {}
    assert sandbox.binds is False
    assert "does not see this machine's files" in caplog.text
