"""A realistic bug: measures the depth along the leftmost path only.

That is the depth of a complete tree, where the last level fills from the left, but
any tree whose longest path turns right somewhere comes out too shallow.
"""


def max_depth(root):
    depth = 0
    while root is not None:
        depth += 1
        root = root.left
    return depth
