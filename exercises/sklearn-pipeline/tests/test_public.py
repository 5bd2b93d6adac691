"""Public tests: a small churn table, raw. Run `pytest` next to your solution.py."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

FEATURES = ["age", "income", "tenure", "city", "subscription_type"]


def test_returns_an_unfitted_pipeline(submission):
    """returns an unfitted Pipeline"""
    pipeline = submission.build_pipeline()
    assert isinstance(pipeline, Pipeline), f"build_pipeline() returned {type(pipeline).__name__}"
    with pytest.raises(NotFittedError):
        check_is_fitted(pipeline)


def test_fits_raw_rows_and_predicts_awkward_ones(submission, churn_frame):
    """fits the raw table, then predicts unseen categories and missing values"""
    X, y = churn_frame[FEATURES], churn_frame["churned"]
    pipeline = submission.build_pipeline().fit(X, y)
    awkward = X.head(4).astype({"city": object, "subscription_type": object})
    awkward.iloc[0, awkward.columns.get_loc("city")] = "Atlantis"  # never seen in training
    awkward.iloc[1, awkward.columns.get_loc("subscription_type")] = "enterprise"
    awkward.iloc[2, awkward.columns.get_loc("city")] = None
    awkward.iloc[3, awkward.columns.get_loc("tenure")] = np.nan
    proba = pipeline.predict_proba(awkward)
    assert proba.shape == (4, 2)
    assert np.isfinite(proba).all()
