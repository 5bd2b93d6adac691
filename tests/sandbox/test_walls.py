"""The outer wall, observed from inside the worker container, and cleanup."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from grader.pack import load_pack
from grader.sandbox.docker import RUN_LABEL
from tests.conftest import BEHAVIOURS, FIXTURES, MINI_PACK, flag_codes, grade_file, outcomes
from tests.contract import assert_valid_report

INSPECTOR = FIXTURES / "submissions" / "walls" / "inspector.py"


@pytest.fixture(scope="module")
def walls_exercise():
    return load_pack(MINI_PACK).exercise("walls")


def test_every_wall_holds_in_docker(docker_sandbox, walls_exercise, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    report = grade_file(INSPECTOR, walls_exercise, docker_sandbox)
    assert_valid_report(report.to_dict())
    failing = {t.name: t.message for t in report.tests if t.outcome != "passed"}
    assert failing == {}
    assert report.environment.sandbox == "docker" and report.environment.confined


def test_local_sandbox_keeps_the_split_but_not_the_walls(local_sandbox, walls_exercise):
    report = grade_file(INSPECTOR, walls_exercise, local_sandbox)
    results = outcomes(report)
    assert results["cannot see the hidden tests or the harness config"] in {"passed", "failed"}
    assert "unconfined" in flag_codes(report)


def _leftovers(client) -> list[str]:
    containers = client.containers.list(all=True, filters={"label": RUN_LABEL})
    volumes = client.volumes.list(filters={"label": RUN_LABEL})
    return [c.name for c in containers] + [v.name for v in volumes]


def test_interrupted_grading_leaves_no_container(docker_client, sandbox_image):
    assert _leftovers(docker_client) == []
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
        "--format",
        "json",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not docker_client.containers.list(filters={"label": RUN_LABEL}):
            assert time.monotonic() < deadline, "the grading never started a container"
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert stdout == b""
    assert _leftovers(docker_client) == []


def test_sigterm_also_cleans_up(docker_client, sandbox_image):
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
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ}
    )
    try:
        deadline = time.monotonic() + 60
        while not docker_client.containers.list(filters={"label": RUN_LABEL}):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert _leftovers(docker_client) == []
