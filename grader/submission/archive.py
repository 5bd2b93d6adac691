"""Read a .zip submission: every entry is checked before any byte is unpacked."""

from __future__ import annotations

import stat
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import BinaryIO

from grader.errors import UsageError
from grader.flags import FlagCode
from grader.submission.policy import CHUNK, MAX_ENTRIES, SizeBudget, too_many_entries
from grader.submission.rejection import Reject
from grader.submission.safe_names import safe_text, split_archive_name
from grader.submission.tree import Entry, check_unique

# Only stored and deflated entries: zipfile bounds deflate output per read, but hands a whole
# compressed chunk to the bzip2 and LZMA decompressors, where 4 KB can unpack to gigabytes
# before the size budget sees any of it. Student tools (Finder, Explorer, `zip`) use deflate.
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_EOCD = b"PK\x05\x06"
# A central directory record is 46 bytes and the entry's name, extra field and comment: a
# kilobyte each is far more than real archives use.
MAX_DIRECTORY_BYTES = MAX_ENTRIES * 1024
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_SPECIAL_TYPES = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _corrupt(reason: object) -> Reject:
    text = str(reason).strip() or type(reason).__name__
    return Reject(
        FlagCode.UNSAFE_ARCHIVE,
        f"unsafe archive: not a readable zip file ({safe_text(text, 100)})",
    )


def _declared_directory(fp: BinaryIO) -> tuple[int, int] | None:
    """The entry count and central directory size the end record claims, read before
    zipfile builds one object per entry (a small file can declare millions, or list millions
    under an end record that claims one). None when it cannot be found: zipfile then
    decides."""
    fp.seek(0, 2)
    size = fp.tell()
    tail_len = min(size, 22 + 0xFFFF)
    fp.seek(size - tail_len)
    tail = fp.read(tail_len)
    pos = tail.rfind(_EOCD)
    if pos < 0 or pos + 22 > len(tail):
        return None
    count, directory_size = struct.unpack_from("<HI", tail, pos + 10)
    if count != 0xFFFF and directory_size != 0xFFFFFFFF:
        return count, directory_size
    loc = pos - 20
    if loc < 0 or tail[loc : loc + 4] != _ZIP64_LOCATOR:
        return None
    (offset,) = struct.unpack_from("<Q", tail, loc + 8)
    if offset + 56 > size:
        return None
    fp.seek(offset)
    record = fp.read(56)
    if record[:4] != _ZIP64_EOCD:
        return None
    return struct.unpack_from("<QQ", record, 32)


def _entry_type(info: zipfile.ZipInfo) -> int:
    return stat.S_IFMT(info.external_attr >> 16)


def _check_info(info: zipfile.ZipInfo) -> tuple[tuple[str, ...], bool]:
    """The entry's safe path and whether it is a folder; rejects anything else."""
    raw = info.orig_filename  # zipfile cuts `filename` at a NUL byte; the original keeps it
    parts = split_archive_name(raw)
    kind = _entry_type(info)
    if kind in _SPECIAL_TYPES:
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: {safe_text(raw)} is {_SPECIAL_TYPES[kind]}; "
            "submit regular files only",
        )
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE, f"unsafe archive: {safe_text(raw)} has an unknown file type"
        )
    if info.flag_bits & 0x1:
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: {safe_text(raw)} is encrypted; submit an archive without a password",
        )
    is_dir = kind == stat.S_IFDIR or raw.replace("\\", "/").endswith("/")
    if not is_dir and info.compress_type not in _METHODS:
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"unsafe archive: {safe_text(raw)} uses an unsupported compression method "
            f"({info.compress_type}); use a plain (deflate) zip",
        )
    return parts, is_dir


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: SizeBudget
) -> bytes:
    if info.file_size > budget.per_file:
        raise budget.too_large(where)  # honest declared sizes fail early; lying ones below
    try:
        with zf.open(info) as member:
            return budget.take(iter(partial(member.read, CHUNK), b""), where)
    except Reject:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure on candidate bytes: corrupt archive
        raise _corrupt(exc) from None


@contextmanager
def zip_entries(path: Path) -> Iterator[list[Entry]]:
    """The archive's file entries with their loaders; the archive stays open inside the block."""
    try:
        fp = open(path, "rb")  # noqa: SIM115 - kept open across the with-block below
    except OSError as exc:
        raise UsageError(
            f"cannot read submission {safe_text(str(path), 200)}: {exc.strerror}"
        ) from None
    with fp:
        try:
            declared = _declared_directory(fp)
            fp.seek(0)
        except (OSError, struct.error):
            declared = None
        if declared is not None:
            count, directory_size = declared
            if count > MAX_ENTRIES:
                raise too_many_entries(count)
            if directory_size > MAX_DIRECTORY_BYTES:
                # zipfile reads this many bytes of entries, whatever the count says
                raise Reject(
                    FlagCode.UNSAFE_ARCHIVE,
                    f"unsafe archive: its list of entries takes {directory_size:,} bytes, "
                    f"more than {MAX_ENTRIES} entries need",
                )
        try:
            zf = zipfile.ZipFile(fp)
            infos = zf.infolist()
        except Exception as exc:  # noqa: BLE001 - any failure on candidate bytes: corrupt archive
            raise _corrupt(exc) from None
        with zf:
            if len(infos) > MAX_ENTRIES:
                raise too_many_entries(len(infos))
            checked = [(info, *_check_info(info)) for info in infos]
            check_unique((parts, is_dir) for _, parts, is_dir in checked if parts)
            yield [
                Entry(parts, partial(_read_member, zf, info, info.orig_filename))
                for info, parts, is_dir in checked
                if parts and not is_dir
            ]
