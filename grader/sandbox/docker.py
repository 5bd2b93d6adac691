"""The Docker sandbox: a harness container and a worker container per grading.

Both come from the sandbox image with the hardening of SPEC §5. The harness
container holds the hidden tests and the reference; the worker container holds
only the submission. They meet on a per-run channel volume that carries the
harness's socket (the worker mounts it read-only). With a daemon on this machine
the pack and the submission are read-only binds of private copies; with any
other daemon they are copied in as archives (the pack into a volume only the
harness mounts, the submission through the channel volume, from which the worker
copies it into its own tmpfs). Results are read from the harness container's
stdout after it exits, through a capped stream. Containers, volumes and copies
are removed in every case, Ctrl-C included. The daemon is reached through
`grader.sandbox.engine`.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
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
from grader.interrupts import interrupt_on_stop_signals
from grader.models import Exercise
from grader.sandbox import docker_host
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
from grader.sandbox.engine import (
    DOCKER_API_VERSION,
    Engine,
    EngineError,
    SdkEngine,
    connect_engine,
    container_config,
    daemon_unreachable,
)
from grader.sandbox.image import Progress, build_image, find_image

logger = logging.getLogger(__name__)

RUN_LABEL = "org.grader.run"
TAG_LABEL = "org.grader.tag"
RUN_TAG_ENV = "GRADER_RUN_TAG"  # an extra label to find one caller's containers
CHANNEL_MOUNT = "/run/grader"
GRADING_MOUNT = "/grading"
SOCKET_PATH = f"{CHANNEL_MOUNT}/channel/{SOCKET_NAME}"
SUBMISSION_MOUNT = "/run/submission"  # bind mode: the worker's read-only view of the submission
# How files reach the containers: "bind" mounts read-only copies made on this machine (no
# copy through the daemon), "archive" copies tar archives in (works with a remote daemon);
# "auto" binds when the daemon runs on this machine.
COPY_MODE_ENV = "GRADER_DOCKER_COPY"
SANDBOX_UID = 1000
LOG_MAX_MB = 20
STDERR_TAIL_BYTES = 64 * 1024


def docker_client(timeout: int = 120) -> Any:
    """A client for the local daemon, or SandboxError saying how to get one."""
    import docker
    import docker.errors
    from docker.utils.proxy import ProxyConfig

    where = docker_host()
    if where.startswith("unix://") and not _unix_socket_answers(where.removeprefix("unix://")):
        # docker-py leaks its socket when a unix connect fails, so look first
        raise daemon_unreachable(where)
    try:
        # A fixed API version: negotiating it would contact the daemon inside the
        # constructor, and a failure there leaks the connection.
        client = docker.from_env(timeout=timeout, version=DOCKER_API_VERSION)
    except docker.errors.DockerException as exc:
        raise daemon_unreachable(where) from exc
    try:
        client.ping()
    except (docker.errors.DockerException, OSError) as exc:  # requests' errors are OSErrors
        client.close()
        raise daemon_unreachable(where) from exc
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


def daemon_shares_files(engine: Engine) -> bool:
    """Whether the daemon sees this machine's files, so that read-only binds can replace
    copying archives in. Its data folder existing here is the sign of a local daemon (not
    one in a VM, on another host or outside the container we run in)."""
    choice = os.environ.get(COPY_MODE_ENV, "auto")
    if choice in ("bind", "archive"):
        return choice == "bind"
    if not engine.local_socket:
        return False
    with contextlib.suppress(OSError), open("/sys/fs/selinux/enforce") as enforce:
        if enforce.read().strip() == "1":
            return False  # binds would need relabelling, which would change the host's files
    try:
        root = engine.info().get("DockerRootDir")
    except Exception:  # noqa: BLE001 - any doubt means copying archives, which always works
        return False
    return isinstance(root, str) and os.path.isdir(root)


def _settings(memory_mb: int, cpus: float, pids: int, tmpfs_mb: int) -> dict[str, Any]:
    """The limits and user of one of the two containers (container_config's keywords)."""
    return {
        "user": f"{SANDBOX_UID}:{SANDBOX_UID}",
        "memory_mb": memory_mb,
        "cpus": cpus,
        "pids": pids,
        "tmpfs_mb": tmpfs_mb,
        "log_max_mb": LOG_MAX_MB,
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
        engine: Engine | None = None,
    ) -> None:
        """`engine` talks to the daemon; a Docker SDK `client` may stand in for it."""
        if engine is None and client is not None:
            engine = SdkEngine(client)
        self._engine = engine
        self._image = image
        self._progress = progress or (lambda _message: None)
        self._runtime = runtime
        self._binds: bool | None = None
        self._lookups: threading.Thread | None = None

    def prestart(self) -> None:
        """Ask the daemon what every run needs (the image's tag, whether binds work) in the
        background, while the host stages the submission; a missing image is built by run."""
        if self._lookups is None and (self._image is None or self._binds is None):
            lookups = threading.Thread(target=self._look_up, daemon=True)
            with contextlib.suppress(RuntimeError):  # no thread to spare: run() asks itself
                lookups.start()
                self._lookups = lookups

    def _look_up(self) -> None:
        # a failure here is met again, and reported, when run() asks the same questions
        with contextlib.suppress(Exception):
            if self._image is None:
                self._image = find_image(self.engine)
            if self._binds is None:
                self._binds = daemon_shares_files(self.engine)

    def _join_lookups(self, timeout_s: float | None = None) -> None:
        if self._lookups is not None:
            self._lookups.join(timeout_s)
            self._lookups = None

    def close(self) -> None:
        self._join_lookups(timeout_s=5)
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = connect_engine()
        return self._engine

    @property
    def image(self) -> str:
        if self._image is None:
            self._image = find_image(self.engine)
            if self._image is None:
                self._progress("the sandbox image is missing: building it (once)")
                self._image = self._build_image()
        return self._image

    def _build_image(self) -> str:
        engine = self.engine
        if isinstance(engine, SdkEngine):
            return build_image(engine.client, progress=self._progress)
        client = docker_client(timeout=600)
        try:
            return build_image(client, progress=self._progress)
        finally:
            client.close()

    @property
    def binds(self) -> bool:
        if self._binds is None:
            self._binds = daemon_shares_files(self.engine)
        return self._binds

    def run(self, job: GradingJob) -> HarnessOutput:
        self._join_lookups()
        with interrupt_on_stop_signals():
            output = self._run_once(job, binds=self.binds)
            if output.config_missing and self.binds:
                # The daemon answered on a local socket but does not see this machine's files
                # (a daemon in a VM or a snap, say): its binds came up empty.
                logger.warning(
                    "the Docker daemon does not see this machine's files: copying them in "
                    "instead (set %s=archive to skip this attempt)",
                    COPY_MODE_ENV,
                )
                self._binds = False
                output = self._run_once(job, binds=False)
        return output

    def _run_once(self, job: GradingJob, *, binds: bool) -> HarnessOutput:
        engine = self.engine
        image = self.image
        run_id = uuid.uuid4().hex[:12]
        labels = {RUN_LABEL: run_id}
        if os.environ.get(RUN_TAG_ENV):
            labels[TAG_LABEL] = os.environ[RUN_TAG_ENV]
        # Each container and volume is recorded under its name before it is created: a stop
        # while the daemon makes one (made, the answer not back yet) still finds it by name.
        channel, grading = f"grader-{run_id}-channel", f"grader-{run_id}-grading"
        harness_name, worker_name = f"grader-{run_id}-harness", f"grader-{run_id}-worker"
        created: list[str] = []
        volumes: list[str] = []
        staging = Path(tempfile.mkdtemp(prefix="grader-run-")).absolute() if binds else None
        try:
            with phase("create volumes"):
                volumes.append(channel)
                engine.create_volume(channel, labels)
                if staging is None:
                    volumes.append(grading)
                    engine.create_volume(grading, labels)
                    pack_source, submission_source = grading, None
                else:
                    # binds: a private folder (0700) holds the two trees the containers see
                    pack_source = str(staging / "grading")
                    submission_source = str(staging / "submission")
                    _write_tree(self._pack_entries(job), Path(pack_source))
                    _write_tree(_tree_entries(job.staged.directory, "."), Path(submission_source))
            created += [harness_name, worker_name]
            with ThreadPoolExecutor(max_workers=1) as background:
                with phase("create containers"):
                    # created side by side: each is a round trip the daemon spends time on
                    worker_created = background.submit(
                        self._create_worker,
                        worker_name,
                        job,
                        image,
                        channel,
                        submission_source,
                        labels,
                    )
                    harness = self._create_harness(
                        harness_name, image, channel, pack_source, binds, labels
                    )
                    worker = worker_created.result()
                start_requested = time.time()
                if staging is not None:
                    with phase("start the harness and the worker"):
                        worker_started = background.submit(engine.start, worker)
                        engine.start(harness)
                        worker_started.result()
                else:
                    # The harness needs only the pack and the worker only the submission:
                    # each is copied in and started on its own, the harness first as it has
                    # more to import.
                    worker_started = background.submit(self._start_worker, job, harness, worker)
                    with phase("copy the pack in and start the harness"):
                        engine.put_archive(harness, GRADING_MOUNT, _tar(self._pack_entries(job)))
                        engine.start(harness)
                    with phase("wait for the worker's start"):
                        worker_started.result()
            with phase("run the harness"):
                output = self._wait(harness, wall_clock_limit_s(job.exercise))
            log_harness_timings(output, start_requested)
            return output
        except EngineError as exc:
            raise SandboxError(f"the Docker sandbox failed: {exc}") from exc
        finally:
            with phase("remove containers and volumes"):
                _remove(engine, created, volumes)
                if staging is not None:
                    shutil.rmtree(staging, ignore_errors=True)

    def _create_harness(
        self,
        name: str,
        image: str,
        channel: str,
        pack_source: str,
        binds: bool,
        labels: dict[str, str],
    ) -> str:
        """The pack is a folder to bind read-only, or a volume to copy into."""
        config = f"{GRADING_MOUNT}/config.json"
        return self.engine.create_container(
            name,
            container_config(
                image,
                ["python", "-P", "-m", "grader.harness.run", "--config", config],
                labels=labels,
                binds=[
                    f"{channel}:{CHANNEL_MOUNT}:rw",
                    f"{pack_source}:{GRADING_MOUNT}:{'ro' if binds else 'rw'}",
                ],
                runtime=self._runtime,
                **_settings(HARNESS_MEMORY_MB, 1.0, 256, 256),
            ),
        )

    def _create_worker(
        self,
        name: str,
        job: GradingJob,
        image: str,
        channel: str,
        submission_source: str | None,
        labels: dict[str, str],
    ) -> str:
        """The submission is a folder to bind, or (None) copied into the channel volume."""
        limits = job.exercise.limits
        binds = [f"{channel}:{CHANNEL_MOUNT}:ro"]
        if submission_source is not None:
            binds.append(f"{submission_source}:{SUBMISSION_MOUNT}:ro")
        command = [
            "python",
            "-P",  # started in /tmp, which the candidate can write
            "-m",
            "grader.harness.supervisor",
            *supervisor_arguments(
                job,
                socket_path=SOCKET_PATH,
                submission=(
                    SUBMISSION_MOUNT if submission_source else f"{CHANNEL_MOUNT}/submission"
                ),
                workdir="/tmp/work",
                cpu_quota=limits.cpus,
            ),
        ]
        return self.engine.create_container(
            name,
            container_config(
                image,
                command,
                labels=labels,
                binds=binds,
                runtime=self._runtime,
                **_settings(limits.memory_mb, limits.cpus, limits.pids, limits.tmpfs_mb),
            ),
        )

    def _start_worker(self, job: GradingJob, harness: str, worker: str) -> None:
        # through the harness: the worker's own view of the channel volume is read-only
        self.engine.put_archive(harness, CHANNEL_MOUNT, self._submission_archive(job))
        self.engine.start(worker)

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
            socket_path=SOCKET_PATH,
        )
        return [
            ("config.json", json.dumps(config).encode(), 0o644),
            *_tree_entries(exercise.hidden_tests, "tests"),
            *_tree_entries(exercise.reference, "reference"),
            *(_tree_entries(shared, "shared") if shared else []),
        ]

    def _wait(self, harness: str, limit_s: float) -> HarnessOutput:
        engine = self.engine
        if not engine.wait(harness, limit_s):
            with contextlib.suppress(EngineError):
                engine.kill(harness)
            return HarnessOutput(None, timed_out=True, diagnostics=self._stderr(harness))
        output = parse_results(engine.logs(harness, "stdout", RESULTS_LIMIT_BYTES))
        output.diagnostics = self._stderr(harness)
        return output

    def _stderr(self, container: str) -> str:
        with contextlib.suppress(EngineError):
            tail = self.engine.logs(container, "stderr", 4 * STDERR_TAIL_BYTES, tail=200)
            return tail[-STDERR_TAIL_BYTES:].decode("utf-8", "replace")
        return ""


def _remove(engine: Engine, containers: list[str], volumes: list[str]) -> None:
    """Containers in parallel (each removal waits on the daemon), then their volumes."""

    def remove_container(container: str) -> None:
        with contextlib.suppress(Exception):
            engine.remove_container(container)

    if containers:
        with ThreadPoolExecutor(max_workers=len(containers)) as pool:
            list(pool.map(remove_container, containers))
    for volume in volumes:
        with contextlib.suppress(Exception):
            engine.remove_volume(volume)
