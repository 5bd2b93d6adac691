"""A realistic bug: the best profit starts from the first pair of days instead of from 0.

When prices only fall every trade loses money, and the answer stays negative where
it should be 0 (not trading at all).
"""


def max_profit(prices):
    if len(prices) < 2:
        return 0
    best = prices[1] - prices[0]
    lowest = prices[0]
    for price in prices[1:]:
        best = max(best, price - lowest)
        lowest = min(lowest, price)
    return best
