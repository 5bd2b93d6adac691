"""A correct invert-tree: the textbook recursion, swapping children in place."""


def invert_tree(root):
    if root is None:
        return None
    root.left, root.right = invert_tree(root.right), invert_tree(root.left)
    return root
