"""What every sandbox does: run the harness and a worker for one staged submission.

A sandbox returns the harness's raw results (or why there are none); it never
scores. The layout of a run (paths, harness config, supervisor arguments) is
defined here once for both the Docker and the local sandbox.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from grader.models import Exercise, StagedSubmission

RESULTS_LIMIT_BYTES = 16 * 1024 * 1024
HARNESS_MEMORY_MB = 2048
CONNECT_TIMEOUT_S = 60.0
SOCKET_NAME = "harness.sock"
SHARED_DIR = "_shared"
WORKER_FILE_SIZE_MB = 64


log = logging.getLogger("grader.sandbox")


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Log how long a step of a grading took (shown with `grader -v`)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        log.debug("%s: %.3f s", name, time.perf_counter() - started)


def log_harness_timings(output: HarnessOutput, start_requested: float) -> None:
    """Where the harness's time went, relative to the request to start it."""
    timings = (output.results or {}).get("timings")
    if not isinstance(timings, dict) or not log.isEnabledFor(logging.DEBUG):
        return
    for name in ("main", "worker_ready", "collected", "tests_done"):
        value = timings.get(name)
        if isinstance(value, int | float) and value:
            log.debug("harness %s at +%.3f s", name, value - start_requested)


@dataclass(frozen=True)
class GradingJob:
    exercise: Exercise
    staged: StagedSubmission
    # forbidden imports found statically (descriptions): the worker lets those modules load,
    # so only the tests that check for them lose points
    forbidden_found: tuple[str, ...] = ()
    forbidden_modules_found: tuple[str, ...] = ()


@dataclass
class HarnessOutput:
    """Parsed results of the harness, or the reason there are none."""

    results: dict[str, Any] | None
    failure: str | None = None  # the grader's own fault: becomes status `error`
    timed_out: bool = False  # the whole grading exceeded its wall-clock limit
    config_missing: bool = False  # the harness found no config: its files never reached it
    diagnostics: str = ""  # the harness's stderr tail, for the log only
    notes: list[str] = field(default_factory=list)


class Sandbox(Protocol):
    name: str
    confined: bool

    @property
    def image(self) -> str | None: ...

    def prestart(self) -> None:
        """Start what the next `run` needs ahead of it, while the host stages the submission."""

    def run(self, job: GradingJob) -> HarnessOutput: ...

    def close(self) -> None: ...


def wall_clock_limit_s(exercise: Exercise) -> float:
    """The outer kill: only reached when the harness itself hangs."""
    return exercise.limits.total_timeout_s + max(30.0, 2 * exercise.limits.test_timeout_s) + 60.0


def shared_tests_dir(exercise: Exercise) -> Path | None:
    """The pack's hidden_tests/_shared folder: helpers several hidden suites import."""
    path = exercise.hidden_tests.parent / SHARED_DIR
    return path if path.is_dir() else None


def reference_file(exercise: Exercise) -> Path | None:
    path = exercise.reference / "solution.py"
    return path if path.is_file() else None


def harness_config(
    job: GradingJob, *, tests: str, reference: str | None, shared: str | None, socket_path: str
) -> dict[str, Any]:
    exercise = job.exercise
    limits = exercise.limits
    return {
        "tests": tests,
        "shared": shared,
        "forbidden_found": list(job.forbidden_found),
        "reference": reference,
        "socket": socket_path,
        "test_timeout_s": limits.test_timeout_s,
        "total_timeout_s": limits.total_timeout_s,
        "import_timeout_s": max(30.0, 2 * limits.test_timeout_s),
        "restarts": limits.restarts,
        "memory_mb": limits.memory_mb,
        "output_limit": limits.output_bytes,
        "connect_timeout_s": CONNECT_TIMEOUT_S,
    }


def supervisor_arguments(
    job: GradingJob,
    *,
    socket_path: str,
    submission: str,
    workdir: str,
    address_space_mb: int = 0,
    max_processes: int = 0,
    cpu_quota: float | None = None,
) -> list[str]:
    """The supervisor's command-line arguments; `cpu_quota` is the CPUs the worker's
    container may use, when the sandbox limits them."""
    exercise = job.exercise
    entry_module = job.staged.entry_module or "solution"
    args = [
        "--socket",
        socket_path,
        "--submission",
        submission,
        "--workdir",
        workdir,
        "--entry-module",
        entry_module,
        "--output-limit",
        str(exercise.limits.output_bytes),
        "--file-size-mb",
        str(WORKER_FILE_SIZE_MB),
        "--address-space-mb",
        str(address_space_mb),
        "--max-processes",
        str(max_processes),
        "--connect-timeout",
        str(CONNECT_TIMEOUT_S),
        "--kind",
        _worker_kind(job),
    ]
    if exercise.entry_point:
        args += ["--entry-point", exercise.entry_point]
    if exercise.leetcode_method:
        args += ["--leetcode-method", exercise.leetcode_method]
    for name in exercise.forbidden_imports:
        if name not in job.forbidden_modules_found:
            args += ["--forbidden", name]
    if cpu_quota is not None and cpu_quota < 1:
        # waiting by polling would spend a quota of less than one CPU, and stall the worker
        args.append("--no-poll")
    return args


def parse_results(raw: bytes) -> HarnessOutput:
    """The harness prints one JSON document; anything else is the grader's failure."""
    text = raw.decode("utf-8", "replace").strip()
    if not text:
        return HarnessOutput(None, failure="the harness produced no results")
    try:
        results = json.loads(text.splitlines()[-1])
    except json.JSONDecodeError:
        return HarnessOutput(None, failure="the harness produced unreadable results")
    if not isinstance(results, dict):
        return HarnessOutput(None, failure="the harness produced unreadable results")
    if "fatal" in results:
        return HarnessOutput(
            None,
            failure=f"the harness failed: {results['fatal']}",
            config_missing=results.get("config_missing") is True,
        )
    return HarnessOutput(results)


def _worker_kind(job: GradingJob) -> str:
    if job.staged.notebook:
        return "notebook"
    if job.staged.exported_notebook and job.exercise.kind == "python":
        return "notebook-script"
    return job.exercise.kind
