"""Neutralise IPython magics and shell lines in one notebook cell, keeping its line count.

The grader never runs `%pip`, `!rm -rf` or `%%bash`: each such line becomes `pass` (so a block
that only held a magic stays valid) with a comment saying what was there; a name assigned a
magic's output (`files = !ls`) is assigned an empty value instead, so that later cells still
find it. The magics that only time or capture Python (`%time`, `%%time`, `%%capture`) are
dropped and their Python kept, as Jupyter runs it. A line only counts as a magic at the start
of a statement, never inside a string or a bracketed continuation.

The host converts a notebook's cells with it (grader/submission/notebook.py); the worker's
stand-in shell (grader/harness/shell.py), the cells an exported notebook hands to
`get_ipython().run_cell_magic`.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

# Magics whose Python Jupyter runs in the notebook's namespace: the line magic runs its
# statement, the cell magics their cell.
PYTHON_LINE_MAGICS = frozenset({"time"})
PYTHON_CELL_MAGICS = frozenset({"time", "capture"})

_NEWLINES = re.compile(r"\r\n|\r|\n")  # the line ends Python knows; not \f, \v or U+2028
_HELP = re.compile(r"^(?:\?.*|[A-Za-z_][\w.]*\?{1,2})$")
_TARGETS = r"[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*"  # `files`, `a, b`, `self.x`
_MAGIC_ASSIGN = re.compile(rf"^({_TARGETS})\s*=\s*([!%])")
# `%time STATEMENT` (or `NAME = %time EXPRESSION`) runs in the notebook's namespace, timed.
_TIMED_STATEMENT = re.compile(rf"^((?:{_TARGETS}\s*=\s*)?)%time\s+(\S.*)$")
# Runs of characters that cannot change the scanner's state, outside and inside quotes.
_PLAIN = re.compile(r"[^'\"#()\[\]{}\\]+")
_QUOTED_PLAIN = {"'": re.compile(r"[^'\\]+"), '"': re.compile(r'[^"\\]+')}


@dataclass(frozen=True)
class Neutralised:
    line: int  # 1-based line in the cell
    text: str  # the original line
    whole_cell: bool = False  # a cell magic: the lines after it were not run either


def split_lines(source: str) -> list[str]:
    lines = _NEWLINES.split(source)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def parses(source: str, allows: Callable[[str], bool] | None = None) -> bool:
    """Whether `source` is valid Python; a source `allows` refuses to parse (the host's parse
    budget) counts as not, so that its lines are looked at one by one (valid Python holds no
    magic to find there)."""
    if allows is not None and not allows(source):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and `is 1` warn while parsing
        try:
            ast.parse(source)
        except Exception:  # noqa: BLE001 - unparseable for any reason: look for magics
            return False
    return True


def _kind(stripped: str) -> str | None:
    if stripped.startswith("%%"):
        return "cell magic"
    if stripped.startswith("%"):
        return "line magic"
    if stripped.startswith("!"):
        return "shell command"
    if _HELP.match(stripped):
        return "help request"
    match = _MAGIC_ASSIGN.match(stripped)
    if match:
        return "shell command" if match.group(2) == "!" else "line magic"
    return None


def _cell_magic_name(line: str) -> str:
    return (line.strip()[2:].split(maxsplit=1) or [""])[0]


class _Scanner:
    """Just enough of Python's tokenizer to know whether a line starts a statement."""

    def __init__(self) -> None:
        self.quote: str | None = None
        self.depth = 0
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.quote is None and self.depth == 0 and not self.continued

    def feed(self, line: str) -> None:
        i, n = 0, len(line)
        comment = False
        while i < n:
            plain = (_PLAIN if self.quote is None else _QUOTED_PLAIN[self.quote[0]]).match(line, i)
            if plain:
                i = plain.end()
                continue
            ch = line[i]
            if self.quote is not None:
                if ch == "\\":
                    i += 2
                elif line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                else:
                    i += 1
                continue
            if ch == "#":
                comment = True
                break
            if ch in "'\"":
                if line.startswith(ch * 3, i):
                    self.quote = ch * 3
                    i += 3
                else:
                    self.quote = ch
                    i += 1
                continue
            if ch in "([{":
                self.depth += 1
            elif ch in ")]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        ends_in_backslash = line.endswith("\\") and not comment
        if self.quote in ("'", '"') and not ends_in_backslash:
            self.quote = None  # an unterminated one-line string ends with its line
        self.continued = self.quote is None and ends_in_backslash


def _replacement(line: str, kind: str) -> str:
    # a cell magic heads its cell whatever its indentation; its body starts at column 0
    indent = "" if kind == "cell magic" else line[: len(line) - len(line.lstrip())]
    assigned = _MAGIC_ASSIGN.match(line.strip())
    if assigned and not line.strip().startswith("%"):
        # IPython gives a shell command's output as a list of lines, a magic's as a value
        targets = [target.strip() for target in assigned.group(1).split(",")]
        empty = "[]" if assigned.group(2) == "!" else "None"
        return f"{indent}{' = '.join(targets)} = {empty}  # grader: neutralised {kind}"
    return f"{indent}pass  # grader: neutralised {kind}"


def neutralise_cell(
    source: str, allows: Callable[[str], bool] | None = None
) -> tuple[list[str], list[Neutralised]]:
    """The cell's lines with magics replaced, and the lines that were replaced (`allows`: as
    for `parses`)."""
    lines = split_lines(source)
    if parses(source, allows):
        return lines, []  # valid Python holds no magic; leave it byte for byte
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if (
        first is not None
        and lines[first].lstrip().startswith("%%")
        and _cell_magic_name(lines[first]) not in PYTHON_CELL_MAGICS
    ):
        # A cell magic hands the whole cell to something other than Python.
        out = [*lines[:first], _replacement(lines[first], "cell magic")]
        out += ["# " + line for line in lines[first + 1 :]]
        done = [Neutralised(first + 1, lines[first], whole_cell=True)]
        return out, done
    out: list[str] = []
    done: list[Neutralised] = []
    scanner = _Scanner()
    in_magic_continuation = False
    for number, line in enumerate(lines, start=1):
        if in_magic_continuation:
            out.append("# " + line)
            done.append(Neutralised(number, line))
            in_magic_continuation = line.endswith("\\")
            continue
        kind = _kind(line.strip()) if scanner.at_statement_start else None
        if kind == "cell magic" and number - 1 == first:
            # %%time or %%capture (any other heads a whole cell, above): its Python runs, so
            # the header becomes a comment, which cannot stand before a __future__ import
            out.append(f"# grader: {line.strip()[:40]} runs the Python below")
            continue
        timed = _TIMED_STATEMENT.match(line.strip()) if kind == "line magic" else None
        if timed and not line.endswith("\\"):
            # the statement runs as Jupyter runs it; only the timing is left out
            indent = line[: len(line) - len(line.lstrip())]
            line = indent + timed.group(1) + timed.group(2)
            kind = None
        if kind is None:
            scanner.feed(line)
            out.append(line)
            continue
        out.append(_replacement(line, kind))
        done.append(Neutralised(number, line))
        in_magic_continuation = line.endswith("\\")
    return out, done
