"""A correct stock-profit seen as the best run of day-to-day changes (Kadane's algorithm).

Holding from day i to day j earns the sum of the changes in between, so the best trade
is the largest sum of consecutive changes, or 0.
"""

from itertools import pairwise


def max_profit(prices):
    best = current = 0
    for yesterday, today in pairwise(prices):
        current = max(0, current + today - yesterday)
        best = max(best, current)
    return best
