"""Public tests: the examples from README.md. Run `pytest` next to your solution.py."""

import pytest

# level order (None for a missing child), depth
EXAMPLES = [
    ([3, 9, 20, 4, None, 15, 7], 3),
    ([1, 2, 3, 4, None, None, 5, 6], 4),
    ([1, 2], 2),
]


@pytest.mark.parametrize(
    ("levels", "expected"), EXAMPLES, ids=["example 1", "example 2", "example 3"]
)
def test_example(submission, build_tree, levels, expected):
    """examples from the statement"""
    got = submission.max_depth(build_tree(levels))
    assert got == expected and not isinstance(got, bool), (
        f"max_depth(root) returned {got!r} for the tree {levels}; expected {expected}"
    )
