"""Correct but O(n^2): tries every pair of days. Loses only the large-input points."""


def max_profit(prices):
    best = 0
    for buy in range(len(prices)):
        for sell in range(buy + 1, len(prices)):
            if prices[sell] - prices[buy] > best:
                best = prices[sell] - prices[buy]
    return best
