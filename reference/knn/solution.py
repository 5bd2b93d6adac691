"""Reference solution for knn: k-nearest neighbours in numpy, vectorised over queries.

Squared distances come from |q|^2 + |t|^2 - 2 q.t, one matrix product per block of
queries, so memory stays bounded (a block of queries times the training set) whatever
the number of queries. Features are converted to float64 first: integer features would
otherwise overflow when squared.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# 256 queries x 10,000 training points of float64 is 20 MB per block.
BLOCK = 256


class KNearestNeighbors:
    """k-nearest neighbours with Euclidean distance and a majority vote.

    Among labels tied for the most votes, the one with the nearest neighbour wins.
    """

    def __init__(self, k: int = 3) -> None:
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        self.k = k
        self._X: np.ndarray | None = None

    def fit(self, X: Any, y: Any) -> KNearestNeighbors:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
            raise ValueError("X must be 2-D and y 1-D, with one label per row of X")
        if len(X) < self.k:
            raise ValueError(f"k = {self.k} needs at least {self.k} training points")
        self._X = X
        self._norms = np.einsum("ij,ij->i", X, X)
        self._labels, self._codes = np.unique(y, return_inverse=True)
        return self

    def predict(self, X: Any) -> np.ndarray:
        if self._X is None:
            raise RuntimeError("call fit(X, y) before predict(X)")
        queries = np.asarray(X, dtype=np.float64)
        if queries.ndim != 2 or queries.shape[1] != self._X.shape[1]:
            raise ValueError(f"X must be 2-D with {self._X.shape[1]} columns")
        winners = np.empty(len(queries), dtype=np.intp)
        for start in range(0, len(queries), BLOCK):
            block = queries[start : start + BLOCK]
            winners[start : start + BLOCK] = self._vote(self._nearest(block))
        return self._labels[winners]

    def _nearest(self, queries: np.ndarray) -> np.ndarray:
        """Indices of each query's k nearest training points, nearest first."""
        d2 = np.einsum("ij,ij->i", queries, queries)[:, None] + self._norms[None, :]
        d2 -= 2.0 * (queries @ self._X.T)
        k = self.k
        if k < d2.shape[1]:
            part = np.argpartition(d2, k - 1, axis=1)[:, :k]
        else:
            part = np.broadcast_to(np.arange(d2.shape[1]), d2.shape).copy()
        order = np.argsort(np.take_along_axis(d2, part, axis=1), axis=1, kind="stable")
        return np.take_along_axis(part, order, axis=1)

    def _vote(self, nearest: np.ndarray) -> np.ndarray:
        """Winning label code per row: most votes, then the nearest member."""
        rows = np.arange(len(nearest))[:, None]
        codes = self._codes[nearest]
        n_labels = len(self._labels)
        votes = np.zeros((len(nearest), n_labels), dtype=np.intp)
        np.add.at(votes, (rows, codes), 1)
        # rank of each label's nearest member; labels without votes rank last
        first = np.full((len(nearest), n_labels), self.k, dtype=np.intp)
        ranks = np.broadcast_to(np.arange(self.k), nearest.shape)
        np.minimum.at(first, (rows, codes), ranks)
        tied = votes == votes.max(axis=1, keepdims=True)
        return np.where(tied, first, self.k + 1).argmin(axis=1)
