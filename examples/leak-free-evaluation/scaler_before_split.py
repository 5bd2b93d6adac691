"""Leaks: the imputer, scaler and encoder are fitted on the whole frame before the split."""

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["age", "income", "tenure"]
CATEGORICAL = ["city", "subscription_type"]


def evaluate(df):
    preprocess = ColumnTransformer(
        [
            (
                "numeric",
                Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler())]),
                NUMERIC,
            ),
            (
                "categorical",
                Pipeline(
                    [
                        ("impute", SimpleImputer(strategy="most_frequent")),
                        ("onehot", OneHotEncoder(handle_unknown="ignore")),
                    ]
                ),
                CATEGORICAL,
            ),
        ]
    )
    X = preprocess.fit_transform(df[NUMERIC + CATEGORICAL])  # fitted on every row
    y = df["churned"].to_numpy()
    train, test = next(
        GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=0).split(X, y, df["customer_id"])
    )
    model = RandomForestClassifier(n_estimators=200, min_samples_leaf=5, random_state=42)
    model.fit(X[train], y[train])
    return roc_auc_score(y[test], model.predict_proba(X[test])[:, 1])
