"""Fixtures for submission intake tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.models import Exercise, StagedSubmission
from grader.submission import SubmissionRejected, stage_submission

from .builders import make_exercise


@pytest.fixture
def python_exercise() -> Exercise:
    return make_exercise()


@pytest.fixture
def sql_exercise() -> Exercise:
    return make_exercise("sql", None, None)


@pytest.fixture
def new_dest(tmp_path: Path) -> Callable[[], Path]:
    counter = itertools.count()

    def make() -> Path:
        dest = tmp_path / f"staged-{next(counter)}"
        dest.mkdir()
        return dest

    return make


@pytest.fixture
def stage(
    new_dest: Callable[[], Path], python_exercise: Exercise
) -> Callable[..., StagedSubmission]:
    def run(path: Path, exercise: Exercise | None = None) -> StagedSubmission:
        return stage_submission(path, exercise or python_exercise, new_dest())

    return run


@pytest.fixture
def reject(
    new_dest: Callable[[], Path], python_exercise: Exercise
) -> Callable[..., SubmissionRejected]:
    """Stage a submission that must be rejected, and check that nothing was written."""

    def run(path: Path, exercise: Exercise | None = None) -> SubmissionRejected:
        dest = new_dest()
        with pytest.raises(SubmissionRejected) as caught:
            stage_submission(path, exercise or python_exercise, dest)
        assert list(dest.iterdir()) == [], "a rejected submission must not write anything"
        return caught.value

    return run
