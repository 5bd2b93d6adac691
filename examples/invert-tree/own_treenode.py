"""A correct invert-tree in LeetCode's older style: its own TreeNode, and a mirrored copy.

The trees it is given are built from this class, so `root.mirror()` is there to call.
"""


class TreeNode:
    def __init__(self, x):
        self.val = x
        self.left = None
        self.right = None

    def mirror(self):
        copy = TreeNode(self.val)
        copy.left = self.right.mirror() if self.right else None
        copy.right = self.left.mirror() if self.left else None
        return copy


class Solution:
    def invertTree(self, root: TreeNode) -> TreeNode:
        return root.mirror() if root else None
