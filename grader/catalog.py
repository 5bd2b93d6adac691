"""What an exercise is worth, read from its hidden tests without importing them.

Importing a pack's tests would run the pack's code on the host just to list it, so the
points are found with `ast`: each test function counts its `@pytest.mark.points(N)`
(default 1, as the harness does), times the cases of each `@pytest.mark.parametrize` whose
values are a literal list or tuple (or a module-level name bound once to one). Anything
that could change the tests pytest collects, or their points, in a way the source does not
spell out (parametrized fixtures, `pytest_generate_tests`, computed parameters, test
functions that are not plain `def`s) makes the total unknown: None, never a guess.
"""

from __future__ import annotations

import ast
import fnmatch
import math
import os
from collections.abc import Iterator
from pathlib import Path

from grader.models import Exercise

__all__ = ["exercise_points", "suite_points"]

# pytest's defaults; the harness runs pytest without a configuration file.
_FILE_PATTERNS = ("test_*.py", "*_test.py")
_FUNCTION_PREFIX = "test"
_CLASS_PREFIX = "Test"
# pytest's default norecursedirs, plus caches
_SKIPPED_DIRS = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")


class _Unknown(Exception):
    """The source does not settle the points statically."""


def exercise_points(exercise: Exercise) -> float | None:
    """The exercise's maximum score, or None when its hidden tests cannot tell statically."""
    return suite_points(exercise.hidden_tests)


def suite_points(folder: Path) -> float | None:
    """The points of every test pytest would collect under `folder`, or None if unknown."""
    try:
        total = 0.0
        for path in _python_files(folder):
            tree = _parse(path)
            is_test_file = any(path.match(pattern) for pattern in _FILE_PATTERNS)
            _refuse_dynamic_collection(tree)
            if is_test_file:
                total += _module_points(tree)
        return total
    except _Unknown:
        return None


def _python_files(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        raise _Unknown
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d != "__pycache__" and not any(fnmatch.fnmatch(d, p) for p in _SKIPPED_DIRS)
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(dirpath) / name


def _parse(path: Path) -> ast.Module:
    try:
        return ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError) as exc:
        raise _Unknown from exc


def _refuse_dynamic_collection(tree: ast.Module) -> None:
    """Hooks and fixtures that multiply or invent tests (in any module, conftest included)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name in ("pytest_generate_tests", "pytest_collection_modifyitems"):
                raise _Unknown
            for decorator in node.decorator_list:
                if _is_mark(decorator, "fixture") and _has_keyword(decorator, "params"):
                    raise _Unknown


# -- a test module -------------------------------------------------------------------------------


def _module_points(tree: ast.Module) -> float:
    literals = _module_literals(tree)
    default = _pytestmark_points(tree.body)
    total = 0.0
    for node in tree.body:
        total += _node_points(node, default, literals)
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            # `test_x = make_test()` may bind a function, which pytest collects too
            if not _is_data(node.value) and any(
                _collected_function_name(name) for name in _assigned_names(node)
            ):
                raise _Unknown
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*" or _collected_function_name(alias.asname or alias.name):
                    raise _Unknown
    return total


def _node_points(node: ast.stmt, default: float | None, literals: dict[str, ast.expr]) -> float:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if not _collected_function_name(node.name):
            return 0.0
        return _function_points(node, default, literals)
    if isinstance(node, ast.ClassDef) and node.name.startswith(_CLASS_PREFIX):
        return _class_points(node, default, literals)
    return 0.0


def _class_points(
    node: ast.ClassDef, default: float | None, literals: dict[str, ast.expr]
) -> float:
    if node.bases or node.keywords:
        raise _Unknown  # inherited test methods are collected too
    if any(isinstance(item, ast.FunctionDef) and item.name == "__init__" for item in node.body):
        return 0.0  # pytest does not collect a class with __init__
    own = _points_of(node.decorator_list)
    if own is None:
        own = _pytestmark_points(node.body)
    inherited = own if own is not None else default
    factor = _cases(node.decorator_list, literals)
    total = 0.0
    for item in node.body:
        total += _node_points(item, inherited, literals)
    return total * factor


def _function_points(
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    default: float | None,
    literals: dict[str, ast.expr],
) -> float:
    points = _points_of(node.decorator_list)
    if points is None:
        points = 1.0 if default is None else default
    return points * _cases(node.decorator_list, literals)


def _collected_function_name(name: str) -> bool:
    return name.startswith(_FUNCTION_PREFIX)


def _is_data(value: ast.expr | None) -> bool:
    """A literal display: it cannot be a function pytest would collect."""
    return isinstance(
        value,
        ast.Constant | ast.List | ast.Tuple | ast.Dict | ast.Set | ast.ListComp | ast.DictComp,
    )


def _assigned_names(node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> Iterator[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                yield sub.id


# -- marks ---------------------------------------------------------------------------------------


def _mark_name(node: ast.expr) -> str | None:
    """`pytest.mark.points(...)`, `mark.points(...)` or a bare `pytest.mark.reveal` -> its name."""
    target = node.func if isinstance(node, ast.Call) else node
    if not isinstance(target, ast.Attribute):
        return None
    owner = target.value
    if isinstance(owner, ast.Attribute) and owner.attr == "mark":
        return target.attr
    if isinstance(owner, ast.Name) and owner.id == "mark":
        return target.attr
    return None


def _is_mark(node: ast.expr, name: str) -> bool:
    """`pytest.fixture(...)`/`fixture(...)` when name is "fixture", else a `mark.<name>`."""
    if name == "fixture":
        target = node.func if isinstance(node, ast.Call) else node
        return (isinstance(target, ast.Attribute) and target.attr == "fixture") or (
            isinstance(target, ast.Name) and target.id == "fixture"
        )
    return _mark_name(node) == name


def _has_keyword(node: ast.expr, keyword: str) -> bool:
    return isinstance(node, ast.Call) and any(k.arg == keyword for k in node.keywords)


def _points_of(marks: list[ast.expr]) -> float | None:
    """The points a list of marks sets, None when it sets none."""
    found = [m for m in marks if _mark_name(m) == "points"]
    if not found:
        return None
    if len(found) > 1:
        raise _Unknown  # which one wins depends on pytest's ordering of marks
    mark = found[0]
    if not isinstance(mark, ast.Call) or not mark.args:
        return 1.0  # what the harness does with a points mark without arguments
    return _number(mark.args[0])


def _number(node: ast.expr) -> float:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise _Unknown from None
    if isinstance(value, bool):
        raise _Unknown
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _Unknown from None
    if not math.isfinite(number):
        raise _Unknown
    return number


def _pytestmark_points(body: list[ast.stmt]) -> float | None:
    """Points set by `pytestmark = ...` in a module or class body."""
    points: float | None = None
    for node in body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        names = list(_assigned_names(node))
        if "pytestmark" not in names:
            continue
        value = node.value
        if value is None:
            raise _Unknown
        marks = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
        if any(_mark_name(m) is None for m in marks):
            raise _Unknown  # a mark held in a variable could be anything
        points = _points_of(marks)
    return points


def _module_literals(tree: ast.Module) -> dict[str, ast.expr]:
    """Names bound exactly once in the whole module, at its top level, to a list or tuple."""
    bindings: dict[str, int] = {}
    for node in ast.walk(tree):
        for name in _bound_names(node):
            bindings[name] = bindings.get(name, 0) + 1
    literals: dict[str, ast.expr] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            literals[node.targets[0].id] = node.value
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            literals[node.target.id] = node.value
    touched = _possibly_mutated(tree)
    return {
        name: value
        for name, value in literals.items()
        if bindings.get(name) == 1 and name not in touched
    }


def _possibly_mutated(tree: ast.Module) -> set[str]:
    """Names whose list could change after binding: `X.append(…)`, `f(X)`, `X[0] = …`."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Subscript) and isinstance(node.value, ast.Name):
            if isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
                names.add(node.value.id)
        elif isinstance(node, ast.Call) and _mark_name(node) != "parametrize":
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(argument, ast.Name):
                    names.add(argument.id)
    return names


def _bound_names(node: ast.AST) -> Iterator[str]:
    """Every name a node binds, so that a rebound literal is never trusted."""
    targets: list[ast.AST] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(
        node,
        ast.AnnAssign | ast.AugAssign | ast.NamedExpr | ast.For | ast.AsyncFor | ast.comprehension,
    ):
        targets = [node.target]
    elif isinstance(node, ast.With | ast.AsyncWith):
        targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
    elif isinstance(node, ast.Global | ast.Nonlocal):
        yield from node.names
    elif isinstance(node, ast.Import | ast.ImportFrom):
        for alias in node.names:
            yield alias.asname or alias.name.split(".")[0]
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield node.name
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                yield sub.id


def _cases(marks: list[ast.expr], literals: dict[str, ast.expr]) -> int:
    """How many items the parametrize marks make of one function (1 without any)."""
    count = 1
    for mark in marks:
        if _mark_name(mark) != "parametrize":
            continue
        if not isinstance(mark, ast.Call):
            raise _Unknown
        values = mark.args[1] if len(mark.args) > 1 else None
        for keyword in mark.keywords:
            if keyword.arg == "argvalues":
                values = keyword.value
            elif keyword.arg is None:
                raise _Unknown  # **kwargs could hold anything
        if isinstance(values, ast.Name):
            values = literals.get(values.id)
        if not isinstance(values, ast.List | ast.Tuple):
            raise _Unknown
        if any(isinstance(v, ast.Starred) for v in values.elts):
            raise _Unknown
        for value in values.elts:
            if _sets_points(value):
                raise _Unknown  # pytest.param(..., marks=pytest.mark.points(n))
        count *= len(values.elts)
    return count


def _sets_points(value: ast.expr) -> bool:
    if not isinstance(value, ast.Call):
        return False
    for keyword in value.keywords:
        if keyword.arg == "marks":
            marks = keyword.value
            items = marks.elts if isinstance(marks, ast.List | ast.Tuple) else [marks]
            if any(_mark_name(m) in ("points", None) for m in items):
                return True
        elif keyword.arg is None:
            return True
    return False
