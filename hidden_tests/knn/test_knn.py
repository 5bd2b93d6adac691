"""Hidden tests for knn (10 points).

The oracle is a brute force written here, in the harness: exact float64 distances from
each query to every training point, then the vote. It does not pretend to know what a
correct solution must do where the statement leaves a choice: when several training
points lie at the same distance across the k-th place, every choice of them is tried and
each resulting winner is accepted. "The same distance" allows a relative tolerance far
above floating-point noise, so distances computed as |q|^2 + |t|^2 - 2 q.t, or summed
in another order, are judged like exact ones.

Each tie rule is judged by the tests aimed at it and nowhere else: the data-set tests skip
the queries whose vote is tied (few of them), so that a wrong tie rule loses exactly the
points of the two tie tests. Integer features that overflow when squared appear only in
their own test, and only the vectorisation test judges speed.
"""

from __future__ import annotations

import math
from functools import cache
from itertools import combinations
from typing import Any, NamedTuple

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine

from grader.harness import CandidateError
from grader.harness.client import ImportFailed, Remote
from grader.harness.testing import speed_limit, time_best, time_call

# Squared distances this close (relative to the squared norms involved) count as equal.
RTOL = 1e-9
# Beyond this many ways to fill the k-th place, a query is left unjudged.
MAX_CHOICES = 5000


class Verdict(NamedTuple):
    winners: frozenset[Any]  # every label a correct solution may return
    tie: bool  # whether the tie rule decided the vote


def _verdict(train_x: np.ndarray, train_y: np.ndarray, query: np.ndarray, k: int) -> Verdict | None:
    """What a correct k-NN may predict for one query; None when too ambiguous to judge."""
    d2 = ((train_x - query) ** 2).sum(axis=1)
    scale = float(query @ query) + float(np.max((train_x**2).sum(axis=1)))
    tol = RTOL * (1.0 + scale)
    kth = np.partition(d2, k - 1)[k - 1]
    sure = np.flatnonzero(d2 < kth - tol)
    band = np.flatnonzero(np.abs(d2 - kth) <= tol)
    need = k - len(sure)
    if math.comb(len(band), need) > MAX_CHOICES:
        return None
    winners: set[Any] = set()
    tie = False
    for chosen in combinations(band.tolist(), need):
        members = np.concatenate([sure, np.array(chosen, dtype=np.intp)])
        labels, counts = np.unique(train_y[members], return_counts=True)
        leaders = labels[counts == counts.max()]
        if len(leaders) == 1:
            winners.add(leaders[0].item())
            continue
        tie = True
        nearest = {label.item(): d2[members[train_y[members] == label]].min() for label in leaders}
        closest = min(nearest.values())
        winners.update(label for label, d in nearest.items() if d <= closest + tol)
    return Verdict(frozenset(winners), tie)


def _verdicts(
    train_x: np.ndarray, train_y: np.ndarray, queries: np.ndarray, k: int
) -> list[Verdict | None]:
    train_x = np.asarray(train_x, dtype=np.float64)
    queries = np.asarray(queries, dtype=np.float64)
    return [_verdict(train_x, train_y, q, k) for q in queries]


def _predict(submission: Any, k: int, train_x: Any, train_y: Any, queries: Any) -> np.ndarray:
    classifier = submission.KNearestNeighbors(k=k)
    classifier.fit(train_x, train_y)
    got = classifier.predict(queries)
    if not isinstance(got, np.ndarray | list | tuple) and not hasattr(got, "to_numpy"):
        raise AssertionError(f"predict returned {_kind(got)} instead of an array of labels")
    got = np.asarray(got)
    assert got.ndim == 1, f"predict returned a {got.ndim}-D array instead of one label per query"
    assert len(got) == len(queries), (
        f"predict returned {len(got)} labels for {len(queries)} queries"
    )
    return got


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (object arrays hold Python values)."""
    return value.item() if isinstance(value, np.generic) else value


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, Remote):
        return "an object that cannot be sent back by value"
    return type(value).__name__


def _check(
    submission: Any,
    k: int,
    train_x: np.ndarray,
    train_y: np.ndarray,
    queries: np.ndarray,
    what: str,
    *,
    ties: bool = False,
) -> None:
    """Judge the queries whose vote is tied when `ties`, the others otherwise."""
    verdicts = _verdicts(train_x, train_y, queries, k)
    got = _predict(submission, k, train_x, train_y, queries)
    judged = wrong = 0
    for label, verdict in zip(got, verdicts, strict=True):
        if verdict is None or verdict.tie != ties:
            continue
        judged += 1
        wrong += _plain(label) not in verdict.winners
    assert wrong == 0, f"wrong predictions on {what}: {wrong} of {judged} queries"


def _split(
    x: np.ndarray, y: np.ndarray, n_train: int, n_test: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(len(x))
    train, test = order[:n_train], order[n_train : n_train + n_test]
    return x[train], y[train], x[test]


def _blobs(
    rng: np.random.Generator, n: int, centers: int, features: int, spread: float
) -> tuple[np.ndarray, np.ndarray]:
    middle = rng.uniform(-10, 10, size=(centers, features))
    labels = rng.integers(0, centers, size=n)
    return middle[labels] + rng.normal(scale=spread, size=(n, features)), labels


@cache
def _tie_cases(
    k: int, n_labels: int, seed: int, wanted: int = 60
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training data, and queries whose vote is tied and decided by the nearest member."""
    rng = np.random.default_rng(seed)
    train_x = rng.uniform(0, 10, size=(80, 2))
    train_y = rng.integers(0, n_labels, size=80)
    pool = rng.uniform(0, 10, size=(4000, 2))
    keep = []
    for i, verdict in enumerate(_verdicts(train_x, train_y, pool, k)):
        if verdict is not None and verdict.tie and len(verdict.winners) == 1:
            keep.append(i)
            if len(keep) == wanted:
                break
    assert len(keep) == wanted, "too few tied queries generated"
    return train_x, train_y, pool[keep]


@pytest.mark.points(2)
def test_toy_data_sets(submission):
    """agrees with brute force on iris, wine, breast cancer and digits"""
    sets = [
        ("the iris data", load_iris, 100, 50, 5),
        ("the wine data", load_wine, 120, 58, 3),
        ("the breast cancer data", load_breast_cancer, 400, 169, 7),
        ("the digits data", load_digits, 600, 150, 3),
    ]
    for number, (what, load, n_train, n_test, k) in enumerate(sets):
        x, y = load(return_X_y=True)
        train_x, train_y, queries = _split(x, y, n_train, n_test, seed=100 + number)
        _check(submission, k, train_x, train_y, queries, f"{what} (k = {k})")


@pytest.mark.points(1)
def test_random_blobs(submission):
    """random blobs: k = 1, k = 7, more features than training points"""
    rng = np.random.default_rng(2_024)
    train_x, train_y = _blobs(rng, 300, 4, 5, spread=3.0)
    queries = np.vstack([_blobs(rng, 80, 4, 5, spread=3.0)[0], train_x[:20]])
    for k in (1, 7):
        _check(submission, k, train_x, train_y, queries, f"overlapping random blobs (k = {k})")
    wide_x, wide_y = _blobs(rng, 12, 3, 400, spread=6.0)
    wide_queries, _ = _blobs(rng, 10, 3, 400, spread=6.0)
    _check(submission, 3, wide_x, wide_y, wide_queries, "12 training points with 400 features")


@pytest.mark.points(1)
def test_string_labels(submission):
    """string labels"""
    x, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    train_x, train_y, queries = _split(x, names, 100, 50, seed=7)
    _check(submission, 3, train_x, train_y, queries, "the iris data with species names")
    rng = np.random.default_rng(31)
    blob_x, blob_y = _blobs(rng, 200, 3, 4, spread=4.0)
    words = np.array(["cat", "dog", "bird"])[blob_y]
    _check(submission, 5, blob_x[:150], words[:150], blob_x[150:], "random blobs with words")


@pytest.mark.points(1)
def test_even_k_ties(submission):
    """even k: a tied vote goes to the label with the nearest neighbour"""
    for k, n_labels, seed in ((2, 2, 41), (4, 2, 42), (4, 3, 43), (6, 3, 44)):
        train_x, train_y, queries = _tie_cases(k, n_labels, seed)
        _check(submission, k, train_x, train_y, queries, f"tied votes with k = {k}", ties=True)


@pytest.mark.points(1)
def test_three_way_ties(submission):
    """odd k: votes tied between two or three labels go to the nearest"""
    for k, n_labels, seed in ((3, 4, 51), (5, 3, 52), (5, 4, 53)):
        train_x, train_y, queries = _tie_cases(k, n_labels, seed)
        _check(submission, k, train_x, train_y, queries, f"tied votes with k = {k}", ties=True)


@pytest.mark.points(1)
def test_integer_features(submission):
    """integer features, int32 included, whose squares overflow 32 bits"""
    rng = np.random.default_rng(32)
    anchors = rng.integers(-60_000, 60_000, size=(4, 6))
    points = rng.integers(-60_000, 60_000, size=(260, 6))
    labels = ((points[:, None, :] - anchors[None]) ** 2).sum(axis=2).argmin(axis=1)
    train_x, train_y, queries = points[:200], labels[:200], points[200:]
    for dtype in (np.int64, np.int32):
        _check(
            submission,
            3,
            train_x.astype(dtype),
            train_y,
            queries.astype(dtype),
            f"{np.dtype(dtype).name} features up to 60,000 in size",
        )


@pytest.mark.points(1)
def test_fit_predict_contract(submission, probe):
    """fit and predict: return types, predicting before fit, k = 3 by default"""
    rng = np.random.default_rng(8)
    train_x, train_y = _blobs(rng, 90, 3, 3, spread=3.5)
    queries, _ = _blobs(rng, 80, 3, 3, spread=3.5)

    returned = probe("knn_probe", "fit_returns", train_x, train_y)
    assert returned in ("self", "none"), f"fit returned {returned}; return self (or None)"

    unfitted = submission.KNearestNeighbors(k=3)
    try:
        unfitted.predict(queries)
    except CandidateError:
        pass
    else:
        raise AssertionError("predict before fit returned instead of raising an error")

    classifier = submission.KNearestNeighbors(k=3)
    classifier.fit(train_x, train_y)
    got = classifier.predict(queries)
    assert isinstance(got, np.ndarray), f"predict returned {_kind(got)} instead of a numpy array"
    assert got.shape == (len(queries),), "predict returned an array of the wrong shape"
    assert got.dtype.kind in "iu", (
        f"predict returned an array of dtype {got.dtype} for integer labels"
    )
    one = classifier.predict(queries[:1])
    assert isinstance(one, np.ndarray) and one.shape == (1,), (
        "predict on a single query must return an array of one label"
    )

    words = np.array(["north", "south", "east"])[train_y]
    classifier = submission.KNearestNeighbors(k=3)
    classifier.fit(train_x, words)
    got = classifier.predict(queries)
    assert isinstance(got, np.ndarray), f"predict returned {_kind(got)} instead of a numpy array"
    assert got.dtype.kind == "U" or (
        got.dtype.kind == "O" and all(isinstance(v, str) for v in got.tolist())
    ), f"predict returned an array of dtype {got.dtype} for string labels"

    # the default k must be 3: judged on queries where k = 3 answers unlike k = 1 or k = 5
    telling, expected, unlike = [], [], set()
    by_k = [_verdicts(train_x, train_y, queries, k) for k in (1, 3, 5)]
    for i, verdicts in enumerate(zip(*by_k, strict=True)):
        if any(v is None or v.tie or len(v.winners) != 1 for v in verdicts):
            continue
        one, three, five = (next(iter(v.winners)) for v in verdicts)
        if three != one or three != five:
            telling.append(i)
            expected.append(three)
            unlike.update(k for k, label in ((1, one), (5, five)) if label != three)
    assert unlike == {1, 5}, "no query separates k = 3 from k = 1 and from k = 5"
    default = submission.KNearestNeighbors()
    default.fit(train_x, train_y)
    got = np.asarray(default.predict(queries[telling]))
    assert got.tolist() == expected, "KNearestNeighbors() does not use k = 3 by default"


# One query block of a per-query loop costs the same as every other: 100 queries, timed
# first, tell a loop over training points in Python long before all 2,000 would finish.
SPEED_SIZE = "2,000 queries x 10,000 training points x 20 features"


@pytest.mark.points(1)
@pytest.mark.time_limit(90)
def test_vectorised(submission, reference, report_flag):
    """vectorised: 2,000 queries x 10,000 training points x 20 features"""
    rng = np.random.default_rng(2_000)
    train_x = rng.normal(size=(10_000, 20))
    weights = rng.normal(size=20)
    train_y = (np.tanh(train_x @ weights / 3) + rng.normal(scale=0.5, size=10_000) > 0).astype(
        np.int64
    )
    queries = rng.normal(size=(2_000, 20))
    k = 5  # two labels and an odd k: no vote is ever tied

    model = reference.KNearestNeighbors(k=k).fit(train_x, train_y)
    expected, reference_s = time_best(model.predict, queries, repeat=2)
    limit = speed_limit(reference_s, factor=15.0, floor_s=5.0)

    classifier = submission.KNearestNeighbors(k=k)
    classifier.fit(train_x, train_y)
    part = 100
    _, part_s = time_call(classifier.predict, queries[:part])
    projected = part_s * len(queries) / part
    if projected > limit:
        message = (
            f"predicting {part} of the 2,000 queries took {part_s:.2f} s, so all of them "
            f"would take about {projected:.0f} s ({projected / reference_s:,.0f}x the "
            "reference); compute each query's distances with numpy over all training points "
            "at once, not with Python loops"
        )
        report_flag("too-slow", message)
        raise AssertionError(message)
    got, seconds = time_call(classifier.predict, queries)
    got = np.asarray(got)
    assert got.shape == expected.shape, "predict returned the wrong number of predictions"
    wrong = int((got != expected).sum())
    assert wrong == 0, f"wrong predictions on {SPEED_SIZE}: {wrong} of 2,000 queries"
    if seconds > limit:
        message = (
            f"predicting {SPEED_SIZE} took {seconds:.1f} s, about "
            f"{seconds / reference_s:,.0f}x the reference; expected vectorised numpy "
            f"(at most {limit:.0f} s here)"
        )
        report_flag("too-slow", message)
        raise AssertionError(message)


FORBIDDEN_IMPORT_ERROR = "ForbiddenImportError"


@pytest.mark.points(1)
def test_from_scratch(submission, forbidden_imports_found):
    """from scratch: no scikit-learn"""
    assert not forbidden_imports_found, (
        "k-NN must be written from scratch, but "
        + "; ".join(forbidden_imports_found[:3])
        + " (a forbidden import)"
    )
    # an import the reading missed (a name built at run time) is refused in the worker
    points = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    try:
        classifier = submission.KNearestNeighbors(k=1)
        classifier.fit(points, np.array([0, 1, 1]))
        classifier.predict(points)
    except CandidateError as error:
        if error.type_name != FORBIDDEN_IMPORT_ERROR:
            raise  # a k-NN that does not run earns no point for how it is written
        refused = True
    except ImportFailed as failure:
        if failure.error is None or failure.error.type_name != FORBIDDEN_IMPORT_ERROR:
            raise  # a module that cannot be imported passes no test
        refused = True
    else:
        refused = False
    assert not refused, (
        "k-NN must be written from scratch, but your code imported scikit-learn "
        "while it ran (the import was refused)"
    )
