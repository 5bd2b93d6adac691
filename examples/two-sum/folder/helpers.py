"""Helpers for main.py."""


def find_partner(seen, number, target):
    """Index of an earlier number that adds up to target with `number`, or None."""
    return seen.get(target - number)
