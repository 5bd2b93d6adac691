"""Gigantic return values: 10^8 list items, a 200 MB string."""


def squares(n):
    return [0] * 10**8


def words(text):
    return ["x" * (200 * 1024 * 1024)]
