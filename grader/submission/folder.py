"""Read a folder submission without following links or opening anything but regular files."""

from __future__ import annotations

import errno
import os
import stat
from functools import partial
from pathlib import Path

from grader.errors import UsageError
from grader.flags import FlagCode
from grader.submission.policy import CHUNK, MAX_ENTRIES, SizeBudget, is_junk, too_many_entries
from grader.submission.rejection import Reject
from grader.submission.safe_names import MAX_DEPTH, check_component, display_path, safe_text
from grader.submission.tree import Entry

_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}
# O_NOFOLLOW: a file swapped for a link after the walk is not followed; O_NONBLOCK: a file
# swapped for a pipe does not hang the grader.
OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _unreadable(path: Path | str, exc: OSError) -> UsageError:
    return UsageError(f"cannot read {safe_text(str(path), 200)}: {exc.strerror or exc}")


def _special(parts: tuple[str, ...], mode: int) -> Reject:
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return Reject(
        FlagCode.UNSAFE_ARCHIVE,
        f"unsafe archive: {display_path(parts)} is {kind}; submit regular files only",
    )


def read_regular_file(path: Path, parts: tuple[str, ...], budget: SizeBudget) -> bytes:
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _special(parts, stat.S_IFLNK) from None
        raise _unreadable(path, exc) from None
    with os.fdopen(fd, "rb") as f:
        try:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise _special(parts, mode)
            return budget.take(iter(partial(f.read, CHUNK), b""), "/".join(parts))
        except OSError as exc:
            raise _unreadable(path, exc) from None


def folder_entries(root: Path) -> list[Entry]:
    entries: list[Entry] = []
    seen = 0

    def walk(directory: Path, prefix: tuple[str, ...]) -> None:
        nonlocal seen
        try:
            with os.scandir(directory) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            raise _unreadable(directory, exc) from None
        for item in items:
            parts = (*prefix, item.name)
            if is_junk(parts):
                continue  # never opened nor descended: .git and .venv can be huge
            check_component(item.name, "/".join(parts))
            seen += 1
            if seen > MAX_ENTRIES:
                raise too_many_entries(seen)
            try:
                mode = item.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                raise _unreadable(item.path, exc) from None
            if stat.S_ISDIR(mode):
                if len(parts) >= MAX_DEPTH:
                    raise Reject(
                        FlagCode.UNSAFE_ARCHIVE,
                        f"unsafe archive: {display_path(parts)} is nested more than "
                        f"{MAX_DEPTH} folders deep",
                    )
                walk(Path(item.path), parts)
            elif stat.S_ISREG(mode):
                entries.append(Entry(parts, partial(read_regular_file, Path(item.path), parts)))
            else:
                raise _special(parts, mode)

    walk(root, ())
    return entries
