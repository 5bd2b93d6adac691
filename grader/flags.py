"""The one list of report flag codes."""

from __future__ import annotations

from enum import StrEnum


class FlagCode(StrEnum):
    FORBIDDEN_IMPORT = "forbidden-import"
    MISSING_ENTRY_POINT = "missing-entry-point"
    SYNTAX_ERROR = "syntax-error"
    TAMPERING = "tampering"
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory-limit"
    PROCESS_LIMIT = "process-limit"
    DISK_LIMIT = "disk-limit"
    OUTPUT_LIMIT = "output-limit"
    DATA_LEAKAGE = "data-leakage"
    TARGET_LEAKAGE = "target-leakage"
    GROUP_LEAKAGE = "group-leakage"
    UNSAFE_ARCHIVE = "unsafe-archive"
    BAD_NOTEBOOK = "bad-notebook"
    BAD_SQL = "bad-sql"
    CRASHED = "crashed"
    # raised by hidden tests for mistakes an interviewer names
    TOO_SLOW = "too-slow"
    SCORE_MISMATCH = "score-mismatch"
    USES_FIT = "uses-fit"
    NO_GRADIENT_UPDATE = "no-gradient-update"
    LOSS_NOT_MEAN = "loss-not-mean"
    TRAINING_FLAG_MISSING = "training-flag-missing"
    # informational: the submission was changed or trimmed before grading
    NOTEBOOK_MAGIC = "notebook-magic"
    IGNORED_FILES = "ignored-files"
    UNCONFINED = "unconfined"
    IMPORT_ERROR = "import-error"


ALL_FLAG_CODES = frozenset(code.value for code in FlagCode)
