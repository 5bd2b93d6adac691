"""A correct stock-profit: one pass, remembering the cheapest day so far."""


def max_profit(prices: list[int]) -> int:
    cheapest = float("inf")
    best = 0
    for price in prices:
        cheapest = min(cheapest, price)
        best = max(best, price - cheapest)
    return best
