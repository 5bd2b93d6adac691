"""Mistake: OneHotEncoder keeps its default handle_unknown='error'."""

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def build_pipeline():
    preprocessor = ColumnTransformer(
        [
            (
                "num",
                Pipeline([("imputer", SimpleImputer()), ("scaler", StandardScaler())]),
                ["age", "income", "tenure"],
            ),
            (
                "cat",
                Pipeline(
                    [
                        ("imputer", SimpleImputer(strategy="most_frequent")),
                        ("onehot", OneHotEncoder()),
                    ]
                ),
                ["city", "subscription_type"],
            ),
        ]
    )
    return Pipeline(
        [("preprocessor", preprocessor), ("classifier", RandomForestClassifier(random_state=0))]
    )
