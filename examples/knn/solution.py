"""k-nearest neighbours, the textbook way: per-query distances, argsort, Counter."""

from collections import Counter

import numpy as np


class KNearestNeighbors:
    def __init__(self, k=3):
        self.k = k

    def fit(self, X, y):
        # float: squaring differences of int32 features would overflow
        self.X_train = np.asarray(X, dtype=float)
        self.y_train = np.asarray(y)
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        predictions = [self._predict_one(x) for x in X]
        return np.array(predictions)

    def _predict_one(self, x):
        distances = np.sqrt(np.sum((self.X_train - x) ** 2, axis=1))
        k_indices = np.argsort(distances)[: self.k]
        k_nearest_labels = [self.y_train[i] for i in k_indices]
        # most_common lists equal counts in first-seen order, and the labels are in order
        # of distance: a tied vote goes to the label of the nearest neighbour
        return Counter(k_nearest_labels).most_common(1)[0][0]
