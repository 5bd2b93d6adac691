"""Mistake: the cleaning happens in a separate function, so the pipeline wants numbers only."""

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def preprocess(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for column in ["age", "income", "tenure"]:
        df[column] = df[column].fillna(df[column].median())
    return pd.get_dummies(df, columns=["city", "subscription_type"], dtype=float)


def build_pipeline():
    # expects preprocess(df) to have been applied first
    return Pipeline(
        [("scaler", StandardScaler()), ("classifier", RandomForestClassifier(random_state=0))]
    )
