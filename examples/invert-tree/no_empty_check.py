"""A realistic bug: an explicit stack that starts from [root] without checking for None.

The empty tree crashes with AttributeError ('NoneType' object has no attribute 'left');
every other tree is inverted correctly.
"""


def invert_tree(root):
    stack = [root]
    while stack:
        node = stack.pop()
        node.left, node.right = node.right, node.left
        if node.left:
            stack.append(node.left)
        if node.right:
            stack.append(node.right)
    return root
