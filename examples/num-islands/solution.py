"""A correct num-islands: breadth-first flood fill with a queue, no recursion."""

from collections import deque


def num_islands(grid):
    if not grid:
        return 0
    rows, cols = len(grid), len(grid[0])
    visited = set()
    islands = 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == "1" and (r, c) not in visited:
                islands += 1
                visited.add((r, c))
                queue = deque([(r, c)])
                while queue:
                    y, x = queue.popleft()
                    for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                        if (
                            0 <= ny < rows
                            and 0 <= nx < cols
                            and grid[ny][nx] == "1"
                            and (ny, nx) not in visited
                        ):
                            visited.add((ny, nx))
                            queue.append((ny, nx))
    return islands
