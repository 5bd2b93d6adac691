"""A realistic bug: the loop bound of the nested-loop version, kept in the dict version.

In the nested loops the outer index stops one early because the inner one looks ahead;
here each number looks back, so the last number must be visited too. Answers that use
the last number are never found.
"""


def two_sum(nums, target):
    seen = {}
    for i in range(len(nums) - 1):
        need = target - nums[i]
        if need in seen:
            return [seen[need], i]
        seen[nums[i]] = i
    return []
