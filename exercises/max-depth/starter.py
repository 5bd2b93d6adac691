"""Maximum Depth of Binary Tree: the statement is in README.md.

Write `max_depth` below, or paste a LeetCode solution (`class Solution` with
`maxDepth`) instead. `TreeNode` and `Optional` are predefined, as on LeetCode:

    class TreeNode:
        def __init__(self, val=0, left=None, right=None):
            self.val = val
            self.left = left
            self.right = right

Check it with `pytest` (the public tests in tests/), then grade it with
`grader grade solution.py -e max-depth`.
"""

from __future__ import annotations


def max_depth(root: TreeNode | None) -> int:  # noqa: F821 - TreeNode is predefined
    """Return the number of nodes on the longest path from the root down to a leaf."""
    # Your code here.
    return 0
