"""Values that cannot be walked: a list holding itself, a dict holding itself, deep nesting."""


def squares(n):
    loop = [0, 1]
    loop.append(loop)
    return loop


def count(words):
    loop = {}
    loop["a"] = loop
    return loop


def words(text):
    deep = []
    for _ in range(100_000):
        deep = [deep]
    return deep
