"""Code that runs inside the sandbox: harness, supervisor and worker.

Imports no click, rich or docker. Test authors use `CandidateError` and the
helpers in `grader.harness.testing`.
"""

from __future__ import annotations

import importlib

# not even typing: the supervisor and the worker start on the critical path of every grading
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from grader.harness.client import CandidateError
    from grader.harness.codec import Tree

__all__ = ["CandidateError", "Tree"]

# Loaded on first use: the supervisor and the worker start in the candidate's container on
# the critical path of every grading, and neither needs the harness's client.
_EXPORTS = {"CandidateError": "grader.harness.client", "Tree": "grader.harness.codec"}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
