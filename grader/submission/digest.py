"""Name a submission: its kind and a sha256 that identifies it in reports and gradebooks.

Only the user's side can fail here (missing, unreadable or unsupported path): whatever the
content, a submission always gets a kind and a digest, so even a rejected one is identified.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from grader.errors import UsageError
from grader.models import SubmissionInfo, SubmissionKind
from grader.submission.folder import OPEN_FLAGS
from grader.submission.policy import CHUNK, is_junk
from grader.submission.safe_names import safe_text

KIND_BY_SUFFIX: dict[str, SubmissionKind] = {
    ".py": "py",
    ".ipynb": "ipynb",
    ".sql": "sql",
    ".zip": "zip",
}
ACCEPTED = "a .py, .ipynb, .sql or .zip file, or a folder"
# A folder's digest reads at most this much; past it the digest still identifies the folder
# (it covers what was read plus a marker) and staging rejects the folder for its size anyway.
HASH_MAX_ENTRIES = 5000
HASH_MAX_BYTES = 500 * 1024 * 1024


def _show(path: Path) -> str:
    return safe_text(str(path), 200)


def _usage(path: Path, exc: OSError) -> UsageError:
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return UsageError(f"submission not found: {_show(path)} (expected {ACCEPTED})")
    return UsageError(f"cannot read submission {_show(path)}: {exc.strerror or exc}")


def submission_kind(path: Path) -> SubmissionKind:
    """The kind of `path`, or a UsageError naming it and what is accepted."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise _usage(path, exc) from None
    if stat.S_ISDIR(mode):
        if not os.access(path, os.R_OK | os.X_OK):
            raise UsageError(f"cannot read submission {_show(path)}: permission denied")
        return "dir"
    kind = KIND_BY_SUFFIX.get(path.suffix.lower())
    if not stat.S_ISREG(mode):
        raise UsageError(f"submission {_show(path)} is not a regular file or folder")
    if kind is None:
        raise UsageError(f"unsupported submission {_show(path)}: expected {ACCEPTED}")
    return kind


def read_prefix(path: Path, limit: int) -> bytes:
    """At most `limit + 1` bytes of a top-level file: one byte over says "too large"."""
    try:
        with open(path, "rb") as f:
            return f.read(limit + 1)
    except OSError as exc:
        raise _usage(path, exc) from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise _usage(path, exc) from None
    return digest.hexdigest()


class _FolderDigest:
    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []
        self.read = 0
        self.truncated = False

    def member(self, path: str) -> str:
        """The digest of one member, never following a link nor opening a non-regular file."""
        try:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                target = os.readlink(path)
                return "symlink:" + hashlib.sha256(os.fsencode(target)).hexdigest()
            if not stat.S_ISREG(st.st_mode):
                return "special"
            digest = hashlib.sha256()
            fd = os.open(path, OPEN_FLAGS)
            with os.fdopen(fd, "rb") as f:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return "special"
                while chunk := f.read(CHUNK):
                    self.read += len(chunk)
                    if self.read > HASH_MAX_BYTES:
                        self.truncated = True
                        return "truncated:" + digest.hexdigest()
                    digest.update(chunk)
            return digest.hexdigest()
        except OSError:
            return "unreadable"

    def walk(self, directory: str, prefix: tuple[str, ...]) -> None:
        try:
            with os.scandir(directory) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError:
            self.pairs.append(("/".join(prefix) + "/", "unreadable"))
            return
        for item in items:
            if self.truncated:
                return
            parts = (*prefix, item.name)
            if is_junk(parts):
                continue  # never graded, so not part of the submission's identity
            if len(self.pairs) >= HASH_MAX_ENTRIES:
                self.truncated = True
                return
            try:
                is_dir = item.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                self.walk(item.path, parts)
            else:
                self.pairs.append(("/".join(parts), self.member(item.path)))

    def hexdigest(self) -> str:
        digest = hashlib.sha256()
        for rel, member in sorted(self.pairs):
            # NUL cannot occur in a path, so the pairs cannot run into each other.
            digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(member.encode("ascii") + b"\0")
        if self.truncated:
            digest.update(b"truncated\0")
        return digest.hexdigest()


def folder_sha256(path: Path) -> str:
    """sha256 over the sorted (relative path, file sha256) pairs; links are not followed."""
    folder = _FolderDigest()
    folder.walk(str(path), ())
    return folder.hexdigest()


def describe_submission(path: Path) -> SubmissionInfo:
    """Kind and sha256 of a submission; raises UsageError only for the path itself."""
    path = Path(path)
    kind = submission_kind(path)
    sha = folder_sha256(path) if kind == "dir" else file_sha256(path)
    return SubmissionInfo(path=str(path), sha256=sha, kind=kind)
