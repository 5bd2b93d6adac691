"""Neutralise IPython magics and shell lines in one notebook cell, keeping its line count.

The grader never runs `%pip`, `!rm -rf` or `%%bash`: each such line becomes `pass` (so a block
that only held a magic stays valid) with a comment saying what was there; a name assigned a
magic's output (`files = !ls`) is assigned an empty value instead, so that later cells still
find it. The magics that only time or capture Python (`%time`, `%%time`, `%%capture`) are
dropped and their Python kept, as Jupyter runs it. A line only counts as a magic at the start
of a statement, never inside a string or a bracketed continuation.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

from grader.flags import FlagCode
from grader.harness.shell import PYTHON_CELL_MAGICS, PYTHON_LINE_MAGICS
from grader.models import Flag
from grader.submission.policy import ParseBudget
from grader.submission.safe_names import safe_text

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


def parses(source: str, budget: ParseBudget | None = None) -> bool:
    """Whether `source` is valid Python; a source past the parse budget counts as not, so that
    its lines are looked at one by one (valid Python holds no magic to find there)."""
    if not (budget or ParseBudget()).allows(source):
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
    source: str, budget: ParseBudget | None = None
) -> tuple[list[str], list[Neutralised]]:
    """The cell's lines with magics replaced, and the lines that were replaced."""
    lines = split_lines(source)
    if parses(source, budget):
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


QUOTED_IN_NOTE = 3


def magic_note(where: str, quoted: list[str]) -> Flag:
    """The `notebook-magic` note: what was not run, the first few quoted with their place."""
    shown = ", ".join(quoted[:QUOTED_IN_NOTE])
    more = f" and {len(quoted) - QUOTED_IN_NOTE} more" if len(quoted) > QUOTED_IN_NOTE else ""
    noun = "line" if len(quoted) == 1 else "lines"
    return Flag(
        FlagCode.NOTEBOOK_MAGIC.value,
        f"{len(quoted)} IPython magic/shell {noun} in {safe_text(where, 60)} not run "
        f"(code under %time, %%time or %%capture still runs): {shown}{more}",
    )


# get_ipython()'s methods a notebook exported as a script calls for its magics and shell lines
_SHELL_METHODS = {"run_line_magic": "%", "run_cell_magic": "%%", "magic": "%"}
_SHELL_COMMANDS = frozenset({"system", "getoutput"})


def exported_magics(source: bytes, budget: ParseBudget) -> list[tuple[int, str]]:
    """(line, the magic as the notebook had it) of each get_ipython() call in a module that
    grader's stand-in shell (grader.harness.shell) does not run."""
    if b"get_ipython" not in source or not budget.allows(source.decode("utf-8", "replace")):
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source)
        except Exception:  # noqa: BLE001 - not for this scan to judge; the worker will
            return []
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Call)
            and isinstance(node.func.value.func, ast.Name)
            and node.func.value.func.id == "get_ipython"
        ):
            continue
        method = node.func.attr
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        text = args[0] if args and isinstance(args[0], str) else "…"
        if method in _SHELL_COMMANDS:
            found.append((node.lineno, f"!{text}"))
        elif method in _SHELL_METHODS:
            if method == "magic":
                name, _, rest = text.lstrip("%").partition(" ")
            else:
                rest = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
                name = text
            runs = PYTHON_LINE_MAGICS if method != "run_cell_magic" else PYTHON_CELL_MAGICS
            if name not in runs:
                shown = rest if method != "run_cell_magic" else ""
                found.append((node.lineno, f"{_SHELL_METHODS[method]}{name} {shown}".strip()))
    return sorted(found)
