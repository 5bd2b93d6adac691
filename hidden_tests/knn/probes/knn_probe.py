"""Runs inside the worker: what only the candidate's process can see about `fit`."""

from __future__ import annotations

from types import ModuleType
from typing import Any


def fit_returns(module: ModuleType, X: Any, y: Any) -> str:
    """What fit returned: "self", "none" (for None), or the name of its type."""
    classifier = module.KNearestNeighbors(k=3)
    result = classifier.fit(X, y)
    if result is None:
        return "none"
    if result is classifier:
        return "self"
    return type(result).__name__
