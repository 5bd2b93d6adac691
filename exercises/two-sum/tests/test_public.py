"""Public tests: the examples from README.md. Run `pytest` next to your solution.py."""

import pytest

EXAMPLES = [
    ([2, 7, 11, 15], 9, [0, 1]),
    ([3, 2, 4, 1], 6, [1, 2]),
    ([4, 3, 3, 9], 6, [1, 2]),
]


@pytest.mark.parametrize(
    ("nums", "target", "expected"), EXAMPLES, ids=["example 1", "example 2", "example 3"]
)
def test_example(submission, nums, target, expected):
    """examples from the statement"""
    got = submission.two_sum(list(nums), target)
    assert got is not None, f"two_sum({nums}, {target}) returned None; expected {expected}"
    assert sorted(got) == expected, (
        f"two_sum({nums}, {target}) returned {got!r}; expected {expected} (in any order)"
    )
