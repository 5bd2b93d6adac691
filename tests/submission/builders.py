"""Builders for submissions made in tmp_path: exercises, zips (crafted entries too), trees."""

from __future__ import annotations

import struct
import warnings
import zipfile
from pathlib import Path

from grader.models import Exercise, Limits

TWO_SUM = "def two_sum(nums, target):\n    return [0, 1]\n"


def make_exercise(
    kind: str = "python",
    entry_point: str | None = "two_sum",
    leetcode_method: str | None = "twoSum",
) -> Exercise:
    here = Path("/nonexistent")
    return Exercise(
        id="two-sum" if kind == "python" else "second-highest-salary",
        title="Two Sum",
        kind=kind,  # type: ignore[arg-type]
        entry_point=entry_point,
        leetcode_method=leetcode_method,
        limits=Limits(),
        version="0" * 64,
        root=here,
        hidden_tests=here,
        reference=here,
    )


def staged_files(dest: Path) -> dict[str, bytes]:
    return {
        p.relative_to(dest).as_posix(): p.read_bytes()
        for p in sorted(dest.rglob("*"))
        if p.is_file()
    }


Entries = dict[str, bytes | str] | list[tuple[zipfile.ZipInfo | str, bytes | str]]


def write_zip(path: Path, entries: Entries, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    items = entries.items() if isinstance(entries, dict) else entries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are written on purpose
        with zipfile.ZipFile(path, "w", compression) as zf:
            for name, data in items:
                zf.writestr(name, data)
    return path


def info(name: str, mode: int = 0, *, raw_name: str | None = None) -> zipfile.ZipInfo:
    """A ZipInfo with a unix mode (file type bits included) and, if given, a raw name that
    zipfile would otherwise cut at a NUL byte."""
    zi = zipfile.ZipInfo(name)
    zi.create_system = 3
    if mode:
        zi.external_attr = mode << 16
    if raw_name is not None:
        zi.filename = raw_name
    return zi


def patch_zip_flags(path: Path, flag: int) -> None:
    """OR `flag` into the general-purpose flags of every local and central header."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (pos := data.find(signature, start)) >= 0:
            (flags,) = struct.unpack_from("<H", data, pos + offset)
            struct.pack_into("<H", data, pos + offset, flags | flag)
            start = pos + 4
    path.write_bytes(bytes(data))


def patch_zip_sizes(path: Path, size: int) -> None:
    """Make every header declare `size` uncompressed bytes (a lying zip)."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (pos := data.find(signature, start)) >= 0:
            struct.pack_into("<I", data, pos + offset, size)
            start = pos + 4
    path.write_bytes(bytes(data))


def write_tree(root: Path, files: dict[str, bytes | str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8")
        else:
            target.write_bytes(data)
    return root
