"""Hidden tests for stock-profit (10 points).

The answer is the largest `prices[j] - prices[i]` with `i < j`, or 0 when no such
difference is positive. Expected answers come from the reference solution, run here in
the harness, or are known by construction. Inputs are built from fixed seeds. Only the
statement's examples reveal their inputs; every other message says what kind of input
failed and how.

The groups are kept apart on purpose, so that a bug loses the points of the group aimed
at it and keeps the rest:

- only `test_prices_only_fall_or_stay_flat` has strictly falling prices, the one input
  where a best profit started from the first pair (`prices[1] - prices[0]`) stays negative;
- only that test and `test_sell_after_buy` have inputs where every lowest price comes
  after every highest price. Everywhere else some lowest price comes before some highest
  price, so the answer there is `max - min`, and ignoring the order goes unnoticed;
- only the large-input test judges speed; the other inputs are small enough for an
  O(n^2) double loop to finish in well under a second.
"""

from __future__ import annotations

import operator
import random
from itertools import pairwise
from typing import Any

import pytest

from grader.harness.testing import check_speed, speed_limit, time_best, time_call

MAX_PRICE = 10_000

# The statement's examples (README.md): prices, answer.
EXAMPLES = [
    ([2, 1, 5, 3, 6, 4], 5),
    ([1, 2, 3, 4, 5], 4),
    ([5, 5, 5, 5], 0),
]


def _problem(got: Any, expected: int) -> str | None:
    """None when `got` is the expected profit; otherwise what is wrong, without the input."""
    if isinstance(got, bool):
        return "returned a boolean instead of an int"
    try:
        profit = operator.index(got)
    except TypeError:
        return f"returned {type(got).__name__} instead of an int"
    if profit < 0:
        return "returned a negative profit; when no trade makes money the answer is 0"
    if profit > expected:
        return "the profit is too high (is every sale after its purchase?)"
    if profit < expected:
        return "the profit is too low: a better trade exists"
    return None


def _check_hidden(submission: Any, cases: list[tuple[list[int], int]], what: str) -> None:
    for prices, expected in cases:
        problem = _problem(submission.max_profit(list(prices)), expected)
        assert problem is None, f"wrong answer on {what}: {problem}"


def _last_index(prices: list[int], value: int) -> int:
    return len(prices) - 1 - prices[::-1].index(value)


def _low_before_high(prices: list[int]) -> bool:
    """Some lowest price comes before some highest price: the answer is then max - min."""
    return prices.index(min(prices)) < _last_index(prices, max(prices))


def _high_before_low(prices: list[int]) -> bool:
    """Prices are not all equal and every highest price comes before every lowest one."""
    low, high = min(prices), max(prices)
    return low != high and _last_index(prices, high) < prices.index(low)


def _strictly_falling(prices: list[int]) -> bool:
    return all(a > b for a, b in pairwise(prices))


def _random_prices(rng: random.Random, n: int) -> list[int]:
    style = rng.choice(("noise", "narrow", "walk"))
    if style == "noise":
        return [rng.randint(0, MAX_PRICE) for _ in range(n)]
    if style == "narrow":  # few distinct prices: many repeats and ties
        return [rng.randint(0, 9) for _ in range(n)]
    step = rng.choice((3, 50, 800))
    price = rng.randint(0, MAX_PRICE)
    prices = []
    for _ in range(n):
        price = min(MAX_PRICE, max(0, price + rng.randint(-step, step)))
        prices.append(price)
    return prices


def _low_first_case(rng: random.Random, n: int) -> list[int]:
    """Random prices of length n >= 2 where some lowest price precedes some highest one."""
    prices = _random_prices(rng, n)
    # When the lows all come after the highs, they all come before them once reversed.
    return prices if _low_before_high(prices) else prices[::-1]


def _high_first_case(rng: random.Random, n: int) -> list[int]:
    """Random prices where every highest price precedes every lowest, not strictly falling."""
    while True:
        prices = _random_prices(rng, n)
        for candidate in (prices, prices[::-1]):
            if _high_before_low(candidate) and not _strictly_falling(candidate):
                return candidate


@pytest.mark.reveal
@pytest.mark.points(2)
def test_examples(submission):
    """examples from the statement"""
    for prices, expected in EXAMPLES:
        got = submission.max_profit(list(prices))
        assert _problem(got, expected) is None, (
            f"max_profit({prices}) returned {got!r}; expected {expected}"
        )


@pytest.mark.points(1)
def test_empty_list_and_single_day(submission):
    """no prices, and a single day"""
    _check_hidden(submission, [([], 0)], "an empty list of prices")
    _check_hidden(submission, [([5], 0), ([0], 0), ([MAX_PRICE], 0)], "prices for a single day")


@pytest.mark.points(1)
def test_prices_only_fall_or_stay_flat(submission):
    """prices that only fall or stay flat"""
    falling = [
        [7, 6, 4, 3, 1],
        [2, 1],
        [MAX_PRICE, 0],
        list(range(MAX_PRICE, -1, -9)),
    ]
    _check_hidden(submission, [(p, 0) for p in falling], "prices that only fall")
    flat = [[3, 3], [4, 4, 4, 4, 4, 4], [0] * 50, [9, 9, 7, 7, 7, 4, 0, 0]]
    _check_hidden(submission, [(p, 0) for p in flat], "prices that never rise")


@pytest.mark.points(2)
def test_sell_after_buy(submission, reference):
    """selling must come after buying: lowest prices after the highest"""
    cases = [
        ([7, 1, 5, 3, 6, 4], 5),
        ([3, 8, 1, 6], 5),
        ([9, 2, 8, 1], 6),
        ([10, 3, 5, 1], 2),
        ([5, 10, 4, 6, 0], 5),
        ([MAX_PRICE, 1, 2, 0], 1),
        ([8, 8, 2, 5, 5, 1, 1], 3),
    ]
    _check_hidden(submission, cases, "prices whose lowest comes after their highest")
    rng = random.Random(4_210)
    total = 100
    for number in range(1, total + 1):
        prices = _high_first_case(rng, rng.randint(3, 300))
        problem = _problem(submission.max_profit(list(prices)), reference.max_profit(prices))
        assert problem is None, (
            f"wrong answer on random prices whose lowest comes after their highest "
            f"({len(prices)} days, case {number} of {total}): {problem}"
        )


@pytest.mark.points(1)
def test_repeats_zeros_and_extremes(submission):
    """repeated prices, zeros and the largest prices"""
    cases = [
        ([0, MAX_PRICE], MAX_PRICE),
        ([MAX_PRICE, 0, MAX_PRICE], MAX_PRICE),
        ([0, 0, 3, 0, 3], 3),
        ([0, 0, 0, 1], 1),
        ([2, 2, 2, 5, 5, 1, 5], 4),
        ([4, 4, 9, 1, 1, 9], 8),
        ([MAX_PRICE, MAX_PRICE, 0, 0, MAX_PRICE, MAX_PRICE], MAX_PRICE),
        ([1, 7, 1, 7, 1, 7], 6),
    ]
    _check_hidden(submission, cases, "prices with repeats, zeros or the largest values")


@pytest.mark.points(1)
def test_random_prices(submission, reference):
    """random prices, up to 1,000 days"""
    rng = random.Random(20_250_117)
    total = 200
    for number in range(1, total + 1):
        if number <= 100:
            n = rng.randint(2, 12)
        elif number <= 180:
            n = rng.randint(13, 300)
        else:
            n = rng.randint(301, 1000)
        prices = _low_first_case(rng, n)
        problem = _problem(submission.max_profit(list(prices)), reference.max_profit(prices))
        assert problem is None, (
            f"wrong answer on random prices for {n} days (case {number} of {total}): {problem}"
        )


def _timed_candidate(submission: Any, prices: list[int], limit: float) -> tuple[Any, float]:
    got, seconds = time_call(submission.max_profit, prices)
    if limit < seconds < 3 * limit:
        # Close to the limit: time once more in case the machine was busy.
        seconds = min(seconds, time_call(submission.max_profit, prices)[1])
    return got, seconds


@pytest.mark.points(2)
def test_large_input(submission, reference):
    """large input, n = 10^5, in O(n)"""
    rng = random.Random(5_100_000)
    submission.max_profit([1, 2])  # warm-up: a first call may still pay for imports
    # 5,000 first: a double loop takes about a second there, long before 10^5 would finish.
    for n, size, floor_s in ((5_000, "n = 5,000", 0.25), (100_000, "n = 10^5", 1.0)):
        prices = _low_first_case(rng, n)
        expected, reference_s = time_best(reference.max_profit, prices)
        limit = speed_limit(reference_s, floor_s=floor_s)
        got, seconds = _timed_candidate(submission, prices, limit)
        problem = _problem(got, expected)
        assert problem is None, f"wrong answer on a hidden input with {size}: {problem}"
        check_speed(seconds, reference_s, size=size, expected="O(n)", floor_s=floor_s)
