"""Write checked files into the staging folder, and nowhere else."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from grader.errors import GraderError

_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def check_destination(dest: Path) -> None:
    """`dest` must be an existing empty folder: staging never merges into or overwrites files."""
    try:
        if not dest.is_dir() or any(dest.iterdir()):
            raise GraderError(f"staging folder {dest} must be an existing empty folder")
    except OSError as exc:
        raise GraderError(f"cannot use staging folder {dest}: {exc}") from None


def write_files(dest: Path, files: Mapping[tuple[str, ...], bytes]) -> None:
    root = dest.resolve()
    try:
        for parts, data in sorted(files.items()):
            # The readers already refused these; checked again because a write outside `dest`
            # would be the one unrecoverable mistake.
            if not parts or any(p in ("", ".", "..") or "/" in p or "\0" in p for p in parts):
                raise GraderError(f"refusing to stage unsafe path {parts!r}")
            target = root.joinpath(*parts)
            if not target.parent.resolve().is_relative_to(root):
                raise GraderError(f"refusing to stage {parts!r} outside {root}")
            target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            if not target.parent.resolve().is_relative_to(root):
                raise GraderError(f"refusing to stage {parts!r} outside {root}")
            fd = os.open(target, _WRITE_FLAGS, 0o644)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
    except OSError as exc:
        raise GraderError(f"cannot write the submission into {dest}: {exc}") from None
