"""A two-sum split over two files: main.py imports its sibling helpers.py."""

from helpers import find_partner


def two_sum(nums, target):
    seen = {}
    for i, number in enumerate(nums):
        j = find_partner(seen, number, target)
        if j is not None:
            return [j, i]
        seen[number] = i
    return []
