from __future__ import annotations

from grader.report.terminal import Column, cells, lines_of, styled, table, wrap

ESC = "\x1b"


def lines(text: str, width: int) -> list[str]:
    return [text[a:b] for a, b in wrap(text, width)]


def test_wraps_at_spaces_and_drops_the_spaces_where_it_breaks() -> None:
    assert lines("the quick brown fox jumps", 10) == ["the quick", "brown fox", "jumps"]
    assert lines("short", 10) == ["short"]
    assert lines("", 10) == [""]


def test_folds_a_word_longer_than_the_width() -> None:
    assert lines("abcdefghij kl", 4) == ["abcd", "efgh", "ij", "kl"]


def test_wide_characters_take_two_cells_and_zero_width_ones_none() -> None:
    assert cells("漢字") == 4
    assert cells("e\u0301") == 1  # e and a combining acute accent
    assert cells("a\u200bb") == 2
    assert cells("\u2764\ufe0f") == 2  # a heart drawn as an emoji
    assert lines("漢字漢字漢", 4) == ["漢字", "漢字", "漢"]


def test_a_character_wider_than_the_column_still_moves_on() -> None:
    assert lines("漢字", 1) == ["漢", "字"]


def test_columns_line_up_in_cells_whatever_the_script() -> None:
    rows = [
        (styled("数据"), styled("passed"), styled("1/1")),
        (styled("plain"), styled("failed"), styled("10/10")),
    ]
    out = table(
        (Column("Name"), Column("Outcome", wraps=False), Column("Points", right=True)),
        rows,
        width=40,
        color=False,
    )
    assert out[0].split() == ["Name", "Outcome", "Points"]
    assert set(out[1]) == {"─"}

    def column_of(line: str, word: str) -> int:
        return cells(line[: line.index(word)])

    assert column_of(out[2], "passed") == column_of(out[3], "failed") == cells("plain") + 3
    assert cells(out[2]) == cells(out[3])  # right-aligned points end in the same cell


def test_columns_share_the_width_by_ratio_when_both_must_wrap() -> None:
    row = (styled("a " * 60), styled("b " * 60))
    out = table((Column("A", ratio=1), Column("B", ratio=3)), [row], width=43, color=False)
    assert all(cells(line) <= 43 for line in out)
    first = out[2]
    assert first.index("b") == 13  # A gets a quarter of the 40 cells left after the gap


def test_a_column_that_fits_leaves_the_rest_to_the_others() -> None:
    row = (styled("short"), styled("word " * 30))
    out = table((Column("A", ratio=3), Column("B", ratio=1)), [row], width=50, color=False)
    assert out[2].index("word") == len("short") + 3
    assert all(cells(line) <= 50 for line in out)


def test_styles_become_ansi_codes_only_with_colour() -> None:
    cell = (("Status: ", "bold"), ("graded", "bold green"))
    assert lines_of(cell, 80, color=False) == ["Status: graded"]
    assert lines_of(cell, 80, color=True) == ["\x1b[1mStatus: \x1b[0m\x1b[1;32mgraded\x1b[0m"]


def test_a_style_follows_its_text_across_a_wrap() -> None:
    cell = (("aaa ", ""), ("bbb ccc", "red"))
    assert lines_of(cell, 7, color=True) == ["aaa \x1b[31mbbb\x1b[0m", "\x1b[31mccc\x1b[0m"]
    assert ESC not in "".join(lines_of(cell, 7, color=False))
