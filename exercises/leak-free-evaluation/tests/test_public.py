"""Public tests: a small frame of monthly snapshots. Run `pytest` next to your solution.py."""

import math


def test_returns_a_roc_auc(submission, churn_frame):
    """returns a ROC-AUC between 0 and 1"""
    score = submission.evaluate(churn_frame.copy())
    assert isinstance(score, float) or hasattr(score, "__float__"), type(score).__name__
    assert 0.0 <= float(score) <= 1.0 and not math.isnan(float(score))


def test_post_outcome_column_does_not_decide(submission, churn_frame):
    """churn_reason is not used: blanking it leaves the score as it was"""
    blanked = churn_frame.copy()
    blanked["churn_reason"] = None
    with_reason = float(submission.evaluate(churn_frame.copy()))
    without = float(submission.evaluate(blanked))
    assert math.isclose(with_reason, without, abs_tol=1e-9), (
        f"ROC-AUC {with_reason:.3f} with churn_reason, {without:.3f} without: it is filled in "
        "only after a customer churned and must not be a feature"
    )
