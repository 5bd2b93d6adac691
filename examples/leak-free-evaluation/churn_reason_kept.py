"""Leaks the target: churn_reason, known only once a customer has left, is used as a feature."""

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["age", "income", "tenure"]
CATEGORICAL = ["city", "subscription_type", "churn_reason"]


def evaluate(df):
    preprocess = ColumnTransformer(
        [
            ("numeric", Pipeline([("i", SimpleImputer()), ("s", StandardScaler())]), NUMERIC),
            (
                "categorical",
                Pipeline(
                    [
                        ("i", SimpleImputer(strategy="constant", fill_value="none")),
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
    X, y = df.drop(columns=["churned"]), df["churned"]
    train, test = next(
        GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=0).split(X, y, df["customer_id"])
    )
    pipeline.fit(X.iloc[train], y.iloc[train])
    return roc_auc_score(y.iloc[test], pipeline.predict_proba(X.iloc[test])[:, 1])
