"""Make candidate-controlled text safe to print, and candidate file names safe to write.

Everything a candidate controls (file names, code lines, parser messages quoting their code) ends
up in reports that are printed to terminals, Markdown and JUnit files. An ANSI escape or a newline
there could forge report lines, so every such string goes through `safe_text` first.
"""

from __future__ import annotations

import re
import unicodedata

from grader.flags import FlagCode
from grader.submission.rejection import Reject

# CSI sequences (colours, cursor moves), OSC sequences (terminal titles, hyperlinks) and the
# two-byte escapes; their printable tail would otherwise survive as noise like "[31m".
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b[@-Z\\-_]"
)
# Control, format (bidi overrides can reorder what a reader sees), surrogate (undecodable bytes
# of a file name) and line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_ELLIPSIS = "…"

MAX_COMPONENT_BYTES = 255  # what Linux and macOS accept for one path component
MAX_PATH_BYTES = 1024
MAX_DEPTH = 32
_DRIVE = re.compile(r"^[A-Za-z]:")


def _escape(ch: str) -> str:
    if unicodedata.category(ch) not in _UNSAFE_CATEGORIES:
        return ch
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_text(s: str, limit: int = 80) -> str:
    """One printable line of at most `limit` characters: escapes stripped, controls escaped."""
    limit = max(1, limit)
    text = _ANSI.sub("", str(s))
    out: list[str] = []
    length = 0
    for ch in text:
        piece = _escape(ch)
        if length + len(piece) > limit:
            # Drop whole escape sequences rather than cut one in half, then mark the cut.
            while out and length + len(_ELLIPSIS) > limit:
                length -= len(out.pop())
            out.append(_ELLIPSIS)
            return "".join(out)
        out.append(piece)
        length += len(piece)
    return "".join(out)


def display_path(parts: tuple[str, ...], limit: int = 80) -> str:
    return safe_text("/".join(parts), limit)


def _has_unsafe_chars(name: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name)


def check_component(name: str, where: str) -> None:
    """Reject one path component that is unsafe to write or to show (`where` names the entry)."""
    if _has_unsafe_chars(name):
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: {safe_text(where)} has control characters or undecodable bytes "
            "in its name",
        )
    if "\\" in name or "/" in name:
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: {safe_text(where)} has a slash or backslash in a file name",
        )
    if len(name.encode("utf-8", "surrogatepass")) > MAX_COMPONENT_BYTES:
        raise Reject(FlagCode.UNSAFE_ARCHIVE, f"unsafe archive: {safe_text(where)}: name too long")


def split_archive_name(raw: str) -> tuple[str, ...]:
    """Split a zip entry name into safe path components, or reject the archive.

    Backslashes count as separators: Windows tools write them, and `..\\x` must not slip past
    the `..` check by hiding in a single component. `.` and empty components are dropped, so
    `./a//b` is `a/b`; an empty result means the entry names no file (for example `./`).
    """
    if _has_unsafe_chars(raw):
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: entry {safe_text(raw)} has control characters or NUL bytes "
            "in its name",
        )
    name = raw.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: entry {safe_text(raw)} is an absolute path",
        )
    if len(name.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE, f"unsafe archive: entry {safe_text(raw)}: name too long"
        )
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if ".." in parts:
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: entry {safe_text(raw)} points outside the submission folder (..)",
        )
    if len(parts) > MAX_DEPTH:
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: entry {safe_text(raw)} is nested more than {MAX_DEPTH} folders deep",
        )
    for part in parts:
        check_component(part, raw)
    return parts


def collision_key(parts: tuple[str, ...]) -> str:
    """Names that one file system may treat as the same file (case, Unicode normal form)."""
    return unicodedata.normalize("NFC", "/".join(parts)).casefold()
