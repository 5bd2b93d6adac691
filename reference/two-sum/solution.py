"""Reference solution for two-sum: one pass with a dict, O(n) time and memory."""


def two_sum(nums: list[int], target: int) -> list[int]:
    """Indices of the two numbers in nums that add up to target."""
    seen: dict[int, int] = {}  # value -> an index where it occurs, among nums[:i]
    for i, x in enumerate(nums):
        j = seen.get(target - x)
        if j is not None:
            return [j, i]
        seen[x] = i
    return []
