"""A correct invert-tree that leaves the input alone and builds a mirrored copy."""


def invert_tree(root):
    if root is None:
        return None
    return TreeNode(root.val, invert_tree(root.right), invert_tree(root.left))  # noqa: F821
