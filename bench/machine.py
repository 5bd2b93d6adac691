"""What the figures were measured on, and how to call grader from the benchmark scripts."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def grader_command() -> list[str]:
    """The `grader` console script next to this interpreter, as a user would run it."""
    script = Path(sys.executable).parent / "grader"
    if script.is_file():
        return [str(script)]
    found = shutil.which("grader")
    return [found] if found else [sys.executable, "-m", "grader"]


def _first_line(path: str, key: str) -> str:
    try:
        with open(path) as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return "unknown"


def _docker_version() -> str:
    try:
        result = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    return result.stdout.strip() or "unavailable"


def _grader_version() -> str:
    try:
        import grader
    except ImportError:
        return "unknown"
    return grader.__version__


def machine_info(image: str | None = None) -> dict[str, Any]:
    memory_kb = _first_line("/proc/meminfo", "MemTotal").split()[0:1]
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpu": _first_line("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory_kb[0]) / 1024 / 1024, 1) if memory_kb else None,
        "kernel": platform.release(),
        "docker": _docker_version(),
        "python": platform.python_version(),
        "grader": _grader_version(),
        "image": image,
        "load_average": [round(x, 2) for x in load],
    }


def describe_machine(info: dict[str, Any]) -> list[str]:
    return [
        f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB",
        f"kernel {info['kernel']}, Docker {info['docker']}, Python {info['python']}, "
        f"grader {info['grader']}, image {info['image']}",
        "load average (1, 5, 15 min) at start: "
        + " ".join(f"{x:.2f}" for x in info["load_average"])
        + (
            ", at end: " + " ".join(f"{x:.2f}" for x in info["load_average_end"])
            if info.get("load_average_end")
            else ""
        ),
    ]
