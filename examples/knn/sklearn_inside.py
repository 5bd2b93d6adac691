"""k-NN that lets scikit-learn find the neighbours and only votes itself."""

from collections import Counter

import numpy as np
from sklearn.neighbors import KNeighborsClassifier


class KNearestNeighbors:
    def __init__(self, k=3):
        self.k = k

    def fit(self, X, y):
        self.y_train = np.asarray(y)
        self.model = KNeighborsClassifier(n_neighbors=self.k).fit(np.asarray(X, float), y)
        return self

    def predict(self, X):
        _, indices = self.model.kneighbors(np.asarray(X, float))
        return np.array([Counter(self.y_train[row]).most_common(1)[0][0] for row in indices])
