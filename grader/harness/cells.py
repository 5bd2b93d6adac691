"""How a notebook's code cells sit in the module the host makes of them.

The host writes the module (grader/submission/notebook.py): this header, then each code cell
after a marker line naming it. The worker runs such a module cell by cell, as a notebook runs,
and names the cell and line where the candidate's code raised.
"""

from __future__ import annotations

import itertools

# The first line of the module (display() and get_ipython() are the worker's builtins, as
# under IPython: grader/harness/shell.py).
HEADER = "# grader: the code cells of the submitted notebook"
_MARKER = "# %% cell "
MAX_LOAD_ERRORS = 10  # of a notebook's cells that raised, how many are reported
# What the worker runs: a module, a notebook's module (cell by cell), a notebook exported
# as a script (a module, with IPython's builtins) or an SQL query.
KINDS = ("python", "notebook", "notebook-script", "sql")
IPYTHON_KINDS = ("notebook", "notebook-script")


def marker(cell: int) -> str:
    return f"{_MARKER}{cell}"


def cell_starts(lines: list[str]) -> list[tuple[int, int]]:
    """(line of its marker, cell number) of each cell of a notebook's module; [] for a module
    that is not one."""
    if not lines or lines[0] != HEADER:
        return []
    starts = []
    for number, line in enumerate(lines, start=1):
        if line.startswith(_MARKER) and line[len(_MARKER) :].isdigit():
            starts.append((number, int(line[len(_MARKER) :])))
    return starts


def cell_sources(lines: list[str], starts: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """Each cell's source, after its marker line (`starts`: from cell_starts), with the number
    of the module's lines before it: line n of the cell is line `before + n` of the module."""
    bounds = [start for start, _ in starts] + [len(lines) + 1]
    return [(start, "\n".join(lines[start : end - 1])) for start, end in itertools.pairwise(bounds)]


def locate(starts: list[tuple[int, int]], lineno: int) -> str:
    """Where a line of a notebook's module comes from, as the candidate sees it."""
    marker_line, cell = 0, 0
    for start, number in starts:
        if start > lineno:
            break
        marker_line, cell = start, number
    if not cell:
        return f"line {lineno}"
    return f"cell {cell}, line {max(lineno - marker_line, 1)}"
