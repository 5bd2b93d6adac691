"""A correct max-depth that brings its own TreeNode (LeetCode's older style) with a method.

The trees it is given are built from this class, so `root.height()` is there to call.
"""


class TreeNode:
    def __init__(self, x):
        self.val = x
        self.left = None
        self.right = None

    def height(self):
        left = self.left.height() if self.left is not None else 0
        right = self.right.height() if self.right is not None else 0
        return 1 + max(left, right)


def max_depth(root):
    return root.height() if root is not None else 0
