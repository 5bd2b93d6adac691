"""A worker that talks to the harness out of protocol, through its own pipe descriptors.

The candidate's code finds them in /proc/self/cmdline and writes frames of its own: garbage,
a lying length, an extra reply meant for a later call, the supervisor's death notice, a reply
that explodes when decoded, a dict whose keys all collide. The harness must fail only the
affected tests, flag `tampering` where it can tell, and never end in status `error`. Ways out
of the interpreter (`sys.exit`, `os._exit`, `KeyboardInterrupt`, `pytest.skip` and
`pytest.exit`, a signal to itself) fail only the test that called them, never skip it; signals
to the supervisor watching it do nothing.
"""

from __future__ import annotations

import pytest

from tests.hostile.conftest import (
    ADD,
    AFTER,
    COUNT,
    DOUBLE,
    MEAN,
    NOT_PASSED,
    PASSED,
    SQUARES,
    TARGET_POINTS,
    UNIQUE,
    WORDS,
    Case,
    Expect,
    case_params,
    run_case,
)

CRASHED = frozenset({"crashed"})

CASES = [
    Case(
        "garbage_frame",
        Expect(
            ceiling=11,
            score=11,
            outcomes={SQUARES: CRASHED, AFTER: PASSED},
            flags=frozenset({"tampering"}),
        ),
    ),
    Case(
        "huge_length_prefix",
        Expect(
            ceiling=11,
            score=11,
            outcomes={SQUARES: CRASHED, AFTER: PASSED},
            flags=frozenset({"tampering"}),
        ),
    ),
    Case(
        "extra_reply",
        Expect(ceiling=9, outcomes={ADD: NOT_PASSED}, flags=frozenset({"tampering"})),
    ),
    Case(
        "impersonates_supervisor",
        Expect(ceiling=11, score=11, outcomes={SQUARES: CRASHED, AFTER: PASSED}),
    ),
    Case(
        "amplified_reply",
        # 40 MB of empty msgpack lists would cost the harness 2.5 GB decoded; an honest
        # `[[]] * 10**7` sends the same bytes, so its test fails without a tampering flag
        Expect(
            ceiling=11,
            outcomes={SQUARES: NOT_PASSED},
            words={SQUARES: "cannot be sent back for checking"},
        ),
    ),
    Case(
        "lying_frames",
        Expect(
            ceiling=9,
            score=9,
            # squares: 100,000 levels deep, a value too deep to build (an honest one can be)
            outcomes={SQUARES: NOT_PASSED, WORDS: CRASHED, UNIQUE: NOT_PASSED, AFTER: PASSED},
            flags=frozenset({"tampering"}),
        ),
    ),
    Case(
        "exits",
        Expect(
            ceiling=6,
            score=6,
            outcomes={
                **dict.fromkeys([SQUARES, DOUBLE, MEAN, COUNT, WORDS, UNIQUE], NOT_PASSED),
                AFTER: PASSED,
            },
        ),
    ),
    Case(
        # PID 1 of its container, the supervisor handles no signal, so the kernel drops them
        "kills_supervisor",
        Expect(
            ceiling=TARGET_POINTS,
            score=TARGET_POINTS,
            outcomes={SQUARES: PASSED, AFTER: PASSED},
        ),
    ),
    Case(
        # only the sandbox reports a worker's death: one the worker sends is refused, and
        # nothing it wrote in it reaches the report
        "forged_death_reason",
        Expect(
            ceiling=10,
            score=10,
            outcomes={SQUARES: CRASHED, DOUBLE: CRASHED, AFTER: PASSED},
            flags=frozenset({"tampering"}),
            words={"tampering": "a death notice of its own"},
        ),
    ),
    Case(
        # keys sharing one hash: refused before the dict is built, a value too costly to check
        "hash_flood",
        Expect(
            ceiling=11,
            outcomes={COUNT: NOT_PASSED},
            words={COUNT: "cannot be sent back for checking: too many of its keys share a hash"},
        ),
    ),
]


@pytest.mark.parametrize("case", case_params(CASES))
def test_out_of_protocol_worker_fails_only_its_tests(graded, case):
    run_case(graded, case)


def _case(name: str) -> Case:
    return next(case for case in CASES if case.name == name)


def test_slow_to_decode_reply_counts_against_the_time_limit(graded):
    """55,000 integer keys sharing one hash would take the harness minutes to decode."""
    grading = graded(_case("hash_flood"))
    test = grading.test(COUNT)
    assert test["duration_s"] < 3.0 + 2.0, grading.summary()


def test_a_forged_death_notice_puts_none_of_its_words_in_the_report(graded):
    grading = graded(_case("forged_death_reason"))
    assert b"confirmed by harness" not in grading.stdout
    assert b"xxxxxxxx" not in grading.stdout
