"""A realistic bug: a level-by-level walk that starts from [root] without checking for None.

The empty tree counts as one level, [None], so its depth comes out as 1 instead of 0.
Every other tree is measured correctly.
"""


def max_depth(root):
    depth = 0
    level = [root]
    while level:
        depth += 1
        level = [child for node in level if node for child in (node.left, node.right) if child]
    return depth
