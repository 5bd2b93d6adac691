"""Run these public tests against your own solution: `pytest` next to your solution.py.

This file stands in for the grader: it registers the grader's markers and gives each
test a `submission` fixture, your solution module. The grader accepts either a
`max_profit` function or LeetCode's `class Solution` with a `maxProfit` method, and
predefines `List`, `Optional` and LeetCode's `TreeNode` as LeetCode does; so does
this file.

Your solution is looked for as `solution.py` in the current folder, then next to this
`tests/` folder; set GRADER_SOLUTION=path/to/file.py to test another file.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import typing
from pathlib import Path
from types import ModuleType

import pytest

ENTRY_POINT = "max_profit"
LEETCODE_METHOD = "maxProfit"


class TreeNode:
    """LeetCode's binary tree node."""

    def __init__(self, val: typing.Any = 0, left: typing.Any = None, right: typing.Any = None):
        self.val = val
        self.left = left
        self.right = right


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): points the test is worth (default 1)")
    config.addinivalue_line("markers", "reveal: the grader may show this test's inputs")
    config.addinivalue_line("markers", "time_limit(seconds): the grader's time limit per test")


def _solution_path() -> Path:
    chosen = os.environ.get("GRADER_SOLUTION")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            pytest.fail(f"GRADER_SOLUTION={chosen}: no such file", pytrace=False)
        return path
    here = Path(__file__).resolve().parent
    places = list(dict.fromkeys([Path.cwd(), here.parent]))
    for folder in places:
        if (folder / "solution.py").is_file():
            return folder / "solution.py"
    looked = " and ".join(str(folder) for folder in places)
    pytest.fail(
        f"no solution.py in {looked}: save your code (e.g. a copy of starter.py) "
        "as solution.py, or set GRADER_SOLUTION=path/to/file.py",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def submission() -> ModuleType:
    """Your solution module, with `max_profit` available whichever form you wrote."""
    path = _solution_path().resolve()
    sys.path.insert(0, str(path.parent))  # sibling modules stay importable
    spec = importlib.util.spec_from_file_location("solution", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    for name in ("List", "Optional"):  # predefined as on LeetCode
        setattr(module, name, getattr(typing, name))
    module.TreeNode = TreeNode
    sys.modules["solution"] = module
    spec.loader.exec_module(module)
    if not hasattr(module, ENTRY_POINT):
        cls = getattr(module, "Solution", None)
        if cls is None or not hasattr(cls, LEETCODE_METHOD):
            pytest.fail(
                f"{path} defines neither {ENTRY_POINT}() nor class Solution "
                f"with a {LEETCODE_METHOD} method",
                pytrace=False,
            )

        def entry_point(*args: typing.Any, **kwargs: typing.Any) -> typing.Any:
            return getattr(cls(), LEETCODE_METHOD)(*args, **kwargs)

        setattr(module, ENTRY_POINT, entry_point)
    return module
