from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from grader.errors import GraderError
from grader.models import Report, SubmissionInfo
from grader.report import render
from tests.contract import assert_valid_report
from tests.report import builders

REPORTS = {
    "graded": builders.graded(),
    "rejected": builders.rejected(),
    "error": builders.error(),
    "hostile": builders.hostile(),
    "assignment": builders.assignment(),
}


@pytest.mark.parametrize("report", REPORTS.values(), ids=REPORTS.keys())
def test_json_validates_and_round_trips(report: Report) -> None:
    out = render(report, "json")
    assert out.endswith("}\n")
    data = json.loads(out)
    assert_valid_report(data)
    assert data == report.to_dict()


def test_json_keeps_hostile_text_exactly_as_data() -> None:
    data = json.loads(render(builders.hostile(), "json"))
    assert data["tests"][0]["message"] == builders.HOSTILE_MESSAGE
    assert data["submission"]["path"] == builders.hostile().submission.path


def test_json_is_indented_and_not_ascii_escaped() -> None:
    report = builders.graded(exercise_title="Zwei Summen ✓")
    out = render(report, "json")
    assert '\n  "schema": "grader.report/v1",' in out
    assert "Zwei Summen ✓" in out


def test_json_ignores_color() -> None:
    assert render(builders.graded(), "json", color=True) == render(builders.graded(), "json")


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_never_reach_the_output(bad: float) -> None:
    with pytest.raises(GraderError, match=r"non-finite number at \$\.duration_s"):
        render(builders.graded(duration_s=bad), "json")
    tests = (builders.make_test("x", "passed", bad, 1.0),)
    with pytest.raises(GraderError, match=r"\$\.tests\[0\]\.points"):
        render(builders.graded(tests=tests), "json")


def test_non_finite_number_inside_an_exercise_entry_is_caught() -> None:
    report = builders.assignment()
    assert report.exercises
    parts = ({**report.exercises[0], "weight": math.nan},)
    with pytest.raises(GraderError, match=r"exercises\[0\]\.weight"):
        render(replace(report, exercises=parts), "json")


def test_lone_surrogates_stay_parseable_and_encodable() -> None:
    # os.fsdecode of a non-UTF-8 file name yields surrogates like this one
    path = "subs/caf\udce9.py"
    report = builders.graded(submission=SubmissionInfo(path, builders.SHA, "py"))
    out = render(report, "json")
    out.encode("utf-8")  # would raise on a raw surrogate
    assert json.loads(out)["submission"]["path"] == path
