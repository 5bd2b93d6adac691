from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from grader.models import REPORT_SCHEMA
from grader.report import load_schema
from tests.contract import assert_valid_report
from tests.report import builders


def test_schema_is_valid_draft_2020_12_and_shipped_as_package_data() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    shipped = resources.files("grader.report").joinpath("schema.json").read_text("utf-8")
    assert json.loads(shipped) == schema


def test_load_schema_returns_a_copy_the_caller_may_change() -> None:
    load_schema()["$defs"].clear()
    assert load_schema()["$defs"]


def test_schema_const_matches_the_models() -> None:
    assert load_schema()["$defs"]["schemaTag"]["const"] == REPORT_SCHEMA


def _every_object_schema(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for value in node.values():
            found += _every_object_schema(value)
    elif isinstance(node, list):
        for value in node:
            found += _every_object_schema(value)
    return found


def test_every_object_level_is_closed() -> None:
    objects = _every_object_schema(load_schema())
    assert len(objects) >= 7
    assert all(o.get("additionalProperties") is False for o in objects)


@pytest.mark.parametrize(
    "report",
    [
        builders.graded(),
        builders.rejected(),
        builders.error(),
        builders.hostile(),
        builders.assignment(),
        builders.graded(environment=builders.env(sandbox="local", image=None, confined=False)),
    ],
    ids=["graded", "rejected", "error", "hostile", "assignment", "local"],
)
def test_reports_built_by_hand_satisfy_the_contract(report: Any) -> None:
    assert_valid_report(report.to_dict())


def test_zero_max_score_means_zero_percent() -> None:
    report = builders.graded(
        tests=(builders.make_test("optional", "skipped", 0.0, 0.0),), score=0.0, max_score=0.0
    )
    assert report.to_dict()["percent"] == 0.0
    assert_valid_report(report.to_dict())


def _set(path: str, value: Any) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _drop(path: str) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        del node[last]

    return mutate


SCHEMA_BREAKS = {
    "extra top-level field": _set("extra", 1),
    "extra exercise field": _set("exercise.extra", 1),
    "extra submission field": _set("submission.extra", 1),
    "extra test field": _set("tests.0.extra", 1),
    "extra environment field": _set("environment.extra", 1),
    "wrong schema tag": _set("schema", "grader.report/v2"),
    "unknown status": _set("status", "passed"),
    "unknown outcome": _set("tests.0.outcome", "ok"),
    "unknown kind": _set("submission.kind", "exe"),
    "unknown sandbox": _set("environment.sandbox", "podman"),
    "confined missing": _drop("environment.confined"),
    "confined not bool": _set("environment.confined", "yes"),
    "image a number": _set("environment.image", 3),
    "negative duration": _set("duration_s", -1.0),
    "negative test points": _set("tests.0.points", -1.0),
    "score a string": _set("score", "7"),
    "message missing": _drop("tests.0.message"),
    "flags not a list": _set("flags", {}),
}


@pytest.mark.parametrize("mutate", SCHEMA_BREAKS.values(), ids=SCHEMA_BREAKS.keys())
def test_schema_violations_are_reported(mutate: Any) -> None:
    data = builders.graded().to_dict()
    mutate(data)
    with pytest.raises(AssertionError, match=r"does not match grader\.report/v1"):
        assert_valid_report(data)


def test_extra_field_on_a_flag_is_rejected() -> None:
    data = builders.rejected().to_dict()
    data["flags"][0]["severity"] = "high"
    with pytest.raises(AssertionError, match="does not match"):
        assert_valid_report(data)


def test_exercise_entries_need_a_weight_and_are_closed() -> None:
    data = builders.assignment().to_dict()
    assert_valid_report(copy.deepcopy(data))
    no_weight = copy.deepcopy(data)
    del no_weight["exercises"][0]["weight"]
    extra = copy.deepcopy(data)
    extra["exercises"][1]["tests_passed"] = 3
    deep = copy.deepcopy(data)
    deep["exercises"][0]["tests"][0]["extra"] = True
    for broken in (no_weight, extra, deep):
        with pytest.raises(AssertionError, match="does not match"):
            assert_valid_report(broken)


def test_weight_is_not_allowed_at_top_level() -> None:
    data = builders.graded().to_dict()
    data["weight"] = 1.0
    with pytest.raises(AssertionError, match="does not match"):
        assert_valid_report(data)


INVARIANT_BREAKS = {
    "percent not score/max": (_set("percent", 71.0), "percent"),
    "percent with zero max": (
        lambda d: d.update(tests=[], score=0.0, max_score=0.0, percent=50.0),
        "percent",
    ),
    "score not the sum of points": (
        lambda d: d.update(score=8.0, percent=80.0),
        "sum of test points",
    ),
    "points above max_points": (_set("tests.0.points", 3.0), "max_points"),
    "rejected with a score": (
        lambda d: d.update(status="rejected", flags=[{"code": "bad-sql", "message": "x"}]),
        "must score 0",
    ),
    "rejected without a flag": (
        lambda d: d.update(status="rejected", tests=[], score=0.0, percent=0.0, flags=[]),
        "needs a flag",
    ),
}


@pytest.mark.parametrize("case", INVARIANT_BREAKS.values(), ids=INVARIANT_BREAKS.keys())
def test_invariant_violations_are_reported(case: Any) -> None:
    mutate, message = case
    data = builders.graded().to_dict()
    mutate(data)
    with pytest.raises(AssertionError, match=message):
        assert_valid_report(data)


def test_invariants_are_checked_inside_exercises() -> None:
    data = builders.assignment().to_dict()
    data["exercises"][0]["percent"] = 12.0
    with pytest.raises(AssertionError, match=r"exercises\[0\]: percent"):
        assert_valid_report(data)


def test_float_sums_are_compared_with_a_tolerance() -> None:
    tests = tuple(builders.make_test(f"t{i}", "passed", 0.1, 0.1) for i in range(10))
    report = builders.graded(tests=tests, score=1.0, max_score=1.0)
    assert sum(t.points for t in tests) != 1.0
    assert_valid_report(report.to_dict())
