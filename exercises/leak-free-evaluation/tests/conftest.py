"""Run these public tests against your own solution: `pytest` next to your solution.py.

This file stands in for the grader: it registers the grader's markers, gives each test a
`submission` fixture (your solution module) and makes a small churn table of the same
shape as the grader's (`churn_frame`), from its own simple generator.

Your solution is looked for as `solution.py` in the current folder, then next to this
`tests/` folder; set GRADER_SOLUTION=path/to/file.py to test another file.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

MONTHS = 4  # rows per customer
ENTRY_POINT = "evaluate"


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
        pytest.fail(f"{path} does not define {ENTRY_POINT}()", pytrace=False)
    return module


def make_churn(seed: int, customers: int, months: int) -> pd.DataFrame:
    """A small churn table: `months` rows per customer, missing values, a churn_reason."""
    rng = np.random.default_rng(seed)
    cities = np.array(["Riverton", "Lakeside", "Hillcrest", "Fairview"], dtype=object)
    plans = np.array(["basic", "standard", "premium"], dtype=object)
    age = rng.integers(18, 81, customers).astype(float)
    income = rng.normal(45_000, 12_000, customers).round(2)
    tenure = rng.integers(1, 60, customers).astype(float)
    city = rng.integers(0, len(cities), customers)
    plan = rng.integers(0, len(plans), customers)
    logit = 1.2 * (plan == 0) - 1.2 * (plan == 2) - 0.04 * (tenure - 24) + 0.5 * (city == 2)
    churned = (rng.random(customers) < 1 / (1 + np.exp(-logit))).astype(int)
    who = np.repeat(np.arange(customers), months)
    rows = len(who)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in who],
            "age": age[who],
            "income": (income[who] * rng.normal(1.0, 0.01, rows)).round(2),
            "tenure": tenure[who] + np.tile(np.arange(months), customers),
            "city": cities[city][who],
            "subscription_type": plans[plan][who],
            "churn_reason": np.where(churned[who] == 1, "too expensive", None),
            "churned": churned[who],
        }
    )
    frame.loc[rng.random(rows) < 0.05, "age"] = np.nan
    frame.loc[rng.random(rows) < 0.05, "tenure"] = np.nan
    frame.loc[rng.random(rows) < 0.05, "city"] = None
    frame.loc[rng.random(rows) < 0.05, "subscription_type"] = np.nan
    return frame


@pytest.fixture
def churn_frame() -> pd.DataFrame:
    return make_churn(seed=7, customers=300, months=MONTHS)
