"""Find the candidate's module by reading, never running, their code (SPEC §4)."""

from __future__ import annotations

import ast
import codecs
import importlib.util
import io
import keyword
import re
import sys
import tokenize
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from grader.flags import FlagCode
from grader.harness.cells import cell_sources, cell_starts
from grader.models import Exercise
from grader.submission.magics import with_exported_cells
from grader.submission.policy import ParseBudget
from grader.submission.rejection import Reject
from grader.submission.safe_names import safe_text
from grader.submission.scan import Bindings, scan_bindings

_LISTED = 5
# The encodings people save code in. Python accepts any codec in a coding cookie, and some
# (punycode) take minutes to decode a few megabytes: the rest are refused.
_TEXT_ENCODINGS = re.compile(
    r"(utf-8(-sig)?|ascii|iso8859-\d+|cp\d+|mac-[a-z]+|koi8-[a-z]+|gbk|gb2312|gb18030"
    r"|big5(hkscs)?|euc_[a-z0-9_]+|shift_jis[a-z0-9_]*|iso2022_[a-z0-9_]+|hz|johab|tis-620"
    r"|hp-roman8|ptcp154|kz1048|latin-1)"
)
# Importing any of these names gets the grader's module, not the candidate's file.
_TAKEN_MODULES = frozenset(sys.stdlib_module_names) | {
    "grader",
    "pytest",
    "_pytest",
    "pluggy",
    "numpy",
    "msgpack",
}


@dataclass(frozen=True)
class PySource:
    name: str  # the top-level file name in the submission
    where: str  # how messages refer to the file
    data: bytes | str
    locate: Callable[[int | None], str] | None = None  # notebooks: line -> "cell N, line M"


def never_candidate(name: str) -> bool:
    lower = name.lower()
    return (
        lower.startswith("test_")
        or lower.endswith("_test.py")
        or lower in ("conftest.py", "setup.py", "__init__.py", "__main__.py")
    )


def importable(stem: str) -> bool:
    """Whether the candidate's module can be imported under this name: the worker registers
    it in sys.modules, where a name such as `pandas` would stand in for the library."""
    # ASCII only: import normalises identifiers to NFKC, file names from a zip may be NFD.
    if not (
        stem.isascii()
        and stem.isidentifier()
        and not keyword.iskeyword(stem)
        and stem not in _TAKEN_MODULES
    ):
        return False
    try:  # any module this Python can import (the sandbox image has the same libraries)
        return importlib.util.find_spec(stem) is None
    except (ImportError, ValueError):
        return False


def _position(src: PySource, lineno: int | None) -> str:
    if src.locate is not None:
        return f"{safe_text(src.where)}: {src.locate(lineno)}"
    return f"{safe_text(src.where)}:{lineno or 1}"


def _syntax(src: PySource, lineno: int | None, message: str) -> Reject:
    return Reject(FlagCode.SYNTAX_ERROR, f"{_position(src, lineno)}: {safe_text(message, 120)}")


def _decode(src: PySource) -> str:
    if isinstance(src.data, str):
        text = src.data
    else:
        data = src.data
        try:
            # Honour a PEP 263 coding cookie and a BOM as Python's import would.
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            if not _TEXT_ENCODINGS.fullmatch(codecs.lookup(encoding).name):
                raise _syntax(src, 1, f"unsupported source encoding {encoding!r}; save it as UTF-8")
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise _syntax(src, line, f"not valid {exc.encoding} text") from None
        except (SyntaxError, LookupError, UnicodeError, ValueError) as exc:
            raise _syntax(src, 1, f"bad source encoding ({exc})") from None
    nul = text.find("\0")
    if nul >= 0:
        raise _syntax(src, text.count("\n", 0, nul) + 1, "source contains a NUL byte")
    return text


def parse(
    src: PySource, budget: ParseBudget | None = None
) -> tuple[ast.Module | Bindings, list[Reject]]:
    """The module's syntax tree, or only its top-level bindings when it is too large to parse
    on the host (`budget`), and the syntax errors of the notebook cells left out of it. A
    syntax error elsewhere is a rejection: a module runs whole, a notebook cell by cell."""
    text = _decode(src)
    if not (budget or ParseBudget()).allows(text):
        return scan_bindings(text), []
    if src.locate is None:
        module, broken_cells = with_exported_cells(_parse_part(src, text, 0))
        return module, [_syntax(src, e.lineno, e.msg or "invalid syntax") for e in broken_cells]
    lines = text.split("\n")
    body: list[ast.stmt] = []
    errors: list[Reject] = []
    for before, cell in cell_sources(lines, cell_starts(lines)):
        try:
            body += _parse_part(src, cell, before).body
        except Reject as exc:
            errors.append(exc)
    return ast.Module(body=body, type_ignores=[]), errors


def _parse_part(src: PySource, text: str, first_line: int) -> ast.Module:
    """`text` parsed, its line numbers counted from line `first_line` + 1 of `src`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and `is 1` warn while parsing
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            line = None if exc.lineno is None else exc.lineno + first_line
            raise _syntax(src, line, exc.msg or "invalid syntax") from None
        except (ValueError, RecursionError, MemoryError, OverflowError):
            raise _syntax(src, None, "too deeply nested or too large to parse") from None
    return ast.increment_lineno(tree, first_line) if first_line else tree


def _binds(target: ast.expr, name: str) -> bool:
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, ast.Tuple | ast.List):
        return any(_binds(t, name) for t in target.elts)
    if isinstance(target, ast.Starred):
        return _binds(target.value, name)
    return False


def _defines(body: list[ast.stmt], name: str) -> bool:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return True
        elif isinstance(node, ast.Assign):
            if any(_binds(t, name) for t in node.targets):
                return True
        elif (
            isinstance(node, ast.AnnAssign) and node.value is not None and _binds(node.target, name)
        ):
            return True
    return False


def imports_entry(module: ast.Module | Bindings, entry_point: str | None) -> bool:
    """Whether the module takes the entry point from elsewhere (`from islands import
    num_islands`): the entry module when no file defines the entry point itself."""
    if isinstance(module, Bindings) or not entry_point:
        return False
    return any(
        (alias.asname or alias.name.partition(".")[0]) == entry_point
        for node in module.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    )


def defines_entry(
    module: ast.Module | Bindings, entry_point: str | None, method: str | None
) -> bool:
    if isinstance(module, Bindings):
        return bool(
            (entry_point and entry_point in module.names)
            or (method and "Solution" in module.names and method in module.solution)
        )
    if entry_point and _defines(module.body, entry_point):
        return True
    if method:
        for node in module.body:
            if (
                isinstance(node, ast.ClassDef)
                and node.name == "Solution"
                and _defines(node.body, method)
            ):
                return True
    return False


def expected(exercise: Exercise) -> str:
    entry, method = exercise.entry_point, exercise.leetcode_method
    if entry and method:
        return (
            f"a top-level `{entry}` (function, class or assignment) "
            f"or `class Solution` with a `{method}` method"
        )
    if method:
        return f"`class Solution` with a `{method}` method"
    return f"a top-level `{entry}` (function, class or assignment)"


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(safe_text(n, 60) for n in names[:_LISTED])
    more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
    return shown + more


def _preferred(exercise: Exercise) -> list[str]:
    names = ["solution.py"]
    if exercise.entry_point:
        names.append(f"{exercise.entry_point}.py")
    names.append("main.py")
    return names


def _rank(src: PySource, preferred: list[str]) -> tuple[int, str]:
    return (preferred.index(src.name) if src.name in preferred else len(preferred), src.name)


def _pick(definers: list[PySource], preferred: list[str], exercise: Exercise) -> PySource:
    if len(definers) == 1:
        return definers[0]
    for name in preferred:
        for src in definers:
            if src.name == name:
                return src
    raise Reject(
        FlagCode.MISSING_ENTRY_POINT,
        f"several files define {expected(exercise)}: {_names([s.where for s in definers])}; "
        "keep one, or name the one to grade solution.py",
    )


def choose_entry(
    sources: Sequence[PySource],
    exercise: Exercise,
    notebooks: Sequence[PySource] = (),
    unreadable: Sequence[tuple[str, Reject]] = (),
    budget: ParseBudget | None = None,
) -> PySource:
    """The one top-level file that defines the entry point, or a rejection saying why not.

    Notebooks (converted) only count when no .py file defines the entry point: a script
    exported from the notebook next to it is the more deliberate submission. `unreadable`
    holds notebooks that could not be converted, reported only when nothing else works.
    """
    preferred = _preferred(exercise)
    groups = [
        sorted(sources, key=lambda s: _rank(s, preferred)),
        sorted(notebooks, key=lambda s: _rank(s, preferred)),
    ]
    looked_at = [s.where for group in groups for s in group] + [w for w, _ in unreadable]
    budget = budget or ParseBudget()
    entry, method = exercise.entry_point, exercise.leetcode_method
    broken: list[Reject] = []
    # Only whether each file defines (or imports) the entry point is kept: a syntax tree is
    # far larger than its source, and a folder may hold many files.
    parsed: list[list[tuple[PySource, bool]]] = []
    importers: list[PySource] = []
    for group in groups:
        parsed.append([])
        for src in group:
            try:
                module, cell_errors = parse(src, budget)
            except Reject as exc:
                broken.append(exc)
                continue
            defines = defines_entry(module, entry, method)
            if not defines:
                broken += cell_errors  # a cell that does not compile may have defined it
            parsed[-1].append((src, defines))
            if not defines and imports_entry(module, entry):
                importers.append(src)
            if isinstance(module, Bindings) and not defines:
                # Not parsed, so a syntax error may hide the definition: say so if nothing else
                # defines the entry point.
                broken.append(_syntax(src, None, "too large to parse on the grader"))
            del module
    broken += [exc for _, exc in unreadable]
    if not entry and not method:
        # Nothing to look for: the best-named parseable file is the module.
        flat = [src for group in parsed for src, _ in group]
        if flat and (len(looked_at) == 1 or flat[0].name in preferred):
            return flat[0]
        if broken:
            raise broken[0]
        raise Reject(
            FlagCode.MISSING_ENTRY_POINT,
            f"cannot tell which file to grade among {_names(looked_at)}; name it solution.py",
        )
    for group in parsed:
        definers = [src for src, defines in group if defines]
        if definers:
            return _pick(definers, preferred, exercise)
    if importers and not broken:
        # defined in a package (or a module that does not parse): taken from there
        return _pick(importers, preferred, exercise)
    if broken:
        raise broken[0]
    raise Reject(
        FlagCode.MISSING_ENTRY_POINT,
        f"no file defines {expected(exercise)}; looked at: {_names(looked_at)}",
    )
