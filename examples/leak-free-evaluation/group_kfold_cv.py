"""Cross-validated ROC-AUC, folds by customer: each fold's pipeline sees only its training rows."""

from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def evaluate(df):
    features = df.drop(columns=["churned", "churn_reason", "customer_id"])
    pipeline = make_pipeline(
        make_column_transformer(
            (make_pipeline(SimpleImputer(), StandardScaler()), ["age", "income", "tenure"]),
            (
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="unknown"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                ["city", "subscription_type"],
            ),
        ),
        LogisticRegression(max_iter=1000),
    )
    scores = cross_val_score(
        pipeline,
        features,
        df["churned"],
        groups=df["customer_id"],
        cv=GroupKFold(n_splits=5),
        scoring="roc_auc",
        n_jobs=-1,
    )
    return scores.mean()
