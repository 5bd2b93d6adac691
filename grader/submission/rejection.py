"""The two exceptions of submission intake: an internal one and the public one."""

from __future__ import annotations

from grader.flags import FlagCode
from grader.models import Flag, SubmissionInfo


class Reject(Exception):
    """A candidate fault found while reading the submission.

    Raised deep inside the readers, which do not know the submission's identity; `intake` turns
    it into `SubmissionRejected` with the info and the notes gathered so far.
    """

    def __init__(self, code: FlagCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SubmissionRejected(Exception):
    """The submission cannot be graded as given (a candidate fault): report it as `rejected`."""

    def __init__(self, flag: Flag, info: SubmissionInfo, notes: tuple[Flag, ...] = ()) -> None:
        super().__init__(flag.message)
        self.flag = flag
        self.info = info
        self.notes = tuple(notes)
