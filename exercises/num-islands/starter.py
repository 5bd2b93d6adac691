"""Number of Islands: the statement is in README.md.

Write `num_islands` below, or paste a LeetCode solution (`class Solution` with
`numIslands`) instead. Check it with `pytest` (the public tests in tests/), then grade it
with `grader grade solution.py -e num-islands`.
"""


def num_islands(grid: list[list[str]]) -> int:
    """Return the number of islands of "1" cells in grid (4-connected)."""
    # Your code here.
    return 0
