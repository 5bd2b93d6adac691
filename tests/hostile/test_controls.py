"""Honest controls: each kind of submission the attacks are built from earns full marks.

Every attack is its control plus something hostile, so a control below full marks would
make an attack's lower score meaningless.
"""

from __future__ import annotations

import importlib
import os

import pytest

from tests.hostile import builders
from tests.hostile.conftest import (
    PASSED,
    SECRET_HONEST,
    TARGET_POINTS,
    Case,
    Expect,
    case_params,
    run_case,
)
from tests.hostile.invariants import CASES as CASES_DIR

FULL = Expect(ceiling=TARGET_POINTS, score=TARGET_POINTS)

CASES = [
    Case("control_target", FULL, variant="py"),
    Case("control_target", FULL, builders.as_folder, variant="folder"),
    Case("control_target", FULL, builders.wrapped_zip, variant="zip"),
    Case("control_target", FULL, builders.as_notebook, variant="notebook"),
    Case(
        "control_secret",
        Expect(ceiling=SECRET_HONEST, score=SECRET_HONEST, outcomes={"answers 42": PASSED}),
        exercise="secret",
    ),
]


@pytest.mark.parametrize("case", case_params(CASES))
def test_honest_control_earns_full_marks(graded, case):
    run_case(graded, case)


def test_every_case_folder_is_graded():
    """A fixture folder no test grades is an attack nobody checks."""
    modules = ["test_controls", "test_values", "test_protocol", "test_resources"]
    modules += ["test_escape", "test_intake", "test_sql"]
    used = set()
    for name in modules:
        module = importlib.import_module(f"tests.hostile.{name}")
        used |= {case.name for case in module.CASES}
    folders = {entry.name for entry in os.scandir(CASES_DIR) if entry.is_dir()}
    assert folders - used == set(), "fixture folders no case grades"
    assert used - folders == set(), "cases without a fixture folder"
