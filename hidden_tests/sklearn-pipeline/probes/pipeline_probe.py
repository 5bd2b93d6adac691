"""Probes for sklearn-pipeline, run inside the worker next to the candidate's module.

What only the candidate's process can see: whether the object `build_pipeline()` returns is
a scikit-learn Pipeline and whether any of it is already fitted, what `sklearn.base.clone`
makes of it, how it behaves under different global random seeds, inside
`cross_val_score`, and on data frames holding None (which arrives in the worker as NaN, so
the probes put None back where the harness says it was). Probes return plain values
(flags, probabilities, scores); every judgement is made by the hidden tests.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np


def _build(module: Any) -> Any:
    build = getattr(module, "build_pipeline", None)
    if build is None:
        raise AttributeError("your module does not define 'build_pipeline'")
    return build()


def _with_none(frame: Any, cells: list[list[Any]]) -> Any:
    """The frame with None put back in `cells` ([row position, column]), as object columns."""
    frame = frame.copy()
    columns = sorted({column for _, column in cells})
    for column in columns:
        frame[column] = frame[column].astype(object)
    for position, column in cells:
        frame.iloc[int(position), frame.columns.get_loc(column)] = None
    return frame


def _seed(value: int) -> None:
    # an estimator without random_state draws from these global generators
    np.random.seed(value)
    random.seed(value)


def _is_fitted(estimator: Any) -> bool:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    except (TypeError, ValueError, AttributeError):
        return False  # not an estimator check_is_fitted understands
    return True


def _parts(estimator: Any, name: str) -> list[tuple[str, Any]]:
    """The estimator and every estimator nested in it (pipeline steps, column transformers)."""
    found = [(name, estimator)]
    children: list[tuple[str, Any]] = []
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list):
        children += [(f"{name}.{step[0]}", step[1]) for step in steps if len(step) >= 2]
    for attribute in ("transformers", "transformer_list"):
        items = getattr(estimator, attribute, None)
        if isinstance(items, list):
            children += [(f"{name}.{item[0]}", item[1]) for item in items if len(item) >= 2]
    for child_name, child in children:
        if hasattr(child, "get_params"):
            found += _parts(child, child_name)
    return found


def inspect_pipeline(module: Any) -> dict[str, Any]:
    """What build_pipeline() returned: its type, whether it is a Pipeline, what is fitted."""
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline

    pipeline = _build(module)
    fitted = []
    for name, part in _parts(pipeline, "pipeline"):
        if not _is_fitted(part):
            continue
        try:
            stateless = _is_fitted(clone(part))  # fitted even when new: learns nothing
        except Exception:  # noqa: BLE001 - a part that cannot be cloned is judged elsewhere
            stateless = False
        if not stateless:
            fitted.append(f"{name} ({type(part).__name__})")
    return {
        "type": type(pipeline).__name__,
        "is_pipeline": isinstance(pipeline, Pipeline),
        "fitted": fitted[:10],
    }


def fit_raw(module: Any, X: Any, y: Any, none_cells: list[list[Any]]) -> Any:
    """Fit a new pipeline on raw rows (None put back) and predict probabilities for them."""
    frame = _with_none(X, none_cells)
    pipeline = _build(module)
    pipeline.fit(frame, y)
    return np.asarray(pipeline.predict_proba(frame), dtype=float)


def predict_with_none(module: Any, pipeline: Any, X: Any, none_cells: list[list[Any]]) -> Any:
    """Probabilities from an already fitted pipeline for rows with None put back."""
    return np.asarray(pipeline.predict_proba(_with_none(X, none_cells)), dtype=float)


def fit_twice(module: Any, X: Any, y: Any, X_new: Any) -> list[Any]:
    """Two new pipelines fitted on the same rows under different global seeds: predictions."""
    predictions = []
    for seed in (11, 12345):
        _seed(seed)
        pipeline = _build(module)
        pipeline.fit(X, y)
        predictions.append(np.asarray(pipeline.predict_proba(X_new), dtype=float))
    return predictions


def clone_and_compare(module: Any, X: Any, y: Any, X_new: Any) -> dict[str, Any]:
    """Clone the pipeline; fit both under the same global seed: the two sets of predictions."""
    from sklearn.base import clone

    pipeline = _build(module)
    try:
        copy = clone(pipeline)
    except Exception as exc:  # noqa: BLE001 - the failure is the finding
        return {"cloned": False, "error": type(exc).__name__, "message": str(exc)[:200]}
    same_type = type(copy) is type(pipeline)
    results = []
    for estimator in (pipeline, copy):
        _seed(7)
        estimator.fit(X, y)
        results.append(np.asarray(estimator.predict_proba(X_new), dtype=float))
    return {"cloned": True, "same_type": same_type, "original": results[0], "clone": results[1]}


def cross_validate(module: Any, X: Any, y: Any, folds: int) -> list[float]:
    """cross_val_score of a new pipeline, stratified folds, errors raised rather than hidden."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    scores = cross_val_score(
        _build(module),
        X,
        y,
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=0),
        scoring="roc_auc",
        error_score="raise",
    )
    return [float(s) for s in scores]
