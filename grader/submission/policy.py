"""What a submission may hold: limits, junk, files that tamper, files worth copying."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum

from grader.flags import FlagCode
from grader.submission.rejection import Reject
from grader.submission.safe_names import display_path, safe_text

MB = 1024 * 1024
MAX_ENTRIES = 500
MAX_FILE_BYTES = 10 * MB
MAX_TOTAL_BYTES = 50 * MB
MAX_NOTEBOOK_BYTES = 20 * MB
MAX_SQL_BYTES = 100 * 1024
CHUNK = 64 * 1024
# Python's parser needs about a kilobyte of memory per byte of source, in the grader's own
# process: bigger sources, and any source past the per-submission total, are scanned instead
# (see scan.py). Real solutions and notebook cells are far below both.
MAX_PARSE_BYTES = 128 * 1024
MAX_PARSE_TOTAL_BYTES = 1024 * 1024

# Copied into the sandbox. Kept tight: code, SQL and the small text/data files a solution may
# read next to itself. Notebooks are only converted when they are the main submission.
COPIED_SUFFIXES = frozenset(
    {".py", ".sql", ".txt", ".md", ".csv", ".tsv", ".json", ".yaml", ".yml"}
)

# Files whose only purpose is to change how Python starts, and compiled code that `import`
# would load without any source to check. Name -> why it is refused.
_TAMPERING_NAMES = {
    "sitecustomize.py": "Python runs it at start-up",
    "usercustomize.py": "Python runs it at start-up",
}
_TAMPERING_SUFFIXES = {
    ".pth": "Python's site module runs it at start-up",
    ".so": "compiled extensions cannot be checked",
    ".pyd": "compiled extensions cannot be checked",
    ".dylib": "compiled extensions cannot be checked",
}
_VERSIONED_SO = re.compile(r"\.so(\.\d+)+$")
# pytest's own configuration (a candidate's tests have theirs) is left out like any file the
# grader does not use: the hidden tests run in another process, which never sees the
# submission's files; `pytest.ini`, like `tox.ini` or `pyproject.toml`, is not copied at all.
_PYTEST_CONFTEST = "conftest.py"

_JUNK_DIRS = frozenset({"__macosx", "__pycache__"})
_JUNK_FILES = frozenset({"thumbs.db", "desktop.ini"})
_JUNK_SUFFIXES = (".pyc", ".pyo")


class Role(Enum):
    COPY = "copy"
    NOTEBOOK = "notebook"
    IGNORE = "ignore"


def is_junk(parts: tuple[str, ...]) -> bool:
    """Editor, OS and VCS leftovers: dropped without a word (dot-files, __MACOSX, caches)."""
    if any(p.startswith(".") or p.casefold() in _JUNK_DIRS for p in parts):
        return True
    name = parts[-1].casefold()
    return name in _JUNK_FILES or name.endswith(_JUNK_SUFFIXES)


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].casefold() if dot > 0 else ""


def tampering_reason(parts: tuple[str, ...]) -> str | None:
    name = parts[-1].casefold()
    if name in _TAMPERING_NAMES:
        return _TAMPERING_NAMES[name]
    suffix = _suffix(name)
    if suffix in _TAMPERING_SUFFIXES:
        return _TAMPERING_SUFFIXES[suffix]
    if _VERSIONED_SO.search(name):
        return "compiled extensions cannot be checked"
    return None


def check_not_tampering(parts: tuple[str, ...]) -> None:
    reason = tampering_reason(parts)
    if reason is not None:
        raise Reject(
            FlagCode.TAMPERING,
            f"tampering: {display_path(parts)} is not allowed in a submission ({reason}); "
            "remove it and submit again",
        )


def role_of(parts: tuple[str, ...]) -> Role:
    name = parts[-1]
    if name.casefold() == _PYTEST_CONFTEST:
        return Role.IGNORE
    suffix = _suffix(name)
    if suffix == ".ipynb":
        return Role.NOTEBOOK
    if suffix in COPIED_SUFFIXES:
        return Role.COPY
    return Role.IGNORE


def _mb(n: int) -> str:
    return f"{n // MB} MB"


class SizeBudget:
    """Caps bytes as they are really unpacked: declared sizes in an archive can lie."""

    def __init__(self, per_file: int = MAX_FILE_BYTES, total: int = MAX_TOTAL_BYTES) -> None:
        self.per_file = per_file
        self.total = total
        self.used = 0

    def too_large(self, where: str) -> Reject:
        return Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: {safe_text(where)} is larger than {_mb(self.per_file)} once unpacked",
        )

    def take(self, chunks: Iterable[bytes], where: str) -> bytes:
        buf = bytearray()
        for chunk in chunks:
            buf += chunk
            if len(buf) > self.per_file:
                raise self.too_large(where)
            if self.used + len(buf) > self.total:
                raise Reject(
                    FlagCode.UNSAFE_ARCHIVE,
                    f"unsafe archive: the files add up to more than {_mb(self.total)} "
                    "once unpacked",
                )
        self.used += len(buf)
        return bytes(buf)


class ParseBudget:
    """How much Python source one intake may still hand to the parser."""

    def __init__(self, per_source: int = MAX_PARSE_BYTES, total: int = MAX_PARSE_TOTAL_BYTES):
        self.per_source = per_source
        self.left = total

    def allows(self, source: str) -> bool:
        """Whether to parse `source`; a yes is charged to the budget."""
        size = len(source)
        if size > self.per_source or size > self.left:
            return False
        self.left -= size
        return True


def too_many_entries(count: int) -> Reject:
    return Reject(
        FlagCode.UNSAFE_ARCHIVE,
        f"unsafe archive: more than {MAX_ENTRIES} entries ({count}); leave out data, "
        "virtual environments and .git",
    )
