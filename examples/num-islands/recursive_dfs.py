"""The textbook recursive flood fill: correct, but one call deep per cell of an island.

Fine on most grids; on a 300x300 grid of only land it recurses 90,000 deep and
raises RecursionError (Python's default limit is 1000). Loses only that test.
"""


def num_islands(grid):
    if not grid:
        return 0
    rows, cols = len(grid), len(grid[0])

    def sink(r, c):
        if r < 0 or c < 0 or r >= rows or c >= cols or grid[r][c] != "1":
            return
        grid[r][c] = "0"
        sink(r + 1, c)
        sink(r - 1, c)
        sink(r, c + 1)
        sink(r, c - 1)

    count = 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == "1":
                count += 1
                sink(r, c)
    return count
