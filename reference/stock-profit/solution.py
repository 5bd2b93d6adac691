"""Reference solution for stock-profit: one pass keeping the lowest price so far, O(n)."""


def max_profit(prices: list[int]) -> int:
    """Best profit of one buy followed by one later sell; 0 when no trade makes money."""
    best = 0
    lowest = None  # lowest price among the days before the current one
    for price in prices:
        if lowest is None or price < lowest:
            lowest = price
        elif price - lowest > best:
            best = price - lowest
    return best
