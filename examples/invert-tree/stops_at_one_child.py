"""A realistic bug: the base case treats a node with one missing child as a leaf.

`if not root.left or not root.right: return root` is meant to stop at leaves, but it
also stops at every node with exactly one child: that child is never moved to the other
side and nothing below it is inverted. Trees where each node has no child or two come
out right.
"""


def invert_tree(root):
    if not root or not root.left or not root.right:
        return root
    root.left, root.right = invert_tree(root.right), invert_tree(root.left)
    return root
