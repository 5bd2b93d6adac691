"""Return values that lie: always-equal objects, lying hashes, misbehaving protocol methods,
numpy tricks, self-containing and gigantic values, lazy iterators.

Values cross from the worker by value only, so whatever a value claims about itself stays in
the worker: the hidden test compares plain data and the lie fails the test that received it.
"""

from __future__ import annotations

import pytest

from tests.hostile.conftest import (
    ADD,
    AFTER,
    COUNT,
    DOUBLE,
    ECHO,
    FAILED,
    MEAN,
    NOT_PASSED,
    PASSED,
    SPEED,
    SQUARES,
    UNIQUE,
    WORDS,
    Case,
    Expect,
    case_params,
    run_case,
)

CASES = [
    Case(
        "always_equal",
        Expect(
            ceiling=3,
            score=3,
            outcomes={
                **dict.fromkeys([ADD, SQUARES, DOUBLE, MEAN, COUNT, WORDS, UNIQUE, AFTER], FAILED),
                SPEED: PASSED,
                ECHO: PASSED,
            },
        ),
    ),
    Case(
        "lying_hash",
        Expect(ceiling=10, score=10, outcomes={UNIQUE: FAILED, COUNT: FAILED}),
    ),
    Case(
        "bad_dunders",
        Expect(
            ceiling=6,
            score=6,
            outcomes={
                SQUARES: NOT_PASSED,  # listing an endless iterator runs out of memory
                **dict.fromkeys([WORDS, ADD, MEAN, AFTER], FAILED),
            },
            words={ADD: "RuntimeError"},
        ),
    ),
    Case(
        "numpy_tricks",
        Expect(ceiling=8, score=8, outcomes=dict.fromkeys([DOUBLE, MEAN, SQUARES, UNIQUE], FAILED)),
    ),
    Case(
        "recursive_values",
        Expect(
            ceiling=9,
            score=9,
            outcomes=dict.fromkeys([SQUARES, COUNT, WORDS], FAILED),
        ),
    ),
    Case(
        "huge_values",
        Expect(
            ceiling=10,
            score=10,
            outcomes={SQUARES: NOT_PASSED, WORDS: NOT_PASSED, AFTER: PASSED},
            flags=frozenset({"memory-limit"}),
        ),
    ),
    Case(
        "generator_values",
        Expect(ceiling=9, score=9, outcomes=dict.fromkeys([SQUARES, WORDS, UNIQUE], FAILED)),
    ),
]


@pytest.mark.parametrize("case", case_params(CASES))
def test_lying_values_fail_only_their_tests(graded, case):
    run_case(graded, case)
