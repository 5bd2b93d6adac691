"""Run these public tests against your own solution: `pytest` next to your solution.py.

This file stands in for the grader: it registers the grader's markers and gives each
test a `submission` fixture, your solution module.

Your solution is looked for as `solution.py` in the current folder, then next to this
`tests/` folder; set GRADER_SOLUTION=path/to/file.py to test another file.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ENTRY_POINT = "KNearestNeighbors"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): points the test is worth (default 1)")
    config.addinivalue_line("markers", "reveal: the grader may show this test's inputs")
    config.addinivalue_line("markers", "time_limit(seconds): the grader's time limit per test")


def _solution_path() -> Path:
    chosen = os.environ.get("GRADER_SOLUTION")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            pytest.fail(f"GRADER_SOLUTION={chosen}: no such file", pytrace=False)
        return path
    here = Path(__file__).resolve().parent
    places = list(dict.fromkeys([Path.cwd(), here.parent]))
    for folder in places:
        if (folder / "solution.py").is_file():
            return folder / "solution.py"
    looked = " and ".join(str(folder) for folder in places)
    pytest.fail(
        f"no solution.py in {looked}: save your code (e.g. a copy of starter.py) "
        "as solution.py, or set GRADER_SOLUTION=path/to/file.py",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def submission() -> ModuleType:
    """Your solution module."""
    path = _solution_path().resolve()
    sys.path.insert(0, str(path.parent))  # sibling modules stay importable
    spec = importlib.util.spec_from_file_location("solution", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = module
    spec.loader.exec_module(module)
    if not hasattr(module, ENTRY_POINT):
        pytest.fail(f"{path} does not define class {ENTRY_POINT}", pytrace=False)
    return module
