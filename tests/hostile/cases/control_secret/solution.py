"""The honest control of the secret exercise: 1 of 2 points, the most an honest answer gets."""


def answer():
    return 42


def guess():
    return ""
