"""Folder submissions: walked without following links or opening anything special."""

import os
import socket
from pathlib import Path

import pytest

from grader.errors import UsageError
from grader.flags import FlagCode

from .builders import TWO_SUM, staged_files, write_tree

MB = 1024 * 1024


def test_folder_is_staged(tmp_path: Path, stage):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM, "data/input.csv": "1,2\n"})
    staged = stage(root)
    assert staged.info.kind == "dir"
    assert staged_files(staged.directory) == {
        "solution.py": TWO_SUM.encode(),
        "data/input.csv": b"1,2\n",
    }


def test_single_wrapping_folder_is_descended_into(tmp_path: Path, stage):
    root = write_tree(
        tmp_path / "export",
        {"bob/hw1/solution.py": TWO_SUM, "bob/hw1/util.py": "", ".DS_Store": b"\0"},
    )
    staged = stage(root)
    assert set(staged_files(staged.directory)) == {"solution.py", "util.py"}


def test_symlinked_file_is_unsafe(tmp_path: Path, reject):
    secret = tmp_path / "secret.txt"
    secret.write_text("host secret")
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM})
    os.symlink(secret, root / "notes.txt")
    exc = reject(root)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "notes.txt is a symbolic link" in exc.flag.message


def test_symlinked_folder_is_unsafe(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM})
    os.symlink("/etc", root / "etc")
    assert reject(root).flag.code == FlagCode.UNSAFE_ARCHIVE


def test_links_inside_junk_folders_are_never_looked_at(tmp_path: Path, stage):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM})
    (root / ".venv" / "bin").mkdir(parents=True)
    os.symlink("/usr/bin/python3", root / ".venv" / "bin" / "python")
    write_tree(root, {f".git/objects/{i}": "x" for i in range(600)})
    staged = stage(root)
    assert set(staged_files(staged.directory)) == {"solution.py"}


def test_named_pipe_is_unsafe_and_does_not_hang(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM})
    os.mkfifo(root / "input.txt")
    exc = reject(root)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "named pipe" in exc.flag.message


def test_socket_is_unsafe(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM})
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(root / "s.sock"))
    except OSError:  # path too long for a unix socket on this machine
        server.close()
        pytest.skip("cannot bind a unix socket here")
    try:
        exc = reject(root)
    finally:
        server.close()
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "socket" in exc.flag.message


def test_more_than_500_entries_is_unsafe(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM})
    write_tree(root, {f"data/{i}.txt": "" for i in range(500)})
    exc = reject(root)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "500" in exc.flag.message


def test_file_over_10_mb_is_unsafe(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM, "big.csv": b"0" * (10 * MB + 1)})
    exc = reject(root)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "big.csv is larger than 10 MB" in exc.flag.message


def test_large_file_that_is_not_copied_is_left_out(tmp_path: Path, stage):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM})
    with open(root / "weights.h5", "wb") as f:
        f.truncate(30 * MB)  # sparse: cheap to make
    staged = stage(root)
    assert "weights.h5" in staged.notes[0].message


def test_control_characters_in_file_names_are_unsafe(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM, "x\x1b[31m\n.py": ""})
    exc = reject(root)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert all(ch.isprintable() for ch in exc.flag.message)


def test_undecodable_file_names_are_unsafe(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM})
    (root / os.fsdecode(b"bad\xffname.py")).write_text("")
    exc = reject(root)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "\\udcff" in exc.flag.message


def test_backslash_in_a_file_name_is_unsafe(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM, "sub\\evil.py": ""})
    assert reject(root).flag.code == FlagCode.UNSAFE_ARCHIVE


def test_case_insensitive_duplicates_are_unsafe(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM, "Util.py": "", "util.py": ""})
    assert reject(root).flag.code == FlagCode.UNSAFE_ARCHIVE


def test_very_deep_nesting_is_unsafe(tmp_path: Path, reject):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM, "/".join("d" * 40) + "/x.py": ""})
    exc = reject(root)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "nested" in exc.flag.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_inside_is_a_usage_error(tmp_path: Path, stage):
    root = write_tree(tmp_path / "hw", {"solution.py": TWO_SUM, "notes.md": "x"})
    (root / "notes.md").chmod(0)
    with pytest.raises(UsageError, match=r"notes\.md"):
        stage(root)


def test_empty_folder(tmp_path: Path, reject):
    (tmp_path / "hw").mkdir()
    exc = reject(tmp_path / "hw")
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert exc.info.kind == "dir"


@pytest.mark.parametrize(
    ("entry", "binding"),
    [
        ("solution.py", "from pairs import two_sum\n"),
        ("solution.py", "from pairs.core import find as two_sum\n"),
        ("main.py", "from pairs.core import two_sum  # noqa\n\nprint(two_sum([1, 2], 3))\n"),
    ],
)
def test_an_entry_point_imported_from_a_package_is_found(tmp_path: Path, stage, entry, binding):
    root = write_tree(
        tmp_path / "hw",
        {
            entry: binding,
            "pairs/__init__.py": "from pairs.core import two_sum\n",
            "pairs/core.py": TWO_SUM + "\nfind = two_sum\n",
        },
    )
    staged = stage(root)
    assert staged.entry_module == entry.removesuffix(".py")
    assert set(staged_files(staged.directory)) >= {entry, "pairs/__init__.py", "pairs/core.py"}
