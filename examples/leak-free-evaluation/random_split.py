"""Leaks customers: a random row split puts one customer's monthly rows on both sides."""

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
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
        [("preprocess", preprocess), ("model", RandomForestClassifier(random_state=42))]
    )
    X, y = df[NUMERIC + CATEGORICAL], df["churned"]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    pipeline.fit(X_train, y_train)
    return roc_auc_score(y_test, pipeline.predict_proba(X_test)[:, 1])
