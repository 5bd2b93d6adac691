"""Attacks on time and resources: fooled clocks, deaf processes, bombs, floods, exhaustion.

Time is measured by the harness, outside the worker; every limit is the container's or the
kernel's, so a worker that patches its clocks or ignores signals still meets them, and the
tests after the attack still run.
"""

from __future__ import annotations

import pytest

from tests.hostile import builders
from tests.hostile.conftest import (
    AFTER,
    NOT_PASSED,
    PASSED,
    SPEED,
    SQUARES,
    TARGET_POINTS,
    Case,
    Expect,
    case_params,
    run_case,
)

CASES = [
    Case(
        "time_monkeypatch",
        Expect(
            ceiling=10,
            score=10,
            outcomes={SPEED: frozenset({"failed"})},
            words={SPEED: "slower than expected"},
        ),
    ),
    Case(
        "signals_and_loop",
        Expect(
            ceiling=11,
            score=11,
            outcomes={SQUARES: frozenset({"timeout"}), AFTER: PASSED, SPEED: PASSED},
            flags=frozenset({"timeout"}),
        ),
    ),
    Case(
        "fork_bomb_threads",
        Expect(ceiling=11, score=11, outcomes={SQUARES: frozenset({"timeout"}), AFTER: PASSED}),
    ),
    Case(
        "memory_bomb_import",
        Expect(
            ceiling=TARGET_POINTS,
            score=0,
            outcomes={SQUARES: frozenset({"failed"})},
            flags=frozenset({"import-error"}),
            words={SQUARES: "out of memory"},
        ),
    ),
    Case(
        "disk_fill",
        Expect(
            ceiling=11,
            score=11,
            outcomes={SQUARES: frozenset({"failed"}), AFTER: PASSED},
            flags=frozenset({"disk-limit"}),
        ),
    ),
    Case(
        "output_flood",
        Expect(
            ceiling=TARGET_POINTS,
            outcomes={SQUARES: frozenset({"passed", "timeout"}), AFTER: PASSED},
            flags=frozenset({"output-limit"}),
        ),
    ),
    Case(
        "thread_bomb",
        # the candidate's threads hold every pid while the next tests still need a worker
        Expect(ceiling=11, score=11, outcomes={SQUARES: frozenset({"failed"}), AFTER: PASSED}),
    ),
    Case("fd_exhaustion", Expect(ceiling=TARGET_POINTS, score=TARGET_POINTS)),
    Case(
        "huge_source",
        Expect(ceiling=TARGET_POINTS, outcomes={AFTER: NOT_PASSED}),
        builders.huge_source,
    ),
]


@pytest.mark.parametrize("case", case_params(CASES))
def test_resource_attack_is_contained(graded, case):
    run_case(graded, case)
