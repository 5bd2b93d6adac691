"""A correct invert-tree without recursion: swap the children of every node, level by level."""

from collections import deque


def invert_tree(root):
    queue = deque([root] if root else [])
    while queue:
        node = queue.popleft()
        node.left, node.right = node.right, node.left
        if node.left:
            queue.append(node.left)
        if node.right:
            queue.append(node.right)
    return root
