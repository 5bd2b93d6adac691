"""Mistake: the pipeline is fitted on a small sample of its own before it is returned."""

import numpy as np
import pandas as pd
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
                        ("onehot", OneHotEncoder(handle_unknown="ignore")),
                    ]
                ),
                ["city", "subscription_type"],
            ),
        ]
    )
    pipeline = Pipeline(
        [("preprocessor", preprocessor), ("classifier", RandomForestClassifier(random_state=0))]
    )
    # "check it works" on a few made-up rows, and hand it back fitted
    rng = np.random.default_rng(0)
    sample = pd.DataFrame(
        {
            "age": rng.integers(18, 80, 20).astype(float),
            "income": rng.normal(50_000, 10_000, 20),
            "tenure": rng.integers(1, 60, 20).astype(float),
            "city": rng.choice(["Riverton", "Lakeside"], 20),
            "subscription_type": rng.choice(["basic", "premium"], 20),
        }
    )
    pipeline.fit(sample, rng.integers(0, 2, 20))
    return pipeline
