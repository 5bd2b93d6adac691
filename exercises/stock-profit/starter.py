"""Best Time to Buy and Sell Stock: the statement is in README.md.

Write `max_profit` below, or paste a LeetCode solution (`class Solution` with
`maxProfit`) instead. Check it with `pytest` (the public tests in tests/), then grade it
with `grader grade solution.py -e stock-profit`.
"""


def max_profit(prices: list[int]) -> int:
    """Return the best profit of buying on one day and selling on a later day (0 if none)."""
    # Your code here.
    return 0
