"""The Docker Engine calls a grading makes, over one of two transports.

A grading needs a dozen calls of the Engine API. Over the daemon's Unix socket they go
through `SocketEngine`, plain HTTP/1.1 with the standard library: importing the Docker
SDK (requests, urllib3) costs more than 100 ms of every `grader grade`, as much as a
fifth of a DSA grading. Any other daemon (tcp, TLS, ssh) goes through `SdkEngine`, the
SDK's low-level client behind the same methods. Both take the containers' settings as
the Engine API's own JSON (`container_config`), so the settings have one source.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import struct
from collections.abc import Callable
from typing import Any, Protocol, TypeVar
from urllib.parse import quote, urlencode

from grader.errors import SandboxError
from grader.sandbox import docker_host

DOCKER_API_VERSION = "1.41"  # Docker Engine 20.10 and every later engine speak it
_MULTIPLEX_HEADER = struct.Struct(">BxxxI")  # stream (1 stdout, 2 stderr), payload size
_STREAMS = {"stdout": 1, "stderr": 2}

T = TypeVar("T")


class EngineError(Exception):
    """The daemon refused a call or could not be reached."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Engine(Protocol):
    """What the Docker sandbox asks of a daemon. Containers and volumes are named by id."""

    local_socket: bool  # the daemon answers on a Unix socket of this machine

    def ping(self) -> None: ...
    def info(self) -> dict[str, Any]: ...
    def image_labels(self, reference: str) -> dict[str, str] | None: ...
    def images_labelled(self, label: str) -> list[str]: ...
    def create_volume(self, name: str, labels: dict[str, str]) -> str: ...
    def remove_volume(self, name: str) -> None: ...
    def create_container(self, name: str, config: dict[str, Any]) -> str: ...
    def put_archive(self, container: str, path: str, data: bytes) -> None: ...
    def start(self, container: str) -> None: ...
    def wait(self, container: str, timeout_s: float) -> bool: ...
    def logs(self, container: str, stream: str, limit: int, tail: int | None = None) -> bytes: ...
    def kill(self, container: str) -> None: ...
    def remove_container(self, container: str) -> None: ...
    def close(self) -> None: ...


def container_config(
    image: str,
    command: list[str],
    *,
    labels: dict[str, str],
    binds: list[str],
    user: str,
    memory_mb: int,
    cpus: float,
    pids: int,
    tmpfs_mb: int,
    log_max_mb: int,
    runtime: str | None = None,
) -> dict[str, Any]:
    """A container of the sandbox image with the hardening of SPEC §5, as the Engine API
    takes it (POST /containers/create)."""
    memory = memory_mb * 1024 * 1024
    host: dict[str, Any] = {
        "Binds": binds,
        "NetworkMode": "none",
        "CapDrop": ["ALL"],
        "SecurityOpt": ["no-new-privileges"],
        "ReadonlyRootfs": True,
        "Tmpfs": {"/tmp": f"rw,nosuid,nodev,size={tmpfs_mb}m,mode=1777"},
        "Memory": memory,
        "MemorySwap": memory,  # the same: no swap beyond the memory limit
        "PidsLimit": pids,
        "NanoCpus": int(cpus * 1e9),
        "LogConfig": {
            "Type": "json-file",
            "Config": {"max-size": f"{log_max_mb}m", "max-file": "1"},
        },
        "IpcMode": "none",
    }
    if runtime:
        host["Runtime"] = runtime
    return {
        "Image": image,
        "Cmd": command,
        "User": user,
        "Env": ["HOME=/tmp"],
        "Labels": labels,
        # No network at all: runc gives the container an empty namespace of its own. The
        # daemon's "none" network (kept in HostConfig) would set one up through libnetwork,
        # a re-exec of the daemon that doubles a container's start (~85 ms here).
        "NetworkDisabled": True,
        "AttachStdin": False,
        "AttachStdout": False,
        "AttachStderr": False,
        "OpenStdin": False,
        "Tty": False,
        "HostConfig": host,
    }


def connect_engine(timeout_s: float = 120) -> Engine:
    """The daemon of $DOCKER_HOST (the local socket by default), checked to answer."""
    where = docker_host()
    if not where.startswith("unix://"):
        from grader.sandbox.docker import docker_client

        return SdkEngine(docker_client(timeout=int(timeout_s)))
    path = where.removeprefix("unix://")
    engine = SocketEngine(path, timeout_s)
    try:
        engine.ping()
    except (EngineError, OSError) as exc:
        if isinstance(exc.__cause__, PermissionError) or isinstance(exc, PermissionError):
            hint = f"permission denied on {path}: add your user to the docker group"
        else:
            hint = "start it"
        raise daemon_unreachable(where, hint) from exc
    return engine


def daemon_unreachable(where: str, hint: str = "start it") -> SandboxError:
    return SandboxError(f"Docker daemon not reachable at {where}: {hint} or pass --sandbox local")


def as_engine(client_or_engine: Any) -> Engine:
    """An engine for a Docker SDK client (image builds, tests), or the engine given."""
    if hasattr(client_or_engine, "create_container"):
        return client_or_engine
    return SdkEngine(client_or_engine)


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout_s: float) -> None:
        super().__init__("docker", timeout=timeout_s)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class SocketEngine:
    """The Engine API over a Unix socket: one short connection per call, so that calls
    from several threads never share one."""

    local_socket = True

    def __init__(self, path: str, timeout_s: float = 120) -> None:
        self._path = path
        self._timeout_s = timeout_s

    def _open(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        timeout_s: float | None = None,
    ) -> tuple[_UnixConnection, http.client.HTTPResponse]:
        url = f"/v{DOCKER_API_VERSION}{path}"
        if params:
            url += "?" + urlencode(params)
        headers = {}
        if isinstance(body, bytes):
            headers["Content-Type"] = "application/x-tar"
        elif body is not None:
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = _UnixConnection(self._path, timeout_s or self._timeout_s)
        try:
            connection.request(method, url, body=body, headers=headers)
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            if isinstance(exc, TimeoutError):
                raise
            raise EngineError(f"Docker daemon not reachable at unix://{self._path}: {exc}") from exc
        if response.status >= 400:
            try:
                detail = response.read(64 * 1024)
            except (OSError, http.client.HTTPException):
                detail = b""
            finally:
                connection.close()
            raise EngineError(_error_message(response.status, detail), response.status)
        return connection, response

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        connection, response = self._open(method, path, **kwargs)
        try:
            data = response.read()
        except TimeoutError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            raise EngineError(f"the Docker daemon's answer broke off: {exc}") from exc
        finally:
            connection.close()
        if data and response.getheader("Content-Type", "").startswith("application/json"):
            return json.loads(data)
        return data

    def ping(self) -> None:
        # a short wait: a daemon that does not answer at once is not worth waiting for
        self._call("GET", "/_ping", timeout_s=min(self._timeout_s, 10))

    def info(self) -> dict[str, Any]:
        return self._call("GET", "/info")

    def image_labels(self, reference: str) -> dict[str, str] | None:
        return _labels(lambda: self._call("GET", f"/images/{quote(reference, safe='')}/json"))

    def images_labelled(self, label: str) -> list[str]:
        filters = json.dumps({"label": [label]})
        return _names(self._call("GET", "/images/json", params={"filters": filters}))

    def create_volume(self, name: str, labels: dict[str, str]) -> str:
        return self._call("POST", "/volumes/create", body={"Name": name, "Labels": labels})["Name"]

    def remove_volume(self, name: str) -> None:
        self._call("DELETE", f"/volumes/{quote(name, safe='')}", params={"force": 1})

    def create_container(self, name: str, config: dict[str, Any]) -> str:
        return self._call("POST", "/containers/create", params={"name": name}, body=config)["Id"]

    def put_archive(self, container: str, path: str, data: bytes) -> None:
        self._call("PUT", f"/containers/{container}/archive", params={"path": path}, body=data)

    def start(self, container: str) -> None:
        self._call("POST", f"/containers/{container}/start")

    def wait(self, container: str, timeout_s: float) -> bool:
        try:
            self._call("POST", f"/containers/{container}/wait", timeout_s=timeout_s)
        except TimeoutError:
            return False
        return True

    def logs(self, container: str, stream: str, limit: int, tail: int | None = None) -> bytes:
        """Up to `limit` bytes the container wrote to `stream` (the last `tail` lines)."""
        params = {"stdout": int(stream == "stdout"), "stderr": int(stream == "stderr")}
        if tail is not None:
            params["tail"] = tail
        connection, response = self._open("GET", f"/containers/{container}/logs", params=params)
        collected = bytearray()
        try:
            while len(collected) < limit:
                header = response.read(_MULTIPLEX_HEADER.size)
                if len(header) < _MULTIPLEX_HEADER.size:
                    break
                kind, size = _MULTIPLEX_HEADER.unpack(header)
                payload = response.read(min(size, limit - len(collected)))
                if kind == _STREAMS[stream]:
                    collected += payload
                if len(payload) < size:
                    break  # cut at the limit, or the stream ended inside a frame
        except (OSError, http.client.HTTPException) as exc:
            raise EngineError(f"reading the container's output broke off: {exc}") from exc
        finally:
            connection.close()
        return bytes(collected)

    def kill(self, container: str) -> None:
        self._call("POST", f"/containers/{container}/kill")

    def remove_container(self, container: str) -> None:
        self._call("DELETE", f"/containers/{container}", params={"force": 1, "v": 1})

    def close(self) -> None:
        """Nothing is held between calls."""


def _labels(inspect: Callable[[], dict[str, Any]]) -> dict[str, str] | None:
    """The labels of the image `inspect` describes; None when there is no such image."""
    try:
        image = inspect()
    except EngineError as exc:
        if exc.status == 404:
            return None
        raise
    return (image.get("Config") or {}).get("Labels") or {}


def _names(images: list[dict[str, Any]]) -> list[str]:
    """A name to run each image by: its first tag, or its id when it has none."""
    names = []
    for image in images:
        tags = [tag for tag in image.get("RepoTags") or [] if tag != "<none>:<none>"]
        names.append(tags[0] if tags else image["Id"])
    return names


def _error_message(status: int, detail: bytes) -> str:
    with contextlib.suppress(ValueError, AttributeError):
        message = json.loads(detail).get("message")
        if isinstance(message, str):
            return f"{status}: {message}"
    return f"{status}: {detail[:500].decode('utf-8', 'replace')}"


class SdkEngine:
    """The same calls through the Docker SDK, for daemons not on a local Unix socket."""

    def __init__(self, client: Any) -> None:
        self.client = client  # a docker.DockerClient; image builds need it
        self._api = client.api
        self.local_socket = str(self._api.base_url).startswith("http+docker://")

    @staticmethod
    def _checked(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        import docker.errors

        try:
            return call(*args, **kwargs)
        except docker.errors.APIError as exc:
            raise EngineError(str(exc), exc.status_code) from exc
        except docker.errors.DockerException as exc:
            raise EngineError(str(exc)) from exc

    def ping(self) -> None:
        self._checked(self._api.ping)

    def info(self) -> dict[str, Any]:
        return self._checked(self._api.info)

    def image_labels(self, reference: str) -> dict[str, str] | None:
        return _labels(lambda: self._checked(self._api.inspect_image, reference))

    def images_labelled(self, label: str) -> list[str]:
        return _names(self._checked(self._api.images, filters={"label": label}))

    def create_volume(self, name: str, labels: dict[str, str]) -> str:
        return self._checked(self._api.create_volume, name, labels=labels)["Name"]

    def remove_volume(self, name: str) -> None:
        self._checked(self._api.remove_volume, name, force=True)

    def create_container(self, name: str, config: dict[str, Any]) -> str:
        return self._checked(self._api.create_container_from_config, config, name)["Id"]

    def put_archive(self, container: str, path: str, data: bytes) -> None:
        self._checked(self._api.put_archive, container, path, data)

    def start(self, container: str) -> None:
        self._checked(self._api.start, container)

    def wait(self, container: str, timeout_s: float) -> bool:
        import requests.exceptions

        try:
            self._api.wait(container, timeout=timeout_s)
        except (requests.exceptions.ConnectionError, requests.exceptions.ReadTimeout):
            return False
        return True

    def logs(self, container: str, stream: str, limit: int, tail: int | None = None) -> bytes:
        # read whole (the SDK's streams keep their socket open): the containers' log
        # settings (container_config's log_max_mb) bound what there is to read
        data = self._checked(
            self._api.logs,
            container,
            stdout=stream == "stdout",
            stderr=stream == "stderr",
            tail="all" if tail is None else tail,
        )
        return data[:limit]

    def kill(self, container: str) -> None:
        self._checked(self._api.kill, container)

    def remove_container(self, container: str) -> None:
        self._checked(self._api.remove_container, container, force=True, v=True)

    def close(self) -> None:
        self.client.close()
