"""The sandbox image: content-hashed, built on first use, reused while unchanged.

The image's inputs are the Dockerfile, the in-sandbox requirements and the
grader's `harness` package. Their hash labels the image; an image with the
same hash is reused whatever its base. Wheels are fetched on the host with
`pip download` for the base image's Python, then installed offline in the
build, so the build needs neither network nor the host's CA bundle.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grader
from grader.errors import SandboxError

IMAGE_REPOSITORY = "grader-sandbox"
INPUTS_LABEL = "org.grader.inputs"
BASE_LABEL = "org.grader.base"
DEFAULT_BASE_IMAGE = "python:3.11-slim"
BASE_IMAGE_ENV = "GRADER_BASE_IMAGE"
BUILD_LOCK = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "grader" / "build.lock"
)
WHEEL_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "grader" / "wheels"

Progress = Callable[[str], None]


def _package_dir() -> Path:
    return Path(grader.__file__).resolve().parent


def dockerfile_path() -> Path:
    checkout = _package_dir().parent / "Dockerfile"
    return checkout if checkout.is_file() else _package_dir() / "sandbox" / "Dockerfile"


def requirements_path() -> Path:
    return _package_dir() / "sandbox" / "requirements.txt"


def _image_sources() -> list[tuple[str, Path]]:
    """(path inside the build context, file) for everything the image copies from grader/."""
    package = _package_dir()
    files = [("grader/__init__.py", package / "__init__.py")]
    for path in sorted((package / "harness").rglob("*.py")):
        files.append((f"grader/harness/{path.relative_to(package / 'harness').as_posix()}", path))
    return files


def inputs_hash() -> str:
    digest = hashlib.sha256()
    entries = [
        ("Dockerfile", dockerfile_path()),
        ("requirements.txt", requirements_path()),
        *_image_sources(),
    ]
    for name, path in entries:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def image_tag(digest: str | None = None) -> str:
    return f"{IMAGE_REPOSITORY}:{(digest or inputs_hash())[:16]}"


def find_image(client: Any) -> str | None:
    """The tag of an image built from the current inputs, if one exists. `client` is an
    engine (grader.sandbox.engine) or a Docker SDK client."""
    from grader.sandbox.engine import as_engine

    engine = as_engine(client)
    digest = inputs_hash()
    tag = image_tag(digest)
    # the usual case, and ten times cheaper than a filtered listing
    if (engine.image_labels(tag) or {}).get(INPUTS_LABEL) == digest:
        return tag
    images = engine.images_labelled(f"{INPUTS_LABEL}={digest}")
    return images[0] if images else None


def default_base_image(client: Any) -> str:
    """$GRADER_BASE_IMAGE, else the base of the newest sandbox image here, else python:3.11-slim."""
    if os.environ.get(BASE_IMAGE_ENV):
        return os.environ[BASE_IMAGE_ENV]
    built = client.images.list(filters={"label": BASE_LABEL})
    built.sort(key=lambda image: image.attrs.get("Created", ""), reverse=True)
    for image in built:
        base = (image.labels or {}).get(BASE_LABEL)
        if base:
            return base
    return DEFAULT_BASE_IMAGE


def _base_python_version(client: Any, base: str, progress: Progress) -> str:
    import docker.errors

    try:
        client.images.get(base)
    except docker.errors.ImageNotFound:
        progress(f"pulling base image {base}")
        try:
            client.images.pull(base)
        except docker.errors.APIError as exc:
            raise SandboxError(
                f"base image {base!r} is not available and cannot be pulled ({_short(exc)}); "
                "pass --base IMAGE with a local image that has python3 "
                "(scripts/make-base-image.sh makes one without a registry)"
            ) from exc
    try:
        output = client.containers.run(
            base,
            ["python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            remove=True,
            network_disabled=True,
            stdout=True,
            stderr=True,
        )
    except docker.errors.DockerException as exc:
        raise SandboxError(f"base image {base!r} has no working python3 ({_short(exc)})") from exc
    return output.decode().strip()


def _download_wheels(python_version: str, progress: Progress) -> Path:
    digest = hashlib.sha256(requirements_path().read_bytes()).hexdigest()[:12]
    target = WHEEL_CACHE / f"py{python_version}-{digest}"
    if (target / ".complete").exists():
        return target
    progress(f"downloading wheels for Python {python_version} into {target}")
    target.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--python-version",
        python_version,
        "--dest",
        str(target),
        "-r",
        str(requirements_path()),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SandboxError(
            "could not download the sandbox's Python packages: "
            + (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        )
    (target / ".complete").touch()
    return target


def build_image(
    client: Any, base: str | None = None, progress: Progress | None = None, force: bool = False
) -> str:
    """Build (or reuse) the sandbox image for the current inputs; returns its tag."""
    say = progress or (lambda _message: None)
    with _build_lock(say):
        if not force:
            existing = find_image(client)
            if existing:
                say(f"sandbox image {existing} is up to date")
                return existing
        return _build(client, base, say)


@contextmanager
def _build_lock(say: Progress) -> Iterator[None]:
    """One build at a time on this machine: parallel gradings wait for it, then reuse it."""
    BUILD_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(BUILD_LOCK, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("another process is building the sandbox image: waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(client: Any, base: str | None, say: Progress) -> str:
    import docker.errors

    base = base or default_base_image(client)
    digest = inputs_hash()
    tag = image_tag(digest)
    python_version = _base_python_version(client, base, say)
    wheels = _download_wheels(python_version, say)
    say(f"building sandbox image {tag} from {base}")
    with tempfile.TemporaryDirectory(prefix="grader-image-") as tmp:
        context = Path(tmp)
        shutil.copy(dockerfile_path(), context / "Dockerfile")
        shutil.copy(requirements_path(), context / "requirements.txt")
        shutil.copytree(wheels, context / "wheels", ignore=shutil.ignore_patterns(".complete"))
        for name, path in _image_sources():
            destination = context / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, destination)
        try:
            stream = client.api.build(
                path=str(context),
                tag=tag,
                buildargs={"BASE_IMAGE": base},
                labels={INPUTS_LABEL: digest, BASE_LABEL: base},
                rm=True,
                forcerm=True,
                decode=True,
                network_mode="none",
            )
            for event in stream:
                if "error" in event:
                    raise SandboxError(f"building the sandbox image failed: {event['error']}")
                line = (event.get("stream") or "").strip()
                if line.startswith("Step "):
                    say(line)
        except docker.errors.DockerException as exc:
            raise SandboxError(f"building the sandbox image failed: {_short(exc)}") from exc
    say(f"sandbox image {tag} built")
    return tag


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1][:300] if text else type(exc).__name__
