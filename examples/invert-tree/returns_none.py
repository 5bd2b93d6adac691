"""A realistic bug: inverts the tree in place, then forgets to return its root.

Every call returns None. The inversion itself is right, so only the test that checks
the returned value fails.
"""


def invert_tree(root):
    if root:
        root.left, root.right = root.right, root.left
        invert_tree(root.left)
        invert_tree(root.right)
