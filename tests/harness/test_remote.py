"""Objects of the submission as the tests see them: attribute look-ups across the channel."""

from __future__ import annotations

import pytest

from grader.harness.client import CandidateError, Remote
from grader.harness.codec import Handle


class _Channel:
    """Answers each request as a worker whose object has only `size`."""

    generation = 1
    test_epoch = 1
    module_handles: dict = {}

    def request(self, message: dict) -> object:
        if message["op"] == "getattr" and message["name"] == "size":
            return 3
        if message["op"] == "getattr":
            raise CandidateError("AttributeError", f"no attribute {message['name']!r}")
        raise CandidateError("ValueError", "bad call")


def test_a_missing_attribute_is_an_attribute_error_to_the_tests():
    remote = Remote(_Channel(), Handle(5))
    assert remote.size == 3
    assert not hasattr(remote, "tolist")  # as the tests' own checks of a result expect
    assert getattr(remote, "tolist", None) is None
    with pytest.raises(CandidateError, match="no attribute 'tolist'"):
        remote.tolist  # noqa: B018 - the look-up is the test


def test_other_errors_of_the_candidate_stay_theirs():
    remote = Remote(_Channel(), Handle(5))
    with pytest.raises(CandidateError) as raised:
        remote()
    assert not isinstance(raised.value, AttributeError)
