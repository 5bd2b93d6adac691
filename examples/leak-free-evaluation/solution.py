"""Held-out ROC-AUC of a churn model, split by customer, with every step fitted on training rows."""

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["age", "income", "tenure"]
CATEGORICAL = ["city", "subscription_type"]


def build_pipeline() -> Pipeline:
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
    model = RandomForestClassifier(n_estimators=200, min_samples_leaf=5, random_state=42)
    return Pipeline([("preprocess", preprocess), ("model", model)])


def evaluate(df: pd.DataFrame) -> float:
    # churn_reason is written after a customer leaves: it must not be a feature
    X = df[NUMERIC + CATEGORICAL]
    y = df["churned"]
    groups = df["customer_id"]
    splitter = GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=0)
    train, test = next(splitter.split(X, y, groups))
    pipeline = build_pipeline()
    pipeline.fit(X.iloc[train], y.iloc[train])
    scores = pipeline.predict_proba(X.iloc[test])[:, 1]
    return float(roc_auc_score(y.iloc[test], scores))
