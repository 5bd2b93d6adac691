"""Both Docker transports against the real daemon: same calls, same answers."""

from __future__ import annotations

import uuid

import pytest

from grader.errors import SandboxError
from grader.sandbox.engine import (
    EngineError,
    SdkEngine,
    SocketEngine,
    connect_engine,
    container_config,
)

LABEL = "org.grader.test-engine"


@pytest.fixture(params=["socket", "sdk"])
def engine(request, docker_client):
    if request.param == "sdk":
        yield SdkEngine(docker_client)
        return
    if not str(docker_client.api.base_url).startswith("http+docker://"):
        pytest.skip("the daemon is not on a Unix socket")
    yield connect_engine()


@pytest.fixture
def containers(engine):
    made: list[str] = []
    yield made
    for container in made:
        engine.remove_container(container)


def _config(image: str, script: str, memory_mb: int = 256) -> dict:
    return container_config(
        image,
        ["python", "-c", script],
        labels={LABEL: "1"},
        binds=[],
        user="1000:1000",
        memory_mb=memory_mb,
        cpus=1.0,
        pids=64,
        tmpfs_mb=16,
        log_max_mb=1,
    )


def _run(engine, containers, image: str, script: str) -> str:
    container = engine.create_container(
        f"grader-test-{uuid.uuid4().hex[:10]}", _config(image, script)
    )
    containers.append(container)
    engine.start(container)
    assert engine.wait(container, 60)
    return container


def test_logs_keep_the_streams_apart_and_stop_at_the_limit(engine, containers, sandbox_image):
    script = (
        "import sys\n"
        "sys.stdout.write('out-' * 5000); sys.stdout.flush()\n"
        "sys.stderr.write('err\\n' * 300); sys.stderr.flush()\n"
        "print('END')\n"
    )
    container = _run(engine, containers, sandbox_image, script)
    stdout = engine.logs(container, "stdout", 1 << 20)
    assert stdout == b"out-" * 5000 + b"END\n"
    assert engine.logs(container, "stdout", 10) == b"out-out-ou"
    stderr = engine.logs(container, "stderr", 1 << 20, tail=200)
    # the daemon counts the tail's lines over both streams
    assert set(stderr.splitlines()) == {b"err"} and 190 <= stderr.count(b"\n") <= 200


def test_containers_get_the_sandbox_walls(engine, containers, sandbox_image, docker_client):
    script = "import os; print(os.getuid(), open('/proc/self/status').read().count('CapEff'))"
    container = _run(engine, containers, sandbox_image, script)
    attrs = docker_client.api.inspect_container(container)
    host = attrs["HostConfig"]
    assert host["NetworkMode"] == "none"
    assert attrs["Config"]["NetworkDisabled"] is True
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"]
    assert host["SecurityOpt"] == ["no-new-privileges"]
    assert host["Memory"] == host["MemorySwap"] == 256 * 1024 * 1024
    assert host["PidsLimit"] == 64
    assert host["IpcMode"] == "none"
    assert "/tmp" in host["Tmpfs"]
    assert attrs["Config"]["Env"][:1] == ["HOME=/tmp"] or "HOME=/tmp" in attrs["Config"]["Env"]
    assert engine.logs(container, "stdout", 1024).split()[0] == b"1000"


def test_a_wait_past_its_deadline_says_so(engine, containers, sandbox_image):
    container = engine.create_container(
        f"grader-test-{uuid.uuid4().hex[:10]}",
        _config(sandbox_image, "import time; time.sleep(60)"),
    )
    containers.append(container)
    engine.start(container)
    assert engine.wait(container, 0.5) is False
    engine.kill(container)
    assert engine.wait(container, 30) is True


def test_refusals_carry_the_daemons_status(engine, sandbox_image):
    assert engine.image_labels("grader-no-such-image:never") is None
    labels = engine.image_labels(sandbox_image)
    assert labels and "org.grader.inputs" in labels
    with pytest.raises(EngineError) as refused:
        engine.create_container(
            f"grader-test-{uuid.uuid4().hex[:10]}",
            _config("grader-no-such-image:never", "pass"),
        )
    assert refused.value.status == 404
    with pytest.raises(EngineError):
        engine.start("grader-no-such-container")


def test_volumes_are_made_and_removed(engine, docker_client):
    name = engine.create_volume(f"grader-test-{uuid.uuid4().hex[:10]}", {LABEL: "1"})
    assert docker_client.volumes.get(name).attrs["Labels"] == {LABEL: "1"}
    engine.remove_volume(name)
    assert not docker_client.volumes.list(filters={"name": name})


def test_a_socket_nobody_answers_on_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/docker.sock")
    with pytest.raises(SandboxError, match="Docker daemon not reachable at unix://"):
        connect_engine()
    with pytest.raises(EngineError):
        SocketEngine(str(tmp_path / "docker.sock")).info()


def test_images_are_found_by_label(engine, sandbox_image):
    digest = engine.image_labels(sandbox_image)["org.grader.inputs"]
    assert sandbox_image in engine.images_labelled(f"org.grader.inputs={digest}")
    assert engine.images_labelled("org.grader.inputs=no-such-digest") == []
