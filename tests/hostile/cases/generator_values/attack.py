"""Lazy values where lists are expected: a generator, a map object, a range."""


def squares(n):
    return (i * i for i in range(n))


def words(text):
    return map(str, text.split())


def unique(values):
    return iter(set(values))
