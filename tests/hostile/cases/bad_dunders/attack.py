"""Values whose protocol methods misbehave: __len__, __iter__, __int__/__index__, __float__."""


class EndlessList(list):
    def __iter__(self):
        while True:
            yield 0


class HugeList(list):
    def __len__(self):
        return 10**18


class Unconvertible(int):
    def __int__(self):
        raise RuntimeError("no int for you")

    __index__ = __int__

    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class NotANumber(float):
    def __float__(self):
        return float("nan")

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def squares(n):
    return EndlessList([0, 1, 4, 9, 16])


def words(text):
    return HugeList(text.split())


def add(a, b):
    return Unconvertible(a + b)


def mean(values):
    return NotANumber(sum(values) / len(values))
