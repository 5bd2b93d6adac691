"""Hostile folders, archives, names and notebooks.

Files that change how Python starts are refused as `tampering`, and pytest's configuration
is left out (the hidden tests never see it); archives that
escape, link, explode or hold special files as `unsafe-archive`; broken or bloated notebooks
as `bad-notebook`; modules that shadow the grader's own dependencies are graded, and must not
run in place of them. Names and messages carrying escapes or markup reach the text and
Markdown reports inert.
"""

from __future__ import annotations

import os

import pytest

from tests.hostile import builders
from tests.hostile.conftest import (
    NOT_PASSED,
    SQUARES,
    TARGET_POINTS,
    UNIQUE,
    WORDS,
    Case,
    Expect,
    case_params,
    run_case,
)


def rejected(code: str, words: str = "") -> Expect:
    return Expect(
        ceiling=0,
        status="rejected",
        score=0,
        flags=frozenset({code}),
        words={code: words} if words else {},
    )


HONEST_11 = Expect(ceiling=11, score=11)


def left_out(name: str) -> Expect:
    return Expect(
        ceiling=11, score=11, flags=frozenset({"ignored-files"}), words={"ignored-files": name}
    )


RENDERED = ("json", "text", "markdown")
SHADOWS = ["shadow_numpy", "shadow_json", "shadow_msgpack", "shadow_pytest", "shadow_grader"]

CASES = [
    Case("tamper_conftest", left_out("conftest.py"), builders.tamper("dir")),
    Case("tamper_pytest_ini", left_out("pytest.ini"), builders.tamper("zip")),
    Case(
        "tamper_sitecustomize",
        rejected("tampering", "sitecustomize.py"),
        builders.tamper("dir"),
    ),
    Case("tamper_pth", rejected("tampering", "evil.pth"), builders.tamper("zip")),
    # graded with the real modules: the submission's shadows only replace its own imports
    *[Case(name, HONEST_11, builders.as_folder) for name in SHADOWS],
    # a numpy.py planted in /tmp, where the supervisor starts, never runs in its place
    Case("shadow_supervisor", Expect(ceiling=TARGET_POINTS, score=TARGET_POINTS)),
    Case(
        "forbidden_scan",
        Expect(
            ceiling=TARGET_POINTS,
            score=TARGET_POINTS,
            flags=frozenset({"forbidden-import"}),
            words={"forbidden-import": "big_helper.py"},
        ),
        builders.forbidden_scan,
    ),
    Case("zip_slip", rejected("unsafe-archive", "outside the submission"), builders.zip_slip),
    Case("zip_symlink", rejected("unsafe-archive", "symbolic link"), builders.zip_symlink),
    Case("zip_bomb", rejected("unsafe-archive", "once unpacked"), builders.zip_bomb),
    Case(
        "nested_zip",
        Expect(
            ceiling=11,
            score=11,
            flags=frozenset({"ignored-files"}),
            words={"ignored-files": "inner.zip"},
        ),
        builders.nested_zip,
    ),
    Case(
        "zip_100k_entries",
        rejected("unsafe-archive", "more than 500 entries"),
        builders.zip_100k_entries,
    ),
    *[
        Case(
            "special_files",
            rejected("unsafe-archive", what),
            builders.special_file(kind),
            variant=kind,
        )
        for kind, what in (("fifo", "named pipe"), ("device", "device"), ("socket", "socket"))
    ],
    Case(
        "hostile_names",
        rejected("unsafe-archive", "control characters"),
        builders.hostile_names,
        formats=RENDERED,
    ),
    Case(
        "markup_names",
        Expect(ceiling=11, score=11, flags=frozenset({"ignored-files"})),
        builders.markup_names,
        formats=RENDERED,
    ),
    Case(
        "exception_markup",
        Expect(ceiling=9, score=9, outcomes=dict.fromkeys([SQUARES, WORDS, UNIQUE], NOT_PASSED)),
        formats=RENDERED,
    ),
    *[
        Case(
            "notebook_malformed",
            rejected("bad-notebook"),
            builders.notebook_malformed(variant),
            variant=variant,
        )
        for variant in ("truncated", "not-json", "deep", "cells-not-list", "source-not-text")
    ],
    *[
        Case(
            "notebook_oversized",
            rejected("bad-notebook", words),
            builders.notebook_oversized(variant),
            variant=variant,
        )
        for variant, words in (
            ("over-20-mb", "larger than 20 MB"),
            ("tiny-values", "JSON values"),
            ("many-cells", "cells"),
            ("many-lines", "lines of code"),
        )
    ],
    Case(
        "notebook_claims_score",
        Expect(ceiling=11, score=11, flags=frozenset({"notebook-magic"})),
        builders.notebook_claims_score,
    ),
]


def _params() -> list:
    params = []
    for param in case_params(CASES):
        case = param.values[0]
        if case.variant == "device" and os.geteuid() != 0:
            param = pytest.param(
                case, id=case.id, marks=pytest.mark.skip(reason="making a device needs root")
            )
        params.append(param)
    return params


@pytest.mark.parametrize("case", _params())
def test_hostile_submission_is_refused_or_graded_honestly(graded, case):
    run_case(graded, case)
