"""Set members and dict keys whose __hash__ and __eq__ lie about who they are."""


class Impostor:
    """Claims to be whatever number it is compared with."""

    def __init__(self, claimed):
        self.claimed = claimed

    def __hash__(self):
        return hash(self.claimed)

    def __eq__(self, other):
        return True


class ImpostorStr(str):
    """A wrong word that hashes and compares like the right one."""

    def __hash__(self):
        return hash("a")

    def __eq__(self, other):
        return True


def unique(values):
    return {Impostor(1), Impostor(2), Impostor(3)}


def count(words):
    return {ImpostorStr("zzz"): 3, ImpostorStr("yyy"): 1, ImpostorStr("xxx"): 1}
