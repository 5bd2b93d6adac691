"""Reaching past the worker: reading the hidden side, the network, other sockets, writing
outside the scratch space, and forging the results the grader reads.

The secret exercise's hidden tests and reference hold a canary. A submission that returns it
from guess() has read what it must not, and earns a point no honest submission can: the
score ceiling catches it. The wall checks return 42 from answer() only when every attempt
failed, so a wall that gives way shows as a lost point.
"""

from __future__ import annotations

import pytest

from tests.hostile.conftest import (
    ANSWER,
    FAILED,
    GUESS,
    NOT_PASSED,
    PASSED,
    SECRET_HONEST,
    SQUARES,
    Case,
    Expect,
    case_params,
    run_case,
)

KEPT = Expect(
    ceiling=SECRET_HONEST, score=SECRET_HONEST, outcomes={ANSWER: PASSED, GUESS: NOT_PASSED}
)

CASES = [
    Case("snoop_filesystem", KEPT, exercise="secret"),
    Case("snoop_proc", KEPT, exercise="secret"),
    Case("snoop_sockets", KEPT, exercise="secret"),
    Case("network", KEPT, exercise="secret"),
    Case("write_outside", KEPT, exercise="secret"),
    Case("forged_results", Expect(ceiling=11, score=11, outcomes={SQUARES: FAILED})),
]


@pytest.mark.parametrize("case", case_params(CASES))
def test_escape_attempt_gains_nothing(graded, case):
    run_case(graded, case)
