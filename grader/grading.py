"""grade(): one submission, one exercise, one sandbox -> a Report.

Never raises for a candidate's fault: those become a `rejected` report or
failed tests. Raises UsageError for the user's faults and SandboxError when
no sandbox can run; any other failure of the grader becomes status `error`.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import grader
from grader.catalog import exercise_points
from grader.errors import GraderError
from grader.flags import FlagCode
from grader.models import Environment, Exercise, Flag, Report
from grader.sandbox.base import GradingJob, HarnessOutput, Sandbox, phase
from grader.scoring import GRADER_FAULT_MESSAGE, graded_report, make_report
from grader.submission import SubmissionRejected, safe_text, stage_submission
from grader.submission.imports import ImportFinding, find_forbidden_imports

log = logging.getLogger("grader")


def environment_of(sandbox: Sandbox) -> Environment:
    return Environment(
        sandbox=sandbox.name,
        image=sandbox.image,
        grader_version=grader.__version__,
        confined=sandbox.confined,
    )


def forbidden_import_flags(findings: list[ImportFinding]) -> tuple[Flag, ...]:
    if not findings:
        return ()
    shown = "; ".join(safe_text(f.describe(), 120) for f in findings[:3])
    more = f" and {len(findings) - 3} more" if len(findings) > 3 else ""
    return (
        Flag(FlagCode.FORBIDDEN_IMPORT, f"this exercise must be solved without it: {shown}{more}"),
    )


def grade(submission: Path, exercise: Exercise, sandbox: Sandbox) -> Report:
    started = time.monotonic()
    environment = environment_of(sandbox)

    def elapsed() -> float:
        return time.monotonic() - started

    with tempfile.TemporaryDirectory(prefix="grader-stage-") as tmp:
        staged_dir = Path(tmp).absolute() / "submission"  # TMPDIR=. gives a relative one
        staged_dir.mkdir()
        try:
            with phase("stage the submission"):
                staged = stage_submission(submission, exercise, staged_dir)
        except SubmissionRejected as rejection:
            return make_report(
                exercise,
                rejection.info,
                environment,
                status="rejected",
                flags=(*rejection.notes, rejection.flag),
                duration_s=elapsed(),
                max_score=exercise_points(exercise) or 0.0,
            )
        findings = find_forbidden_imports(
            staged.directory,
            exercise.forbidden_imports,
            notebook_module=f"{staged.entry_module}.py" if staged.notebook else None,
        )
        notes = staged.notes + forbidden_import_flags(findings)
        job = GradingJob(
            exercise,
            staged,
            forbidden_found=tuple(f.describe() for f in findings),
            forbidden_modules_found=tuple(sorted({f.module for f in findings})),
        )
        try:
            output = sandbox.run(job)
        except GraderError:
            raise
        except Exception:
            log.exception("grading %s against %s failed", submission, exercise.id)
            output = HarnessOutput(None, failure="the sandbox raised")

    def grader_failed(flag: Flag) -> Report:
        return make_report(
            exercise, staged.info, environment, status="error", flags=(flag,), duration_s=elapsed()
        )

    if output.diagnostics.strip():
        log.debug("harness stderr:\n%s", output.diagnostics)
    if output.timed_out:
        return grader_failed(
            Flag(
                FlagCode.TIMEOUT,
                "the grading as a whole exceeded its wall-clock limit and was stopped",
            )
        )
    if output.results is None:
        log.error("grading %s: %s\n%s", submission, output.failure, output.diagnostics)
        return grader_failed(Flag(FlagCode.CRASHED, GRADER_FAULT_MESSAGE))
    return graded_report(exercise, staged.info, environment, output.results, notes, elapsed())
