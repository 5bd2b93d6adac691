"""Public tests: the examples from README.md. Run `pytest` next to your solution.py."""

import pytest

EXAMPLES = [
    ([2, 1, 5, 3, 6, 4], 5),
    ([1, 2, 3, 4, 5], 4),
    ([5, 5, 5, 5], 0),
]


@pytest.mark.parametrize(
    ("prices", "expected"), EXAMPLES, ids=["example 1", "example 2", "example 3"]
)
def test_example(submission, prices, expected):
    """examples from the statement"""
    got = submission.max_profit(list(prices))
    assert got == expected and not isinstance(got, bool), (
        f"max_profit({prices}) returned {got!r}; expected {expected}"
    )
