from __future__ import annotations

import re

import pytest

from grader.models import Flag, SubmissionInfo
from grader.report import render
from grader.report.terminal import cells
from tests.report import builders

ESC = "\x1b"


def text(report: builders.Report, color: bool = False) -> str:
    return render(report, "text", color=color)


def test_header_table_and_score() -> None:
    out = text(builders.graded())
    assert out.splitlines()[0] == "Two Sum (two-sum)"
    assert "Submission: alice/solution.py (py)" in out
    assert "Status: graded" in out
    assert "Score: 7/10 (70.0%)" in out
    for outcome in ("passed", "failed", "timeout", "crashed", "skipped", "error"):
        assert re.search(rf"\b{outcome}\b", out)
    assert re.search(r"examples\s+passed\s+2/2", out)
    assert re.search(r"partial\s+passed\s+1\.5/1\.5", out)
    assert "took longer than 2 s on n = 10^5" in out
    assert "2.0" not in out
    assert "UNCONFINED" not in out


def test_plain_output_has_no_escape_codes_and_fits_the_width() -> None:
    for report in (builders.graded(), builders.hostile(), builders.rejected(), builders.error()):
        out = text(report)
        assert ESC not in out
        assert all(len(line) <= 100 for line in out.splitlines())
        assert out == out.rstrip() + "\n"


def test_colour_styles_outcomes() -> None:
    out = text(builders.graded(), color=True)
    assert ESC in out
    assert "\x1b[32mpassed" in out  # green
    assert "\x1b[31mfailed" in out  # red


@pytest.mark.parametrize("color", [False, True])
def test_hostile_text_is_inert(color: bool) -> None:
    out = text(builders.hostile(), color=color)
    assert "\x1b[31mred" not in out
    assert "\x1b]" not in out  # no OSC: no hyperlinks, no window titles
    assert "\x07" not in out
    assert "red" in out
    assert "click me" in out
    assert "\\x07bell" in out  # shown, not rung
    # markup from the candidate is printed literally, never interpreted
    assert builders.MARKUP in out
    assert "[click](http://evil)" in out
    assert builders.IMG.split()[0] in out
    if not color:
        assert builders.PIPES in out


def test_hostile_path_stays_on_its_line() -> None:
    out = text(builders.hostile())
    line = next(ln for ln in out.splitlines() if ln.startswith("Submission:"))
    assert line == "Submission: subs/[bold]x[/bold]<img src=x onerror=alert(1)> red.py (py)"


def test_message_newlines_collapse_and_long_messages_are_cut() -> None:
    out = text(builders.hostile())
    assert "second line third" in out
    assert "END-OF-LONG-MESSAGE" not in out
    assert "…" in out
    assert out.count("y") < 200


def test_rejected_shows_the_reason_prominently() -> None:
    out = text(builders.rejected())
    assert "Status: rejected" in out
    assert "REJECTED: the submission could not be graded as given." in out
    # the informational flag is not mistaken for the reason
    assert "reason: missing-entry-point: no file defines two_sum: found a.py, b.py" in out
    assert "Score: 0/10 (0.0%)" in out
    assert out.index("REJECTED") < out.index("Flags:")


def test_rejected_without_flags_still_renders() -> None:
    out = text(builders.rejected(flags=()))
    assert "no reason was recorded" in out


def test_error_blames_the_grader_not_the_candidate() -> None:
    out = text(builders.error(flags=(Flag("crashed", "harness died"),)))
    assert "GRADER ERROR" in out
    assert "not the candidate's fault" in out
    assert "Score: not available (grader error)" in out
    assert "0/10" not in out


def test_unconfined_run_is_loud() -> None:
    report = builders.graded(environment=builders.env(sandbox="local", image=None, confined=False))
    out = text(report)
    assert "WARNING: ran UNCONFINED: --sandbox local gives no isolation" in out
    assert out.index("UNCONFINED") < out.index("Score:")


def test_flags_are_listed() -> None:
    report = builders.graded(flags=(Flag("forbidden-import", "knn must not import sklearn"),))
    assert "  forbidden-import: knn must not import sklearn" in text(report)


def test_long_flag_messages_wrap_under_themselves() -> None:
    out = text(builders.hostile())
    start = out.index("Flags:")
    flag_lines = out[start:].splitlines()[1:4]
    assert flag_lines[0].startswith("  output-limit: red click me")
    assert flag_lines[1].startswith(" " * len("  output-limit: "))
    assert flag_lines[2].startswith("  tampering: ")


def test_sections_are_separated_by_single_blank_lines() -> None:
    for report in (builders.graded(), builders.rejected(), builders.error(), builders.assignment()):
        assert "\n\n\n" not in text(report)


def test_assignment_lists_its_exercises() -> None:
    out = text(builders.assignment())
    assert "ML take-home (ml-takehome)" in out
    assert re.search(r"Two Sum \(two-sum\)\s+graded\s+7/10 \(70\.0%\)\s+2", out)
    assert re.search(r"rejected\s+0/10 \(0\.0%\)\s+1", out)
    assert "Score: 66.67/100 (66.7%)" in out


def test_wide_characters_keep_lines_within_the_width() -> None:
    tests = (
        builders.make_test("漢字" * 60, "failed", 0.0, 1.0, "答えが違います " * 20),
        builders.make_test("examples", "passed", 1.0, 1.0),
    )
    out = text(
        builders.graded(
            tests=tests,
            submission=SubmissionInfo(
                path="学生/" + "解" * 120 + ".py", sha256=builders.SHA, kind="py"
            ),
        )
    )
    assert all(cells(line) <= 100 for line in out.splitlines())
    assert "答えが違います" in out
    passed = next(line for line in out.splitlines() if "passed" in line)
    failed = next(line for line in out.splitlines() if "failed" in line)
    assert cells(passed[: passed.index("passed")]) == cells(failed[: failed.index("failed")])


def test_a_candidates_path_never_starts_a_line_of_the_report() -> None:
    forged = "subs/x" + "x" * 83 + " Score: 10/10 (100.0%) " + "y" * 90 + ".py"
    report = builders.graded(submission=SubmissionInfo(path=forged, sha256=builders.SHA, kind="py"))
    lines = text(report).splitlines()
    assert [line for line in lines if line.startswith("Score:")] == ["Score: 7/10 (70.0%)"]
    assert "Score: 10/10" in "\n".join(lines)  # shown, indented under the label
