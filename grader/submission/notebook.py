"""Turn a notebook into one Python module: its code cells, magics neutralised.

Markdown and raw cells, stored outputs and metadata are dropped: a notebook that claims a score
in its metadata or shows passing outputs gains nothing.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from grader.flags import FlagCode
from grader.harness import cells as cells_layout
from grader.harness.magics import Neutralised, neutralise_cell
from grader.models import Flag
from grader.submission.magics import magic_note
from grader.submission.policy import MAX_NOTEBOOK_BYTES, MB, ParseBudget
from grader.submission.rejection import Reject
from grader.submission.safe_names import safe_text

# A JSON value costs 50 to 100 bytes once parsed: a 20 MB notebook of tiny values would take
# gigabytes. Real notebooks hold far fewer values and cells than these.
MAX_JSON_VALUES = 1_000_000
MAX_CELLS = 10_000
MAX_CODE_LINES = 100_000


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
        try:
            source.encode("utf-8")  # JSON's \ud800 escapes decode to lone surrogates
        except UnicodeEncodeError:
            raise _bad(where, f"cell {number} holds text that is not valid Unicode") from None
        yield number, source


def _note(where: str, done: list[tuple[int, Neutralised]]) -> Flag:
    def place(cell: int, neutralised: Neutralised) -> str:
        return f"cell {cell}, the whole cell" if neutralised.whole_cell else f"cell {cell}"

    return magic_note(
        where, [f"`{safe_text(n.text.strip(), 40)}` ({place(cell, n)})" for cell, n in done]
    )


class _TooManyValues(ValueError):
    pass


class _BoundedDecoder(json.JSONDecoder):
    """A JSON decoder that gives up after `limit` values, before they fill the memory.

    The pure-Python scanner is used because it lets every array element and object member
    be counted as it is read; long strings (code, base64 images) still go at C speed.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.left = limit

        def counted(scan: Callable[[str, int], Any]) -> Callable[[str, int], Any]:
            def scan_one(string: str, idx: int) -> Any:
                self.left -= 1
                if self.left < 0:
                    raise _TooManyValues
                return scan(string, idx)

            return scan_one

        def parse_object(state: Any, strict: bool, scan: Any, *rest: Any) -> Any:
            return json.decoder.JSONObject(state, strict, counted(scan), *rest)

        def parse_array(state: Any, scan: Any) -> Any:
            return json.decoder.JSONArray(state, counted(scan))

        self.parse_object = parse_object
        self.parse_array = parse_array
        self.scan_once = json.scanner.py_make_scanner(self)


def _cell_lists(doc: dict[str, Any]) -> list[list[Any]]:
    """The cell lists of a notebook document: v4 `cells`, or v3 `worksheets[*].cells`."""
    lists = [doc["cells"]] if isinstance(doc.get("cells"), list) else []
    worksheets = doc.get("worksheets")
    if isinstance(worksheets, list):
        lists += [w["cells"] for w in worksheets if isinstance(w, dict) and "cells" in w]
    return [cells for cells in lists if isinstance(cells, list)]


def _slim(doc: dict[str, Any], where: str) -> None:
    """Drop what is never graded (outputs, attachments, metadata) before nbformat reads it."""
    cell_lists = _cell_lists(doc)
    count = sum(len(cells) for cells in cell_lists)
    if count > MAX_CELLS:
        raise _bad(where, f"has {count} cells, more than the {MAX_CELLS} a notebook may have")
    for holder in [doc, *(w for w in doc.get("worksheets") or () if isinstance(w, dict))]:
        if isinstance(holder.get("metadata"), dict):
            holder["metadata"] = {}
    for cells in cell_lists:
        for cell in cells:
            if not isinstance(cell, dict):
                continue
            if "outputs" in cell:
                cell["outputs"] = []
            if isinstance(cell.get("metadata"), dict):
                cell["metadata"] = {}
            cell.pop("attachments", None)


def read_notebook(data: bytes, where: str) -> Any:
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise _bad(where, f"larger than {MAX_NOTEBOOK_BYTES // MB} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad(where, "not a readable Jupyter notebook (not UTF-8 text)") from None
    try:
        doc = _BoundedDecoder(MAX_JSON_VALUES).decode(text)
    except _TooManyValues:
        raise _bad(
            where,
            f"too large to read (more than {MAX_JSON_VALUES:,} JSON values); "
            "clear its outputs and submit again",
        ) from None
    except RecursionError:
        raise _bad(where, "not a readable Jupyter notebook (nested too deeply)") from None
    except ValueError as exc:
        raise _bad(where, f"not a readable Jupyter notebook (not JSON: {_reason(exc)})") from None
    if not isinstance(doc, dict):
        raise _bad(where, "not a readable Jupyter notebook (not a JSON object)")
    _slim(doc, where)
    slim_text = json.dumps(doc)
    del doc
    import nbformat  # imported here: it costs ~80 ms at start-up and only notebooks need it

    try:
        # nbformat warns about missing cell ids and logs schema errors; neither is a reason to
        # refuse a notebook whose code cells can be read. (catch_warnings is process-wide: a
        # warning raised meanwhile by another thread is lost, which is acceptable.)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nbformat.reads(slim_text, as_version=4, capture_validation_error={})
    except Exception as exc:  # noqa: BLE001 - any failure on candidate bytes: bad notebook
        raise _bad(where, f"not a readable Jupyter notebook ({_reason(exc)})") from None


def notebook_code(data: bytes, where: str, budget: ParseBudget | None = None) -> NotebookCode:
    budget = budget or ParseBudget()
    nb = read_notebook(data, where)
    out: list[str] = [cells_layout.HEADER]
    lines: list[tuple[int, int]] = [(1, 0)]
    done: list[tuple[int, Neutralised]] = []
    try:
        cells = list(_code_cells(nb, where))
    except Reject:
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed cell of any shape: bad notebook
        raise _bad(where, f"not a readable Jupyter notebook ({_reason(exc)})") from None
    # Each line becomes a few objects below: counted first, while it costs nothing.
    total = sum(source.count("\n") + 1 for _, source in cells)
    if total > MAX_CODE_LINES:
        raise _bad(where, f"has {total:,} lines of code, more than the {MAX_CODE_LINES:,} allowed")
    for number, source in cells:
        cell_lines, neutralised = neutralise_cell(source, budget.allows)
        done += [(number, n) for n in neutralised]
        out.append(cells_layout.marker(number))
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
