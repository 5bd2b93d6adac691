"""The Docker sandbox: a harness container and a worker container per grading.

Both come from the sandbox image with the hardening of SPEC §5. The harness
container holds the hidden tests and the reference (in a volume only it
mounts); the worker container holds only the submission (copied into a
channel volume it mounts read-only, then into its own tmpfs). The channel
volume also carries the harness's socket. Results are read from the harness
container's stdout after it exits, through a capped stream. Containers and
volumes are removed in every case, Ctrl-C included.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import signal
import socket
import tarfile
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from grader.errors import SandboxError
from grader.models import Exercise
from grader.sandbox.base import (
    HARNESS_MEMORY_MB,
    RESULTS_LIMIT_BYTES,
    SOCKET_NAME,
    GradingJob,
    HarnessOutput,
    harness_config,
    log_harness_timings,
    parse_results,
    phase,
    reference_file,
    shared_tests_dir,
    supervisor_arguments,
    wall_clock_limit_s,
)
from grader.sandbox.image import Progress, build_image, find_image

logger = logging.getLogger(__name__)

RUN_LABEL = "org.grader.run"
TAG_LABEL = "org.grader.tag"
RUN_TAG_ENV = "GRADER_RUN_TAG"  # an extra label to find one caller's containers
CHANNEL_MOUNT = "/run/grader"
GRADING_MOUNT = "/grading"
SUBMISSION_MOUNT = "/run/submission"  # bind mode: the worker's read-only view of the submission
# How files reach the containers: "bind" mounts read-only copies made on this machine (no
# copy through the daemon), "archive" copies tar archives in (works with a remote daemon);
# "auto" binds when the daemon runs on this machine.
COPY_MODE_ENV = "GRADER_DOCKER_COPY"
SANDBOX_UID = 1000
LOG_CONFIG = {"type": "json-file", "config": {"max-size": "20m", "max-file": "1"}}
STDERR_TAIL_BYTES = 64 * 1024
DOCKER_API_VERSION = "1.41"  # Docker Engine 20.10 and every later engine speak it


def docker_client(timeout: int = 120) -> Any:
    """A client for the local daemon, or SandboxError saying how to get one."""
    import docker
    import docker.errors
    from docker.utils.proxy import ProxyConfig

    where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    unreachable = f"Docker daemon not reachable at {where}: start it or pass --sandbox local"
    if where.startswith("unix://") and not _unix_socket_answers(where.removeprefix("unix://")):
        # docker-py leaks its socket when a unix connect fails, so look first
        raise SandboxError(unreachable)
    try:
        # A fixed API version: negotiating it would contact the daemon inside the
        # constructor, and a failure there leaks the connection.
        client = docker.from_env(timeout=timeout, version=DOCKER_API_VERSION)
    except docker.errors.DockerException as exc:
        raise SandboxError(unreachable) from exc
    try:
        client.ping()
    except docker.errors.DockerException as exc:
        client.close()
        raise SandboxError(unreachable) from exc
    # The SDK copies proxy settings from ~/.docker/config.json into every
    # container's environment; a sandbox must not receive the host's proxies.
    client.api._proxy_configs = ProxyConfig()
    return client


def _unix_socket_answers(path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(5)
        try:
            probe.connect(path)
        except OSError:
            return False
    return True


def daemon_available() -> bool:
    try:
        docker_client(timeout=5).close()
    except SandboxError:
        return False
    return True


def _tar(entries: list[tuple[str, bytes | None, int]]) -> bytes:
    """A tar of (name, data or None for a folder, mode), owned by the sandbox user."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data, mode in entries:
            info = tarfile.TarInfo(name)
            info.uid = info.gid = SANDBOX_UID
            info.mode = mode
            info.mtime = 0
            if data is None:
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _tree_entries(source: Path, prefix: str) -> list[tuple[str, bytes | None, int]]:
    entries: list[tuple[str, bytes | None, int]] = [(prefix, None, 0o755)]
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or "__pycache__" in path.parts:
            continue
        name = f"{prefix}/{path.relative_to(source).as_posix()}"
        if path.is_dir():
            entries.append((name, None, 0o755))
        elif path.is_file():
            entries.append((name, path.read_bytes(), 0o644))
    return entries


def _write_tree(entries: list[tuple[str, bytes | None, int]], root: Path) -> None:
    """Write (name, data or None for a folder, mode) under root, readable by the sandbox user."""
    root.mkdir(mode=0o755)
    root.chmod(0o755)  # whatever the umask: the containers' user is not the owner
    for name, data, mode in entries:
        path = root / name
        if data is None:
            path.mkdir(exist_ok=True)
        else:
            path.write_bytes(data)
        path.chmod(mode)


def daemon_shares_files(client: Any) -> bool:
    """Whether the daemon sees this machine's files, so that read-only binds can replace
    copying archives in. Its data folder existing here is the sign of a local daemon (not
    one in a VM, on another host or outside the container we run in)."""
    choice = os.environ.get(COPY_MODE_ENV, "auto")
    if choice in ("bind", "archive"):
        return choice == "bind"
    if not str(client.api.base_url).startswith("http+docker://"):  # not a unix socket
        return False
    with contextlib.suppress(OSError), open("/sys/fs/selinux/enforce") as enforce:
        if enforce.read().strip() == "1":
            return False  # binds would need relabelling, which would change the host's files
    try:
        root = client.info().get("DockerRootDir")
    except Exception:  # noqa: BLE001 - any doubt means copying archives, which always works
        return False
    return isinstance(root, str) and os.path.isdir(root)


def _hardening(memory_mb: int, cpus: float, pids: int, tmpfs_mb: int) -> dict[str, Any]:
    return {
        "user": f"{SANDBOX_UID}:{SANDBOX_UID}",
        "network_mode": "none",
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "read_only": True,
        "tmpfs": {"/tmp": f"rw,nosuid,nodev,size={tmpfs_mb}m,mode=1777"},
        "mem_limit": f"{memory_mb}m",
        "memswap_limit": f"{memory_mb}m",
        "pids_limit": pids,
        "nano_cpus": int(cpus * 1e9),
        "log_config": LOG_CONFIG,
        "ipc_mode": "none",
        "environment": {"HOME": "/tmp"},
        "stdin_open": False,
        "detach": True,
    }


class DockerSandbox:
    name = "docker"
    confined = True

    def __init__(
        self,
        client: Any | None = None,
        image: str | None = None,
        progress: Progress | None = None,
        runtime: str | None = None,
    ) -> None:
        self._client = client
        self._image = image
        self._progress = progress or (lambda _message: None)
        self._runtime = runtime
        self._binds: bool | None = None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = docker_client()
        return self._client

    @property
    def image(self) -> str:
        if self._image is None:
            self._image = find_image(self.client)
            if self._image is None:
                self._progress("the sandbox image is missing: building it (once)")
                self._image = build_image(self.client, progress=self._progress)
        return self._image

    @property
    def binds(self) -> bool:
        if self._binds is None:
            self._binds = daemon_shares_files(self.client)
        return self._binds

    def run(self, job: GradingJob) -> HarnessOutput:
        output = self._run_once(job, binds=self.binds)
        if output.config_missing and self.binds:
            # The daemon answered on a local socket but does not see this machine's files
            # (a daemon in a VM or a snap, say): its binds came up empty.
            logger.warning(
                "the Docker daemon does not see this machine's files: copying them in instead "
                "(set %s=archive to skip this attempt)",
                COPY_MODE_ENV,
            )
            self._binds = False
            output = self._run_once(job, binds=False)
        return output

    def _run_once(self, job: GradingJob, *, binds: bool) -> HarnessOutput:
        import docker.errors

        image = self.image
        run_id = uuid.uuid4().hex[:12]
        labels = {RUN_LABEL: run_id}
        if os.environ.get(RUN_TAG_ENV):
            labels[TAG_LABEL] = os.environ[RUN_TAG_ENV]
        created: list[Any] = []
        volumes: list[Any] = []
        previous = _raise_on_sigterm()
        staging = Path(tempfile.mkdtemp(prefix="grader-run-")) if binds else None
        try:
            with phase("create volumes"):
                channel = self.client.volumes.create(f"grader-{run_id}-channel", labels=labels)
                volumes.append(channel)
                if staging is None:
                    grading = self.client.volumes.create(f"grader-{run_id}-grading", labels=labels)
                    volumes.append(grading)
                    pack_source, submission_source = grading.name, None
                else:
                    # binds: a private folder (0700) holds the two trees the containers see
                    pack_source = staging / "grading"
                    submission_source = staging / "submission"
                    _write_tree(self._pack_entries(job), pack_source)
                    _write_tree(_tree_entries(job.staged.directory, "."), submission_source)
            with phase("create containers"):
                harness, worker = self._create(
                    job, image, channel.name, pack_source, submission_source, labels, created
                )
            start_requested = time.time()
            with ThreadPoolExecutor(max_workers=1) as background:
                if staging is not None:
                    with phase("start the harness and the worker"):
                        worker_started = background.submit(worker.start)
                        harness.start()
                        worker_started.result()
                else:
                    # The harness needs only the pack and the worker only the submission:
                    # each is copied in and started on its own, the harness first as it has
                    # more to import.
                    worker_started = background.submit(self._start_worker, job, harness, worker)
                    with phase("copy the pack in and start the harness"):
                        harness.put_archive(GRADING_MOUNT, _tar(self._pack_entries(job)))
                        harness.start()
                    with phase("wait for the worker's start"):
                        worker_started.result()
            with phase("run the harness"):
                output = self._wait(harness, wall_clock_limit_s(job.exercise))
            log_harness_timings(output, start_requested)
            return output
        except docker.errors.DockerException as exc:
            raise SandboxError(f"the Docker sandbox failed: {exc}") from exc
        finally:
            with phase("remove containers and volumes"):
                _remove(created, volumes)
                if staging is not None:
                    shutil.rmtree(staging, ignore_errors=True)
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGTERM, previous)

    def _create(
        self,
        job: GradingJob,
        image: str,
        channel: str,
        pack_source: str | Path,
        submission_source: Path | None,
        labels: dict[str, str],
        created: list[Any],
    ) -> tuple[Any, Any]:
        """The two containers; the pack is a volume to copy into or a folder to bind, and
        the submission is a folder to bind or (None) copied into the channel volume."""
        exercise = job.exercise
        limits = exercise.limits
        socket_path = f"{CHANNEL_MOUNT}/channel/{SOCKET_NAME}"
        extra = {"runtime": self._runtime} if self._runtime else {}
        config = f"{GRADING_MOUNT}/config.json"
        harness = self.client.containers.create(
            image,
            ["python", "-P", "-m", "grader.harness.run", "--config", config],
            name=f"grader-{labels[RUN_LABEL]}-harness",
            labels=labels,
            volumes={
                channel: {"bind": CHANNEL_MOUNT, "mode": "rw"},
                str(pack_source): {
                    "bind": GRADING_MOUNT,
                    "mode": "ro" if submission_source is not None else "rw",
                },
            },
            **_hardening(HARNESS_MEMORY_MB, 1.0, 256, 256),
            **extra,
        )
        created.append(harness)
        worker = self.client.containers.create(
            image,
            [
                "python",
                "-P",  # started in /tmp, which the candidate can write
                "-m",
                "grader.harness.supervisor",
                *supervisor_arguments(
                    job,
                    socket_path=socket_path,
                    submission=(
                        SUBMISSION_MOUNT if submission_source else f"{CHANNEL_MOUNT}/submission"
                    ),
                    workdir="/tmp/work",
                ),
            ],
            name=f"grader-{labels[RUN_LABEL]}-worker",
            labels=labels,
            volumes={
                channel: {"bind": CHANNEL_MOUNT, "mode": "ro"},
                **(
                    {str(submission_source): {"bind": SUBMISSION_MOUNT, "mode": "ro"}}
                    if submission_source
                    else {}
                ),
            },
            **_hardening(limits.memory_mb, limits.cpus, limits.pids, limits.tmpfs_mb),
            **extra,
        )
        created.append(worker)
        return harness, worker

    def _start_worker(self, job: GradingJob, harness: Any, worker: Any) -> None:
        # through the harness: the worker's own view of the channel volume is read-only
        harness.put_archive(CHANNEL_MOUNT, self._submission_archive(job))
        worker.start()

    @staticmethod
    def _submission_archive(job: GradingJob) -> bytes:
        return _tar(_tree_entries(job.staged.directory, "submission"))

    @staticmethod
    def _pack_entries(job: GradingJob) -> list[tuple[str, bytes | None, int]]:
        exercise: Exercise = job.exercise
        reference = reference_file(exercise)
        shared = shared_tests_dir(exercise)
        config = harness_config(
            job,
            tests=f"{GRADING_MOUNT}/tests",
            reference=f"{GRADING_MOUNT}/reference/solution.py" if reference else None,
            shared=f"{GRADING_MOUNT}/shared" if shared else None,
            socket_path=f"{CHANNEL_MOUNT}/channel/{SOCKET_NAME}",
        )
        return [
            ("config.json", json.dumps(config).encode(), 0o644),
            *_tree_entries(exercise.hidden_tests, "tests"),
            *_tree_entries(exercise.reference, "reference"),
            *(_tree_entries(shared, "shared") if shared else []),
        ]

    def _wait(self, harness: Any, limit_s: float) -> HarnessOutput:
        import requests.exceptions

        try:
            harness.wait(timeout=limit_s)
        except (requests.exceptions.ConnectionError, requests.exceptions.ReadTimeout):
            with contextlib.suppress(Exception):
                harness.kill()
            return HarnessOutput(None, timed_out=True, diagnostics=self._stderr(harness))
        collected = bytearray()
        for chunk in harness.logs(stdout=True, stderr=False, stream=True):
            room = RESULTS_LIMIT_BYTES - len(collected)
            if room <= 0:
                break
            collected += chunk[:room]
        output = parse_results(bytes(collected))
        output.diagnostics = self._stderr(harness)
        return output

    @staticmethod
    def _stderr(container: Any) -> str:
        with contextlib.suppress(Exception):
            tail = container.logs(stdout=False, stderr=True, tail=200)
            return tail[-STDERR_TAIL_BYTES:].decode("utf-8", "replace")
        return ""


def _remove(containers: list[Any], volumes: list[Any]) -> None:
    """Containers in parallel (each removal waits on the daemon), then their volumes."""

    def remove_container(container: Any) -> None:
        with contextlib.suppress(Exception):
            container.remove(force=True, v=True)

    if containers:
        with ThreadPoolExecutor(max_workers=len(containers)) as pool:
            list(pool.map(remove_container, containers))
    for volume in volumes:
        with contextlib.suppress(Exception):
            volume.remove(force=True)


def remove_leftovers(client: Any) -> int:
    """Remove containers and volumes of interrupted runs; returns how many."""
    count = 0
    for container in client.containers.list(all=True, filters={"label": RUN_LABEL}):
        with contextlib.suppress(Exception):
            container.remove(force=True, v=True)
            count += 1
    for volume in client.volumes.list(filters={"label": RUN_LABEL}):
        with contextlib.suppress(Exception):
            volume.remove(force=True)
            count += 1
    return count


def _raise_on_sigterm() -> Any:
    """Turn SIGTERM into KeyboardInterrupt so the cleanup in `finally` runs."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return signal.getsignal(signal.SIGTERM)
    return signal.signal(signal.SIGTERM, handler)
