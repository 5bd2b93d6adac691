"""The local sandbox: the same harness/worker split as two host processes.

No walls: the candidate's code runs with the user's rights. Only the split,
the per-test kills, rlimits on the worker and a wall-clock limit remain.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from typing import IO

from grader.harness.processes import descendants
from grader.interrupts import interrupt_on_stop_signals, stop_signals_held
from grader.sandbox import forked
from grader.sandbox.base import (
    RESULTS_LIMIT_BYTES,
    SOCKET_NAME,
    GradingJob,
    HarnessOutput,
    harness_config,
    log_harness_timings,
    parse_results,
    reference_file,
    shared_tests_dir,
    supervisor_arguments,
    wall_clock_limit_s,
)
from grader.sandbox.harness_process import (
    StartedHarness,
    claim_early,
    kill_process_group,
    process_environment,
)

STDERR_TAIL_BYTES = 64 * 1024
SUPERVISOR_MODULE = "grader.harness.supervisor"
Process = subprocess.Popen[bytes] | forked.ForkedProcess


class LocalSandbox:
    name = "local"
    confined = False

    def __init__(self) -> None:
        self._spare: StartedHarness | None = None

    @property
    def image(self) -> str | None:
        return None

    def prestart(self) -> None:
        """Start the next grading's harness now (or adopt the one the command started before
        its imports): its interpreter starts and imports pytest while the host loads the
        pack and stages the submission."""
        with stop_signals_held():
            if self._spare is None:
                self._spare = claim_early()
            if self._spare is None:
                # a head start only: when no process can be started now, run() tries and reports
                with contextlib.suppress(OSError):
                    self._spare = StartedHarness()

    def close(self) -> None:
        if self._spare is not None:
            self._spare.discard()
            self._spare = None

    def run(self, job: GradingJob) -> HarnessOutput:
        harness = None
        with interrupt_on_stop_signals():
            try:
                with stop_signals_held():
                    harness, self._spare = self._spare or StartedHarness(), None
                return self._run(job, harness)
            finally:
                if harness is not None:
                    harness.discard()

    def _run(self, job: GradingJob, harness: StartedHarness) -> HarnessOutput:
        exercise = job.exercise
        root = harness.root
        (root / "channel").mkdir(mode=0o700)
        # relative to the run folder, where the harness and the supervisor work: a socket's
        # path may not exceed 107 bytes, and TMPDIR alone can be longer
        socket_path = os.path.join("channel", SOCKET_NAME)
        reference = reference_file(exercise)
        shared = shared_tests_dir(exercise)
        config = harness_config(
            job,
            tests=str(exercise.hidden_tests),
            reference=str(reference) if reference else None,
            shared=str(shared) if shared else None,
            socket_path=socket_path,
        )
        limits = exercise.limits
        supervisor_argv = supervisor_arguments(
            job,
            socket_path=socket_path,
            submission=str(job.staged.directory),
            workdir=str(root / "work"),
            address_space_mb=max(2 * limits.memory_mb, limits.memory_mb + 1024),
            max_processes=limits.pids,
        )
        start_requested = time.time()
        harness.send_config(config)
        supervisor = None
        try:
            with stop_signals_held():
                supervisor = _start_supervisor(supervisor_argv, str(root))
            output = self._wait(harness.process, harness.stderr, wall_clock_limit_s(exercise))
            log_harness_timings(output, start_requested)
            return output
        finally:
            kill_process_group(harness.process)
            if supervisor is not None:
                stop_supervisor(supervisor)

    def _wait(
        self,
        harness: Process,
        stderr: IO[bytes],
        total_timeout_s: float,
    ) -> HarnessOutput:
        assert harness.stdout is not None
        collected = bytearray()
        reader = threading.Thread(
            target=_read_capped, args=(harness.stdout, collected), daemon=True
        )
        reader.start()
        if not wait_for_exit(harness, total_timeout_s):
            kill_process_group(harness)
            return HarnessOutput(None, timed_out=True, diagnostics=_tail(stderr))
        reader.join(timeout=10)
        output = parse_results(bytes(collected))
        output.diagnostics = _tail(stderr)
        return output


def _start_supervisor(args: list[str], folder: str) -> Process:
    # forked where the command can: the worker is ready ~25 ms sooner, before the harness
    # has collected the tests (started anew, the first test could wait for it)
    return forked.start_module(
        SUPERVISOR_MODULE,
        args,
        name="grader-supervis",
        folder=folder,
        env=process_environment(),
        stderr=None,
        pipes=False,
    )


def stop_supervisor(supervisor: Process) -> None:
    """Let the supervisor kill the worker tree it reaps, then make sure nothing is left."""
    left = set(descendants(supervisor.pid))
    with contextlib.suppress(ProcessLookupError):
        supervisor.send_signal(signal.SIGTERM)
    wait_for_exit(supervisor, 3)
    for pid in left | set(descendants(supervisor.pid)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    kill_process_group(supervisor)


def wait_for_exit(process: Process, timeout_s: float) -> bool:
    """Whether the process exited within the time. Popen.wait(timeout) polls with sleeps
    of up to 50 ms; a thread blocked in waitpid sees the exit at once."""
    waiter = threading.Thread(target=process.wait, daemon=True)
    waiter.start()
    waiter.join(timeout=timeout_s)
    return not waiter.is_alive()


def _read_capped(stream: IO[bytes], sink: bytearray) -> None:
    while True:
        chunk = stream.read(65536)
        if not chunk:
            return
        room = RESULTS_LIMIT_BYTES - len(sink)
        if room > 0:
            sink += chunk[:room]


def _tail(stream: IO[bytes]) -> str:
    with contextlib.suppress(OSError):
        stream.flush()
        size = stream.seek(0, os.SEEK_END)
        stream.seek(max(0, size - STDERR_TAIL_BYTES))
        return stream.read().decode("utf-8", "replace")
    return ""
