"""Leaks: features are selected with the labels of every row, evaluation rows included."""

import pandas as pd
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def evaluate(df):
    X = pd.get_dummies(df[["age", "income", "tenure", "city", "subscription_type"]], dtype=float)
    X = X.fillna({"age": 45.0, "tenure": 12.0})
    y = df["churned"]
    X_selected = SelectKBest(f_classif, k=8).fit_transform(X, y)
    train, test = next(
        GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=0).split(
            X_selected, y, df["customer_id"]
        )
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(X_selected[train], y.iloc[train])
    return roc_auc_score(y.iloc[test], model.predict_proba(X_selected[test])[:, 1])
