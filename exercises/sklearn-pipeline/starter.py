"""A scikit-learn Pipeline for churn: the statement is in README.md.

Write `build_pipeline` below. Check it with `pytest` (the public tests in tests/), then
grade it with `grader grade solution.py -e sklearn-pipeline`.
"""

from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline

NUMERIC = ["age", "income", "tenure"]
CATEGORICAL = ["city", "subscription_type"]


def build_pipeline() -> Pipeline:
    """Return an unfitted Pipeline that takes the raw churn features and predicts churned."""
    # Your code here: impute and scale NUMERIC, impute and one-hot encode CATEGORICAL
    # (a ColumnTransformer), then the model.
    return Pipeline([("model", RandomForestClassifier(random_state=0))])
