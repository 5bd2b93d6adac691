"""The honest control of the target exercise: every function right (12 of 12 points).

Attack fixtures are this module with some functions redefined after it.
"""

import numpy as np


def add(a, b):
    return a + b


def squares(n):
    return [i * i for i in range(n)]


def double(values):
    return np.asarray(values) * 2


def mean(values):
    return sum(values) / len(values)


def count(words):
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return counts


def words(text):
    return text.split()


def unique(values):
    return set(values)


def total(values):
    return sum(values)


def echo(value):
    return value
