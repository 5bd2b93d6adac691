"""A worker waits for requests by polling only when that spends nothing it needs: under a
CPU quota below one CPU, polling would use up the quota and stall the candidate's code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from grader.harness import supervisor, worker
from grader.sandbox.base import GradingJob, supervisor_arguments
from grader.submission import stage_submission
from tests.conftest import BEHAVIOURS


def _worker_args(mini_exercise, tmp_path, cpu_quota: float | None):
    exercise = replace(mini_exercise, limits=replace(mini_exercise.limits, cpus=cpu_quota or 1))
    (tmp_path / "staged").mkdir()
    staged = stage_submission(BEHAVIOURS / "correct.py", exercise, tmp_path / "staged")
    arguments = supervisor_arguments(
        GradingJob(exercise, staged),
        socket_path=str(tmp_path / "socket"),
        submission=str(staged.directory),
        workdir=str(tmp_path / "work"),
        cpu_quota=cpu_quota,
    )
    command = supervisor.worker_command(supervisor.parse_args(arguments), 5, 6)
    return worker.parse_args(command[command.index("grader.harness.worker") + 1 :])


@pytest.mark.parametrize("quota", [0.25, 0.5, 0.99])
def test_a_worker_under_a_quota_below_one_cpu_does_not_poll(mini_exercise, tmp_path, quota):
    assert _worker_args(mini_exercise, tmp_path, quota).no_poll


@pytest.mark.parametrize("quota", [None, 1.0, 2.0])
def test_a_worker_with_a_cpu_of_its_own_polls(mini_exercise, tmp_path, quota):
    args = _worker_args(mini_exercise, tmp_path, quota)
    assert not args.no_poll
    assert (args.read_fd, args.write_fd, args.entry_module) == (5, 6, "correct")
