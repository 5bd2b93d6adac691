"""Hidden tests for two-sum (10 points).

Every input has exactly one answer, so a reply is correct exactly when it names two
different in-range indices whose numbers add up to the target; that check is the oracle.
Inputs are built here, in the harness, from fixed seeds. Only the statement's examples
reveal their inputs; every other message says what kind of input failed and how.

The test groups are kept apart on purpose, so that a bug loses the points of the group
that targets it: only `test_answer_at_the_ends` puts an answer on the last index, and
only the large-input test judges speed.
"""

from __future__ import annotations

import operator
import random
from collections import Counter
from typing import Any

import pytest

from grader.harness.testing import check_speed, speed_limit, time_best, time_call

# The statement's examples (README.md): nums, target, answer.
EXAMPLES = [
    ([2, 7, 11, 15], 9, [0, 1]),
    ([3, 2, 4, 1], 6, [1, 2]),
    ([4, 3, 3, 9], 6, [1, 2]),
]


def _problem(got: Any, nums: list[int], target: int) -> str | None:
    """None when `got` answers (nums, target); otherwise what is wrong, without the input."""
    if hasattr(got, "tolist"):  # a numpy array or scalar
        got = got.tolist()
    if not isinstance(got, list | tuple):
        return f"returned {type(got).__name__} instead of a list of two indices"
    if not got:
        return "returned an empty list instead of two indices"
    if len(got) != 2:
        return f"returned {len(got)} items instead of two indices"
    if any(isinstance(v, bool) for v in got):
        return "returned booleans instead of indices"
    try:
        i, j = (operator.index(v) for v in got)
    except TypeError:
        return "returned items that are not integer indices"
    n = len(nums)
    if not (0 <= i < n and 0 <= j < n):
        return "returned an index out of range"
    if i == j:
        return "returned the same index twice; each number may be used only once"
    if nums[i] + nums[j] != target:
        return "the numbers at the returned indices do not add up to target"
    return None


def _check_hidden(submission: Any, cases: list[tuple[list[int], int]], what: str) -> None:
    for nums, target in cases:
        problem = _problem(submission.two_sum(list(nums), target), nums, target)
        assert problem is None, f"wrong answer on {what}: {problem}"


def _make_case(
    rng: random.Random, n: int, lo: int, hi: int, i: int, j: int
) -> tuple[list[int], int]:
    """nums of length n with values in [lo, hi] whose only answer is the pair (i, j)."""
    a, b = rng.randint(lo, hi), rng.randint(lo, hi)
    target = a + b
    nums = [0] * n
    nums[i], nums[j] = a, b
    counts = Counter((a, b))
    for k in range(n):
        if k in (i, j):
            continue
        v = rng.randint(lo, hi)
        while counts[target - v]:  # v would make a second answer (with itself if 2v == target)
            v = rng.randint(lo, hi)
        nums[k] = v
        counts[v] += 1
    return nums, target


@pytest.mark.reveal
@pytest.mark.points(2)
def test_examples(submission):
    """examples from the statement"""
    for nums, target, expected in EXAMPLES:
        got = submission.two_sum(list(nums), target)
        assert _problem(got, nums, target) is None, (
            f"two_sum({nums}, {target}) returned {got!r}; expected {expected} (in any order)"
        )


@pytest.mark.points(1)
def test_negative_numbers_and_zeros(submission):
    """negative numbers and zeros"""
    cases = [
        ([-1, -2, -3, -4, -5, 9], -8),
        ([0, 4, 3, 0, 8], 0),
        ([-3, 4, 3, 90, 1], 0),
        ([5, -7, 0, 12, 2], -7),
        ([-10, 7, 19, -1, 3], 6),
        ([-8, -21, 0, -12, 11], -20),
    ]
    _check_hidden(submission, cases, "an input with negative numbers or zeros")


@pytest.mark.points(1)
def test_duplicates(submission):
    """repeated numbers"""
    cases = [
        ([1, 3, 3, 4], 6),  # the answer is a repeated number with itself
        ([5, 1, 5, 7], 10),
        ([4, 4, 1, 6, 9], 7),  # repeated numbers that are not the answer
        ([2, 2, 2, 9, 7, 2, 1], 16),
        ([0, 6, 0, 5, 0, 9, 0], 14),
    ]
    _check_hidden(submission, cases, "an input with repeated numbers")


@pytest.mark.points(1)
def test_answer_at_the_ends(submission):
    """answers at the first and last positions, and n = 2"""
    cases = [
        ([3, 3], 6),
        ([1, 2], 3),
        ([4, 11, 20, 6], 10),  # first and last
        ([7, 1, 12, 30, 2], 9),  # first and last
        ([5, 12, 0, 8, 3], 11),  # the last two
        ([8, 1, 4, 9, 20], 12),  # the first and a middle one
    ]
    _check_hidden(submission, cases, "an input whose answer uses the first or last number")


@pytest.mark.points(1)
def test_large_magnitudes(submission):
    """numbers near plus or minus 10^9"""
    big = 10**9
    cases = [
        ([big, -big + 1, 5, -big, 42], 0),
        ([big - 1, 1, -big, big, 3], big),
        ([-big, 17, -big + 7, 999_999_993, -5], -7),
        ([123_456_789, -987_654_321, 876_543_211, 2, -1], -111_111_110),
    ]
    _check_hidden(submission, cases, "an input with numbers near 10^9 in size")


@pytest.mark.points(2)
def test_random_inputs(submission):
    """random inputs, n up to 2,000"""
    rng = random.Random(20_240_611)
    total = 200
    for number in range(1, total + 1):
        if number <= 100:
            n, lo, hi = rng.randint(3, 12), -20, 20  # small values: repeats are likely
        elif number <= 170:
            n, lo, hi = rng.randint(13, 300), -1000, 1000
        else:
            n, lo, hi = rng.randint(301, 2000), -(10**9), 10**9
        i, j = sorted(rng.sample(range(n - 1), 2))  # the last index is test_answer_at_the_ends'
        nums, target = _make_case(rng, n, lo, hi, i, j)
        problem = _problem(submission.two_sum(list(nums), target), nums, target)
        assert problem is None, (
            f"wrong answer on a random input with {n} numbers (case {number} of {total}): {problem}"
        )


def _timed_candidate(submission: Any, nums: list[int], target: int, limit: float):
    got, seconds = time_call(submission.two_sum, nums, target)
    if limit < seconds < 3 * limit:
        # Close to the limit: time once more in case the machine was busy.
        seconds = min(seconds, time_call(submission.two_sum, nums, target)[1])
    return got, seconds


@pytest.mark.points(2)
def test_large_input(submission, reference):
    """large input, n = 10^5, in O(n)"""
    rng = random.Random(7_100_000)
    submission.two_sum([1, 2], 3)  # warm-up: a first call may still pay for imports
    # 10^4 first: an O(n^2) answer takes seconds there, long before 10^5 would finish.
    for n, size, floor_s in ((10_000, "n = 10^4", 0.25), (100_000, "n = 10^5", 1.0)):
        # Answer in the middle, so that no scanning order of a nested loop finds it early.
        i = rng.randint(int(0.35 * n), int(0.5 * n))
        j = rng.randint(int(0.5 * n) + 1, int(0.65 * n))
        nums, target = _make_case(rng, n, -(10**9), 10**9, i, j)
        _, reference_s = time_best(reference.two_sum, nums, target)
        limit = speed_limit(reference_s, floor_s=floor_s)
        got, seconds = _timed_candidate(submission, nums, target, limit)
        problem = _problem(got, nums, target)
        assert problem is None, f"wrong answer on a hidden input with {size}: {problem}"
        check_speed(seconds, reference_s, size=size, expected="O(n)", floor_s=floor_s)
