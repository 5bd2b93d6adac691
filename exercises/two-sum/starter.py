"""Two Sum: the statement is in README.md.

Write `two_sum` below, or paste a LeetCode solution (`class Solution` with `twoSum`)
instead. Check it with `pytest` (the public tests in tests/), then grade it with
`grader grade solution.py -e two-sum`.
"""


def two_sum(nums: list[int], target: int) -> list[int]:
    """Return the indices of the two numbers in nums that add up to target."""
    # Your code here.
    return []
