"""Leaks customers: 5-fold cross-validation without groups splits customers across folds."""

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["age", "income", "tenure"]
CATEGORICAL = ["city", "subscription_type"]


def evaluate(df):
    preprocess = ColumnTransformer(
        [
            ("numeric", Pipeline([("i", SimpleImputer()), ("s", StandardScaler())]), NUMERIC),
            (
                "categorical",
                Pipeline(
                    [
                        ("i", SimpleImputer(strategy="most_frequent")),
                        ("o", OneHotEncoder(handle_unknown="ignore")),
                    ]
                ),
                CATEGORICAL,
            ),
        ]
    )
    pipeline = Pipeline(
        [
            ("preprocess", preprocess),
            ("model", RandomForestClassifier(min_samples_leaf=5, random_state=42)),
        ]
    )
    scores = cross_val_score(
        pipeline, df[NUMERIC + CATEGORICAL], df["churned"], cv=5, scoring="roc_auc"
    )
    return float(scores.mean())
