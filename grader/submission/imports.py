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

from grader.harness.cells import cell_sources, cell_starts, locate
from grader.submission.magics import exported_python
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
        for module, line in _imported_modules(source, text, path.name, budget, cells):
            top = module.split(".")[0]
            if top in banned:
                where = locate(cells, line) if cells else f"{relative}, line {line}"
                findings.append(ImportFinding(top, where))
    return findings


def _imported_modules(
    source: bytes, text: str, name: str, budget: ParseBudget, cells: list[tuple[int, int]]
) -> list[tuple[str, int]]:
    """(module, line) of each import; a notebook's module (`cells`) is read cell by cell, as
    it runs, so that one cell that does not parse hides nothing in the others."""
    if not budget.allows(text):
        return scan_imports(text)
    if not cells:
        return _imports_in(source, text, name, 0)
    found: list[tuple[str, int]] = []
    for before, cell in cell_sources(text.split("\n"), cells):
        found += _imports_in(cell.encode("utf-8"), cell, name, before)
    return found


def _imports_in(source: bytes, text: str, name: str, first_line: int) -> list[tuple[str, int]]:
    """The imports of one module or cell, its lines counted from `first_line` + 1."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=name)
    except (SyntaxError, ValueError):
        return []  # code that does not compile never runs: its imports neither
    except (RecursionError, MemoryError, OverflowError):
        return [(module, line + first_line) for module, line in scan_imports(text)]
    found: list[tuple[str, int]] = []
    for part in [tree, *exported_python(tree)]:
        for node in ast.walk(part):
            if isinstance(node, ast.Import):
                found.extend((alias.name, node.lineno + first_line) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append((node.module, node.lineno + first_line))
            elif isinstance(node, ast.Call) and _is_import_call(node.func):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((first.value, node.lineno + first_line))
    return sorted(found, key=lambda found_import: found_import[1])


def _is_import_call(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _IMPORT_CALLS
    return isinstance(func, ast.Attribute) and func.attr in _IMPORT_CALLS | {"__import__"}
