"""Public tests: the examples from README.md. Run `pytest` next to your solution.py."""

import pytest

EXAMPLE_1 = [
    ["1", "1", "1", "1", "0"],
    ["1", "1", "0", "1", "0"],
    ["1", "1", "0", "0", "0"],
    ["0", "0", "0", "0", "0"],
]
EXAMPLE_2 = [
    ["1", "1", "0", "0", "0"],
    ["1", "1", "0", "0", "0"],
    ["0", "0", "1", "0", "0"],
    ["0", "0", "0", "1", "1"],
]


@pytest.mark.parametrize(
    ("grid", "expected"), [(EXAMPLE_1, 1), (EXAMPLE_2, 3)], ids=["example 1", "example 2"]
)
def test_example(submission, grid, expected):
    """examples from the statement"""
    copy = [list(row) for row in grid]  # your function may change the grid it is given
    got = submission.num_islands(copy)
    assert got == expected, f"num_islands({grid}) returned {got!r}; expected {expected}"
