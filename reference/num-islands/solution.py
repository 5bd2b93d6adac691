"""Reference solution for num-islands: iterative flood fill, O(rows x cols).

No recursion (a 300x300 island would exceed Python's default recursion limit) and
no mutation of the caller's grid.
"""


def num_islands(grid: list[list[str]]) -> int:
    """Number of 4-connected groups of "1" cells in grid."""
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    seen = bytearray(rows * cols)
    islands = 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] != "1" or seen[r * cols + c]:
                continue
            islands += 1
            seen[r * cols + c] = 1
            stack = [(r, c)]
            while stack:
                y, x = stack.pop()
                for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                    if 0 <= ny < rows and 0 <= nx < cols and grid[ny][nx] == "1":
                        k = ny * cols + nx
                        if not seen[k]:
                            seen[k] = 1
                            stack.append((ny, nx))
    return islands
