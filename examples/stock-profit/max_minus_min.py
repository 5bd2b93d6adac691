"""A realistic bug: the highest price minus the lowest, forgetting that the sale must come later.

Right whenever a lowest price comes before a highest one; too high when the prices
fall overall, e.g. [7, 1, 5, 3, 6, 4] gives 7 - 1 = 6 instead of 5.
"""


def max_profit(prices):
    if not prices:
        return 0
    return max(prices) - min(prices)
