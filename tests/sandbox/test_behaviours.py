"""Real misbehaviour inside one submission fails only the test it happens in.

Each case runs for real in both sandboxes (no mocks): the worker is killed or
replaced and the next test still runs and scores.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import BEHAVIOURS, flag_codes, grade_file, outcomes
from tests.contract import assert_valid_report

MISBEHAVE = "the test a misbehaving submission targets"
AFTER = "runs after the misbehaviour"
FLAGGER = "a test can raise a flag whatever its outcome"

# case -> (outcome of the targeted test, words in its message, flag raised)
CASES = {
    "os_exit": ("crashed", "exited with code 3", "crashed"),
    "sys_exit": ("failed", "sys.exit()", None),
    "infinite_loop": ("timeout", "took longer", "timeout"),
    "ignores_signals": ("timeout", "took longer", "timeout"),
    "keyboard_interrupt": ("failed", "KeyboardInterrupt", None),
    "pytest_skip": ("failed", "pytest.skip()", None),
    "pytest_exit": ("failed", "pytest.exit()", None),
    "always_equal": ("failed", "misbehaved", None),
    "forged_report": ("failed", "misbehaved", None),
    "escaped_child": ("timeout", "took longer", "timeout"),
}


def check_isolated(report, case: str) -> None:
    assert_valid_report(report.to_dict())
    assert report.status == "graded"
    results = outcomes(report)
    others = {
        name: outcome for name, outcome in results.items() if name not in (MISBEHAVE, FLAGGER)
    }
    assert set(others.values()) == {"passed"}, others
    assert report.score <= report.max_score - 1
    expected_outcome, words, flag = CASES[case]
    target = next(t for t in report.tests if t.name == MISBEHAVE)
    assert target.outcome == expected_outcome, target
    assert words in target.message, target.message
    if flag:
        assert flag in flag_codes(report)


def test_correct_submission_scores_full_marks(any_sandbox, mini_exercise):
    report = grade_file(BEHAVIOURS / "correct.py", mini_exercise, any_sandbox)
    assert_valid_report(report.to_dict())
    assert report.percent == 100.0, report.tests
    assert not {"crashed", "timeout", "tampering"} & flag_codes(report)


@pytest.mark.parametrize("case", sorted(CASES))
def test_misbehaviour_fails_only_its_test(any_sandbox, mini_exercise, case):
    report = grade_file(BEHAVIOURS / f"{case}.py", mini_exercise, any_sandbox)
    check_isolated(report, case)


def test_memory_bomb_is_reported_as_memory_limit(any_sandbox, mini_exercise):
    report = grade_file(BEHAVIOURS / "memory_bomb.py", mini_exercise, any_sandbox)
    results = outcomes(report)
    assert results["the test a memory bomb targets"] in {"crashed", "failed"}
    assert results[AFTER] == "passed" and results[MISBEHAVE] == "passed"
    assert "memory-limit" in flag_codes(report)


def test_fork_bomb_is_contained(docker_sandbox, mini_exercise):
    report = grade_file(BEHAVIOURS / "fork_bomb.py", mini_exercise, docker_sandbox)
    results = outcomes(report)
    assert results[MISBEHAVE] in {"timeout", "crashed", "failed"}
    assert results[AFTER] == "passed"


def test_output_flood_is_capped_and_flagged(any_sandbox, mini_exercise):
    report = grade_file(BEHAVIOURS / "floods_output.py", mini_exercise, any_sandbox)
    assert report.percent == 100.0
    assert "output-limit" in flag_codes(report)


def test_module_failing_at_import_fails_every_test(any_sandbox, mini_exercise):
    report = grade_file(BEHAVIOURS / "import_crash_first.py", mini_exercise, any_sandbox)
    assert report.status == "graded" and report.score == 0
    assert {t.outcome for t in report.tests} == {"failed"}
    assert all("RuntimeError: broken at import" in t.message for t in report.tests)
    assert "import-error" in flag_codes(report)


def test_module_failing_late_in_its_import_is_graded_on_what_it_defined(any_sandbox, mini_exercise):
    """Demo code at the bottom of a file that raises (or calls sys.exit) costs no marks of
    the functions defined above it; what came after the error is missing, and said why."""
    report = grade_file(BEHAVIOURS / "import_crash.py", mini_exercise, any_sandbox)
    results = outcomes(report)
    assert results["adds two numbers"] == "passed"
    assert results["objects stay in the worker"] == "passed"
    (missing,) = [t for t in report.tests if t.outcome != "passed"]
    assert missing.message == (
        "your module does not define 'hog' "
        "(while loading, your code raised RuntimeError at import_crash.py, line 25)"
    )
    (flag,) = [f for f in report.flags if f.code == "import-error"]
    assert "RuntimeError: broken at import (import_crash.py, line 25)" in flag.message
    assert "the tests used what your code defined" in flag.message


def _notebook(path: Path, *sources: str) -> Path:
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Homework")]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    return path


def test_a_notebook_cell_that_raises_does_not_stop_the_next(any_sandbox, mini_exercise, tmp_path):
    """As a notebook run with its errors allowed: a plotting import the sandbox lacks, or an
    unfinished last cell, costs nothing; errors in the code name the cell and its line."""
    solution = (BEHAVIOURS / "correct.py").read_text(encoding="utf-8")
    notebook = _notebook(
        tmp_path / "homework.ipynb",
        "import numpy as np\nimport a_plotting_library_not_installed as plt",
        solution.replace("def misbehave():", "def misbehave():\n    return undefined_name"),
        "plt.show()\nraise ValueError('unfinished')",
    )
    report = grade_file(notebook, mini_exercise, any_sandbox)
    results = outcomes(report)
    assert results["adds two numbers"] == "passed" and results["doubles an array"] == "passed"
    failures = {t.message for t in report.tests if t.outcome != "passed"}
    assert failures == {"your code raised NameError (cell 3, line 22)"}  # misbehave() only
    (flag,) = [f for f in report.flags if f.code == "import-error"]
    assert "ModuleNotFoundError" in flag.message and "(cell 2, line 2)" in flag.message
    assert "(and 1 more error(s))" in flag.message


def test_each_notebook_cell_is_compiled_on_its_own(any_sandbox, mini_exercise, tmp_path):
    """As Jupyter compiles them: a __future__ import heads its own cell, in any cell."""
    solution = (BEHAVIOURS / "correct.py").read_text(encoding="utf-8")
    notebook = _notebook(
        tmp_path / "homework.ipynb",
        "from __future__ import annotations\nimport numpy as np",
        "from __future__ import annotations\n" + solution,
    )
    report = grade_file(notebook, mini_exercise, any_sandbox)
    assert report.percent == 100.0, [t.message for t in report.tests if t.outcome != "passed"]
    assert "import-error" not in flag_codes(report)


def test_a_notebook_exported_as_a_script_runs_as_jupyter_runs_it(
    any_sandbox, mini_exercise, tmp_path
):
    """Jupyter's "Download as Python" writes each magic as a call of get_ipython(): the
    timed Python runs in the module, nothing else does, and IPython.display imports."""
    solution = (BEHAVIOURS / "correct.py").read_text(encoding="utf-8")
    exported = "\n".join(
        [
            "get_ipython().run_line_magic('matplotlib', 'inline')",
            "get_ipython().system('pip install numpy')",
            "files = get_ipython().getoutput('ls')",
            "get_ipython().run_line_magic('time', 'offset = len(files)')",
            "scale = get_ipython().run_line_magic('time', 'abs(-1)')",
            "get_ipython().run_cell_magic('time', '', 'def plus(a, b):\\n    return a + b\\n')",
            "get_ipython().run_cell_magic('bash', '', 'exit 1\\n')",
            "get_ipython().magic('load_ext autoreload')",
            "from IPython import get_ipython",
            "from IPython.core.interactiveshell import InteractiveShell",
            "from IPython.display import HTML, clear_output, display",
            "InteractiveShell.ast_node_interactivity = 'all'",
            "display(HTML('<b>homework</b>'))",
            "clear_output()",
            "del display",
            "display('a builtin, as under IPython', display_id=True).update('still one')",
            solution.replace("return a + b", "return plus(a, b) * scale + offset"),
        ]
    )
    path = tmp_path / "homework.py"
    path.write_text(exported, encoding="utf-8")
    report = grade_file(path, mini_exercise, any_sandbox)
    assert report.percent == 100.0, [t.message for t in report.tests if t.outcome != "passed"]
    assert "import-error" not in flag_codes(report)
    (note,) = [f for f in report.flags if f.code == "notebook-magic"]
    assert note.message.startswith("5 IPython magic/shell lines in homework.py not run")
    assert "`%matplotlib inline` (line 1), `!pip install numpy` (line 2)" in note.message


def test_exported_time_and_capture_cells_define_what_they_hold(
    any_sandbox, mini_exercise, tmp_path
):
    """The entry point inside an exported %%time cell is found, the cell's own magics are
    left out (a Colab-style `%%capture` + `!pip install`), and a helper module exported
    from a notebook finds get_ipython() too."""
    solution = (BEHAVIOURS / "correct.py").read_text(encoding="utf-8")
    folder = tmp_path / "homework"
    folder.mkdir()
    (folder / "helpers.py").write_text(
        "get_ipython().run_line_magic('load_ext', 'autoreload')\nSCALE = 1\n", encoding="utf-8"
    )
    exported = "\n".join(
        [
            "get_ipython().run_cell_magic('capture', '', '!pip install -q numpy\\n%time x = 1\\n')",
            "from helpers import SCALE",
            f"get_ipython().run_cell_magic('time', '', {solution!r})",
        ]
    )
    (folder / "solution.py").write_text(exported, encoding="utf-8")
    report = grade_file(folder, mini_exercise, any_sandbox)
    assert report.percent == 100.0, [t.message for t in report.tests if t.outcome != "passed"]
    assert "import-error" not in flag_codes(report)
    notes = {
        f.message.split(" not run")[0]: f.message
        for f in report.flags
        if f.code == "notebook-magic"
    }
    assert "`!pip install -q numpy` (line 1)" in notes["1 IPython magic/shell line in solution.py"]
    assert "`%load_ext autoreload` (line 1)" in notes["1 IPython magic/shell line in helpers.py"]


def test_a_notebook_with_a_cell_that_does_not_compile_is_graded(
    any_sandbox, mini_exercise, tmp_path
):
    solution = (BEHAVIOURS / "correct.py").read_text(encoding="utf-8")
    notebook = _notebook(tmp_path / "homework.ipynb", solution, "x = (1,")
    report = grade_file(notebook, mini_exercise, any_sandbox)
    assert report.status == "graded" and report.percent == 100.0
    (flag,) = [f for f in report.flags if f.code == "import-error"]
    assert "SyntaxError: '(' was never closed (cell 3, line 1)" in flag.message
    assert "solution.py" not in flag.message


def test_a_future_import_holds_for_the_cells_after_it(any_sandbox, mini_exercise, tmp_path):
    """As in Jupyter: annotations left unevaluated from the cell that asked for it on."""
    solution = (BEHAVIOURS / "correct.py").read_text(encoding="utf-8")
    notebook = _notebook(
        tmp_path / "homework.ipynb",
        "from __future__ import annotations",
        solution.replace("def add(a, b):", "def add(a: NotDefinedAnywhere, b):"),
    )
    report = grade_file(notebook, mini_exercise, any_sandbox)
    assert report.percent == 100.0, [t.message for t in report.tests if t.outcome != "passed"]
    assert "import-error" not in flag_codes(report)


def test_a_plain_script_sees_plain_python(any_sandbox, mini_exercise, tmp_path):
    """Only notebooks and their exports get IPython's builtins: a script asking whether it
    runs in a notebook is told it does not, as under python."""
    solution = (BEHAVIOURS / "correct.py").read_text(encoding="utf-8")
    checks = "\n".join(
        [
            "import builtins",
            "try:",
            "    get_ipython()",
            "    IN_NOTEBOOK = True",
            "except NameError:",
            "    IN_NOTEBOOK = False",
            "assert not hasattr(builtins, 'display')",
        ]
    )
    path = tmp_path / "script.py"
    path.write_text(
        checks + "\n" + solution.replace("return a + b", "return a + b + IN_NOTEBOOK"),
        encoding="utf-8",
    )
    report = grade_file(path, mini_exercise, any_sandbox)
    assert report.percent == 100.0, [t.message for t in report.tests if t.outcome != "passed"]
    assert "import-error" not in flag_codes(report)


def test_a_python_file_runs_whole_whatever_it_looks_like(any_sandbox, mini_exercise, tmp_path):
    """Only a submitted notebook runs cell by cell: a .py file written to look like the
    module made of one runs whole, so an error before its definitions stops them."""
    from grader.harness.cells import HEADER, marker

    solution = (BEHAVIOURS / "correct.py").read_text(encoding="utf-8")
    source = "\n".join([HEADER, marker(1), "raise ValueError('boom')", marker(2), solution])
    path = tmp_path / "fake_notebook.py"
    path.write_text(source, encoding="utf-8")
    report = grade_file(path, mini_exercise, any_sandbox)
    assert report.score == 0 and {t.outcome for t in report.tests} == {"failed"}
    assert all("ValueError" in t.message for t in report.tests)


def _orphaned_workers() -> list[str]:
    """Worker processes whose grading is over: their scratch folder is already removed."""
    orphans = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                argv = handle.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "grader.harness.worker" in argv and "--submission" in argv:
            workdir = argv[argv.index("--submission") + 1]
            if not os.path.exists(workdir):
                orphans.append(f"{entry}: {' '.join(argv)[:300]}")
    return orphans


def test_local_sandbox_leaves_no_candidate_process(local_sandbox, mini_exercise):
    grade_file(BEHAVIOURS / "escaped_child.py", mini_exercise, local_sandbox)
    # another grading running at the same time may be a moment away from killing its worker;
    # an escaped process sleeps for minutes, so it is still there after this
    deadline = time.monotonic() + 15
    while _orphaned_workers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _orphaned_workers() == []


def test_local_harness_started_ahead_grades_the_next_submission(mini_exercise):
    from grader.sandbox.local import LocalSandbox

    sandbox = LocalSandbox()
    try:
        sandbox.prestart()
        first = grade_file(BEHAVIOURS / "correct.py", mini_exercise, sandbox)
        second = grade_file(BEHAVIOURS / "correct.py", mini_exercise, sandbox)  # none ahead
    finally:
        sandbox.close()
    for report in (first, second):
        assert report.status == "graded" and report.percent == 100.0, report.flags


def test_a_harness_that_cannot_start_ahead_is_started_by_the_grading(monkeypatch, mini_exercise):
    import subprocess

    from grader.sandbox.local import LocalSandbox

    def no_process(*args, **kwargs):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    folders = set(Path(tempfile.gettempdir()).glob("grader-*"))
    sandbox = LocalSandbox()
    monkeypatch.setattr(subprocess, "Popen", no_process)
    sandbox.prestart()  # a head start only: nothing is raised, nothing is left behind
    monkeypatch.undo()
    assert set(Path(tempfile.gettempdir()).glob("grader-*")) == folders
    try:
        report = grade_file(BEHAVIOURS / "correct.py", mini_exercise, sandbox)
    finally:
        sandbox.close()
    assert report.status == "graded" and report.percent == 100.0, report.flags


def test_an_unused_local_harness_is_stopped_and_its_folder_removed():
    from grader.sandbox.local import LocalSandbox

    sandbox = LocalSandbox()
    sandbox.prestart()
    spare = sandbox._spare
    assert spare is not None and spare.process.poll() is None
    sandbox.close()
    assert spare.process.poll() is not None
    assert not spare.root.exists()


def test_local_reports_say_unconfined(local_sandbox, mini_exercise):
    report = grade_file(BEHAVIOURS / "correct.py", mini_exercise, local_sandbox)
    data = report.to_dict()
    assert data["environment"]["sandbox"] == "local"
    assert data["environment"]["confined"] is False
    assert "unconfined" in flag_codes(report)


def test_hidden_tests_can_raise_flags(local_sandbox, mini_exercise):
    honest = grade_file(BEHAVIOURS / "correct.py", mini_exercise, local_sandbox)
    assert "tampering" not in flag_codes(honest)
    forged = grade_file(BEHAVIOURS / "forged_report.py", mini_exercise, local_sandbox)
    flag = next(f for f in forged.flags if f.code == "tampering")
    assert flag.message == "misbehave() did not say fine"


def test_a_grading_past_its_wall_clock_limit_is_stopped(any_sandbox, mini_exercise, monkeypatch):
    """The outer kill, for a harness that would run on: here it is still waiting out a loop
    that the per-test limit (3 s) has not yet stopped when the grading's time is up."""
    import grader.sandbox.docker
    import grader.sandbox.local

    for module in (grader.sandbox.docker, grader.sandbox.local):
        monkeypatch.setattr(module, "wall_clock_limit_s", lambda exercise: 1.5)
    started = time.monotonic()
    report = grade_file(BEHAVIOURS / "infinite_loop.py", mini_exercise, any_sandbox)
    assert_valid_report(report.to_dict())
    assert report.status == "error"
    timeouts = [f for f in report.flags if f.code == "timeout"]
    assert len(timeouts) == 1 and "wall-clock limit" in timeouts[0].message, report.flags
    assert time.monotonic() - started < 30  # the harness's container or process was stopped


def test_a_local_run_folder_goes_even_where_the_code_took_the_permissions_away(
    tmp_path, monkeypatch, mini_exercise
):
    from grader.sandbox.local import LocalSandbox

    submission = tmp_path / "locked.py"
    submission.write_text(
        (BEHAVIOURS / "correct.py").read_text()
        + "\nimport os\n"
        + "os.makedirs('locked/inner', exist_ok=True)\n"
        + "open('locked/inner/data', 'w').close()\n"
        + "os.chmod('locked/inner', 0)\n"
        + "os.chmod('locked', 0o500)\n"
    )
    runs = tmp_path / "runs"
    runs.mkdir()
    monkeypatch.setenv("TMPDIR", str(runs))
    sandbox = LocalSandbox()
    try:
        report = grade_file(submission, mini_exercise, sandbox)
    finally:
        sandbox.close()
    assert report.status == "graded" and report.percent == 100.0, report.flags
    assert list(runs.iterdir()) == []


def test_removing_a_run_folder_never_follows_its_links(tmp_path):
    from grader.sandbox.harness_process import remove_folder

    outside = tmp_path / "outside"
    (outside / "keep").mkdir(parents=True)
    (outside / "keep" / "file").write_text("kept")
    outside.chmod(0o500)
    run = tmp_path / "run"
    (run / "locked").mkdir(parents=True)
    (run / "locked" / "link").symlink_to(outside)
    (run / "to-file").symlink_to(outside / "keep" / "file")
    (run / "locked").chmod(0)
    try:
        remove_folder(str(run))
        assert not run.exists()
        assert (outside / "keep" / "file").read_text() == "kept"
        assert outside.stat().st_mode & 0o777 == 0o500
    finally:
        outside.chmod(0o700)


def test_a_local_grading_works_under_a_long_temporary_folder(tmp_path, monkeypatch, mini_exercise):
    from grader.sandbox.local import LocalSandbox

    runs = tmp_path / ("long-folder-name-" * 8)
    runs.mkdir()
    monkeypatch.setenv("TMPDIR", str(runs))
    sandbox = LocalSandbox()
    try:
        report = grade_file(BEHAVIOURS / "correct.py", mini_exercise, sandbox)
    finally:
        sandbox.close()
    assert report.status == "graded" and report.percent == 100.0, report.flags


@pytest.mark.skipif(os.geteuid() == 0, reason="root removes everything")
def test_removing_a_run_folder_gives_back_the_permissions_taken_away(tmp_path):
    from grader.sandbox.harness_process import remove_folder

    run = tmp_path / "run"
    (run / "work" / "locked" / "inner").mkdir(parents=True)
    (run / "work" / "locked" / "inner" / "data").write_text("x")
    (run / "work" / "read-only").mkdir()
    (run / "work" / "read-only" / "data").write_text("x")
    (run / "work" / "locked" / "inner").chmod(0)
    (run / "work" / "locked").chmod(0)
    (run / "work" / "read-only").chmod(0o500)
    remove_folder(str(run))
    assert not run.exists()
