"""Reference for sklearn-pipeline: every preprocessing step inside one unfitted Pipeline."""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["age", "income", "tenure"]
CATEGORICAL = ["city", "subscription_type"]


def build_pipeline() -> Pipeline:
    """Impute and scale the numbers, impute and one-hot encode the categories, then a forest.

    Unfitted: whoever uses it fits it on their own rows. Categories never seen in training
    encode as all zeros; a missing category (None or NaN) becomes the most frequent one.
    """
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    preprocess = ColumnTransformer(
        [("numeric", numeric, NUMERIC), ("categorical", categorical, CATEGORICAL)]
    )
    model = RandomForestClassifier(n_estimators=200, min_samples_leaf=3, random_state=42)
    return Pipeline([("preprocess", preprocess), ("model", model)])
