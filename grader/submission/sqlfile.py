"""The byte-level checks of a SQL submission; its statements are checked elsewhere."""

from __future__ import annotations

from grader.flags import FlagCode
from grader.submission.policy import MAX_SQL_BYTES
from grader.submission.rejection import Reject
from grader.submission.safe_names import safe_text


def check_sql(data: bytes, where: str) -> bytes:
    """The SQL as UTF-8 without a byte-order mark, or a `bad-sql` rejection."""
    name = safe_text(where)
    if len(data) > MAX_SQL_BYTES:
        raise Reject(
            FlagCode.BAD_SQL, f"{name} is larger than {MAX_SQL_BYTES // 1024} KB; submit one query"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Reject(FlagCode.BAD_SQL, f"{name}:{line}: not valid UTF-8 text") from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise Reject(FlagCode.BAD_SQL, f"{name}:{line}: contains a NUL byte")
    return text.encode("utf-8")
