"""The files of a folder or zip submission, sorted out before anything is written.

A reader (archive.py, folder.py) lists entries with a lazy loader each. `build_tree` drops junk,
refuses tampering, loads only what may be copied (under one size budget) and remembers what was
left out; `descend` strips a lone wrapping folder. Nothing here touches the destination.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from grader.flags import FlagCode
from grader.submission.policy import (
    Role,
    SizeBudget,
    check_not_tampering,
    is_junk,
    role_of,
)
from grader.submission.rejection import Reject
from grader.submission.safe_names import collision_key, display_path

Parts = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    parts: Parts
    load: Callable[[SizeBudget], bytes]  # reads the bytes, charging the budget


@dataclass
class Tree:
    files: dict[Parts, bytes]  # copy-able files and notebooks, by path under the module root
    ignored: list[Parts] = field(default_factory=list)  # left out, as named in the submission
    prefix: Parts = ()  # the wrapping folders `descend` stripped from `files`

    def original(self, parts: Parts) -> Parts:
        """A path of `files` as named in the submission."""
        return self.prefix + parts


def check_unique(paths: Iterable[tuple[Parts, bool]]) -> None:
    """Refuse names one file system would merge: exact or case/Unicode-form duplicates, and a
    file standing where another entry needs a folder. `paths` holds (parts, is_dir) pairs."""
    files: dict[str, Parts] = {}
    dirs: dict[str, Parts] = {}
    for parts, is_dir in paths:
        for depth in range(1, len(parts)):
            dirs.setdefault(collision_key(parts[:depth]), parts[:depth])
        key = collision_key(parts)
        if is_dir:
            dirs.setdefault(key, parts)
            continue
        if key in files:
            other = files[key]
            how = "twice" if other == parts else f"and as {display_path(other, 60)}"
            raise Reject(
                FlagCode.UNSAFE_ARCHIVE,
                f"unsafe archive: {display_path(parts, 60)} appears {how} "
                "(names must differ by more than letter case)",
            )
        files[key] = parts
    for key, parts in files.items():
        if key in dirs:
            raise Reject(
                FlagCode.UNSAFE_ARCHIVE,
                f"unsafe archive: {display_path(parts)} is both a file and a folder",
            )


def build_tree(entries: Iterable[Entry]) -> Tree:
    kept = sorted((e for e in entries if not is_junk(e.parts)), key=lambda e: e.parts)
    check_unique((e.parts, False) for e in kept)
    # Tampering is judged on names before any byte is unpacked.
    for entry in kept:
        check_not_tampering(entry.parts)
    budget = SizeBudget()
    tree = Tree(files={})
    for entry in kept:
        role = role_of(entry.parts)
        if role is Role.IGNORE:
            tree.ignored.append(entry.parts)
            continue
        tree.files[entry.parts] = entry.load(budget)
    return tree


def descend(tree: Tree) -> Tree:
    """Strip wrapping folders: `project/solution.py` is graded as `solution.py`.

    Only files that will be used decide; a stray README.pdf next to the folder does not stop
    the descent (it is listed as left out anyway).
    """
    files, prefix = tree.files, tree.prefix
    while files and all(len(p) > 1 for p in files):
        tops = {p[0] for p in files}
        if len(tops) != 1:
            break
        prefix += (tops.pop(),)
        files = {p[1:]: data for p, data in files.items()}
    return Tree(files=files, ignored=list(tree.ignored), prefix=prefix)
