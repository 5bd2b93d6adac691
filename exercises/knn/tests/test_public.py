"""Public tests: one small example of each rule in README.md. Run `pytest` next to your
solution.py."""

import numpy as np
import pytest

# Five points on a line, labelled from left to right.
LINE_X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
LINE_Y = np.array([0, 0, 1, 1, 1])


def fitted(submission, k, X, y):
    model = submission.KNearestNeighbors(k=k)
    model.fit(X, y)
    return model


def test_majority_vote(submission):
    """the label of most of the k nearest points wins"""
    got = fitted(submission, 3, LINE_X, LINE_Y).predict(np.array([[0.4], [10.6]]))
    assert isinstance(got, np.ndarray), f"predict returned {type(got).__name__}, not an array"
    assert got.tolist() == [0, 1], f"expected [0, 1], got {got.tolist()}"


def test_k_equals_one(submission):
    """k = 1 is the label of the nearest point"""
    got = fitted(submission, 1, LINE_X, LINE_Y).predict(np.array([[1.8], [0.2]]))
    assert got.tolist() == [1, 0], f"expected [1, 0], got {got.tolist()}"


def test_tie_goes_to_the_nearest(submission):
    """with k = 4 and neighbours b, a, a, b (nearest first) the answer is b"""
    X = np.array([[0.0], [1.0], [2.0], [3.0], [50.0]])
    y = np.array(["a", "b", "a", "b", "a"])
    got = fitted(submission, 4, X, y).predict(np.array([[1.2]]))
    # distances: b at 0.2, a at 0.8, a at 1.2, b at 1.8 -> two votes each, b is nearest
    assert got.tolist() == ["b"], f"expected ['b'], got {got.tolist()}"


def test_three_way_tie(submission):
    """with k = 3 and three different labels, the nearest one wins"""
    X = np.array([[4.0], [-3.0], [9.0], [0.0]])
    y = np.array([8, 9, 7, 7])
    got = fitted(submission, 3, X, y).predict(np.array([[1.0]]))
    assert got.tolist() == [7], f"expected [7], got {got.tolist()}"


def test_string_labels(submission):
    """string labels come back as a string array"""
    y = np.array(["cold", "cold", "warm", "hot", "hot"])
    got = fitted(submission, 1, LINE_X, y).predict(np.array([[2.1], [10.9]]))
    assert got.dtype.kind == "U", f"expected a string array, got dtype {got.dtype}"
    assert got.tolist() == ["warm", "hot"], f"expected ['warm', 'hot'], got {got.tolist()}"


def test_int32_features(submission):
    """int32 features whose differences overflow 32 bits when squared"""
    X = np.array([[-30_000, 0], [35_000, 0]], dtype=np.int32)
    y = np.array([0, 1])
    # 35,536 - (-30,000) = 65,536, whose square is 2^32: 0 in int32 arithmetic
    query = np.array([[35_536, 0]], dtype=np.int32)
    got = fitted(submission, 1, X, y).predict(query)
    assert got.tolist() == [1], f"expected [1], got {got.tolist()} (int32 overflow?)"


def test_default_k_is_three(submission):
    """KNearestNeighbors() uses k = 3"""
    model = submission.KNearestNeighbors()
    model.fit(LINE_X, LINE_Y)
    # k = 1 says 1 (2.0 is nearest); k = 3 says 0 (0.0, 1.0 and 2.0 vote 0, 0, 1)
    got = model.predict(np.array([[1.9]]))
    assert got.tolist() == [0], f"expected [0] with k = 3, got {got.tolist()}"


def test_predict_before_fit_raises(submission):
    """predict before fit raises an error"""
    with pytest.raises(Exception):  # noqa: B017 - any exception is accepted
        submission.KNearestNeighbors(k=3).predict(np.array([[0.0]]))
