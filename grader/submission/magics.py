"""What the report says of IPython magics the grader did not run.

Notebooks' cells are converted by grader/submission/notebook.py with the neutraliser of
grader/harness/magics.py; a notebook exported as a script keeps its magics as calls of
`get_ipython()`, which the worker's stand-in shell (grader/harness/shell.py) answers.
"""

from __future__ import annotations

import ast
import warnings
from typing import NamedTuple

from grader.flags import FlagCode
from grader.harness.magics import PYTHON_CELL_MAGICS, PYTHON_LINE_MAGICS, neutralise_cell
from grader.models import Flag
from grader.submission.policy import ParseBudget
from grader.submission.safe_names import safe_text

QUOTED_IN_NOTE = 3


def magic_note(where: str, quoted: list[str]) -> Flag:
    """The `notebook-magic` note: what was not run, the first few quoted with their place."""
    shown = ", ".join(quoted[:QUOTED_IN_NOTE])
    more = f" and {len(quoted) - QUOTED_IN_NOTE} more" if len(quoted) > QUOTED_IN_NOTE else ""
    noun = "line" if len(quoted) == 1 else "lines"
    return Flag(
        FlagCode.NOTEBOOK_MAGIC.value,
        f"{len(quoted)} IPython magic/shell {noun} in {safe_text(where, 60)} not run "
        f"(code under %time, %%time or %%capture still runs): {shown}{more}",
    )


# get_ipython()'s methods a notebook exported as a script calls for its magics and shell lines
_SHELL_METHODS = {"run_line_magic": "%", "run_cell_magic": "%%", "magic": "%"}
_SHELL_COMMANDS = frozenset({"system", "getoutput"})
_SHELL_CALLS = _SHELL_COMMANDS | _SHELL_METHODS.keys()


class ExportedMagics(NamedTuple):
    """What a module does with IPython's shell, as a notebook exported as a script does."""

    calls_shell: bool  # it calls get_ipython()'s magics or shell commands
    not_run: list[tuple[int, str]]  # (line, the magic as the notebook had it)


def exported_magics(source: bytes, budget: ParseBudget) -> ExportedMagics:
    """The get_ipython() calls of a module: whether it makes any (a notebook exported as a
    script), and those grader's stand-in shell (grader.harness.shell) does not run, with the
    magics in the cells it runs; nothing when the module makes its own get_ipython."""
    nothing = ExportedMagics(calls_shell=False, not_run=[])
    if b"get_ipython" not in source or not budget.allows(source.decode("utf-8", "replace")):
        return nothing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source)
        except Exception:  # noqa: BLE001 - not for this scan to judge; the worker will
            return nothing
    if _binds_get_ipython(tree):
        return nothing
    found = []
    calls_shell = False
    shells = _shell_names(tree)
    for node in ast.walk(tree):
        call = _shell_call(node, shells)
        if call is None or call[0] not in _SHELL_CALLS:
            continue
        calls_shell = True
        method, args = call
        text = args[0] if args and isinstance(args[0], str) else None
        if method in _SHELL_COMMANDS:
            found.append((node.lineno, f"!{text if text is not None else '…'}"))
        elif text is not None:  # else: which magic is unknown
            if method == "magic":
                name, _, rest = text.lstrip("%").partition(" ")
            else:
                name, rest = text, args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            runs = PYTHON_CELL_MAGICS if method == "run_cell_magic" else PYTHON_LINE_MAGICS
            if name not in runs:
                shown = rest if method != "run_cell_magic" else ""
                found.append((node.lineno, f"{_SHELL_METHODS[method]}{name} {shown}".strip()))
            elif method == "run_cell_magic" and len(args) == 3 and isinstance(args[2], str):
                _, inner = neutralise_cell(args[2])
                found += [(node.lineno, n.text.strip()) for n in inner]
    return ExportedMagics(calls_shell=calls_shell, not_run=sorted(found))


def _binds_get_ipython(tree: ast.Module) -> bool:
    """Whether the module makes get_ipython its own: defines it, or imports it from elsewhere
    than IPython."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "get_ipython":
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "get_ipython" for target in node.targets
        ):
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.module not in ("IPython", "IPython.core.getipython")
            and any((alias.asname or alias.name) == "get_ipython" for alias in node.names)
        ):
            return True
    return False


def _shell_call(
    node: ast.AST, shells: frozenset[str] = frozenset()
) -> tuple[str, list[object]] | None:
    """(method, literal arguments, None for the others) of a `get_ipython().method(...)`, or
    of `shell.method(...)` for a name in `shells` (`shell = get_ipython()`)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner = node.func.value
    if _is_get_ipython(owner) or (isinstance(owner, ast.Name) and owner.id in shells):
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        return node.func.attr, args
    return None


def _is_get_ipython(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "get_ipython"
    )


def _shell_names(tree: ast.Module) -> frozenset[str]:
    """Names the module gives the shell at its top level: `ip = get_ipython()`."""
    return frozenset(
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and _is_get_ipython(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    )


def _python_of(node: ast.AST) -> str | None:
    """The Python an exported `%%time`/`%%capture` cell or `%time` statement runs, for the
    `get_ipython()` call (or the statement of it) that runs it."""
    call = _shell_call(node.value if isinstance(node, ast.Expr) else node)
    if call is None:
        return None
    method, args = call
    if method == "run_cell_magic" and len(args) == 3 and args[0] in PYTHON_CELL_MAGICS:
        code = args[2]
    elif method == "run_line_magic" and len(args) == 2 and args[0] in PYTHON_LINE_MAGICS:
        code = args[1]
    else:
        return None
    if not isinstance(code, str):
        return None
    lines, _ = neutralise_cell(code)
    return "\n".join(lines)


def _parsed_at(code: str, line: int) -> ast.Module:
    """`code` parsed, every line of it counted as `line` (where the call that runs it is);
    SyntaxError when it does not parse."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cell = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
            error = exc if isinstance(exc, SyntaxError) else SyntaxError("too large to parse")
            error.lineno = line
            raise error from None
    for inner in ast.walk(cell):
        if hasattr(inner, "lineno"):
            inner.lineno = inner.end_lineno = line
    return cell


def with_exported_cells(module: ast.Module) -> tuple[ast.Module, list[SyntaxError]]:
    """The module with each exported `%%time`/`%%capture` cell (and `%time` statement) in
    place of its `get_ipython()` call, as the worker's stand-in shell runs it: what it
    defines is then seen by the static checks. Its lines count as the call's. Also the
    syntax errors of the cells that do not parse (each stops the module where it runs)."""
    codes = [] if _binds_get_ipython(module) else [_python_of(node) for node in module.body]
    if all(code is None for code in codes):
        return module, []
    body: list[ast.stmt] = []
    errors: list[SyntaxError] = []
    for node, code in zip(module.body, codes, strict=True):
        try:
            body += _parsed_at(code, node.lineno).body if code is not None else [node]
        except SyntaxError as exc:
            errors.append(exc)
            body.append(node)
    return ast.Module(body=body, type_ignores=module.type_ignores), errors


def exported_python(tree: ast.AST) -> list[ast.Module]:
    """What every exported `%time`/`%%time`/`%%capture` in the tree runs, wherever it is (in a
    function too), parsed; what does not parse is left out, and nothing is taken for the
    shell's when the module makes its own get_ipython."""
    if isinstance(tree, ast.Module) and _binds_get_ipython(tree):
        return []
    parsed = []
    for node in ast.walk(tree):
        code = _python_of(node) if isinstance(node, ast.Call) else None
        if code is not None:
            try:
                parsed.append(_parsed_at(code, node.lineno))
            except SyntaxError:
                continue
    return parsed
