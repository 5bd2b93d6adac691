"""Mistake: no imputer, and a model that cannot take missing values."""

from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def build_pipeline():
    preprocessor = ColumnTransformer(
        [
            ("num", StandardScaler(), ["age", "income", "tenure"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["city", "subscription_type"]),
        ]
    )
    return Pipeline(
        [("preprocessor", preprocessor), ("classifier", LogisticRegression(max_iter=1000))]
    )
