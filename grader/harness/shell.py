"""What code written in a notebook finds of IPython when the worker runs it.

A notebook exported as a script (Jupyter's "Download as Python") calls
`get_ipython().run_line_magic('matplotlib', 'inline')` where the notebook had
`%matplotlib inline`, and notebooks import `IPython.display`. Neither IPython nor a
kernel is in the sandbox, so the worker gives the candidate's module a stand-in
shell, and the stand-in `IPython` package (grader/harness/standins) re-exports what
is here. The stand-in runs what Jupyter would run as Python in the notebook's
namespace (`%time STATEMENT`, `%%time` and `%%capture` cells) and nothing else: no
shell command, no other magic. The host's neutraliser of notebook magics
(grader/submission/magics.py) keeps to the same sets.
"""

from __future__ import annotations

import sys
from typing import Any

# Magics whose Python Jupyter runs in the notebook's namespace: the line magic runs its
# statement, the cell magics their cell.
PYTHON_LINE_MAGICS = frozenset({"time"})
PYTHON_CELL_MAGICS = frozenset({"time", "capture"})


def _run(source: str, depth: int) -> Any:
    """Run `source` where the magic was called, as Jupyter runs a magic's Python: the value
    of an expression, None after statements."""
    frame = sys._getframe(depth + 1)
    namespace, local = frame.f_globals, frame.f_locals
    try:
        code = compile(source, "<magic>", "eval", dont_inherit=True)
    except SyntaxError:
        exec(compile(source, "<magic>", "exec", dont_inherit=True), namespace, local)  # noqa: S102 - the candidate's own code, in the worker
        return None
    return eval(code, namespace, local)  # noqa: S307 - the candidate's own code, in the worker


class Shell:
    """The part of IPython's InteractiveShell that exported notebooks call."""

    def run_line_magic(self, magic_name: str, line: str, _stack_depth: int = 1) -> Any:
        if magic_name in PYTHON_LINE_MAGICS:
            return _run(line, _stack_depth)
        return None

    def run_cell_magic(self, magic_name: str, line: str, cell: str) -> None:
        if magic_name in PYTHON_CELL_MAGICS:
            _run(cell, 1)

    def magic(self, arg_s: str) -> Any:
        name, _, line = arg_s.lstrip("%").partition(" ")
        return self.run_line_magic(name, line, _stack_depth=2)

    def system(self, cmd: str) -> None:
        """Shell commands are not run."""

    def getoutput(self, cmd: str, split: bool = True) -> list[str]:
        """What `files = !ls` assigns: no command runs, so no lines."""
        return []

    def __repr__(self) -> str:
        return "<grader's stand-in for the IPython shell>"


_SHELL = Shell()


def get_ipython() -> Shell:
    return _SHELL


def display(*objs: Any, **kwargs: Any) -> None:
    """Outside a notebook, IPython's display prints what it is given."""
    if objs:
        print(*objs)


def clear_output(wait: bool = False) -> None:
    """Nothing to clear: the output is not shown while grading."""


def update_display(obj: Any, *, display_id: Any, **kwargs: Any) -> None:
    """Nothing to update."""


class DisplayObject:
    """Rich output (HTML, Markdown, an image ...): kept, never rendered."""

    def __init__(self, data: Any = None, url: Any = None, filename: Any = None, **kwargs: Any):
        self.data, self.url, self.filename = data, url, filename

    def __repr__(self) -> str:
        return f"<IPython.core.display.{type(self).__name__} object>"


class HTML(DisplayObject):
    pass


class Markdown(DisplayObject):
    pass


class Latex(DisplayObject):
    pass


class Math(DisplayObject):
    pass


class SVG(DisplayObject):
    pass


class JSON(DisplayObject):
    pass


class Javascript(DisplayObject):
    pass


class Image(DisplayObject):
    pass


class Audio(DisplayObject):
    pass


class Video(DisplayObject):
    pass


class Code(DisplayObject):
    pass


class Pretty(DisplayObject):
    pass


class InteractiveShell:
    """Settings notebooks change, such as `ast_node_interactivity = "all"`."""

    ast_node_interactivity = "last_expr"

    @classmethod
    def instance(cls, *args: Any, **kwargs: Any) -> Shell:
        return _SHELL
