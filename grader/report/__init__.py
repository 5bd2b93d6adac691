"""Render a `Report` as text, JSON or Markdown, and ship the `grader.report/v1` schema.

Each format is one module exposing `render(report, *, color) -> str`; adding a
format (JUnit, say) means writing that module and adding one line to `_RENDERERS`.
"""

from __future__ import annotations

import importlib
import json as _json
from functools import cache
from typing import Any, Protocol

from grader.models import Report


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False) -> str: ...


# Format name -> module with `render`, imported on first use.
_RENDERERS: dict[str, str] = {
    "text": "grader.report.text",
    "json": "grader.report.json",
    "markdown": "grader.report.markdown",
}

FORMATS: tuple[str, ...] = tuple(_RENDERERS)


def renderer(fmt: str) -> Renderer:
    """The `render` of format `fmt`, its module imported now (a grading's host can load it
    while it would otherwise wait)."""
    try:
        module_name = _RENDERERS[fmt]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown report format {fmt!r} (choose from {choices})") from None
    render_report: Renderer = importlib.import_module(module_name).render
    return render_report


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The report in format `fmt`, ending with a newline.

    `color` only affects formats meant for a terminal; the others ignore it.
    """
    return renderer(fmt)(report, color=color)


@cache
def _schema_text() -> str:
    from importlib import resources  # ~8 ms to import, and only the schema needs it

    return resources.files(__name__).joinpath("schema.json").read_text(encoding="utf-8")


def load_schema() -> dict[str, Any]:
    """The JSON Schema of `grader.report/v1`, a fresh copy the caller may modify."""
    schema: dict[str, Any] = _json.loads(_schema_text())
    return schema


__all__ = ["FORMATS", "load_schema", "prepare", "render"]
