from __future__ import annotations

import pytest

from grader.report.escape import md_escape, one_line, strip_control, truncate

ZWSP = "\u200b"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[1;38;5;196mbold\x1b[m", "bold"),
        ("\x9b31mc1 csi", "c1 csi"),
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b]0;title\x07after", "after"),
        ("\x1b[2J\x1b[Hcleared", "cleared"),
        ("\x1bcreset", "reset"),
        ("bell\x07", "bell\\x07"),
        ("nul\x00byte", "nul\\x00byte"),
        ("back\bspace", "back\\x08space"),
        ("lone \x1b", "lone \\x1b"),
        ("del\x7f", "del\\x7f"),
        ("rtl \u202eevil", "rtl \\u202eevil"),
        ("a\tb", "a b"),
        ("plain ünïcödé ✓", "plain ünïcödé ✓"),
    ],
)
def test_strip_control(raw: str, shown: str) -> None:
    assert strip_control(raw) == shown


def test_strip_control_never_leaves_a_control_character() -> None:
    everything = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u2028\u2029\u202e"
    cleaned = strip_control(everything)
    assert not [c for c in cleaned if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0]
    assert "\u202e" not in cleaned


@pytest.mark.parametrize(
    "newline", ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]
)
def test_newlines_collapse_to_one_space(newline: str) -> None:
    assert strip_control(f"one{newline}{newline}  two ") == "one two"


def test_newlines_can_be_kept() -> None:
    assert strip_control("a\r\nb\x1b[0m\n", keep_newlines=True) == "a\nb\n"


def test_truncate_marks_the_cut() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("x" * 500, 120)
    assert len(cut) == 120
    assert cut.endswith("…")
    assert one_line("a\nb" + "c" * 200, 20) == "a b" + "c" * 16 + "…"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("| a | b |", r"\| a \| b \|"),
        ("`code`", r"\`code\`"),
        ("*em* _em_ ~~s~~", r"\*em\* \_em\_ \~\~s\~\~"),
        ("[click](http://evil)", r"\[click\]\(http\://evil\)"),
        ("![img](x.png)", r"\!\[img\]\(x\.png\)"),
        ("<img src=x onerror=alert(1)>", r"&lt;img src=x onerror=alert\(1\)&gt;"),
        ("&lt;already&gt;", "&amp;lt;already&amp;gt;"),
        ("C:\\path", r"C\:\\path"),
        ("$x^2$", r"\$x^2\$"),
        ("see www.evil.com", r"see www\.evil\.com"),
        ("# heading", "\\#" + ZWSP + " heading"),
        ("ping @octocat", "ping @" + ZWSP + "octocat"),
        ("- not a list", r"\- not a list"),
        ("a - b", "a - b"),
        ("line\nbreak", "line break"),
        ("\x1b[31mred\x1b[0m", "red"),
    ],
)
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


def test_md_escape_truncates_before_escaping() -> None:
    escaped = md_escape("|" * 50, 10)
    assert escaped == "\\|" * 9 + "…"
