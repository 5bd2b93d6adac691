"""The floor: hidden tests against a solution imported into the pytest process itself.

No worker, no channel, no harness plugin: `submission` is the solution module, imported
here, and `reference` the reference module. The benchmark runs this once inside the
sandbox image (`docker run --rm`) and once on the host; whatever grader adds on top of
that is its overhead.

Where things are comes from the environment, each defaulting to the layout the benchmark
mounts next to this file:

    GRADER_FLOOR_SUBMISSION       the solution file         (submission/solution.py;
                                  a .sql file becomes the module the worker would make)
    GRADER_FLOOR_REFERENCE        the reference file        (reference/solution.py)
    GRADER_FLOOR_TESTS            the hidden tests folder   (tests), for its probes/
    GRADER_FLOOR_SHARED           the pack's helpers for several suites (shared), if any
    GRADER_FLOOR_ENTRY_POINT      e.g. two_sum
    GRADER_FLOOR_LEETCODE_METHOD  e.g. twoSum
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from grader.harness.codec import Tree
from grader.harness.leetcode import TreeNode, leetcode_namespace, levels_to_tree, tree_to_levels

HERE = Path(__file__).resolve().parent
MAX_TREE_NODES = 200_000


def _path(variable: str, default: str) -> Path:
    return Path(os.environ.get(variable) or HERE / default)


# As in the harness: hidden suites import the pack's shared helpers by module name.
if _path("GRADER_FLOOR_SHARED", "shared").is_dir():
    sys.path.insert(0, str(_path("GRADER_FLOOR_SHARED", "shared")))


def _load(name: str, path: Path, namespace: dict[str, Any] | None = None) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"cannot import {path}"
    module = importlib.util.module_from_spec(spec)
    if namespace:
        module.__dict__.update(namespace)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class FloorSubmission:
    """The solution module as the tests see it through the worker, minus the worker.

    Trees cross as they would over the channel (a `Tree` argument arrives as the
    module's own `TreeNode`, a returned node comes back as a `Tree`); the LeetCode
    `Solution` class stands in for a missing entry point.
    """

    def __init__(self, module: ModuleType, entry_point: str, leetcode_method: str) -> None:
        self._module = module
        self._entry_point = entry_point
        self._leetcode_method = leetcode_method

    def __getattr__(self, name: str) -> Any:
        module = self._module
        if hasattr(module, name):
            value = getattr(module, name)
        elif name == self._entry_point and self._leetcode_method:
            solution_class = getattr(module, "Solution", None)
            if not (
                isinstance(solution_class, type) and hasattr(solution_class, self._leetcode_method)
            ):
                raise AttributeError(f"the solution does not define {name!r}")
            value = getattr(solution_class(), self._leetcode_method)
        else:
            raise AttributeError(f"the solution does not define {name!r}")
        return self._by_value(value) if callable(value) else value

    def _by_value(self, function: Callable[..., Any]) -> Callable[..., Any]:
        node_class = getattr(self._module, "TreeNode", None) or TreeNode

        def to_tree(value: Any) -> Any:
            return levels_to_tree(value.to_list(), node_class) if isinstance(value, Tree) else value

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            result = function(
                *(to_tree(a) for a in args), **{k: to_tree(v) for k, v in kwargs.items()}
            )
            if all(hasattr(result, attribute) for attribute in ("val", "left", "right")):
                return Tree.of(tree_to_levels(result, MAX_TREE_NODES))
            return result

        return call


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): points the test is worth (default 1)")
    config.addinivalue_line("markers", "reveal: the test may show its inputs in messages")
    config.addinivalue_line("markers", "time_limit(seconds): per-test time limit")


@pytest.fixture(scope="session")
def _solution_module() -> ModuleType:
    path = _path("GRADER_FLOOR_SUBMISSION", "submission/solution.py")
    if path.suffix == ".sql":
        from grader.harness.sql import sql_module

        return sql_module(str(path))
    sys.path.insert(0, str(path.parent))  # sibling modules stay importable, as in the worker
    return _load(path.stem, path, leetcode_namespace())


@pytest.fixture(scope="session")
def submission(_solution_module: ModuleType) -> FloorSubmission:
    return FloorSubmission(
        _solution_module,
        os.environ.get("GRADER_FLOOR_ENTRY_POINT", ""),
        os.environ.get("GRADER_FLOOR_LEETCODE_METHOD", ""),
    )


@pytest.fixture(scope="session")
def reference() -> ModuleType:
    path = _path("GRADER_FLOOR_REFERENCE", "reference/solution.py")
    if not path.is_file():
        pytest.fail("this exercise has no Python reference solution")
    return _load("grader_reference", path)


@pytest.fixture(scope="session")
def probe(_solution_module: ModuleType) -> Callable[..., Any]:
    probes = _path("GRADER_FLOOR_TESTS", "tests") / "probes"
    loaded: dict[str, ModuleType] = {}

    def call(name: str, func: str, *args: Any, **kwargs: Any) -> Any:
        if name not in loaded:
            loaded[name] = _load(f"grader_probe_{name}", probes / f"{name}.py")
        return getattr(loaded[name], func)(_solution_module, *args, **kwargs)

    return call


@pytest.fixture(scope="session")
def report_flag() -> Callable[[str, str], None]:
    """Flags go nowhere: the floor has no report."""

    def add(code: str, message: str) -> None:
        del code, message

    return add


@pytest.fixture(scope="session")
def forbidden_imports_found() -> list[str]:
    return []
