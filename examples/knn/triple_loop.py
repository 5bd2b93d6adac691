"""k-NN in pure Python: a loop over queries, training points and features."""

import math

import numpy as np


class KNearestNeighbors:
    def __init__(self, k=3):
        self.k = k

    def fit(self, X, y):
        self.X_train = [[float(v) for v in row] for row in np.asarray(X).tolist()]
        self.y_train = list(y)
        return self

    def predict(self, X):
        predictions = []
        for query in np.asarray(X).tolist():
            distances = []
            for index, point in enumerate(self.X_train):
                total = 0.0
                for a, b in zip(query, point, strict=True):
                    total += (a - b) ** 2
                distances.append((math.sqrt(total), index))
            distances.sort()
            votes = {}
            for rank, (_, index) in enumerate(distances[: self.k]):
                label = self.y_train[index]
                count, first = votes.get(label, (0, rank))
                votes[label] = (count + 1, first)
            best = max(votes, key=lambda label: (votes[label][0], -votes[label][1]))
            predictions.append(best)
        return np.array(predictions)
