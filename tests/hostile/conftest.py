"""The red-team suite: hostile submissions graded through the command line in Docker.

Each test module lists its cases: which fixture folder under cases/ it builds, against which
exercise of the hostile pack, and what the report must say. A case is graded once per
session; its invariant test and any stricter expectation share that grading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import builders
from tests.hostile.invariants import HOSTILE_PACK, Grading, assert_invariants, grade_cli

# The fixture folders are submissions, not tests: pytest must never import their conftest.py,
# pytest.py or grader/ package.
collect_ignore = ["cases"]

Builder = Callable[[str, str, Path], Path]


@dataclass(frozen=True)
class Expect:
    """What the report must say about one case."""

    ceiling: float  # the most honest answers to the same tests could earn
    status: str = "graded"
    score: float | None = None  # exactly this, when the attack cannot move it at all
    outcomes: dict[str, frozenset[str]] = field(default_factory=dict)  # test name -> allowed
    flags: frozenset[str] = frozenset()  # codes that must be present
    words: dict[str, str] = field(default_factory=dict)  # test name or flag code -> words


@dataclass(frozen=True)
class Case:
    name: str  # the fixture folder under cases/
    expect: Expect
    build: Builder = builders.as_file
    exercise: str = "target"
    pack: Path = HOSTILE_PACK
    variant: str = ""  # one of several submissions built from the same folder
    formats: tuple[str, ...] = ("json",)

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name


def check_expectations(grading: Grading, expect: Expect) -> None:
    """The case-specific half: status, score, outcomes, flags and message words."""
    report = grading.report
    assert report is not None
    context = grading.summary()
    assert report["status"] == expect.status, context
    if expect.score is not None:
        assert report["score"] == pytest.approx(expect.score), context
    for name, allowed in expect.outcomes.items():
        outcome = grading.test(name)["outcome"]
        assert outcome in allowed, f"{name!r} was {outcome}, expected {sorted(allowed)}:\n{context}"
    missing = expect.flags - grading.flag_codes()
    assert not missing, f"missing flags {sorted(missing)}:\n{context}"
    for where, words in expect.words.items():
        if where in grading.flag_codes():
            texts = [f["message"] for f in report["flags"] if f["code"] == where]
        else:
            texts = [grading.test(where)["message"]]
        assert any(words in text for text in texts), f"{words!r} not in {texts}:\n{context}"


@pytest.fixture(scope="session")
def graded(docker_client, sandbox_image, tmp_path_factory) -> Callable[[Case], Grading]:
    """Grade a case once per session (Docker required; skipped, or failed in CI, without)."""
    done: dict[str, Grading] = {}

    def grade(case: Case) -> Grading:
        if case.id not in done:
            out = tmp_path_factory.mktemp(case.name)
            submission = case.build(case.name, case.exercise, out)
            done[case.id] = grade_cli(
                submission,
                case.exercise,
                pack=case.pack,
                workdir=out / "run",
                docker_client=docker_client,
                formats=case.formats,
            )
        return done[case.id]

    return grade


def case_params(cases: list[Case]) -> list[Any]:
    return [pytest.param(case, id=case.id) for case in cases]


def run_case(graded: Callable[[Case], Grading], case: Case) -> Grading:
    grading = graded(case)
    assert_invariants(grading, ceiling=case.expect.ceiling)
    check_expectations(grading, case.expect)
    return grading


# Test names of the hostile pack (their docstrings' first lines), with their points.
ADD = "adds numbers"  # 2
SQUARES = "lists squares"
DOUBLE = "doubles an array"
MEAN = "computes a mean"
COUNT = "counts words"
WORDS = "splits words"
UNIQUE = "keeps distinct values"
SPEED = "sums 2 * 10^5 numbers in O(n)"  # 2
ECHO = "echoes values back"
AFTER = "still answers after everything else"
TARGET_POINTS = 12.0
ANSWER = "answers 42"
GUESS = "knows the secret (no honest submission can)"
SECRET_HONEST = 1.0  # of 2: no honest submission knows the secret

PASSED = frozenset({"passed"})
FAILED = frozenset({"failed"})
NOT_PASSED = frozenset({"failed", "crashed", "timeout"})
