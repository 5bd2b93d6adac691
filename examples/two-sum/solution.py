"""A correct two-sum: one pass, remembering where each number was seen."""


def two_sum(nums: list[int], target: int) -> list[int]:
    positions = {}
    for i, number in enumerate(nums):
        partner = target - number
        if partner in positions:
            return [positions[partner], i]
        positions[number] = i
    return []
