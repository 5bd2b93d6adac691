"""Public tests: the examples from README.md. Run `pytest` next to your solution.py."""

import pytest

# level order (None for a missing child), level order of the inverted tree
EXAMPLES = [
    ([4, 2, 7, 1, 3, 6, 9], [4, 7, 2, 9, 6, 3, 1]),
    ([2, 1, 3], [2, 3, 1]),
    ([1, 2, 3, 4, 5], [1, 3, 2, None, None, 5, 4]),
]


@pytest.mark.parametrize(
    ("levels", "expected"), EXAMPLES, ids=["example 1", "example 2", "example 3"]
)
def test_example(submission, build_tree, tree_values, levels, expected):
    """examples from the statement"""
    got = submission.invert_tree(build_tree(levels))
    assert got is not None, (
        f"invert_tree(root) returned None for the tree {levels}: return the root of the "
        "inverted tree (after swapping in place, return root)"
    )
    assert tree_values(got) == expected, (
        f"invert_tree(root) for the tree {levels} returned the tree {tree_values(got)}; "
        f"expected {expected}"
    )
