"""Hidden tests for num-islands (10 points).

Grids are lists of rows, each a list of "1" (land) and "0" (water) strings; islands are
4-connected. Expected counts come from the reference solution, run here in the harness,
or are known by construction. Only the statement's examples reveal their grids.

Every grid except the 300x300 all-land one is fair to a recursive flood fill: no island
in them has more than a few hundred cells, far below Python's default recursion limit.
The all-land grid is one island of 90,000 cells; only that test needs an iterative fill.
"""

from __future__ import annotations

import operator
import random
from typing import Any

import pytest

from grader.harness.testing import (
    check_speed,
    raised_type_name,
    speed_limit,
    time_best,
    time_call,
)

Grid = list[list[str]]


def _grid(*rows: str) -> Grid:
    return [list(row) for row in rows]


def _rows(grid: Grid) -> list[str]:
    return ["".join(row) for row in grid]


# The statement's examples (README.md): grid, answer.
EXAMPLES = [
    (_grid("11110", "11010", "11000", "00000"), 1),
    (_grid("11000", "11000", "00100", "00011"), 3),
]


def _problem(got: Any, expected: int) -> str | None:
    """None when `got` is the expected count; otherwise what is wrong, without the input."""
    if isinstance(got, bool):
        return "returned a boolean instead of an int"
    try:
        count = operator.index(got)
    except TypeError:
        return f"returned {type(got).__name__} instead of an int"
    if count != expected:
        return "the count of islands is wrong"
    return None


def _check_hidden(submission: Any, cases: list[tuple[Grid, int]], what: str) -> None:
    for grid, expected in cases:
        problem = _problem(submission.num_islands(grid), expected)
        assert problem is None, f"wrong answer on {what}: {problem}"


def _random_grid(rng: random.Random, rows: int, cols: int, land_prob: float) -> Grid:
    return [["1" if rng.random() < land_prob else "0" for _ in range(cols)] for _ in range(rows)]


def _snake(rows: int, cols: int) -> Grid:
    """One island winding back and forth: full rows joined at alternate ends."""
    grid = [["0"] * cols for _ in range(rows)]
    for r in range(0, rows, 2):
        grid[r] = ["1"] * cols
        if r + 1 < rows:
            grid[r + 1][cols - 1 if r % 4 == 0 else 0] = "1"
    return grid


def _spiral(size: int) -> Grid:
    """One island spiralling inwards, its arms one water cell apart."""
    grid = [["0"] * size for _ in range(size)]
    r, c, dr, dc = 0, 0, 0, 1
    grid[r][c] = "1"

    def can_step(dr: int, dc: int) -> bool:
        nr, nc = r + dr, c + dc
        if not (0 <= nr < size and 0 <= nc < size) or grid[nr][nc] == "1":
            return False
        fr, fc = nr + dr, nc + dc  # keep a gap of water before the next arm
        return not (0 <= fr < size and 0 <= fc < size and grid[fr][fc] == "1")

    while True:
        if not can_step(dr, dc):
            dr, dc = dc, -dr  # turn right
            if not can_step(dr, dc):
                return grid
        r, c = r + dr, c + dc
        grid[r][c] = "1"


def _ring_with_island(size: int) -> Grid:
    """A square ring of land around a lake, with one more island in the lake."""
    grid = [["0"] * size for _ in range(size)]
    for i in range(size):
        grid[0][i] = grid[size - 1][i] = grid[i][0] = grid[i][size - 1] = "1"
    mid = size // 2
    grid[mid][mid] = grid[mid][mid + 1] = "1"
    return grid


def _comb(rows: int, cols: int) -> Grid:
    """A spine along the top with teeth hanging down from every other column."""
    grid = [["0"] * cols for _ in range(rows)]
    grid[0] = ["1"] * cols
    for c in range(0, cols, 2):
        for r in range(rows):
            grid[r][c] = "1"
    return grid


@pytest.mark.reveal
@pytest.mark.points(2)
def test_examples(submission):
    """examples from the statement"""
    for grid, expected in EXAMPLES:
        got = submission.num_islands(grid)
        assert _problem(got, expected) is None, (
            f"num_islands(grid) returned {got!r}; expected {expected}, for the grid with rows "
            f"{_rows(grid)} (each row a list of '1'/'0' strings)"
        )


@pytest.mark.points(1)
def test_empty_grid_and_single_cells(submission):
    """the empty grid and 1x1 grids"""
    _check_hidden(submission, [([], 0)], "the empty grid []")
    _check_hidden(submission, [(_grid("1"), 1), (_grid("0"), 0)], "a 1x1 grid")


@pytest.mark.points(1)
def test_all_water_and_all_land(submission):
    """grids of only water or only land"""
    _check_hidden(submission, [(_grid("00000", "00000", "00000"), 0)], "a grid of only water")
    _check_hidden(
        submission,
        [(_grid("111", "111"), 1), (_grid("1111111", "1111111", "1111111", "1111111"), 1)],
        "a grid of only land",
    )


@pytest.mark.points(1)
def test_diagonal_neighbours_are_separate(submission):
    """cells touching only at corners are separate islands"""
    checkerboard = [["1" if (r + c) % 2 == 0 else "0" for c in range(7)] for r in range(6)]
    diagonal = [["1" if r == c else "0" for c in range(6)] for r in range(6)]
    cross = [["1" if r == c or r + c == 4 else "0" for c in range(5)] for r in range(5)]
    blocks = _grid("110000", "110000", "001100", "001100", "000011")
    cases = [(checkerboard, 21), (diagonal, 6), (cross, 9), (blocks, 3)]
    _check_hidden(submission, cases, "a grid where land touches only diagonally")


@pytest.mark.points(1)
def test_snakes_spirals_and_lakes(submission):
    """long winding islands, and an island in a lake"""
    _check_hidden(
        submission,
        [(_snake(15, 20), 1), (_snake(20, 9), 1), (_spiral(21), 1), (_comb(12, 15), 1)],
        "a grid with one long winding island",
    )
    _check_hidden(submission, [(_ring_with_island(9), 2)], "an island inside a lake")


@pytest.mark.points(1)
def test_one_row_and_one_column(submission):
    """1xN and Nx1 grids"""
    row = "1101011100010111"
    cases = [
        (_grid(row), 5),
        ([[ch] for ch in row], 5),
        (_grid("1" * 40), 1),
        ([["1"] for _ in range(40)], 1),
        (_grid("10" * 25), 25),
        ([[ch] for ch in "01" * 25], 25),
    ]
    _check_hidden(submission, cases, "a grid with a single row or a single column")


@pytest.mark.points(1)
def test_random_grids(submission, reference):
    """random grids up to 20x20"""
    rng = random.Random(90_210)
    total = 200
    for number in range(1, total + 1):
        rows, cols = rng.randint(1, 20), rng.randint(1, 20)
        grid = _random_grid(rng, rows, cols, rng.choice((0.2, 0.35, 0.5, 0.65, 0.8)))
        expected = reference.num_islands(grid)
        problem = _problem(submission.num_islands(grid), expected)
        assert problem is None, (
            f"wrong answer on a random {rows}x{cols} grid (case {number} of {total}): {problem}"
        )


def _large(submission: Any, reference: Any, grid: Grid, what: str) -> None:
    """Check a 300x300 grid for the right count, and for speed against the reference."""
    expected, reference_s = time_best(reference.num_islands, grid)
    limit = speed_limit(reference_s, floor_s=1.0)
    got, seconds = time_call(submission.num_islands, grid)
    problem = _problem(got, expected)
    assert problem is None, f"wrong answer on {what}: {problem}"
    if limit < seconds < 3 * limit:
        # Close to the limit: time once more in case the machine was busy.
        seconds = min(seconds, time_call(submission.num_islands, grid)[1])
    check_speed(seconds, reference_s, size=what, expected="O(rows x cols)", floor_s=1.0)


@pytest.mark.points(1)
def test_large_random_grid(submission, reference):
    """large random grid, 300x300"""
    submission.num_islands(_grid("1"))  # warm-up: a first call may still pay for imports
    grid = _random_grid(random.Random(300), 300, 300, 0.5)
    _large(submission, reference, grid, "a random 300x300 grid")


@pytest.mark.points(1)
def test_large_grid_all_land(submission, reference):
    """large grid of only land, 300x300"""
    submission.num_islands(_grid("1"))  # warm-up: a first call may still pay for imports
    grid = [["1"] * 300 for _ in range(300)]
    try:
        _large(submission, reference, grid, "a 300x300 grid of only land")
    except Exception as exc:
        if raised_type_name(exc) != "RecursionError":
            raise
        raise AssertionError(
            "RecursionError on a 300x300 grid of only land (one island of 90,000 cells): "
            "a recursive flood fill goes deeper than Python's recursion limit; "
            "use an explicit stack or a queue"
        ) from None
