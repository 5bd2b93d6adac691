"""Wrong answers dressed as right ones: objects whose __eq__ always says yes."""

import numpy as np


class Yes:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class YesInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class YesList(list):
    def __eq__(self, other):
        return True

    __hash__ = None


class YesDict(dict):
    def __eq__(self, other):
        return True

    __hash__ = None


class YesArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)


def add(a, b):
    return YesInt(a + b + 1)


def squares(n):
    return YesList([1, 2, 3])


def double(values):
    return np.zeros((2, 3), dtype=np.int64).view(YesArray)


def mean(values):
    return Yes()


def count(words):
    return YesDict(nope=1)


def words(text):
    return YesList(["nope"])


def unique(values):
    return Yes()
