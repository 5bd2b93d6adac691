"""The `grader.report/v1` contract, shared by every test that produces a report.

Use it on whatever a test gets back: `assert_valid_report(json.loads(stdout))`.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from grader.report import load_schema

# Scores are sums of float points, so compare with a tolerance rather than ==.
_REL = 1e-9
_ABS = 1e-9


@cache
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_REL, abs_tol=_ABS)


def _invariant_problems(data: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    score, max_score, percent = data["score"], data["max_score"], data["percent"]
    expected = 100.0 * score / max_score if max_score else 0.0
    if not _close(percent, expected):
        problems.append(f"{where}: percent {percent!r} != 100*score/max_score = {expected!r}")

    tests = data["tests"]
    for i, test in enumerate(tests):
        if test["points"] > test["max_points"] and not _close(test["points"], test["max_points"]):
            problems.append(
                f"{where}.tests[{i}] ({test['id']}): points {test['points']!r} > "
                f"max_points {test['max_points']!r}"
            )
    # An assignment's total is the weighted combination of its exercises and its
    # own `tests` list may be empty, so the sum rule binds it only when it lists tests.
    if "exercises" not in data or tests:
        total = math.fsum(t["points"] for t in tests)
        if not _close(score, total):
            problems.append(f"{where}: score {score!r} != sum of test points {total!r}")

    if data["status"] == "rejected":
        if score != 0:
            problems.append(f"{where}: a rejected report must score 0, not {score!r}")
        if not data["flags"]:
            problems.append(f"{where}: a rejected report needs a flag saying why")

    for i, entry in enumerate(data.get("exercises", ())):
        problems += _invariant_problems(entry, f"{where}.exercises[{i}]")
    return problems


def assert_valid_report(data: dict[str, Any]) -> None:
    """Fail with every problem found: schema violations first, then broken invariants."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: e.json_path)
    if errors:
        lines = [f"  {e.json_path}: {e.message}" for e in errors]
        raise AssertionError("report does not match grader.report/v1:\n" + "\n".join(lines))
    problems = _invariant_problems(data, "$")
    if problems:
        raise AssertionError(
            "report breaks grader.report/v1 invariants:\n  " + "\n  ".join(problems)
        )
