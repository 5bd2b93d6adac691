"""The churn data of the ML exercises: one seeded generator for every hidden suite.

Each customer gets fixed traits (age, city, subscription type, a base income, a start
tenure) and one outcome, `churned`, driven by those traits plus a customer-specific
effect the features do not show. A customer appears as one row per monthly snapshot:
tenure grows by a month each time and income drifts a little, so rows of one customer are
near copies with the same label. That is what makes a random row split leak: a model that
memorises a customer from its training rows recognises the same customer among the
evaluation rows.

`churn_reason` is filled only for customers who churned, so it gives the answer away; it
stands for information recorded after the outcome and must never reach a model.

Values are plain and seeded: numeric `age` (whole years), `income` (two decimals, never
missing, unique per row so that every row can be told apart by its values), `tenure`
(months); `age` and `tenure` have NaN; `city` and `subscription_type` are strings with
missing values (NaN). `holdout_oddities` makes rows a model never saw in training: unseen
categories, and missing values written as None and as NaN.

Runs in the harness only (never in the worker): send data to the candidate as arguments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

NUMERIC = ["age", "income", "tenure"]
CATEGORICAL = ["city", "subscription_type"]
FEATURES = NUMERIC + CATEGORICAL
TARGET = "churned"
GROUP = "customer_id"
POST_OUTCOME = "churn_reason"
COLUMNS = [GROUP, *FEATURES, POST_OUTCOME, TARGET]

# (city, share of customers, effect on the log-odds of churning)
CITIES = [
    ("Riverton", 0.26, -0.5),
    ("Lakeside", 0.22, 0.0),
    ("Hillcrest", 0.18, 0.9),
    ("Fairview", 0.14, -0.9),
    ("Brookside", 0.12, 0.5),
    ("Stonebridge", 0.08, 1.4),
]
# (subscription type, share, effect on the log-odds)
SUBSCRIPTIONS = [("basic", 0.45, 1.5), ("standard", 0.35, 0.0), ("premium", 0.20, -1.6)]
REASONS = ["too expensive", "moved away", "switched to a competitor", "poor service"]
UNSEEN_CITIES = ["Atlantis", "Emerald Bay"]
UNSEEN_SUBSCRIPTIONS = ["enterprise", "family"]

MISSING_AGE = 0.05
MISSING_TENURE = 0.06
MISSING_CATEGORY = 0.05
# how strongly customers differ beyond their features: the part no model can learn
CUSTOMER_EFFECT_SD = 0.3


def make_churn(
    seed: int,
    n_customers: int,
    *,
    snapshots: tuple[int, int] = (3, 6),
    missing: bool = True,
) -> pd.DataFrame:
    """A churn frame with `COLUMNS`: between `snapshots` rows per customer (inclusive).

    The same seed gives the same frame. Rows of one customer are consecutive months; the
    frame's index is a plain RangeIndex.
    """
    if n_customers < 1 or snapshots[0] < 1 or snapshots[1] < snapshots[0]:
        raise ValueError(
            f"need n_customers >= 1 and 1 <= snapshots[0] <= snapshots[1], not "
            f"{n_customers}, {snapshots}"
        )
    rng = np.random.default_rng(seed)
    n = n_customers
    age = rng.integers(18, 81, n).astype(float)
    city_index = rng.choice(len(CITIES), n, p=[c[1] for c in CITIES])
    sub_index = rng.choice(len(SUBSCRIPTIONS), n, p=[s[1] for s in SUBSCRIPTIONS])
    income = np.round(np.exp(rng.normal(10.7, 0.35, n)) * (0.8 + 0.01 * np.minimum(age, 60)), 2)
    tenure0 = np.minimum(rng.exponential(20.0, n).astype(int) + 1, 120).astype(float)

    logit = (
        -0.9
        + np.array([c[2] for c in CITIES])[city_index]
        + np.array([s[2] for s in SUBSCRIPTIONS])[sub_index]
        - 1.6 * (np.log1p(tenure0) - math.log1p(20.0))
        - 1.2 * (income - 45_000.0) / 20_000.0
        + 0.025 * (age - 45.0)
        + rng.normal(0.0, CUSTOMER_EFFECT_SD, n)
    )
    churned = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    reasons = np.array(REASONS, dtype=object)[rng.integers(0, len(REASONS), n)]

    counts = rng.integers(snapshots[0], snapshots[1] + 1, n)
    owner = np.repeat(np.arange(n), counts)
    month = np.concatenate([np.arange(c) for c in counts])
    rows = len(owner)
    frame = pd.DataFrame(
        {
            GROUP: np.array([f"C{seed % 1000:03d}-{i:05d}" for i in range(n)])[owner],
            "age": age[owner],
            # a small monthly drift; cents make every row's income its own
            "income": np.round(income[owner] * (1.0 + rng.normal(0.0, 0.01, rows)), 2),
            "tenure": tenure0[owner] + month,
            "city": np.array([c[0] for c in CITIES], dtype=object)[city_index][owner],
            "subscription_type": np.array([s[0] for s in SUBSCRIPTIONS], dtype=object)[sub_index][
                owner
            ],
            POST_OUTCOME: np.where(churned, reasons, None)[owner],
            TARGET: churned[owner].astype(int),
        }
    )
    _make_incomes_unique(frame, rng)
    if missing:
        frame.loc[rng.random(rows) < MISSING_AGE, "age"] = np.nan
        frame.loc[rng.random(rows) < MISSING_TENURE, "tenure"] = np.nan
        for column in CATEGORICAL:
            frame.loc[rng.random(rows) < MISSING_CATEGORY, column] = None
    for column in [GROUP, *CATEGORICAL, POST_OUTCOME]:
        frame[column] = frame[column].astype("str")
    return frame


def _make_incomes_unique(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    income = frame["income"].to_numpy(copy=True)
    while True:
        duplicated = pd.Series(income).duplicated().to_numpy()
        if not duplicated.any():
            break
        income[duplicated] += rng.integers(1, 100, int(duplicated.sum())) / 100.0
        income = np.round(income, 2)
    frame["income"] = income


def features_and_target(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The five feature columns (a copy) and the target."""
    return frame[FEATURES].copy(), frame[TARGET].copy()


def unseen_category_rows(seed: int, n: int = 40) -> pd.DataFrame:
    """Complete feature rows, each with a city or a subscription type no training row has."""
    frame = make_churn(seed, n, snapshots=(1, 1), missing=False)[FEATURES].reset_index(drop=True)
    for i in range(n):
        if i % 3 != 1:
            frame.at[i, "city"] = UNSEEN_CITIES[i % len(UNSEEN_CITIES)]
        if i % 3 != 0:
            frame.at[i, "subscription_type"] = UNSEEN_SUBSCRIPTIONS[i % len(UNSEEN_SUBSCRIPTIONS)]
    return frame


def missing_value_rows(seed: int, n: int = 40) -> pd.DataFrame:
    """Feature rows with missing values: numbers as NaN, categories as None and as NaN.

    The categorical columns are of object dtype so that None survives here; `missing_cells`
    lists where the None values are (they arrive in the worker as NaN, so a probe puts
    them back).
    """
    frame = make_churn(seed, n, snapshots=(1, 1), missing=False)[FEATURES].reset_index(drop=True)
    frame = frame.astype({c: object for c in CATEGORICAL})
    for i in range(n):
        column = CATEGORICAL[i % 2]
        frame.at[i, column] = None if i % 4 < 2 else np.nan
        if i % 3 == 0:
            frame.at[i, CATEGORICAL[(i + 1) % 2]] = None if i % 2 else np.nan
        if i % 5 < 3:
            frame.at[i, NUMERIC[i % 3]] = np.nan
    return frame


def missing_cells(frame: pd.DataFrame) -> list[list[object]]:
    """[row position, column] of every None in the frame's object columns."""
    cells: list[list[object]] = []
    for column in frame.columns:
        if frame[column].dtype == object:
            for position, value in enumerate(frame[column].tolist()):
                if value is None:
                    cells.append([position, column])
    return cells
