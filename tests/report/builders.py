"""Hand-built reports for the renderer tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from grader.models import Environment, Flag, Report, SubmissionInfo, TestResult

SHA = "ab" * 32

# Each of these is something a candidate can put in a message or a file name.
ANSI = "\x1b[31mred\x1b[0m"
OSC8_LINK = "\x1b]8;;http://evil.example\x1b\\click me\x1b]8;;\x1b\\"
MARKUP = "[bold]x[/bold]"
PIPES = "| a | b |"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[click](http://evil)"
HOSTILE = [ANSI, OSC8_LINK, MARKUP, PIPES, IMG, LINK]
HOSTILE_MESSAGE = " ".join(HOSTILE) + "\nsecond line\r\nthird\x07bell"
LONG_MESSAGE = "wrong answer " + "y" * 5000 + " END-OF-LONG-MESSAGE"


def env(**changes: Any) -> Environment:
    base = Environment(sandbox="docker", image="grader-sandbox:0.1.0", grader_version="0.1.0")
    return replace(base, **changes)


def make_test(
    name: str, outcome: str, points: float, max_points: float, message: str = "", **changes: Any
) -> TestResult:
    slug = name.replace(" ", "_")
    return TestResult(
        id=changes.pop("id", f"test_hidden.py::test_{slug}"),
        name=name,
        outcome=outcome,  # type: ignore[arg-type]
        points=points,
        max_points=max_points,
        duration_s=changes.pop("duration_s", 0.01),
        message=message,
    )


def graded(**changes: Any) -> Report:
    tests = (
        make_test("examples", "passed", 2.0, 2.0),
        make_test("edge cases", "passed", 3.0, 3.0),
        make_test("partial", "passed", 1.5, 1.5),
        make_test("bonus", "passed", 0.5, 0.5),
        make_test("large input", "timeout", 0.0, 1.0, "took longer than 2 s on n = 10^5"),
        make_test(
            "negatives", "failed", 0.0, 1.0, "wrong answer on a hidden input with 10 numbers"
        ),
        make_test("crash", "crashed", 0.0, 0.5, "the worker process died (exit code -9)"),
        make_test("optional", "skipped", 0.0, 0.0, "needs numpy"),
        make_test("harness", "error", 0.0, 0.5, "fixture failed"),
    )
    base = Report(
        exercise_id="two-sum",
        exercise_title="Two Sum",
        exercise_version="f" * 64,
        submission=SubmissionInfo(path="alice/solution.py", sha256=SHA, kind="py"),
        status="graded",
        score=7.0,
        max_score=10.0,
        tests=tests,
        flags=(),
        environment=env(),
        duration_s=1.23,
    )
    return replace(base, **changes)


def hostile() -> Report:
    tests = (
        make_test("examples", "passed", 2.0, 2.0, HOSTILE_MESSAGE),
        make_test("large input", "failed", 0.0, 3.0, LONG_MESSAGE),
    )
    return graded(
        tests=tests,
        score=2.0,
        max_score=5.0,
        submission=SubmissionInfo(path=f"subs/{MARKUP}{IMG}\n{ANSI}.py", sha256=SHA, kind="py"),
        flags=(Flag("output-limit", HOSTILE_MESSAGE), Flag("tampering", LINK + " " + PIPES)),
    )


def rejected(**changes: Any) -> Report:
    base = graded(
        status="rejected",
        score=0.0,
        max_score=10.0,
        tests=(),
        flags=(
            Flag("ignored-files", "left out: notes.txt"),
            Flag("missing-entry-point", "no file defines two_sum: found a.py, b.py"),
        ),
    )
    return replace(base, **changes)


def error(**changes: Any) -> Report:
    base = graded(status="error", score=0.0, max_score=10.0, tests=(), flags=())
    return replace(base, **changes)


def assignment() -> Report:
    parts = (
        {**graded().to_dict(), "weight": 2.0},
        {**rejected().to_dict(), "weight": 1.0},
    )
    return graded(
        exercise_id="ml-takehome",
        exercise_title="ML take-home",
        submission=SubmissionInfo(path="alice", sha256=SHA, kind="dir"),
        tests=(),
        score=200.0 / 3,
        max_score=100.0,
        exercises=parts,
    )
