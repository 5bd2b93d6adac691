"""Runs inside the worker: was the tree passed in inverted, whatever the function returned?"""

from __future__ import annotations

from types import ModuleType
from typing import Any


def invert_and_return_input(module: ModuleType, root: Any) -> Any:
    """Call the candidate's invert on `root`, then hand back `root` itself (as a tree)."""
    invert = getattr(module, "invert_tree", None)
    if invert is None:
        invert = module.Solution().invertTree
    invert(root)
    return root
