"""Code that runs inside the sandbox: harness, supervisor and worker.

Imports no click, rich or docker. Test authors use `CandidateError` and the
helpers in `grader.harness.testing`.
"""

from grader.harness.client import CandidateError
from grader.harness.codec import Tree

__all__ = ["CandidateError", "Tree"]
