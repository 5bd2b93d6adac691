"""The machine-readable report: one `grader.report/v1` JSON document."""

from __future__ import annotations

import json
import math
from typing import Any

from grader.errors import GraderError
from grader.models import Report


def _find_non_finite(value: Any, path: str = "$") -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return path
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find_non_finite(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _find_non_finite(item, f"{path}[{index}]")
            if found:
                return found
    return None


def render(report: Report, *, color: bool = False) -> str:
    """The report as indented JSON plus a trailing newline.

    A NaN or infinite number is a grader bug (scores and durations are computed
    on the host), and JSON has no spelling for it that every parser accepts, so
    it raises (exit 3, the grader's fault) instead of producing a document a
    consumer would choke on.
    """
    del color  # JSON is for machines; there is nothing to colour
    data = report.to_dict()
    where = _find_non_finite(data)
    if where is not None:
        raise GraderError(f"report has a non-finite number at {where}; refusing to emit JSON")
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    # A lone surrogate (say, from a file name decoded with surrogateescape) is
    # legal in a Python str but cannot be written as UTF-8; spelled as a \\uXXXX
    # escape it stays inside its JSON string and the document still parses.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text + "\n"
