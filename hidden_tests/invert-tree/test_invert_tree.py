"""Hidden tests for invert-tree (10 points).

Trees are built here, in the harness, from fixed seeds, and sent to the candidate as
LeetCode level-order lists (`Tree.of(levels)`); the worker turns them into the
candidate's `TreeNode` objects, and whatever tree the candidate returns comes back as a
`Tree`. The expected level order comes from the reference solution, run here on the
harness's own copy of each tree; it never reaches the worker. Only the statement's
examples reveal their trees; every other message says what kind of tree failed and how.

Returning the root is judged by `test_returns_the_root` alone: elsewhere, a call that
returns None for a non-empty tree is judged on the tree it was given, as the candidate
left it (the `in_place` probe runs the function again inside the worker and sends that
tree back). So forgetting `return root` after a correct in-place inversion loses that
test's point and nothing else.

The groups are kept apart on purpose, so that a bug loses the points of the group aimed
at it and keeps the rest:

- only `test_empty_tree` has the empty tree;
- only `test_nodes_with_one_child` has a node with exactly one child: every other tree
  is full (each node has no child or two), so a base case that stops at any missing
  child goes unnoticed there;
- only the large-tree test judges speed.

No tree is deeper than 500 levels, so a recursive answer stays well inside Python's
default recursion limit.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from grader.harness import Tree
from grader.harness.leetcode import TreeNode, levels_to_tree, tree_to_levels
from grader.harness.testing import check_speed, speed_limit, time_best, time_call

MAX_NODES = 10_000
MAX_DEPTH = 500

# The statement's examples (README.md): level order, inverted level order.
EXAMPLES = [
    ([4, 2, 7, 1, 3, 6, 9], [4, 7, 2, 9, 6, 3, 1]),
    ([2, 1, 3], [2, 3, 1]),
    ([1, 2, 3, 4, 5], [1, 3, 2, None, None, 5, 4]),
]


def _expected(reference: Any, levels: list[Any]) -> list[Any]:
    return tree_to_levels(reference.invert_tree(levels_to_tree(levels)), MAX_NODES)


def _candidate_tree(submission: Any, probe: Any, levels: list[Any]) -> tuple[Any, bool]:
    """The tree the candidate made of `levels`, and whether it is the input inverted in place.

    That is what the call returned or, when it returned None for a non-empty tree, the
    tree it was given as the function left it.
    """
    got = submission.invert_tree(Tree.of(levels))
    if got is None and levels:
        return probe("in_place", "invert_and_return_input", Tree.of(levels)), True
    return got, False


def _problem(
    got: Any, levels: list[Any], expected: list[Any], in_place: bool = False
) -> str | None:
    """None when `got` is the inverted tree; otherwise what is wrong, without the tree."""
    want = Tree.of(expected)
    if want is None:
        return None if got is None else "returned a tree for the empty tree; it must return None"
    if got is None:
        return "returned None instead of the root of the inverted tree"
    if not isinstance(got, Tree):
        return "returned a value that is not a tree node (an object with val, left and right)"
    if got == want:
        return None
    unchanged = got == Tree.of(levels)
    if in_place:
        if unchanged:
            return "returned None and left the tree it was given unchanged"
        return "returned None, and the tree it was given was not turned into its mirror image"
    if unchanged:
        return "the returned tree is the original tree, not its mirror image"
    gaps = [v is None for v in got.values]
    if gaps == [v is None for v in want.values]:
        return "the returned tree has the right shape but some values are in the wrong places"
    return "the returned tree does not have the shape of the mirror image"


def _check_hidden(
    submission: Any, probe: Any, reference: Any, trees: list[list[Any]], what: str
) -> None:
    for levels in trees:
        got, in_place = _candidate_tree(submission, probe, levels)
        problem = _problem(got, levels, _expected(reference, levels), in_place)
        assert problem is None, f"wrong answer on {what}: {problem}"


# -- building trees (harness-side TreeNode objects, sent as level-order lists) ----------
def _levels(root: TreeNode | None) -> list[Any]:
    return tree_to_levels(root, MAX_NODES)


def _path(directions: str) -> TreeNode:
    """A single path from the root: each letter says whether the next node is L or R."""
    root = node = TreeNode(0)
    for i, side in enumerate(directions, start=1):
        child = TreeNode(i)
        if side == "L":
            node.left = child
        else:
            node.right = child
        node = child
    return root


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


def _random_full_tree(rng: random.Random, n: int, reach: float, values: int = 100) -> TreeNode:
    """A tree of n nodes (n odd) where every node has no child or two.

    Grown by giving a random leaf two children; `reach` favours the newest leaves, as in
    `_random_tree`. Values are drawn from [-values, values], so small ranges repeat.
    """
    root = TreeNode(rng.randint(-values, values))
    leaves = [(root, 1)]
    for _ in range((n - 1) // 2):
        while True:
            if rng.random() < reach:
                i = len(leaves) - 1 - rng.randrange(min(3, len(leaves)))
            else:
                i = rng.randrange(len(leaves))
            node, depth = leaves[i]
            if depth < MAX_DEPTH:
                break
        leaves[i] = leaves[-1]
        leaves.pop()
        node.left = TreeNode(rng.randint(-values, values))
        node.right = TreeNode(rng.randint(-values, values))
        leaves += [(node.left, depth + 1), (node.right, depth + 1)]
    return root


def _complete(n: int) -> list[Any]:
    """A complete tree of n nodes: every level full except the last, filled from the left."""
    return list(range(1, n + 1))


# -- the tests --------------------------------------------------------------------------
@pytest.mark.reveal
@pytest.mark.points(2)
def test_examples(submission, probe):
    """examples from the statement"""
    for levels, expected in EXAMPLES:
        got, in_place = _candidate_tree(submission, probe, levels)
        problem = _problem(got, levels, expected, in_place)
        shown = got.to_list() if isinstance(got, Tree) else got
        how = "returned None and left the tree it was given as" if in_place else "returned the tree"
        assert problem is None, (
            f"invert_tree(root) for the tree {levels} (level order, None for a missing "
            f"child) {how} {shown!r}; expected {expected}"
        )


@pytest.mark.points(1)
def test_empty_tree(submission):
    """the empty tree"""
    got = submission.invert_tree(None)
    problem = _problem(got, [], [])
    assert problem is None, f"wrong answer on the empty tree (root is None): {problem}"


@pytest.mark.points(1)
def test_single_nodes_and_repeated_values(submission, probe, reference):
    """single nodes, repeated and negative values"""
    singles = [[1], [0], [-3]]
    _check_hidden(submission, probe, reference, singles, "a tree of a single node")
    trees = [
        [5, 5, 5, 5, 5, 5, 5],
        [1, 1, 1, 1, 1],
        [2, 2, 2, 3, 3],
        [-1, -2, -3, -4, -5],
        [0, -1, 1],
        [10_000, -10_000, 0, 7, 7, None, None, 7, 7],
    ]
    _check_hidden(submission, probe, reference, trees, "a tree with repeated or negative values")


@pytest.mark.points(2)
def test_nodes_with_one_child(submission, probe, reference):
    """nodes with one child: chains up to depth 500, lopsided trees"""
    shaped = [
        _path("L"),
        _path("R"),
        _path("L" * (MAX_DEPTH - 1)),
        _path("R" * (MAX_DEPTH - 1)),
        _path("LR" * 30),
        _path("RRL" * 20),
    ]
    trees = [_levels(t) for t in shaped] + [
        [4, 2, 7, 1, None, None, 9],
        [1, 2, 3, None, 4, 5, 6, 7],
        [3, 9, 20, None, None, 15, 7, 8],
    ]
    _check_hidden(submission, probe, reference, trees, "a tree with nodes of one child")
    rng = random.Random(1_618)
    total = 60
    for number in range(1, total + 1):
        n = rng.randint(2, 300)
        levels = _levels(_random_tree(rng, n, rng.random()))
        got, in_place = _candidate_tree(submission, probe, levels)
        problem = _problem(got, levels, _expected(reference, levels), in_place)
        assert problem is None, (
            f"wrong answer on a random tree of {n} nodes with nodes of one child "
            f"(case {number} of {total}): {problem}"
        )


@pytest.mark.points(1)
def test_returns_the_root(submission, reference):
    """returns the root of the inverted tree"""
    rng = random.Random(2_024)
    trees = [[1], [2, 1, 3], [8, 3, 10, 1, 6]]
    trees += [_levels(_random_full_tree(rng, 2 * rng.randint(2, 40) + 1, 0.5)) for _ in range(5)]
    for levels in trees:
        got = submission.invert_tree(Tree.of(levels))
        assert got is not None, (
            "returned None instead of the root of the inverted tree "
            "(after inverting in place, return root)"
        )
        problem = _problem(got, levels, _expected(reference, levels))
        assert problem is None, f"wrong answer on a small tree: {problem}"


@pytest.mark.points(2)
def test_random_full_trees(submission, probe, reference):
    """random trees, up to 401 nodes"""
    rng = random.Random(27_182)
    total = 200
    for number in range(1, total + 1):
        n = 2 * (rng.randint(1, 10) if number <= 100 else rng.randint(11, 200)) + 1
        values = rng.choice((3, 100, 10**6))
        levels = _levels(_random_full_tree(rng, n, rng.random(), values))
        got, in_place = _candidate_tree(submission, probe, levels)
        problem = _problem(got, levels, _expected(reference, levels), in_place)
        assert problem is None, (
            f"wrong answer on a random tree of {n} nodes (case {number} of {total}): {problem}"
        )


@pytest.mark.points(1)
def test_large_trees(submission, probe, reference):
    """large trees, 10^4 nodes, in O(n)"""
    rng = random.Random(9_999)
    submission.invert_tree(Tree.of([1]))  # warm-up: a first call may still pay for imports
    trees = [
        ("a complete tree of 9,999 nodes", _complete(MAX_NODES - 1)),
        ("a deep random tree of 9,999 nodes", _levels(_random_full_tree(rng, 9_999, 0.99))),
    ]
    for what, levels in trees:
        expected = _expected(reference, levels)
        root = levels_to_tree(levels)
        _, reference_s = time_best(reference.invert_tree, root)  # mirrors it back and forth
        limit = speed_limit(reference_s, floor_s=1.0)
        tree = Tree.of(levels)
        got, seconds = time_call(submission.invert_tree, tree)
        in_place = False
        if got is None:
            got, in_place = probe("in_place", "invert_and_return_input", tree), True
        problem = _problem(got, levels, expected, in_place)
        assert problem is None, f"wrong answer on {what}: {problem}"
        if limit < seconds < 3 * limit:
            # Close to the limit: time once more in case the machine was busy.
            seconds = min(seconds, time_call(submission.invert_tree, tree)[1])
        check_speed(seconds, reference_s, size=what, expected="O(n)", floor_s=1.0)
