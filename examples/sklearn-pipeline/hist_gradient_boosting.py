"""A gradient-boosting model that handles missing numbers natively; categories one-hot encoded."""

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

NUMERIC = ["age", "income", "tenure"]
CATEGORICAL = ["city", "subscription_type"]


def build_pipeline():
    encode = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="unknown")),
            ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    preprocess = ColumnTransformer(
        [("numbers", "passthrough", NUMERIC), ("categories", encode, CATEGORICAL)]
    )
    model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, random_state=0)
    return Pipeline([("preprocess", preprocess), ("model", model)])
