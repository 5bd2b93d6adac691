"""What the Docker steps of a grading would cost done another way: the savings on offer.

Each experiment times today's way and an alternative on the same machine, in
alternation, with the sandbox image and the hardening grader uses. Nothing of grader
is changed; these are the figures behind the proposals in bench/README.md.

    .venv/bin/python bench/experiments_docker.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from machine import ROOT, describe_machine, grader_command, machine_info

LABEL = "org.grader.bench"
SANDBOX_UID = 1000


def hardening() -> dict[str, Any]:
    """grader's settings for a container (`container_config`) as the Docker SDK's keywords."""
    from grader.sandbox.engine import container_config

    config = container_config(
        "unused",
        ["true"],
        labels={},
        binds=[],
        user=f"{SANDBOX_UID}:{SANDBOX_UID}",
        memory_mb=512,
        cpus=1.0,
        pids=128,
        tmpfs_mb=64,
        log_max_mb=20,
    )
    host = config["HostConfig"]
    return {
        "user": config["User"],
        "environment": config["Env"],
        "network_disabled": config["NetworkDisabled"],
        "network_mode": host["NetworkMode"],
        "cap_drop": host["CapDrop"],
        "security_opt": host["SecurityOpt"],
        "read_only": host["ReadonlyRootfs"],
        "tmpfs": host["Tmpfs"],
        "mem_limit": host["Memory"],
        "memswap_limit": host["MemorySwap"],
        "pids_limit": host["PidsLimit"],
        "nano_cpus": host["NanoCpus"],
        "ipc_mode": host["IpcMode"],
        "log_config": {"type": host["LogConfig"]["Type"], "config": host["LogConfig"]["Config"]},
        "detach": True,
    }


def tar(entries: dict[str, bytes | None]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.uid = info.gid = SANDBOX_UID
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                archive.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def pack_files(exercise: str) -> dict[str, bytes]:
    files = {}
    for folder, prefix in (("hidden_tests", "tests"), ("reference", "reference")):
        base = ROOT / folder / exercise
        for path in sorted(base.rglob("*.py")):
            files[f"{prefix}/{path.relative_to(base).as_posix()}"] = path.read_bytes()
    return files


class Lab:
    """Creates what an experiment needs and removes all of it afterwards."""

    def __init__(self, client: Any, image: str) -> None:
        self.client = client
        self.image = image
        self.containers: list[Any] = []
        self.volumes: list[Any] = []

    def volume(self) -> Any:
        volume = self.client.volumes.create(
            f"grader-bench-{uuid.uuid4().hex[:10]}", labels={LABEL: "1"}
        )
        self.volumes.append(volume)
        return volume

    def container(self, command: list[str], **options: Any) -> Any:
        container = self.client.containers.create(
            self.image, command, labels={LABEL: "1"}, **{**hardening(), **options}
        )
        self.containers.append(container)
        return container

    def clean(self) -> None:
        for container in self.containers:
            with contextlib.suppress(Exception):
                container.remove(force=True)
        for volume in self.volumes:
            with contextlib.suppress(Exception):
                volume.remove(force=True)
        self.containers, self.volumes = [], []


@contextlib.contextmanager
def lab(client: Any, image: str) -> Iterator[Lab]:
    room = Lab(client, image)
    try:
        yield room
    finally:
        room.clean()


def timed(action: Callable[..., Any], *args: Any) -> float:
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


def both(*actions: Callable[[], Any]) -> None:
    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        for future in [pool.submit(action) for action in actions]:
            future.result()


# -- experiments: each returns {"variant": seconds} for one repetition ----------------------
def copy_in(client: Any, image: str, exercise: str) -> dict[str, float]:
    """Two put_archive calls (pack, then channel) against one into nested mounts, or none."""
    pack = pack_files(exercise)
    submission = (ROOT / "reference" / exercise / "solution.py").read_bytes()
    results = {}
    with lab(client, image) as room:
        channel, grading = room.volume(), room.volume()
        harness = room.container(
            ["true"],
            volumes={
                channel.name: {"bind": "/run/grader", "mode": "rw"},
                grading.name: {"bind": "/grading", "mode": "rw"},
            },
        )
        pack_tar = tar({"config.json": b"{}", "tests": None, "reference": None, **pack})
        channel_tar = tar(
            {"channel": None, "submission": None, "submission/solution.py": submission}
        )
        results["put_archive x2 (today)"] = timed(
            lambda: (
                harness.put_archive("/grading", pack_tar),
                harness.put_archive("/run/grader", channel_tar),
            )
        )
    with lab(client, image) as room:
        channel, grading = room.volume(), room.volume()
        harness = room.container(
            ["true"],
            volumes={
                grading.name: {"bind": "/grading", "mode": "rw"},
                channel.name: {"bind": "/grading/run", "mode": "rw"},
            },
        )
        one = tar(
            {
                "config.json": b"{}",
                "tests": None,
                "reference": None,
                **pack,
                "run": None,
                "run/channel": None,
                "run/submission": None,
                "run/submission/solution.py": submission,
            }
        )
        results["put_archive x1, channel volume nested in /grading"] = timed(
            lambda: harness.put_archive("/grading", one)
        )
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp, lab(client, image) as room:
        staged = Path(tmp)
        for name, data in pack.items():
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            (staged / name).write_bytes(data)
        channel = room.volume()
        results["read-only bind mount of a staged copy (create only, no copy)"] = timed(
            lambda: room.container(
                ["true"],
                volumes={
                    str(staged): {"bind": "/grading", "mode": "ro"},
                    channel.name: {"bind": "/run/grader", "mode": "rw"},
                },
            )
        )
        results["create, for comparison with the bind mount"] = timed(
            lambda: room.container(
                ["true"], volumes={channel.name: {"bind": "/run/grader", "mode": "rw"}}
            )
        )
    return results


def nested_copy_reaches_the_worker(client: Any, image: str) -> bool:
    """Does one put_archive into /grading fill the channel volume mounted at /grading/run?"""
    with lab(client, image) as room:
        channel, grading = room.volume(), room.volume()
        harness = room.container(
            ["true"],
            volumes={
                grading.name: {"bind": "/grading", "mode": "rw"},
                channel.name: {"bind": "/grading/run", "mode": "rw"},
            },
        )
        harness.put_archive("/grading", tar({"run": None, "run/probe.txt": b"seen"}))
        reader = room.container(
            ["cat", "/run/grader/probe.txt"],
            volumes={channel.name: {"bind": "/run/grader", "mode": "ro"}},
        )
        reader.start()
        reader.wait(timeout=60)
        return reader.logs(stdout=True, stderr=False).strip() == b"seen"


def create_and_start(client: Any, image: str) -> dict[str, float]:
    """Two containers created and started one after the other, or both at once."""
    results = {}
    with lab(client, image) as room:
        results["create x2, one after the other (today)"] = timed(
            lambda: (room.container(["true"]), room.container(["true"]))
        )
    with lab(client, image) as room:
        results["create x2, concurrently"] = timed(
            lambda: both(lambda: room.container(["true"]), lambda: room.container(["true"]))
        )
    with lab(client, image) as room:
        first, second = room.container(["sleep", "5"]), room.container(["sleep", "5"])
        results["start x2, one after the other"] = timed(lambda: (first.start(), second.start()))
    with lab(client, image) as room:
        first, second = room.container(["sleep", "5"]), room.container(["sleep", "5"])
        results["start x2, concurrently (today)"] = timed(lambda: both(first.start, second.start))
    return results


def teardown(client: Any, image: str) -> dict[str, float]:
    """Removing two exited containers and two volumes: in turn, or concurrently."""
    results = {}
    for concurrently in (False, True):
        variant = "concurrently" if concurrently else "in turn (today)"
        with lab(client, image) as room:
            containers, volumes = exited_pair(room)
            removals = [lambda c=c: c.remove(force=True, v=True) for c in containers]
            run = both if concurrently else in_turn
            results[f"remove containers x2, {variant}"] = timed(run, *removals)
            results[f"remove volumes x2, {variant}"] = timed(run, *(v.remove for v in volumes))
            room.containers, room.volumes = [], []
    return results


def exited_pair(room: Lab) -> tuple[list[Any], list[Any]]:
    volumes = [room.volume(), room.volume()]
    containers = [
        room.container(["true"], volumes={v.name: {"bind": "/data", "mode": "rw"}}) for v in volumes
    ]
    both(*(c.start for c in containers))
    for container in containers:
        container.wait(timeout=60)
    return containers, volumes


def in_turn(*actions: Callable[[], Any]) -> None:
    for action in actions:
        action()


def exit_to_results(client: Any, image: str) -> dict[str, float]:
    """From start to the results in hand: wait() then logs() (today), or an attached stream.

    The container prints one line and exits at once; a real harness also spends its
    interpreter's exit (see profile_grade.py) before wait() can return.
    """
    script = "print('{\"ok\": 1}', flush=True)"
    results = {}
    with lab(client, image) as room:
        container = room.container(["python", "-c", script])

        def wait_then_logs() -> None:
            container.start()
            container.wait(timeout=60)
            b"".join(container.logs(stdout=True, stderr=False, stream=True))

        results["start, wait(), logs() (today)"] = timed(wait_then_logs)
    with lab(client, image) as room:
        container = room.container(["python", "-c", script])

        def attached() -> None:
            stream = container.attach(stdout=True, stderr=False, stream=True, logs=True)
            container.start()
            for chunk in stream:
                if b"\n" in chunk:
                    break

        results["attach, start, first line read"] = timed(attached)
    return results


def image_lookup(client: Any, image: str) -> dict[str, float]:
    """Finding the image: a label-filtered list (today) or one inspect by tag."""
    from grader.sandbox.image import INPUTS_LABEL, inputs_hash

    digest = inputs_hash()
    return {
        "images.list(label filter) (today)": timed(
            lambda: client.images.list(filters={"label": f"{INPUTS_LABEL}={digest}"})
        ),
        "images.get(tag)": timed(lambda: client.images.get(image)),
        "inputs_hash()": timed(inputs_hash),
    }


def host_imports(_client: Any, _image: str) -> dict[str, float]:
    """A fresh interpreter importing the Docker SDK, or only what a small client needs."""
    python = sys.executable

    def run(code: str) -> Callable[[], Any]:
        return lambda: subprocess.run([python, "-c", code], check=True)

    return {
        "python -c pass": timed(run("pass")),
        "python: import docker": timed(run("import docker")),
        "python: import http.client, socket, json (a small Engine API client)": timed(
            run("import http.client, socket, json")
        ),
        "python: import grader.cli.main": timed(run("import grader.cli.main")),
        "python: import grader.cli.main, grader.grading, grader.sandbox.docker": timed(
            run("import grader.cli.main, grader.grading, grader.sandbox.docker")
        ),
    }


EXPERIMENTS = {
    "copy in": copy_in,
    "create and start": create_and_start,
    "teardown": teardown,
    "results": exit_to_results,
    "image lookup": image_lookup,
    "host imports": host_imports,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("-e", "--exercise", default="two-sum")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    from grader.sandbox.docker import docker_client

    image = subprocess.run(
        [*grader_command(), "image", "build"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    client = docker_client()
    figures: dict[str, dict[str, list[float]]] = {}
    try:
        nested_ok = nested_copy_reaches_the_worker(client, image)
        for number in range(args.repeat + 1):  # the first round warms up
            for name, experiment in EXPERIMENTS.items():
                kwargs = {"exercise": args.exercise} if name == "copy in" else {}
                for variant, seconds in experiment(client, image, **kwargs).items():
                    if number:
                        figures.setdefault(name, {}).setdefault(variant, []).append(seconds)
    finally:
        for container in client.containers.list(all=True, filters={"label": LABEL}):
            with contextlib.suppress(Exception):
                container.remove(force=True)
        for volume in client.volumes.list(filters={"label": LABEL}):
            with contextlib.suppress(Exception):
                volume.remove(force=True)
        client.close()
    for line in describe_machine(machine_info(image)):
        print(line)
    print(f"medians of {args.repeat} repetitions (min-max):")
    for name, variants in figures.items():
        print(f"\n{name}")
        for variant, samples in variants.items():
            print(
                f"  {statistics.median(samples) * 1000:7.1f} ms"
                f"  ({min(samples) * 1000:.1f}-{max(samples) * 1000:.1f})  {variant}"
            )
    print(f"\none put_archive into nested mounts reaches the worker's volume: {nested_ok}")
    if args.json is not None:
        args.json.write_text(
            json.dumps({"figures": figures, "nested_copy_ok": nested_ok}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
