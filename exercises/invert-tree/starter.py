"""Invert Binary Tree: the statement is in README.md.

Write `invert_tree` below, or paste a LeetCode solution (`class Solution` with
`invertTree`) instead. `TreeNode` and `Optional` are predefined, as on LeetCode:

    class TreeNode:
        def __init__(self, val=0, left=None, right=None):
            self.val = val
            self.left = left
            self.right = right

Check it with `pytest` (the public tests in tests/), then grade it with
`grader grade solution.py -e invert-tree`.
"""

from __future__ import annotations


def invert_tree(root: TreeNode | None) -> TreeNode | None:  # noqa: F821 - predefined
    """Mirror the tree (swap every node's left and right children) and return its root."""
    # Your code here.
    return root
