"""Hidden tests for sklearn-pipeline (10 points).

The candidate's `build_pipeline()` is called afresh in every test and lives in the worker;
the harness drives it through its handle (`pipe.fit(X, y)`, `pipe.predict_proba(X)`) or
through probes (probes/pipeline_probe.py) for what only the worker can see. Every frame
is made here from fixed seeds by the shared churn generator, and the labels of the hidden
holdout never leave the harness: it computes the ROC-AUC itself.

Each property has its own test, so a mistake loses the points of the test that targets it:
missing values appear only in the two tests about them (training rows with NaN and None,
then prediction rows with None and NaN), unseen categories only in theirs, and the other
tests use complete rows. A pipeline that cannot take the raw frame at all (preprocessing
done outside it) fails every test that fits it.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import pytest
from churn_data import (
    CATEGORICAL,
    features_and_target,
    make_churn,
    missing_cells,
    missing_value_rows,
    unseen_category_rows,
)

from grader.harness import CandidateError

PROBE = "pipeline_probe"
TRAIN_SEED, TRAIN_CUSTOMERS = 101, 2000
HOLDOUT_SEED, HOLDOUT_CUSTOMERS = 202, 1000
MIN_AUC = 0.80
CV_FOLDS = 5
RAW = "the raw training frame (numbers, strings, missing values as NaN and as None)"


@cache
def _train() -> tuple[Any, Any]:
    """Complete training rows: the same customers as the raw frame, nothing missing."""
    return features_and_target(
        make_churn(TRAIN_SEED, TRAIN_CUSTOMERS, snapshots=(1, 1), missing=False)
    )


@cache
def _train_raw() -> tuple[Any, Any, list[list[Any]]]:
    """Raw training rows, and the categorical cells that hold None rather than NaN."""
    X, y = features_and_target(make_churn(TRAIN_SEED, TRAIN_CUSTOMERS, snapshots=(1, 1)))
    cells = [
        [position, column]
        for column in CATEGORICAL
        for position in np.flatnonzero(X[column].isna().to_numpy()).tolist()
    ]
    return X, y, cells[::2]  # every other missing category is None, the rest NaN


@cache
def _holdout() -> tuple[Any, Any]:
    return features_and_target(
        make_churn(HOLDOUT_SEED, HOLDOUT_CUSTOMERS, snapshots=(1, 1), missing=False)
    )


def _roc_auc(y: Any, scores: Any) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.asarray(y), scores))


def _probabilities_problem(got: Any, n: int) -> str | None:
    """None when `got` is an (n, 2) array of probabilities; else what is wrong with it."""
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "fiub":
        return f"predict_proba returned {type(got).__name__}, not an array of probabilities"
    if got.shape != (n, 2):
        return f"predict_proba returned shape {got.shape} for {n} rows, not ({n}, 2)"
    values = got.astype(float)
    if not np.isfinite(values).all():
        return "predict_proba returned NaN or infinite values"
    if values.min() < 0 or values.max() > 1 or not np.allclose(values.sum(axis=1), 1.0):
        return "predict_proba returned values that are not probabilities"
    return None


def _run_probe(probe: Any, func: str, *args: Any, doing: str) -> Any:
    """A probe call whose failure in the candidate's code says what was being done."""
    try:
        return probe(PROBE, func, *args)
    except CandidateError as exc:
        raise AssertionError(f"{doing} raised {exc.type_name}") from None


def _fitted(submission: Any, X: Any, y: Any, what: str) -> Any:
    pipeline = submission.build_pipeline()
    try:
        pipeline.fit(X, y)
    except CandidateError as exc:
        raise AssertionError(f"fitting a new pipeline on {what} raised {exc.type_name}") from None
    return pipeline


@pytest.mark.points(1)
def test_returns_an_unfitted_pipeline(probe):
    """returns an unfitted Pipeline"""
    found = _run_probe(probe, "inspect_pipeline", doing="build_pipeline()")
    assert found["is_pipeline"] is True, (
        f"build_pipeline() returned a {found['type']}, not a sklearn.pipeline.Pipeline: put the "
        "preprocessing and the model in one Pipeline"
    )
    fitted = found["fitted"]
    assert not fitted, (
        f"the pipeline is already fitted when returned ({', '.join(fitted[:3])}): return it "
        "unfitted, whoever uses it fits it on their own data"
    )


@pytest.mark.points(2)
def test_fits_the_raw_frame(probe):
    """all preprocessing inside: fits the raw training frame"""
    X, y, none_cells = _train_raw()
    got = _run_probe(
        probe,
        "fit_raw",
        X,
        y,
        none_cells,
        doing=f"fitting on {RAW}; the pipeline must impute, scale and encode by itself, but it",
    )
    problem = _probabilities_problem(got, len(X))
    assert problem is None, f"after fitting on {RAW}: {problem}"


@pytest.mark.points(2)
def test_holdout_roc_auc(submission):
    """ROC-AUC of at least 0.80 on the hidden holdout"""
    X, y = _train()
    pipeline = _fitted(submission, X, y, "the training frame")
    X_holdout, y_holdout = _holdout()
    got = pipeline.predict_proba(X_holdout)
    problem = _probabilities_problem(got, len(X_holdout))
    assert problem is None, f"on the hidden holdout: {problem}"
    auc = _roc_auc(y_holdout, np.asarray(got)[:, 1])
    assert auc >= MIN_AUC, (
        f"ROC-AUC {auc:.3f} on the hidden holdout of {HOLDOUT_CUSTOMERS} customers, below "
        f"{MIN_AUC:.2f}: use every feature (numeric and categorical) with a suitable model"
    )


@pytest.mark.points(1)
def test_predicts_unseen_categories(submission):
    """predicts rows with unseen categories"""
    X, y = _train()
    pipeline = _fitted(submission, X, y, "the training frame")
    rows = unseen_category_rows(HOLDOUT_SEED + 1)
    try:
        got = pipeline.predict_proba(rows)
    except CandidateError as exc:
        raise AssertionError(
            f"predicting rows whose city or subscription type never occurs in training raised "
            f"{exc.type_name}: e.g. OneHotEncoder(handle_unknown='ignore')"
        ) from None
    problem = _probabilities_problem(got, len(rows))
    assert problem is None, f"on rows with unseen categories: {problem}"


@pytest.mark.points(1)
def test_predicts_missing_values(submission, probe):
    """predicts rows with missing values, as None and as NaN"""
    X, y, _ = _train_raw()
    pipeline = _fitted(submission, X, y, "the raw training frame")
    rows = missing_value_rows(HOLDOUT_SEED + 2)
    try:
        got = probe(PROBE, "predict_with_none", pipeline, rows, missing_cells(rows))
    except CandidateError as exc:
        try:
            probe(PROBE, "predict_with_none", pipeline, rows, [])
        except CandidateError:
            raise AssertionError(
                f"predicting rows with missing values raised {exc.type_name}: impute inside "
                "the pipeline"
            ) from None
        raise AssertionError(
            f"predicting rows whose missing categories are None (rather than NaN) raised "
            f"{exc.type_name}: SimpleImputer counts only NaN as missing unless told otherwise, "
            "so None reaches the encoder as a category it never saw"
        ) from None
    problem = _probabilities_problem(got, len(rows))
    assert problem is None, f"on rows with missing values: {problem}"


@pytest.mark.points(1)
def test_deterministic(probe):
    """deterministic: the same data gives the same predictions"""
    X, y = _train()
    X_holdout, _ = _holdout()
    first, second = _run_probe(
        probe, "fit_twice", X, y, X_holdout.head(300), doing="fitting a new pipeline"
    )
    for got in (first, second):
        problem = _probabilities_problem(got, 300)
        assert problem is None, problem
    assert np.array_equal(first, second), (
        "two pipelines fitted on the same data gave different predictions: fix random_state "
        "on every estimator that draws random numbers"
    )


@pytest.mark.points(1)
def test_clone(probe):
    """clone-able, and the clone behaves the same"""
    X, y = _train()
    X_holdout, _ = _holdout()
    found = _run_probe(
        probe,
        "clone_and_compare",
        X,
        y,
        X_holdout.head(300),
        doing="fitting a pipeline or its clone",
    )
    assert found["cloned"] is True, (
        f"sklearn.base.clone failed with {found.get('error', 'an error')}: every estimator "
        "must keep its constructor arguments as attributes of the same name, unchanged"
    )
    assert found["same_type"] is True, "sklearn.base.clone returned an object of another type"
    original, copy = found["original"], found["clone"]
    assert _probabilities_problem(copy, 300) is None, (
        "the clone's predictions are not probabilities"
    )
    assert np.allclose(original, copy, rtol=0, atol=1e-9), (
        "the clone predicts differently from the original fitted the same way: its settings "
        "are not all constructor parameters (get_params) of its estimators"
    )


@pytest.mark.points(1)
def test_cross_validation(probe):
    """passes cross-validation without errors"""
    X, y = _train()
    scores = _run_probe(probe, "cross_validate", X, y, CV_FOLDS, doing="cross_val_score")
    assert isinstance(scores, list) and len(scores) == CV_FOLDS, (
        "cross_val_score did not return one score per fold"
    )
    assert all(isinstance(s, float) and math.isfinite(s) for s in scores), (
        "cross_val_score gave a fold no finite score"
    )
