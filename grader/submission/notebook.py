"""Turn a notebook into one Python module: its code cells, magics neutralised.

Markdown and raw cells, stored outputs and metadata are dropped: a notebook that claims a score
in its metadata or shows passing outputs gains nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from grader.flags import FlagCode
from grader.models import Flag
from grader.submission.magics import Neutralised, neutralise_cell
from grader.submission.policy import MAX_NOTEBOOK_BYTES, MB
from grader.submission.rejection import Reject
from grader.submission.safe_names import safe_text

_QUOTED = 3


@dataclass(frozen=True)
class NotebookCode:
    text: str  # the module source
    lines: tuple[tuple[int, int], ...]  # (cell, line in cell) of each module line
    note: Flag | None  # the notebook-magic note, when something was neutralised

    def locate(self, lineno: int | None) -> str:
        """Where a module line comes from, as the candidate sees it: "cell N, line M"."""
        if not self.lines:
            return "line 1"
        index = min(max((lineno or 1) - 1, 0), len(self.lines) - 1)
        cell, line = self.lines[index]
        return f"cell {cell}, line {max(line, 1)}"


def _bad(where: str, reason: str) -> Reject:
    return Reject(FlagCode.BAD_NOTEBOOK, f"{safe_text(where)}: {reason}")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return safe_text(text[0] if text else type(exc).__name__, 100)


def _code_cells(nb: Any, where: str) -> Iterator[tuple[int, str]]:
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise _bad(where, "not a readable Jupyter notebook (no list of cells)")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise _bad(where, f"cell {number} is malformed")
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise _bad(where, f"cell {number} has a source that is not text")
        yield number, source


def _note(where: str, done: list[tuple[int, Neutralised]]) -> Flag:
    quoted = ", ".join(
        f"`{safe_text(n.text.strip(), 40)}` (cell {cell})" for cell, n in done[:_QUOTED]
    )
    more = f" and {len(done) - _QUOTED} more" if len(done) > _QUOTED else ""
    noun = "line" if len(done) == 1 else "lines"
    return Flag(
        FlagCode.NOTEBOOK_MAGIC.value,
        f"{len(done)} IPython magic/shell {noun} in {safe_text(where, 60)} not run "
        f"(neutralised): {quoted}{more}",
    )


def read_notebook(data: bytes, where: str) -> Any:
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise _bad(where, f"larger than {MAX_NOTEBOOK_BYTES // MB} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad(where, "not a readable Jupyter notebook (not UTF-8 text)") from None
    import nbformat  # imported here: it costs ~80 ms at start-up and only notebooks need it

    try:
        # nbformat warns about missing cell ids and logs schema errors; neither is a reason to
        # refuse a notebook whose code cells can be read. (catch_warnings is process-wide: a
        # warning raised meanwhile by another thread is lost, which is acceptable.)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nbformat.reads(text, as_version=4, capture_validation_error={})
    except Exception as exc:  # noqa: BLE001 - any failure on candidate bytes: bad notebook
        raise _bad(where, f"not a readable Jupyter notebook ({_reason(exc)})") from None


def notebook_code(data: bytes, where: str) -> NotebookCode:
    nb = read_notebook(data, where)
    out: list[str] = ["# grader: the code cells of the submitted notebook"]
    lines: list[tuple[int, int]] = [(1, 0)]
    done: list[tuple[int, Neutralised]] = []
    try:
        cells = list(_code_cells(nb, where))
    except Reject:
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed cell of any shape: bad notebook
        raise _bad(where, f"not a readable Jupyter notebook ({_reason(exc)})") from None
    for number, source in cells:
        cell_lines, neutralised = neutralise_cell(source)
        done += [(number, n) for n in neutralised]
        out.append(f"# %% cell {number}")
        lines.append((number, 0))
        out += cell_lines
        lines += [(number, i) for i in range(1, len(cell_lines) + 1)]
        out.append("")  # a cell ending in a backslash must not swallow the next marker
        lines.append((number, len(cell_lines)))
    if not cells:
        raise Reject(
            FlagCode.MISSING_ENTRY_POINT,
            f"{safe_text(where)}: the notebook has no code cells",
        )
    return NotebookCode(
        text="\n".join(out) + "\n",
        lines=tuple(lines),
        note=_note(where, done) if done else None,
    )
