"""A realistic bug: the answer grows only when the walk steps down to a child.

The root is never counted on its own, so a tree of a single node has depth 0 instead
of 1. Trees of two nodes or more are measured correctly.
"""


def max_depth(root):
    if root is None:
        return 0
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        for child in (node.left, node.right):
            if child is not None:
                deepest = max(deepest, depth + 1)
                stack.append((child, depth + 1))
    return deepest
