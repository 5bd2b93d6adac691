from __future__ import annotations

import pytest

from grader import report as report_pkg
from grader.report import FORMATS, render
from tests.report import builders


def test_formats() -> None:
    assert FORMATS == ("text", "json", "markdown")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("color", [False, True])
def test_every_format_renders_every_status(fmt: str, color: bool) -> None:
    for report in (
        builders.graded(),
        builders.rejected(),
        builders.error(),
        builders.hostile(),
        builders.assignment(),
    ):
        out = render(report, fmt, color=color)
        assert out.endswith("\n")
        assert out.strip()


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown report format 'xml'.*text, json, markdown"):
        render(builders.graded(), "xml")


def test_registry_is_a_plain_mapping_to_extend() -> None:
    assert set(report_pkg._RENDERERS) == set(FORMATS)
