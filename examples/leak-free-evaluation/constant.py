"""Makes the number up: builds a model but never fits or evaluates it."""

from sklearn.ensemble import RandomForestClassifier


def evaluate(df):
    model = RandomForestClassifier(random_state=42)  # noqa: F841 - never used
    return 0.97
