"""k-NN that counts the votes of the neighbours in training order, not by distance."""

from collections import Counter

import numpy as np


class KNearestNeighbors:
    def __init__(self, k=3):
        self.k = k

    def fit(self, X, y):
        self.X_train = np.asarray(X, dtype=float)
        self.y_train = np.asarray(y)
        return self

    def predict(self, X):
        predictions = []
        for x in np.asarray(X, dtype=float):
            distances = np.linalg.norm(self.X_train - x, axis=1)
            neighbours = sorted(np.argsort(distances)[: self.k].tolist())
            labels = [self.y_train[i] for i in neighbours]
            predictions.append(Counter(labels).most_common(1)[0][0])
        return np.array(predictions)
