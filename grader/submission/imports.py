"""Static scan of a staged submission for imports an exercise forbids.

Every `.py` file is parsed (never imported). An import is found when it is an
`import x` / `from x import y` statement, or a call to `__import__`,
`importlib.import_module` or `importlib.__import__` with a literal module name.
What hides better than that (names built at run time) is left to the worker,
which blocks forbidden imports when this scan found none. Files past the parse
budget, or too deep for the parser, are read by `scan.scan_imports` instead.
An import in the module made of a notebook is placed by its cell and line.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from pathlib import Path

from grader.harness.cells import cell_starts, locate
from grader.submission.magics import with_exported_cells
from grader.submission.policy import ParseBudget
from grader.submission.scan import scan_imports

_IMPORT_CALLS = frozenset({"__import__", "import_module"})


@dataclass(frozen=True)
class ImportFinding:
    module: str  # the forbidden top-level module
    where: str  # "helpers.py, line 3", or in a notebook "cell 4, line 2"

    def describe(self) -> str:
        return f"{self.where} imports {self.module}"


def find_forbidden_imports(
    directory: Path,
    forbidden: tuple[str, ...],
    budget: ParseBudget | None = None,
    notebook_module: str | None = None,
) -> list[ImportFinding]:
    """`notebook_module`: the file (e.g. solution.py) holding a notebook's code cells."""
    if not forbidden:
        return []
    budget = budget or ParseBudget()
    banned = frozenset(forbidden)
    findings: list[ImportFinding] = []
    for path in sorted(directory.rglob("*.py")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            source = path.read_bytes()
        except OSError:
            continue
        text = source.decode("utf-8", "replace")
        relative = path.relative_to(directory).as_posix()
        cells = cell_starts(text.split("\n")) if relative == notebook_module else []
        for module, line in _imported_modules(source, text, path.name, budget):
            top = module.split(".")[0]
            if top in banned:
                where = locate(cells, line) if cells else f"{relative}, line {line}"
                findings.append(ImportFinding(top, where))
    return findings


def _imported_modules(
    source: bytes, text: str, name: str, budget: ParseBudget
) -> list[tuple[str, int]]:
    if not budget.allows(text):
        return scan_imports(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=name)
    except (SyntaxError, ValueError):
        return []
    except (RecursionError, MemoryError, OverflowError):
        return scan_imports(text)
    found: list[tuple[str, int]] = []
    for node in ast.walk(with_exported_cells(tree)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Call) and _is_import_call(node.func):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((first.value, node.lineno))
    return found


def _is_import_call(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _IMPORT_CALLS
    return isinstance(func, ast.Attribute) and func.attr in _IMPORT_CALLS | {"__import__"}
