"""Reference solution for invert-tree: swap the children of every node, in place, O(n).

Iterative so that it never depends on the recursion limit, whatever the tree's depth.
"""

from __future__ import annotations

from typing import Any


def invert_tree(root: Any) -> Any:
    """Mirror the tree in place and return its root (None stays None)."""
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        node.left, node.right = node.right, node.left
        stack.extend(child for child in (node.left, node.right) if child is not None)
    return root
