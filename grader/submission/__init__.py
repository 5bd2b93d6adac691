"""Submission intake: check a candidate's submission and stage it for grading.

`describe_submission` names a submission (kind, sha256); `stage_submission` checks it and copies
what will be graded into an empty folder, or raises `SubmissionRejected` (a candidate fault, to
report as `rejected`) or `grader.errors.UsageError` (a path the user cannot submit).
"""

from grader.submission.digest import describe_submission
from grader.submission.intake import stage_submission
from grader.submission.rejection import SubmissionRejected
from grader.submission.safe_names import safe_text

__all__ = ["SubmissionRejected", "describe_submission", "safe_text", "stage_submission"]
