"""Run these public tests against your own solution: `pytest` next to your solution.py.

This file stands in for the grader: it registers the grader's markers and gives each
test a `submission` fixture, your solution module. The grader accepts either a
`invert_tree` function or LeetCode's `class Solution` with an `invertTree` method, and
predefines `List`, `Optional` and LeetCode's `TreeNode` as LeetCode does; so does this
file. If your file defines its own `TreeNode` class, trees are built from yours.

Trees are written as LeetCode level-order lists, `None` for a missing child:
`[3, 9, 20, None, None, 15, 7]`. The `build_tree` fixture turns such a list into
`TreeNode` objects; `tree_values` turns a tree back into a list.

Your solution is looked for as `solution.py` in the current folder, then next to this
`tests/` folder; set GRADER_SOLUTION=path/to/file.py to test another file.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import typing
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ENTRY_POINT = "invert_tree"
LEETCODE_METHOD = "invertTree"


class TreeNode:
    """LeetCode's binary tree node."""

    def __init__(self, val: Any = 0, left: Any = None, right: Any = None) -> None:
        self.val = val
        self.left = left
        self.right = right

    def __repr__(self) -> str:
        return f"TreeNode({self.val!r})"


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
    """Your solution module, with `invert_tree` available whichever form you wrote."""
    path = _solution_path().resolve()
    sys.path.insert(0, str(path.parent))  # sibling modules stay importable
    spec = importlib.util.spec_from_file_location("solution", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    for name in ("List", "Optional"):  # predefined as on LeetCode
        setattr(module, name, getattr(typing, name))
    module.TreeNode = TreeNode  # your own class TreeNode, if you define one, replaces it
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


def _build(values: list[Any], node_class: type) -> Any:
    if not values or values[0] is None:
        return None

    def make(value: Any) -> Any:
        try:
            node = node_class(value)
        except TypeError:  # a TreeNode whose constructor takes no value
            node = node_class()
            node.val = value
        node.left = node.right = None
        return node

    root = make(values[0])
    queue = deque([root])
    index = 1
    while queue and index < len(values):
        node = queue.popleft()
        for side in ("left", "right"):
            if index < len(values) and values[index] is not None:
                child = make(values[index])
                setattr(node, side, child)
                queue.append(child)
            index += 1
    return root


def _values(root: Any) -> list[Any]:
    values: list[Any] = []
    queue = deque([root])
    while queue:
        node = queue.popleft()
        if node is None:
            values.append(None)
        else:
            values.append(node.val)
            queue.extend((node.left, node.right))
    while values and values[-1] is None:
        values.pop()
    return values


@pytest.fixture
def build_tree(submission: ModuleType) -> Callable[[list[Any]], Any]:
    """`build_tree([3, 9, 20, None, None, 15, 7])`: the root of that tree, or None for []."""
    node_class = getattr(submission, "TreeNode", TreeNode)
    return lambda values: _build(values, node_class)


@pytest.fixture
def tree_values() -> Callable[[Any], list[Any]]:
    """`tree_values(root)`: the tree as a level-order list, trailing `None`s removed."""
    return _values
