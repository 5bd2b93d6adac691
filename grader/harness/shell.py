"""What code written in a notebook finds of IPython when the worker runs it.

A notebook exported as a script (Jupyter's "Download as Python") calls
`get_ipython().run_line_magic('matplotlib', 'inline')` where the notebook had
`%matplotlib inline`, and notebooks import `IPython.display`. Neither IPython nor a
kernel is in the sandbox, so the worker makes `get_ipython` a builtin, as IPython does,
answered by a stand-in shell, and the stand-in `IPython` package
(grader/harness/standins) re-exports what is here. The stand-in runs what Jupyter
would run as Python in the notebook's namespace (`%time STATEMENT`, `%%time` and
`%%capture` cells, their own magics neutralised as in a notebook) and nothing else:
no shell command, no other magic.
"""

from __future__ import annotations
import __future__

import ast
import functools
import operator
import sys
from typing import Any

from grader.harness.magics import PYTHON_CELL_MAGICS, PYTHON_LINE_MAGICS, neutralise_cell

# The compiler flags of __future__ imports: what a code object carries of them holds for
# the code compiled after it (a notebook's next cells, a magic's Python).
FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)
)


def _run(source: str, depth: int) -> Any:
    """Run `source` where the magic was called, as Jupyter runs a magic's Python: the value
    of an expression, None after statements (whose own magics are neutralised). Errors in
    it are placed at the line of the call, in the caller's file."""
    frame = sys._getframe(depth + 1)
    namespace, local = frame.f_globals, frame.f_locals
    try:
        tree: ast.AST = ast.parse(source, mode="eval")
        mode = "eval"
    except SyntaxError:
        lines, _ = neutralise_cell(source)
        tree, mode = ast.parse("\n".join(lines) + "\n"), "exec"
    for node in ast.walk(tree):
        if hasattr(node, "lineno"):
            node.lineno = node.end_lineno = frame.f_lineno
    flags = frame.f_code.co_flags & FUTURE_FLAGS
    code = compile(tree, frame.f_code.co_filename, mode, flags=flags, dont_inherit=True)
    if mode == "eval":
        return eval(code, namespace, local)  # noqa: S307 - the candidate's own code, in the worker
    exec(code, namespace, local)  # noqa: S102 - the candidate's own code, in the worker
    return None


class Shell:
    """The part of IPython's InteractiveShell that exported notebooks call."""

    def __init__(self) -> None:
        self.config: dict[str, Any] = {}

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

    def run_cell(self, raw_cell: str, *args: Any, **kwargs: Any) -> None:
        _run(raw_cell, 1)

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


class DisplayHandle:
    """What `display(..., display_id=True)` returns, for later updates."""

    def __init__(self, display_id: Any = None) -> None:
        self.display_id = display_id

    def display(self, obj: Any, **kwargs: Any) -> None:
        display(obj)

    def update(self, obj: Any, **kwargs: Any) -> None:
        """Nothing is shown, so nothing to update."""


def display(*objs: Any, display_id: Any = None, **kwargs: Any) -> DisplayHandle | None:
    """Outside a notebook, IPython's display prints what it is given."""
    if objs:
        print(*objs)
    return DisplayHandle(display_id) if display_id else None


def clear_output(wait: bool = False) -> None:
    """Nothing to clear: the output is not shown while grading."""


def update_display(obj: Any, *, display_id: Any, **kwargs: Any) -> None:
    """Nothing to update."""


def set_matplotlib_formats(*formats: str, **kwargs: Any) -> None:
    """Figures are not shown while grading, in any format."""


class DisplayObject:
    """Rich output (HTML, Markdown, an image ...): kept, never rendered."""

    def __init__(self, data: Any = None, url: Any = None, filename: Any = None, **kwargs: Any):
        self.data, self.url, self.filename = data, url, filename

    def __repr__(self) -> str:
        return f"<IPython.core.display.{type(self).__name__} object>"

    def _repr_html_(self) -> Any:
        return self.data

    _repr_markdown_ = _repr_latex_ = _repr_svg_ = _repr_json_ = _repr_javascript_ = _repr_html_


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


class FileLink(DisplayObject):
    def __init__(self, path: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(path)


class FileLinks(FileLink):
    pass


class IFrame(DisplayObject):
    def __init__(self, src: Any = None, width: Any = None, height: Any = None, **kwargs: Any):
        super().__init__(src)


class YouTubeVideo(IFrame):
    pass


class ProgressBar(DisplayObject):
    def __init__(self, total: int = 0) -> None:
        super().__init__()
        self.total, self.progress = total, 0

    def __iter__(self) -> Any:
        yield from range(self.total)

    def __next__(self) -> int:
        self.progress += 1
        if self.progress > self.total:
            raise StopIteration
        return self.progress - 1


class InteractiveShell:
    """Settings notebooks change, such as `ast_node_interactivity = "all"`."""

    ast_node_interactivity = "last_expr"

    @classmethod
    def instance(cls, *args: Any, **kwargs: Any) -> Shell:
        return _SHELL
