# ruff: noqa: F821 -- pasted from LeetCode as is: `List` is predefined there, and by the grader.
class Solution:
    def numIslands(self, grid: List[List[str]]) -> int:
        if not grid:
            return 0
        m, n = len(grid), len(grid[0])
        count = 0
        for i in range(m):
            for j in range(n):
                if grid[i][j] == "1":
                    count += 1
                    grid[i][j] = "0"
                    stack = [(i, j)]
                    while stack:
                        x, y = stack.pop()
                        for dx, dy in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
                            a, b = x + dx, y + dy
                            if 0 <= a < m and 0 <= b < n and grid[a][b] == "1":
                                grid[a][b] = "0"
                                stack.append((a, b))
        return count
