"""Text for a terminal: lines wrapped to a width, columns aligned, styles as ANSI codes.

The report is printed at the end of every grading, so this stays a few stdlib imports
(rich, which did the same, took ~27 ms to import: 6% of a local grading). Widths are
counted in terminal cells, so wide (CJK) and zero-width characters keep columns aligned.
Callers pass text already made safe (`escape.one_line`): nothing here is interpreted.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

# A piece of text and its style: space-separated names from _SGR, or "" for none.
Span = tuple[str, str]
Cell = tuple[Span, ...]

_SGR = {
    "bold": "1",
    "dim": "2",
    "reverse": "7",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "magenta": "35",
}
_RESET = "\x1b[0m"
RULE = "─"


def styled(text: str, style: str = "") -> Cell:
    return ((text, style),)


def plain(cell: Cell) -> str:
    return "".join(text for text, _ in cell)


def _char_cells(char: str) -> int:
    if char < "\u0300":  # Latin and the like: the common case, decided without a lookup
        return 1
    if char == "\ufe0f":  # emoji presentation: terminals draw the character before it wide
        return 1
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):  # combining marks, zero-width
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """The width of `text` in terminal cells."""
    if text.isascii():
        return len(text)
    return sum(_char_cells(char) for char in text)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Where the lines of `text` start and end when wrapped at spaces to `width` cells;
    a word longer than the width is folded. Spaces where a line breaks are dropped."""
    width = max(width, 1)
    lines: list[tuple[int, int]] = []
    start, size = 0, len(text)
    while start < size:
        if lines:
            while start < size and text[start] == " ":
                start += 1
            if start == size:
                break
        end, used, last_space = start, 0, -1
        while end < size:
            needed = _char_cells(text[end])
            if used + needed > width:
                break
            if text[end] == " ":
                last_space = end
            used += needed
            end += 1
        if end < size and text[end] != " " and last_space > start:
            end = last_space
        end = max(end, start + 1)  # a character wider than the column still moves on
        lines.append((start, end))
        start = end
    return lines or [(0, 0)]


def paint(text: str, style: str, color: bool) -> str:
    if not color or not style or not text:
        return text
    codes = ";".join(_SGR[name] for name in style.split())
    return f"\x1b[{codes}m{text}{_RESET}"


def _cut(cell: Cell, start: int, end: int, color: bool) -> str:
    """Characters start..end of the cell's text, each span in its own style."""
    out: list[str] = []
    offset = 0
    for text, style in cell:
        low, high = max(start, offset), min(end, offset + len(text))
        if low < high:
            out.append(paint(text[low - offset : high - offset], style, color))
        offset += len(text)
    return "".join(out)


def lines_of(cell: Cell, width: int, color: bool) -> list[str]:
    """The cell wrapped to `width` cells, styled."""
    text = plain(cell)
    return [_cut(cell, start, end, color) for start, end in wrap(text, width)]


class Column(NamedTuple):
    header: str = ""
    right: bool = False  # right-aligned
    wraps: bool = True  # False: never narrower than its widest cell
    ratio: int = 1  # share of the room left when wrapping columns must wrap


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], room: int) -> list[int]:
    texts = [[column.header, *(plain(row[i]) for row in rows)] for i, column in enumerate(columns)]
    natural = [max(map(cells, column)) for column in texts]
    longest_word = [
        max(cells(word) for text in column for word in text.split(" ")) for column in texts
    ]
    widths = list(natural)
    room -= sum(natural[i] for i, column in enumerate(columns) if not column.wraps)
    pending = [i for i, column in enumerate(columns) if column.wraps]
    while pending:
        shares = sum(columns[i].ratio for i in pending)
        share = {i: room * columns[i].ratio / shares for i in pending}
        # a column that needs less than its share keeps its width, leaving the rest to others
        settled = [i for i in pending if natural[i] <= share[i]]
        if not settled and sum(longest_word[i] for i in pending) <= room:
            # then one whose share would cut its words takes its longest word's width
            settled = [i for i in pending if longest_word[i] > share[i]]
            for i in settled:
                widths[i] = longest_word[i]
        if not settled:
            for i in pending:
                widths[i] = max(int(share[i]), min(natural[i], 8))
            break
        for i in settled:
            room -= widths[i]
            pending.remove(i)
    return widths


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    width: int,
    gap: int = 3,
    color: bool,
) -> list[str]:
    """Rows aligned in columns within `width` cells; with a header row and a rule under it
    when any column has a header."""
    widths = _widths(columns, rows, width - gap * (len(columns) - 1))
    out: list[str] = []
    if any(column.header for column in columns):
        header = [styled(column.header, "bold") for column in columns]
        out += _row_lines(columns, header, widths, gap, color)
        out.append(RULE * (sum(widths) + gap * (len(columns) - 1)))
    for row in rows:
        out += _row_lines(columns, row, widths, gap, color)
    return out


def _row_lines(
    columns: Sequence[Column], row: Sequence[Cell], widths: list[int], gap: int, color: bool
) -> list[str]:
    wrapped = []
    for cell, column, width in zip(row, columns, widths, strict=True):
        text = plain(cell)
        spans = wrap(text, width) if column.wraps else [(0, len(text))]
        wrapped.append([(cells(text[a:b]), _cut(cell, a, b, color)) for a, b in spans])
    lines = []
    for index in range(max(len(cell_lines) for cell_lines in wrapped)):
        parts = []
        for cell_lines, column, width in zip(wrapped, columns, widths, strict=True):
            used, text = cell_lines[index] if index < len(cell_lines) else (0, "")
            padding = " " * max(width - used, 0)
            parts.append(padding + text if column.right else text + padding)
        lines.append((" " * gap).join(parts).rstrip())
    return lines


def titled_table(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> str:
    """A titled table of plain text as wide as the terminal (80 cells when stdout is not
    one), ending with a newline."""
    from grader.report.escape import one_line

    cells_of = [tuple(styled(one_line(text)) for text in row) for row in rows]
    width = shutil.get_terminal_size().columns
    lines = [one_line(title), *table(columns, cells_of, width=width, color=False)]
    return "\n".join(lines) + "\n"
