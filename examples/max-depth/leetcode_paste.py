# ruff: noqa: F821 -- pasted from LeetCode as is: `Optional` and `TreeNode` are predefined there.
# Definition for a binary tree node.
# class TreeNode:
#     def __init__(self, val=0, left=None, right=None):
#         self.val = val
#         self.left = left
#         self.right = right
class Solution:
    def maxDepth(self, root: Optional[TreeNode]) -> int:
        if not root:
            return 0
        stack = [(root, 1)]
        depth = 0
        while stack:
            node, current = stack.pop()
            depth = max(depth, current)
            if node.left:
                stack.append((node.left, current + 1))
            if node.right:
                stack.append((node.right, current + 1))
        return depth
