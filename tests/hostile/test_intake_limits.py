"""Intake runs on the host, in the grader's own process: its cost must not grow with what a
candidate can pack into a submission.

Python's parser takes about a kilobyte of memory per byte of source, so sources past the
parse budget are scanned for their top-level definitions instead; notebooks are read with a
bound on their JSON values, cells and lines. No Docker here: these are the host's limits.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader.submission.entry import defines_entry
from grader.submission.scan import scan_bindings
from tests.conftest import ROOT
from tests.hostile.invariants import PEAK_RSS_MB

ENTRY_FORMS = [
    "def two_sum(nums, target):\n    pass\n",
    "async def two_sum(nums, target):\n    pass\n",
    "class two_sum:\n    pass\n",
    "two_sum = lambda nums, target: [0, 1]\n",
    "from typing import Callable\ntwo_sum: Callable = lambda n, t: [0, 1]\n",
    "helper, two_sum = print, print\n",
    "[first, *two_sum] = [1, 2, 3]\n",
    "a = two_sum = 1\n",
    "x = f(a=1)\ntwo_sum = 3\n",
    "@decorator\ndef two_sum(n, t):\n    pass\n",
    "class Solution:\n    def twoSum(self, nums, target):\n        pass\n",
    "class Solution:\n    async def twoSum(self, nums, target):\n        pass\n",
    "class Solution:\n    '''doc'''\n\n    # note\n    def twoSum(self):\n        pass\n",
    "def _impl(self, n, t):\n    pass\nclass Solution:\n    twoSum = _impl\n",
    "two_sum: int\n",
    "def twoSum(nums, target):\n    pass\n",
    "class Solution:\n    def two_sum(self):\n        pass\n",
    "class Answer:\n    def twoSum(self):\n        pass\n",
    "class Solution:\n    def helper(self):\n        def twoSum():\n            pass\n",
    "if True:\n    def two_sum(n, t):\n        pass\n",
    "from helpers import two_sum\n",
    "def outer():\n    def two_sum():\n        pass\n",
    "# def two_sum(nums, target):\n'''def two_sum'''\n",
    "x = '''\ndef two_sum(): pass\n'''\n",
    "x = (\n1,\ntwo_sum)\n",
    "x == two_sum\n",
    "f(two_sum=1)\n",
    "s = 'a\\\ndef two_sum(): pass'\n",
    "d = {\n    'two_sum': 1,\n}\n",
    'msg = f"{x!r} two_sum = {y}"\n',
    "x = 1; two_sum = 2\n",
]


@pytest.mark.parametrize("source", ENTRY_FORMS)
def test_scan_finds_the_entry_point_as_the_parser_does(source: str):
    parsed = defines_entry(ast.parse(source), "two_sum", "twoSum")
    scanned = defines_entry(scan_bindings(source), "two_sum", "twoSum")
    assert scanned == parsed


def _top_level_names(module: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


REAL_SOURCES = sorted(
    path
    for folder in ("examples", "reference", "exercises")
    for path in (ROOT / folder).rglob("*.py")
)


@pytest.mark.parametrize("path", REAL_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_scan_agrees_with_the_parser_on_real_code(path: Path):
    source = path.read_text(encoding="utf-8")
    expected = _top_level_names(ast.parse(source))
    assert expected <= scan_bindings(source).names


_STAGE = """
import json, sys, time
from pathlib import Path
from grader.models import Exercise, Limits
from grader.submission import SubmissionRejected, stage_submission

here = Path("/nonexistent")
exercise = Exercise("two-sum", "Two Sum", "python", "two_sum", "twoSum", Limits(), "0" * 64,
                    here, here, here)
started = time.monotonic()
try:
    staged = stage_submission(Path(sys.argv[1]), exercise, Path(sys.argv[2]))
    outcome = "staged:" + str(staged.entry_module)
except SubmissionRejected as exc:
    outcome = "rejected:" + exc.flag.code
seconds = time.monotonic() - started
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak / 1024}))
"""

TWO_SUM = "def two_sum(nums, target):\n    return [0, 1]\n"


def _notebook(cells: list[dict]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _cell(source: str | list[str], **extra: object) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": [], **extra}


def _statements(tmp: Path) -> Path:
    path = tmp / "solution.py"
    path.write_text(TWO_SUM + "a\n" * 4_500_000)
    return path


def _nested_calls(tmp: Path) -> Path:
    path = tmp / "solution.py"
    path.write_text("x = [" + "f()," * 2_000_000 + "]\n" + TWO_SUM)
    return path


def _quotes(tmp: Path) -> Path:
    path = tmp / "solution.py"
    path.write_text("x = [" + "'',\"\"," * 1_500_000 + "]\n" + TWO_SUM)
    return path


def _just_under_the_parse_limit(tmp: Path) -> Path:
    folder = tmp / "sub"
    folder.mkdir()
    for number in range(70):
        (folder / f"helper_{number}.py").write_text("a\n" * 60_000)
    (folder / "solution.py").write_text(TWO_SUM)
    return folder


def _tiny_json_values(tmp: Path) -> Path:
    path = tmp / "hw.ipynb"
    path.write_text(_notebook([_cell(TWO_SUM, extra=[[]] * 4_000_000)]))
    return path


def _huge_cell(tmp: Path) -> Path:
    path = tmp / "hw.ipynb"
    path.write_text(_notebook([_cell(TWO_SUM + "a\n" * 4_000_000)]))
    return path


def _many_cells(tmp: Path) -> Path:
    path = tmp / "hw.ipynb"
    path.write_text(_notebook([_cell(TWO_SUM)] + [_cell("a")] * 9_000))
    return path


def _line_lists(tmp: Path) -> Path:
    path = tmp / "hw.ipynb"
    path.write_text(_notebook([_cell([TWO_SUM] + ["ab\n"] * 1_500_000)]))
    return path


PATHOLOGICAL = {
    "9 MB of statements": (_statements, "staged:solution"),
    "8 MB list of calls": (_nested_calls, "staged:solution"),
    "9 MB list of strings": (_quotes, "staged:solution"),
    "70 modules just under the parse limit": (_just_under_the_parse_limit, "staged:solution"),
    "notebook of 4 million JSON values": (_tiny_json_values, "rejected:bad-notebook"),
    "notebook with a 8 MB cell": (_huge_cell, "rejected:bad-notebook"),
    "notebook of 9,000 cells": (_many_cells, "staged:solution"),
    "notebook cell of 1.5 million lines": (_line_lists, "rejected:bad-notebook"),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_intake_cost_is_bounded(tmp_path: Path, name: str):
    build, expected = PATHOLOGICAL[name]
    submission = build(tmp_path)
    dest = tmp_path / "dest"
    dest.mkdir()
    process = subprocess.run(
        [sys.executable, "-c", _STAGE, str(submission), str(dest)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert process.returncode == 0, process.stderr[-2000:]
    result = json.loads(process.stdout)
    assert result["outcome"] == expected
    assert result["peak_mb"] < PEAK_RSS_MB / 2, result
    assert result["seconds"] < 30, result
