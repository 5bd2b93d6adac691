"""Reference solution for max-depth: breadth-first, one level at a time, O(n).

Iterative so that it never depends on the recursion limit, whatever the tree's depth.
"""

from __future__ import annotations

from typing import Any


def max_depth(root: Any) -> int:
    """Number of nodes on the longest path from the root down to a leaf; 0 for None."""
    depth = 0
    level = [root] if root is not None else []
    while level:
        depth += 1
        level = [child for node in level for child in (node.left, node.right) if child is not None]
    return depth
