"""A correct max-depth: the textbook recursion, one call per node."""


def max_depth(root):
    if root is None:
        return 0
    return 1 + max(max_depth(root.left), max_depth(root.right))
