from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from grader.models import Flag
from grader.report import render
from tests.report import builders

# html=True so that any raw HTML we let through would show up as a tag below.
_md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def md(report: builders.Report) -> str:
    return render(report, "markdown")


def html(report: builders.Report) -> str:
    return _md.render(md(report))


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_heading_summary_table_and_footer() -> None:
    out = md(builders.graded())
    lines = out.splitlines()
    assert lines[0].startswith("## ") and "Two Sum (two-sum)" in lines[0]
    assert "**Score: 7/10 (70.0%)**" in out
    assert "status: **graded**" in out
    assert "| Test | Outcome | Points | Message |" in out
    assert re.search(r"\| examples \| \S+ passed \| 2/2 \|", out)
    assert re.search(r"\| partial \| \S+ passed \| 1\.5/1\.5 \|", out)
    assert "Flags" not in out
    assert out.endswith("</sub>\n")


def test_table_renders_one_row_per_test_with_four_cells() -> None:
    for report in (builders.graded(), builders.hostile()):
        rendered = html(report)
        rows = re.findall(r"<tr>(.*?)</tr>", rendered, re.S)
        assert len(rows) == len(report.tests) + 1
        for row in rows:
            assert len(re.findall(r"<t[dh][ >]", row)) == 4


def test_every_table_line_has_exactly_five_unescaped_pipes() -> None:
    table = [ln for ln in md(builders.hostile()).splitlines() if ln.startswith("|")]
    assert len(table) == 2 + 2
    assert all(_unescaped_pipes(ln) == 5 for ln in table)


def test_hostile_text_renders_as_text() -> None:
    rendered = html(builders.hostile())
    assert "<a " not in rendered
    assert "<img" not in rendered
    assert "<strong>x" not in rendered and "<em>" not in rendered
    assert "<code>" not in rendered
    assert "\x1b" not in rendered and "\x07" not in rendered
    # what the reader sees is the candidate's literal text
    assert "[click](http://evil)" in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered
    assert "[bold]x[/bold]" in rendered


def test_hostile_markdown_source_is_escaped() -> None:
    out = md(builders.hostile())
    assert "<img" not in out
    assert "](" not in out
    assert "http://" not in out  # no bare URL for GFM to auto-link
    assert "\x1b" not in out
    assert re.search(r"(?<!\\)`", out) is None


def test_newlines_are_collapsed_and_long_messages_cut() -> None:
    out = md(builders.hostile())
    assert "second line third" in out
    assert "END\\-OF" not in out and "END-OF-LONG-MESSAGE" not in out
    assert "…" in out


def test_hostile_submission_path_stays_in_the_summary_line() -> None:
    summary = next(ln for ln in md(builders.hostile()).splitlines() if ln.startswith("**Score"))
    assert "submission: subs/\\[bold\\]x\\[/bold\\]&lt;img" in summary


@pytest.mark.parametrize("field", ["message", "code"])
def test_flags_are_escaped(field: str) -> None:
    flag = Flag(code="tampering", message="ok")
    flag = Flag(**{**flag.to_dict(), field: "<b>x</b> [y](z) @all"})
    rendered = _md.render(md(builders.graded(flags=(flag,))))
    assert "<b>" not in rendered and "<a " not in rendered
    assert "<li><strong>" in rendered


def test_rejected_and_error_and_unconfined() -> None:
    rejected = md(builders.rejected())
    assert "> **Rejected:** the submission could not be graded as given" in rejected
    assert "**missing-entry-point**: no file defines two\\_sum" in rejected
    assert "**Score: 0/10 (0.0%)**" in rejected

    error = md(builders.error())
    assert "**Grader error:**" in error and "not the candidate's fault" in error
    assert "**Score: not available**" in error

    local = builders.graded(environment=builders.env(sandbox="local", image=None, confined=False))
    rendered = html(local)
    assert "ran UNCONFINED: --sandbox local gives no isolation" in rendered
    assert "<blockquote>" in rendered


def test_assignment_table() -> None:
    out = md(builders.assignment())
    assert "| Exercise | Status | Score | Weight |" in out
    assert re.search(r"\| Two Sum \(two-sum\) \| graded \| 7/10 \(70\.0%\) \| 2 \|", out)
