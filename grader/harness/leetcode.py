"""What LeetCode predefines for a pasted solution, and trees as level-order lists."""

from __future__ import annotations

import bisect
import collections
import functools
import heapq
import itertools
import math
import typing
from collections import deque
from typing import Any


class TreeNode:
    def __init__(self, val: Any = 0, left: TreeNode | None = None, right: TreeNode | None = None):
        self.val = val
        self.left = left
        self.right = right

    def __repr__(self) -> str:
        return f"TreeNode({self.val!r})"


class ListNode:
    def __init__(self, val: Any = 0, next: ListNode | None = None):  # LeetCode's own parameter name
        self.val = val
        self.next = next


def leetcode_namespace() -> dict[str, Any]:
    """Names a LeetCode paste uses without importing them."""
    names: dict[str, Any] = {
        name: getattr(typing, name)
        for name in ("List", "Optional", "Dict", "Tuple", "Set", "Deque", "Any", "Union")
    }
    names.update(
        TreeNode=TreeNode,
        ListNode=ListNode,
        collections=collections,
        deque=collections.deque,
        defaultdict=collections.defaultdict,
        Counter=collections.Counter,
        OrderedDict=collections.OrderedDict,
        heapq=heapq,
        bisect=bisect,
        math=math,
        itertools=itertools,
        functools=functools,
        lru_cache=functools.lru_cache,
        cache=functools.cache,
        inf=math.inf,
    )
    return names


def tree_to_levels(root: Any, max_nodes: int) -> list[Any]:
    """Level-order list of a tree of objects with val/left/right, trailing gaps trimmed."""
    if root is None:
        return []
    values: list[Any] = []
    seen: set[int] = set()
    queue: deque[Any] = deque([root])
    while queue:
        node = queue.popleft()
        if node is None:
            values.append(None)
            continue
        if id(node) in seen:
            raise ValueError("the tree contains a cycle or a shared node")
        seen.add(id(node))
        if len(seen) > max_nodes:
            raise ValueError(f"the tree has more than {max_nodes} nodes")
        values.append(node.val)
        queue.append(getattr(node, "left", None))
        queue.append(getattr(node, "right", None))
    while values and values[-1] is None:
        values.pop()
    return values


def levels_to_tree(values: list[Any] | tuple[Any, ...], node_class: type = TreeNode) -> Any:
    """Build a tree of `node_class` from a LeetCode level-order list (None for gaps)."""
    if not values or values[0] is None:
        return None

    def make(value: Any) -> Any:
        try:
            node = node_class(value)
        except TypeError:
            node = node_class()
            node.val = value
        node.left = None
        node.right = None
        return node

    root = make(values[0])
    queue = deque([root])
    index = 1
    while queue and index < len(values):
        node = queue.popleft()
        for side in ("left", "right"):
            if index < len(values) and values[index] is not None:
                child = make(values[index])
                setattr(node, side, child)
                queue.append(child)
            index += 1
    return root
