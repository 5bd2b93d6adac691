"""Harness entry point: run the hidden tests against a worker, print results.

Runs in the harness container (or a local process). It listens on the
channel socket, waits for the supervisor beside the candidate's code, runs
pytest with the grader plugin and prints one JSON document of raw results on
its stdout. Scores are not computed here; the host does that from outcomes
and the pack's points.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from grader.harness.client import FORBIDDEN_IMPORT_ERROR, WorkerClient

if TYPE_CHECKING:
    from grader.harness.plugin import TestRecord

# How long a thread may keep the GIL from another that waits for it (Python's default:
# 5 ms). The thread that starts the worker wakes several times while the main thread
# imports pytest and collects the tests; each wake waited up to the whole interval.
SWITCH_INTERVAL_S = 0.0005
ERRNO_DISK = {28, 27, 122}  # ENOSPC, EFBIG, EDQUOT
ERRNO_PROCESSES = {11}  # EAGAIN from fork/clone at the pids limit


def harness_flags(
    records: list[TestRecord], client: WorkerClient, output_bytes: int, output_limit: int
) -> list[dict[str, str]]:
    flags: list[dict[str, str]] = []

    def add(code: str, message: str) -> None:
        flags.append({"code": code, "message": message})

    def count(predicate: Any) -> int:
        return sum(1 for r in records if predicate(r))

    timeouts = count(lambda r: r.outcome == "timeout")
    if timeouts:
        add("timeout", f"{timeouts} test(s) exceeded their time limit")
    memory = count(lambda r: r.error_kind == "MemoryError")
    if memory or client.events.oom_kills:
        add(
            "memory-limit",
            "your code ran out of memory (limit "
            f"{client.memory_mb} MB) in {max(memory, 1)} test(s)",
        )
    processes = count(
        lambda r: (
            r.error_kind.split(":")[-1] in {str(e) for e in ERRNO_PROCESSES}
            or r.error_kind.startswith("BlockingIOError")
        )
    )
    if processes:
        add("process-limit", "your code hit the limit on processes or threads")
    disk = count(lambda r: r.error_kind.split(":")[-1] in {str(e) for e in ERRNO_DISK})
    if disk:
        add("disk-limit", "your code hit the limit on disk space")
    crashed = count(lambda r: r.outcome == "crashed" and r.error_kind != "MemoryError")
    if crashed:
        add("crashed", f"the worker running your code died in {crashed} test(s)")
    from grader.harness.plugin import candidate_error_message, describe_failure

    if client.import_error is not None:
        add("import-error", "no test could run: " + describe_failure(client.import_error, True))
    elif client.load_errors:
        first, *others = client.load_errors
        more = f" (and {len(others)} more error(s))" if others else ""
        add(
            "import-error",
            f"while loading, {candidate_error_message(first, reveal=True)}{more}; "
            "the tests used what your code defined all the same",
        )
    if output_bytes > output_limit:
        add(
            "output-limit",
            f"your code printed {output_bytes} bytes; only the first {output_limit} were kept",
        )
    blocked = count(lambda r: r.error_kind == FORBIDDEN_IMPORT_ERROR)
    failed_import = client.import_error.error if client.import_error else None
    if failed_import is not None and failed_import.type_name == FORBIDDEN_IMPORT_ERROR:
        blocked = max(blocked, 1)
    if blocked:
        add(
            "forbidden-import",
            f"your code tried to import a forbidden module at run time "
            f"in {blocked} test(s); the import was refused",
        )
    for what in dict.fromkeys(client.events.protocol_violations):
        add("tampering", what)
    return flags


def connect(config: dict[str, Any]) -> WorkerClient:
    """Listen on the channel socket; the supervisor is accepted and the first worker
    started in the background."""
    socket_path = config["socket"]
    # Docker starts the harness while the submission is still being copied in beside it.
    os.makedirs(os.path.dirname(socket_path), exist_ok=True)
    if os.path.exists(socket_path):
        os.unlink(socket_path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(1)

    client = WorkerClient(
        listener,
        import_timeout_s=float(config["import_timeout_s"]),
        restarts=int(config["restarts"]),
        memory_mb=int(config["memory_mb"]),
    )
    client.start(connect_timeout_s=float(config.get("connect_timeout_s", 60.0)))
    return client


def run(
    config: dict[str, Any], started_at: float, client: WorkerClient | None = None
) -> dict[str, Any]:
    if client is None:
        client = connect(config)
    # pytest is imported only now: the worker can connect and start meanwhile
    import pytest

    from grader.harness.plugin import GraderPlugin

    tests = Path(config["tests"])
    if config.get("shared"):
        # pack code several hidden suites share (e.g. a data generator); trusted
        sys.path.insert(0, config["shared"])
    reference = Path(config["reference"]) if config.get("reference") else None
    plugin = GraderPlugin(
        client,
        reference=reference,
        default_limit_s=float(config["test_timeout_s"]),
        total_limit_s=float(config["total_timeout_s"]),
        forbidden_found=[str(item) for item in config.get("forbidden_found", [])],
        tests_root=tests,
    )
    args = [
        str(tests),
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:stepwise",
        # its clean-up runs gc.collect() several times (about 12 ms) to report exceptions
        # raised in finalizers, which no hidden test is graded on
        "-p",
        "no:unraisableexception",
        "--assert=plain",
        "--import-mode=importlib",
        "--rootdir",
        str(tests),
        "-c",
        os.devnull,
        "--tb=no",
        "-o",
        "console_output_style=classic",
        "-W",
        "ignore::DeprecationWarning",
    ]
    exit_code = pytest.main(args, plugins=[plugin])
    tests_done_at = time.time()
    if client.start_failure is not None:
        return {"fatal": f"the sandbox could not start a worker: {client.start_failure}"}
    output_bytes, _ = client.output_status()
    client.shutdown()
    records = list(plugin.records.values())
    return {
        "pytest_exit": int(exit_code),
        "collection_errors": plugin.collection_errors,
        "tests": [
            {
                "id": r.id,
                "name": r.name,
                "outcome": r.outcome,
                "max_points": r.max_points,
                "duration_s": round(r.duration_s, 6),
                "message": r.message,
            }
            for r in records
        ],
        "flags": [
            *plugin.test_flags,
            *harness_flags(records, client, output_bytes, int(config["output_limit"])),
        ],
        "broken": client.broken,
        "timings": {
            "main": started_at,
            "collected": plugin.collected_at,
            "worker_ready": client.ready_at,
            "tests_done": tests_done_at,
        },
    }


def main(argv: list[str] | None = None) -> None:
    started_at = time.time()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    parser = argparse.ArgumentParser(prog="grader-harness")
    parser.add_argument("--config", required=True, help="the config file, or - to read it on stdin")
    args = parser.parse_args(argv)
    # Only the results document goes to the real stdout; pytest's chatter goes to stderr.
    results_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        if args.config == "-":
            config, client = _config_from_stdin()
        else:
            config, client = _config_from_file(args.config, results_fd), None
        results = run(config, started_at, client)
    except Exception as exc:  # noqa: BLE001 - reported to the host as a grader error
        results = {"fatal": f"{type(exc).__name__}: {exc}"}
    _write_results(results_fd, results)


def _config_from_file(path: str, results_fd: int) -> dict[str, Any]:
    try:
        with open(path) as handle:
            config: dict[str, Any] = json.load(handle)
    except FileNotFoundError:
        # the host's files never arrived (a bind the daemon could not see): the host retries
        _write_results(results_fd, {"fatal": f"no {path}", "config_missing": True})
    return config


def _config_from_stdin() -> tuple[dict[str, Any], WorkerClient | None]:
    """Started ahead of its grading (local sandbox): pytest is imported while the host
    stages the submission, and the socket listens as soon as the config arrives."""
    received: dict[str, Any] = {}

    def receive() -> None:
        try:
            data = sys.stdin.buffer.read()
            if data.strip():
                received["config"] = json.loads(data)
                received["client"] = connect(received["config"])
        except Exception as exc:  # noqa: BLE001 - raised again in the main thread
            received["error"] = exc

    reader = threading.Thread(target=receive, daemon=True)
    reader.start()
    import pytest  # noqa: F401 - the slow part of run(), done while the host works

    import grader.harness.plugin  # noqa: F401

    reader.join()
    if "error" in received:
        raise received["error"]
    if "config" not in received:
        os._exit(0)  # stdin closed empty: the host no longer needs this harness
    return received["config"], received["client"]


def _write_results(results_fd: int, results: dict[str, Any]) -> NoReturn:
    with os.fdopen(results_fd, "w") as out:
        json.dump(results, out)
        out.write("\n")
    sys.stderr.flush()
    # the results are out: skip interpreter teardown (pytest and library finalizers)
    os._exit(0)


if __name__ == "__main__":
    main()
