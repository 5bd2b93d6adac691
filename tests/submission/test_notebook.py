"""Notebook submissions: code cells only, magics neutralised, errors located by cell."""

import json
from pathlib import Path

import nbformat
import pytest

from grader.flags import FlagCode
from grader.harness.cells import marker
from grader.harness.magics import neutralise_cell

from .builders import TWO_SUM, write_zip


def write_notebook(path: Path, *cells, metadata: dict | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    if metadata:
        nb.metadata.update(metadata)
    nb.cells = list(cells)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def code(source: str, **kw):
    return nbformat.v4.new_code_cell(source, **kw)


def md(source: str):
    return nbformat.v4.new_markdown_cell(source)


def staged_source(staged) -> str:
    return (staged.directory / "solution.py").read_text(encoding="utf-8")


def test_code_cells_become_solution_py(tmp_path: Path, stage):
    path = write_notebook(
        tmp_path / "hw.ipynb", md("# Two sum\n```python\nprint('md')\n```"), code(TWO_SUM)
    )
    staged = stage(path)
    assert staged.info.kind == "ipynb"
    assert staged.entry_module == "solution"
    assert staged.notes == ()
    text = staged_source(staged)
    assert "def two_sum" in text and "print('md')" not in text
    compile(text, "solution.py", "exec")


def test_markdown_and_raw_cells_do_not_define_anything(tmp_path: Path, reject):
    path = write_notebook(
        tmp_path / "hw.ipynb", md(TWO_SUM), nbformat.v4.new_raw_cell(TWO_SUM), code("x = 1")
    )
    exc = reject(path)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "hw.ipynb" in exc.flag.message


def test_outputs_and_metadata_are_ignored(tmp_path: Path, stage):
    cell = code(TWO_SUM, execution_count=3)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="score: 10/10 PASSED\n")]
    path = write_notebook(
        tmp_path / "hw.ipynb", cell, metadata={"grader": {"score": 100, "status": "graded"}}
    )
    text = staged_source(stage(path))
    assert "PASSED" not in text and "score" not in text


def test_magics_and_shell_lines_are_neutralised(tmp_path: Path, stage):
    source = (
        "%matplotlib inline\n"
        "!pip install numpy\n"
        "files = !ls -la\n"
        "t = %time sum(range(3))\n"
        "?len\n"
        "len?\n"
        "np.mean??\n"
        "for i in range(2):\n"
        "    !echo $i\n" + TWO_SUM
    )
    staged = stage(write_notebook(tmp_path / "hw.ipynb", code(source)))
    text = staged_source(staged)
    compile(text, "solution.py", "exec")
    lines = text.splitlines()
    assert "pass  # grader: neutralised line magic" in lines
    assert "pass  # grader: neutralised shell command" in lines
    assert "pass  # grader: neutralised help request" in lines
    assert "    pass  # grader: neutralised shell command" in lines  # indentation kept
    assert not any(line.lstrip().startswith(("%", "!", "?")) for line in lines)
    (note,) = staged.notes
    assert note.code == FlagCode.NOTEBOOK_MAGIC
    assert note.message.startswith("7 IPython magic/shell lines in hw.ipynb")
    assert "`%matplotlib inline` (cell 1)" in note.message
    assert "and 4 more" in note.message


def test_cell_magic_comments_out_its_whole_cell(tmp_path: Path, stage):
    staged = stage(
        write_notebook(tmp_path / "hw.ipynb", code("%%bash\nrm -rf /\necho done"), code(TWO_SUM))
    )
    text = staged_source(staged)
    assert "pass  # grader: neutralised cell magic\n# rm -rf /\n# echo done\n" in text
    assert staged.notes[0].message.startswith("1 IPython magic/shell line in hw.ipynb")
    assert "`%%bash` (cell 1, the whole cell)" in staged.notes[0].message


def test_a_cell_magic_can_hide_the_solution(tmp_path: Path, reject):
    # %%timeit runs its body in a function of its own: nothing it defines outlives the cell
    exc = reject(write_notebook(tmp_path / "hw.ipynb", code("%%timeit\n" + TWO_SUM)))
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert [n.code for n in exc.notes] == [FlagCode.NOTEBOOK_MAGIC]


def _run(text: str) -> dict:
    namespace: dict = {}
    exec(compile(text, "solution.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("magic", ["%%time", "%%capture", "  %%capture output --no-stderr"])
def test_time_and_capture_cells_run_their_python(tmp_path: Path, stage, magic: str):
    staged = stage(write_notebook(tmp_path / "hw.ipynb", code(f"{magic}\n{TWO_SUM}\n!ls")))
    assert staged.entry_module == "solution"
    assert _run(staged_source(staged))["two_sum"]([2, 7, 11, 15], 9) in ([0, 1], (0, 1))
    (note,) = staged.notes  # the magic's Python ran: only the shell line was left out
    assert note.message.startswith("1 IPython magic/shell line in hw.ipynb not run")
    assert "`!ls` (cell 1)" in note.message and f"`{magic.strip()}`" not in note.message


def test_a_time_cell_may_open_with_a_future_import(tmp_path: Path, stage):
    source = '%%time\n"""Two sum."""\nfrom __future__ import annotations\n' + TWO_SUM
    staged = stage(write_notebook(tmp_path / "hw.ipynb", code(source)))
    cell = staged_source(staged).split(marker(1) + "\n", 1)[1]  # compiled alone, as it runs
    assert _run(cell)["two_sum"]([2, 7, 11, 15], 9) in ([0, 1], (0, 1))
    assert not staged.notes


def test_names_given_a_magics_output_are_still_defined(tmp_path: Path, stage):
    source = "files = !ls *.csv\nfirst, rest = !pwd\nwho = %who_ls\ncount = len(files)\n"
    staged = stage(write_notebook(tmp_path / "hw.ipynb", code(source), code(TWO_SUM)))
    namespace = _run(staged_source(staged))
    assert (namespace["count"], namespace["rest"], namespace["who"]) == (0, [], None)
    assert staged.notes[0].message.startswith("3 IPython magic/shell lines")


def test_time_runs_its_statement(tmp_path: Path, stage):
    source = "%time total = sum(range(4))\ndoubled = %time 2 * total\n%time print(total)\n"
    staged = stage(write_notebook(tmp_path / "hw.ipynb", code(source), code(TWO_SUM)))
    namespace = _run(staged_source(staged))
    assert (namespace["total"], namespace["doubled"]) == (6, 12)
    assert staged.notes == ()


def test_display_is_left_to_the_worker(tmp_path: Path, stage):
    """display() is a builtin where the notebook runs, as under IPython: the module does not
    shadow it."""
    staged = stage(write_notebook(tmp_path / "hw.ipynb", code(TWO_SUM + "\ndisplay(two_sum)")))
    assert "display =" not in staged_source(staged)


def test_magic_lookalikes_in_strings_and_brackets_are_kept():
    source = (
        "%load_ext autoreload\n"
        "usage = '''\n"
        "%d items\n"
        "!important\n"
        "'''\n"
        "x = (10\n"
        "% 3)\n"
        'y = "a" \\\n'
        "    'b'\n"
        "s = 'it''s' # ?\n"
        "!echo \\\n"
        "   continued\n"
    )
    lines, done = neutralise_cell(source)
    assert lines[1:7] == source.splitlines()[1:7]
    assert lines[9] == "s = 'it''s' # ?"
    assert lines[10] == "pass  # grader: neutralised shell command"
    assert lines[11] == "#    continued"
    assert [d.line for d in done] == [1, 11, 12]
    compile("\n".join(lines), "cell", "exec")


def test_valid_python_cells_are_left_alone():
    source = "x = (1\n% 2)\nprint('%matplotlib')\n"
    assert neutralise_cell(source) == (source.splitlines(), [])


def test_note_quotes_are_sanitised_and_short(tmp_path: Path, stage):
    source = "!echo \x1b[31m" + "x" * 200 + "\n" + TWO_SUM
    (note,) = stage(write_notebook(tmp_path / "hw.ipynb", code(source))).notes
    assert "\x1b" not in note.message
    assert len(note.message) < 200


def test_syntax_error_points_at_cell_and_line(tmp_path: Path, reject):
    path = write_notebook(
        tmp_path / "hw.ipynb",
        md("intro"),
        code("%matplotlib inline\nimport math"),
        md("more"),
        code("def two_sum(nums, target):\n    return [0,\n"),
    )
    exc = reject(path)
    assert exc.flag.code == FlagCode.SYNTAX_ERROR
    assert exc.flag.message.startswith("hw.ipynb: cell 4, line 2: ")
    assert [n.code for n in exc.notes] == [FlagCode.NOTEBOOK_MAGIC]


def test_notebook_without_code_cells(tmp_path: Path, reject):
    exc = reject(write_notebook(tmp_path / "hw.ipynb", md("nothing here")))
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "no code cells" in exc.flag.message


def _one_cell_document(source: str | list[str], **cell: str) -> dict:
    """A notebook's JSON as written by hand, without nbformat's help: one code cell."""
    code_cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [{**code_cell, **cell, "source": source}],
    }


def test_cells_without_ids_are_read_without_warnings(tmp_path: Path, stage):
    doc = _one_cell_document(TWO_SUM.splitlines(keepends=True))
    path = tmp_path / "hw.ipynb"
    path.write_text(json.dumps(doc))
    assert stage(path).entry_module == "solution"


def test_old_format_notebook_is_converted(tmp_path: Path, stage):
    doc = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "code", "input": TWO_SUM, "outputs": [], "language": "python"}
                ]
            }
        ],
    }
    path = tmp_path / "hw.ipynb"
    path.write_text(json.dumps(doc))
    assert "def two_sum" in staged_source(stage(path))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not a readable Jupyter notebook"),
        (b"print('not json')", "not a readable Jupyter notebook"),
        (b"[1, 2, 3]", "not a readable Jupyter notebook"),
        (b'{"nbformat": 99, "cells": []}', "not a readable Jupyter notebook"),
        (b'{"nbformat": 4, "nbformat_minor": 2, "metadata": {}}', "not a readable"),
        (
            b'{"nbformat": 4, "nbformat_minor": 2, "metadata": {}, '
            b'"cells": [{"cell_type": "code", "source": 5, "metadata": {}}]}',
            "cell 1",
        ),
        (
            b'{"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": [7]}',
            "not a readable",
        ),
        (b'{"cells": "\xff\xfe"}', "not UTF-8"),
        (b"[" * 100_000, "not a readable Jupyter notebook"),
    ],
)
def test_bad_notebooks(tmp_path: Path, reject, content: bytes, reason: str):
    path = tmp_path / "hw.ipynb"
    path.write_bytes(content)
    exc = reject(path)
    assert exc.flag.code == FlagCode.BAD_NOTEBOOK
    assert exc.flag.message.startswith("hw.ipynb: ")
    assert reason in exc.flag.message
    assert all(ch.isprintable() for ch in exc.flag.message)


def test_notebook_over_20_mb(tmp_path: Path, reject):
    path = tmp_path / "hw.ipynb"
    path.write_bytes(b" " * (20 * 1024 * 1024 + 1))
    exc = reject(path)
    assert exc.flag.code == FlagCode.BAD_NOTEBOOK
    assert "20 MB" in exc.flag.message


@pytest.mark.parametrize("padding", [0, 200_000], ids=["small", "past-the-parse-budget"])
@pytest.mark.parametrize("container", ["ipynb", "zip"])
def test_a_cell_with_a_lone_surrogate_is_a_bad_notebook(
    tmp_path: Path, reject, padding: int, container: str
):
    """JSON may escape half a UTF-16 pair (\\ud800), which no UTF-8 file can hold."""
    source = TWO_SUM + "# " + "x" * padding + "\n" + 's = "\\ud800"\n'
    text = json.dumps(_one_cell_document(source, id="a")).replace("\\\\ud800", "\\ud800")
    path = tmp_path / "hw.ipynb"
    path.write_text(text, encoding="utf-8")
    if container == "zip":
        path = write_zip(tmp_path / "hw.zip", {"hw.ipynb": text.encode()})
    exc = reject(path)
    assert exc.flag.code == FlagCode.BAD_NOTEBOOK
    assert "cell 1 holds text that is not valid Unicode" in exc.flag.message


def test_magics_of_a_notebook_exported_as_a_script_are_listed():
    from grader.submission.magics import exported_magics
    from grader.submission.policy import ParseBudget

    source = "\n".join(
        [
            "get_ipython().run_line_magic('matplotlib', 'inline')",
            "get_ipython().run_line_magic('time', 'x = 1')",
            "get_ipython().run_cell_magic('time', '', 'y = 2\\n')",
            "get_ipython().run_cell_magic('capture', 'out', 'z = 3\\n')",
            "get_ipython().run_cell_magic('writefile', 'a.txt', 'text\\n')",
            "files = get_ipython().getoutput('ls')",
            "if True:",
            "    get_ipython().system(command)",
            "get_ipython().magic('load_ext autoreload')",
            "shell.system('not get_ipython')",
            "ip = get_ipython()",
            "ip.system('touch x')",
            "get_ipython().run_cell_magic(*['time', '', 'y = 2'])",
        ]
    ).encode()
    found = exported_magics(source, ParseBudget())
    assert found.calls_shell
    assert found.not_run == [
        (1, "%matplotlib inline"),
        (5, "%%writefile"),
        (6, "!ls"),
        (8, "!…"),
        (9, "%load_ext autoreload"),
        (12, "!touch x"),
    ]
    assert not exported_magics(b"def f(:\n    get_ipython()", ParseBudget()).calls_shell
    own = b"def get_ipython():\n    return shell\n\nget_ipython().system('ls')\n"
    # the candidate's own: it may run anything, and the module is a plain script
    assert exported_magics(own, ParseBudget()) == (False, [])
    assert not exported_magics(
        b"try:\n    get_ipython()\nexcept NameError:\n    pass\n", ParseBudget()
    ).calls_shell
