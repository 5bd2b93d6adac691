"""Hidden tests for max-depth (10 points).

Trees are built here, in the harness, from fixed seeds, and sent to the candidate as
LeetCode level-order lists (`Tree.of(levels)`); the worker turns them into the
candidate's `TreeNode` objects. Expected depths come from the reference solution, run
here on the harness's own copy of each tree. Only the statement's examples reveal their
trees; every other message says what kind of tree failed and how.

The groups are kept apart on purpose, so that a bug loses the points of the group aimed
at it and keeps the rest:

- only `test_empty_tree` has the empty tree, and only `test_single_node` has one-node
  trees (where an answer that grows only when it steps to a child stays at 0);
- only `test_deepest_leaf_on_the_right` has trees whose leftmost path is not a longest
  path: every other tree is "left-heavy" (each node's left subtree is at least as deep
  as its right one), so following only left children goes unnoticed there;
- only the large-tree test judges speed.

No tree is deeper than 500 levels, so a recursive answer stays well inside Python's
default recursion limit.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable
from typing import Any

import pytest

from grader.harness import Tree
from grader.harness.leetcode import TreeNode, levels_to_tree, tree_to_levels
from grader.harness.testing import check_speed, speed_limit, time_best, time_call

MAX_NODES = 10_000
MAX_DEPTH = 500

# The statement's examples (README.md): level order, answer.
EXAMPLES = [
    ([3, 9, 20, 4, None, 15, 7], 3),
    ([1, 2, 3, 4, None, None, 5, 6], 4),
    ([1, 2], 2),
]


def _problem(got: Any, expected: int) -> str | None:
    """None when `got` is the expected depth; otherwise what is wrong, without the tree."""
    if isinstance(got, bool):
        return "returned a boolean instead of an int"
    try:
        depth = operator.index(got)
    except TypeError:
        return f"returned {type(got).__name__} instead of an int"
    if depth == expected - 1:
        return "the depth is one too small"
    if depth < expected:
        return "the depth is too small (a longer path from the root exists)"
    if depth > expected:
        return "the depth is too large"
    return None


def _expected(reference: Any, levels: list[Any]) -> int:
    return reference.max_depth(levels_to_tree(levels))


def _check_hidden(submission: Any, reference: Any, trees: list[list[Any]], what: str) -> None:
    for levels in trees:
        got = submission.max_depth(Tree.of(levels))
        problem = _problem(got, _expected(reference, levels))
        assert problem is None, f"wrong answer on {what}: {problem}"


# -- building trees (harness-side TreeNode objects, sent as level-order lists) ----------
def _levels(root: TreeNode | None) -> list[Any]:
    return tree_to_levels(root, MAX_NODES)


def _path(directions: str, value: Callable[[int], Any] = lambda i: i) -> TreeNode:
    """A single path from the root: each letter says whether the next node is L or R."""
    root = node = TreeNode(value(0))
    for i, side in enumerate(directions, start=1):
        child = TreeNode(value(i))
        if side == "L":
            node.left = child
        else:
            node.right = child
        node = child
    return root


def _complete(n: int) -> list[Any]:
    """A complete tree of n nodes: every level full except the last, filled from the left."""
    return list(range(1, n + 1))


def _random_tree(rng: random.Random, n: int, reach: float) -> TreeNode:
    """n nodes, each hung on a random free child slot of the tree so far.

    `reach` is the chance of picking one of the newest slots instead of any slot:
    0 gives bushy trees of depth O(log n), close to 1 long winding ones.
    """
    root = TreeNode(rng.randint(-100, 100))
    slots = [(root, "left", 2), (root, "right", 2)]  # where a child may go, and its depth
    for _ in range(n - 1):
        while True:
            if rng.random() < reach:
                i = len(slots) - 1 - rng.randrange(min(2, len(slots)))
            else:
                i = rng.randrange(len(slots))
            node, side, depth = slots[i]
            if depth <= MAX_DEPTH:
                break
        slots[i] = slots[-1]
        slots.pop()
        child = TreeNode(rng.randint(-100, 100))
        setattr(node, side, child)
        slots += [(child, "left", depth + 1), (child, "right", depth + 1)]
    return root


def _nodes(root: TreeNode) -> list[TreeNode]:
    """Every node, parents before children."""
    order = [root]
    for node in order:
        order.extend(child for child in (node.left, node.right) if child is not None)
    return order


def _left_heavy(root: TreeNode) -> TreeNode:
    """Swap children wherever the right subtree is deeper, so the leftmost path is longest."""
    height: dict[int, int] = {id(None): 0}
    for node in reversed(_nodes(root)):
        left, right = height[id(node.left)], height[id(node.right)]
        if left < right:
            node.left, node.right = node.right, node.left
        height[id(node)] = 1 + max(left, right)
    return root


def _mirror(root: TreeNode) -> TreeNode:
    for node in _nodes(root):
        node.left, node.right = node.right, node.left
    return root


# -- the tests --------------------------------------------------------------------------
@pytest.mark.reveal
@pytest.mark.points(2)
def test_examples(submission):
    """examples from the statement"""
    for levels, expected in EXAMPLES:
        got = submission.max_depth(Tree.of(levels))
        assert _problem(got, expected) is None, (
            f"max_depth(root) returned {got!r} for the tree {levels} (level order, None for "
            f"a missing child); expected {expected}"
        )


@pytest.mark.points(1)
def test_empty_tree(submission):
    """the empty tree"""
    got = submission.max_depth(None)
    assert _problem(got, 0) is None, (
        f"wrong answer on the empty tree (root is None): {_problem(got, 0)}; its depth is 0"
    )


@pytest.mark.points(1)
def test_single_node(submission, reference):
    """a single node"""
    trees = [[1], [0], [-7], [10_000]]
    _check_hidden(submission, reference, trees, "a tree of a single node")


@pytest.mark.points(2)
def test_deepest_leaf_on_the_right(submission, reference):
    """the deepest leaf off the leftmost path"""
    rng = random.Random(2_718)
    shaped = [
        _path("R"),
        _path("R" * 9),
        _path("R" * (MAX_DEPTH - 1)),
        _path("RL" * 20),
        _path("LR" * 20),
        _path("L" + "R" * 30),
        _path("LLLLR" * 99 + "LLLL"),
    ]
    trees = [_levels(t) for t in shaped] + [[3, 9, 20, None, None, 15, 7], [1, None, 2]]
    _check_hidden(submission, reference, trees, "a tree whose deepest leaf is on the right")
    # Random trees mirrored from left-heavy ones: the rightmost path is a longest one.
    total = 60
    for number in range(1, total + 1):
        n = rng.randint(3, 300)
        levels = _levels(_mirror(_left_heavy(_random_tree(rng, n, rng.random()))))
        problem = _problem(submission.max_depth(Tree.of(levels)), _expected(reference, levels))
        assert problem is None, (
            f"wrong answer on a random tree of {n} nodes whose deepest leaf is on the right "
            f"(case {number} of {total}): {problem}"
        )


@pytest.mark.points(1)
def test_left_chains_and_complete_trees(submission, reference):
    """left-only chains up to depth 500, and complete trees"""
    chains = [_levels(_path("L" * (depth - 1))) for depth in (2, 3, 10, 100, MAX_DEPTH)]
    _check_hidden(submission, reference, chains, "a chain of left children")
    complete = [_complete(n) for n in (2, 3, 4, 7, 8, 15, 100, 1023, 1024)]
    _check_hidden(submission, reference, complete, "a complete tree")


@pytest.mark.points(2)
def test_random_trees(submission, reference):
    """random trees, up to 300 nodes"""
    rng = random.Random(31_415)
    total = 200
    for number in range(1, total + 1):
        n = rng.randint(2, 20) if number <= 100 else rng.randint(21, 300)
        levels = _levels(_left_heavy(_random_tree(rng, n, rng.random())))
        problem = _problem(submission.max_depth(Tree.of(levels)), _expected(reference, levels))
        assert problem is None, (
            f"wrong answer on a random tree of {n} nodes (case {number} of {total}): {problem}"
        )


@pytest.mark.points(1)
def test_large_trees(submission, reference):
    """large trees, 10^4 nodes, in O(n)"""
    rng = random.Random(10_000)
    submission.max_depth(Tree.of([1]))  # warm-up: a first call may still pay for imports
    trees = [
        ("a complete tree of 10^4 nodes", _complete(MAX_NODES)),
        (
            "a deep random tree of 10^4 nodes",
            _levels(_left_heavy(_random_tree(rng, MAX_NODES, 0.99))),
        ),
    ]
    for what, levels in trees:
        root = levels_to_tree(levels)
        expected, reference_s = time_best(reference.max_depth, root)
        limit = speed_limit(reference_s, floor_s=1.0)
        tree = Tree.of(levels)
        got, seconds = time_call(submission.max_depth, tree)
        problem = _problem(got, expected)
        assert problem is None, f"wrong answer on {what}: {problem}"
        if limit < seconds < 3 * limit:
            # Close to the limit: time once more in case the machine was busy.
            seconds = min(seconds, time_call(submission.max_depth, tree)[1])
        check_speed(seconds, reference_s, size=what, expected="O(n)", floor_s=1.0)
