"""Zip submissions: every entry checked before anything is written."""

import stat
import struct
import time
import zipfile
from pathlib import Path

import pytest

from grader.flags import FlagCode
from grader.submission.policy import SizeBudget
from grader.submission.rejection import Reject

from .builders import TWO_SUM, info, patch_zip_flags, patch_zip_sizes, staged_files, write_zip

MB = 1024 * 1024


def test_zip_is_staged_flattened(tmp_path: Path, stage):
    path = write_zip(
        tmp_path / "sub.zip",
        {"solution.py": TWO_SUM, "lib/__init__.py": "", "lib/util.py": "X = 1\n"},
    )
    staged = stage(path)
    assert staged.info.kind == "zip"
    assert staged.entry_module == "solution"
    assert set(staged_files(staged.directory)) == {"solution.py", "lib/__init__.py", "lib/util.py"}


def test_single_top_level_folder_is_descended_into(tmp_path: Path, stage):
    path = write_zip(
        tmp_path / "sub.zip",
        {
            "alice-hw1/project/solution.py": TWO_SUM,
            "alice-hw1/project/util.py": "X = 1\n",
            "__MACOSX/alice-hw1/project/._solution.py": b"\0\x05\x16\x07",
            ".DS_Store": b"\0",
            "alice-hw1/.DS_Store": b"\0",
        },
    )
    staged = stage(path)
    assert staged.entry_module == "solution"
    assert set(staged_files(staged.directory)) == {"solution.py", "util.py"}
    assert staged.notes == ()


def test_two_top_level_folders_are_not_descended_into(tmp_path: Path, reject):
    path = write_zip(tmp_path / "sub.zip", {"a/solution.py": TWO_SUM, "b/notes.md": "x"})
    exc = reject(path)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "a/solution.py" in exc.flag.message


def test_junk_is_left_out_silently(tmp_path: Path, stage):
    path = write_zip(
        tmp_path / "sub.zip",
        {
            "solution.py": TWO_SUM,
            "__pycache__/solution.cpython-311.pyc": b"\0",
            "old.pyc": b"\0",
            ".git/config": "[core]",
            ".ipynb_checkpoints/solution-checkpoint.py": "x",
            ".env": "SECRET=1",
            "Thumbs.db": b"\0",
        },
    )
    staged = stage(path)
    assert set(staged_files(staged.directory)) == {"solution.py"}
    assert staged.notes == ()


def test_files_outside_the_allow_list_are_listed_in_one_note(tmp_path: Path, stage):
    path = write_zip(
        tmp_path / "sub.zip",
        {
            "proj/solution.py": TWO_SUM,
            "proj/data.csv": "a\n",
            "proj/config.yaml": "a: 1\n",
            "proj/model.pkl": b"\x80",
            "proj/LICENSE": "MIT",
            "report.pdf": b"%PDF",
            "proj/extra.ipynb": "{}",
        },
    )
    staged = stage(path)
    assert set(staged_files(staged.directory)) == {"solution.py", "data.csv", "config.yaml"}
    (note,) = staged.notes
    assert note.code == FlagCode.IGNORED_FILES
    assert (
        note.message
        == (
            "left out 4 files the grader does not use: "
            "proj/LICENSE, proj/model.pkl, report.pdf, extra.ipynb"
        )
        or "4 files" in note.message
    )
    for name in ("LICENSE", "model.pkl", "report.pdf", "extra.ipynb"):
        assert name in note.message


def test_ignored_note_is_capped(tmp_path: Path, stage):
    entries = {"solution.py": TWO_SUM} | {f"blob{i:02}.bin": b"x" for i in range(20)}
    (note,) = stage(write_zip(tmp_path / "sub.zip", entries)).notes
    assert "20 files" in note.message and "and 15 more" in note.message
    assert len(note.message) < 400


def test_backslash_separators_are_understood(tmp_path: Path, stage):
    path = write_zip(tmp_path / "sub.zip", {"proj\\solution.py": TWO_SUM, "proj\\lib\\u.py": ""})
    staged = stage(path)
    assert set(staged_files(staged.directory)) == {"solution.py", "lib/u.py"}


@pytest.mark.parametrize(
    "name",
    [
        "../evil.py",
        "proj/../../evil.py",
        "..\\evil.py",
        "proj\\..\\..\\evil.py",
        "/etc/cron.d/evil",
        "\\\\server\\share\\evil.py",
        "C:/Windows/evil.py",
        "c:evil.py",
        "D:\\evil.py",
    ],
)
def test_escaping_names_are_unsafe(tmp_path: Path, reject, name: str):
    path = write_zip(tmp_path / "sub.zip", [("solution.py", TWO_SUM), (info(name), "x")])
    exc = reject(path)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert not (tmp_path / "evil.py").exists()


@pytest.mark.parametrize(
    "raw", ["ok.py\x00.txt", "bad\x1b[2Jname.py", "new\nline.py", "del\x7f.py"]
)
def test_control_characters_in_names_are_unsafe(tmp_path: Path, reject, raw: str):
    path = write_zip(
        tmp_path / "sub.zip", [("solution.py", TWO_SUM), (info("x.py", raw_name=raw), "x")]
    )
    exc = reject(path)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "control characters" in exc.flag.message
    assert all(ch.isprintable() for ch in exc.flag.message)


@pytest.mark.parametrize(
    ("mode", "what"),
    [
        (stat.S_IFLNK | 0o777, "symbolic link"),
        (stat.S_IFIFO | 0o644, "named pipe"),
        (stat.S_IFCHR | 0o644, "device"),
        (stat.S_IFBLK | 0o644, "device"),
        (stat.S_IFSOCK | 0o644, "socket"),
    ],
)
def test_special_entries_are_unsafe(tmp_path: Path, reject, mode: int, what: str):
    path = write_zip(
        tmp_path / "sub.zip", [("solution.py", TWO_SUM), (info("link.py", mode), "/etc/passwd")]
    )
    exc = reject(path)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert what in exc.flag.message and "link.py" in exc.flag.message


def test_symlink_hidden_in_junk_is_still_refused(tmp_path: Path, reject):
    path = write_zip(
        tmp_path / "sub.zip",
        [("solution.py", TWO_SUM), (info("__MACOSX/x", stat.S_IFLNK | 0o777), "/")],
    )
    assert reject(path).flag.code == FlagCode.UNSAFE_ARCHIVE


def test_more_than_500_entries_is_unsafe(tmp_path: Path, reject):
    entries = {"solution.py": TWO_SUM} | {f"d/{i}.txt": "" for i in range(500)}
    exc = reject(write_zip(tmp_path / "sub.zip", entries))
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "500 entries" in exc.flag.message


def test_an_end_record_that_understates_the_entries_is_caught_before_they_are_read(
    tmp_path: Path, reject
):
    """The end record claims 1 entry; its central directory lists 200,000: zipfile would
    build an object for each (9 times the file's size in memory) before the count is seen."""
    path = write_zip(tmp_path / "sub.zip", {"solution.py": TWO_SUM})
    data = path.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    size, start = struct.unpack_from("<II", data, end + 12)
    directory = data[start : start + size] * 200_000
    record = bytearray(data[end:])
    struct.pack_into("<HHII", record, 8, 1, 1, len(directory), start)
    path.write_bytes(data[:start] + directory + bytes(record))
    started = time.monotonic()
    exc = reject(path)
    assert time.monotonic() - started < 2
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE and "list of entries" in exc.flag.message


def test_500_entries_is_fine(tmp_path: Path, stage):
    entries = {"solution.py": TWO_SUM} | {f"d/{i}.txt": "" for i in range(499)}
    assert stage(write_zip(tmp_path / "sub.zip", entries)).entry_module == "solution"


def test_zip_bomb_single_file(tmp_path: Path, reject):
    path = write_zip(tmp_path / "bomb.zip", {"solution.py": TWO_SUM, "data.csv": b"\0" * (64 * MB)})
    assert path.stat().st_size < MB
    exc = reject(path)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "data.csv is larger than 10 MB" in exc.flag.message


def test_zip_bomb_many_files_over_the_total(tmp_path: Path, reject):
    entries = {"solution.py": TWO_SUM} | {f"part{i}.txt": b"\0" * (9 * MB) for i in range(6)}
    path = write_zip(tmp_path / "bomb.zip", entries)
    exc = reject(path)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "more than 50 MB" in exc.flag.message


def test_large_file_that_is_not_copied_is_not_unpacked(tmp_path: Path, stage):
    path = write_zip(
        tmp_path / "sub.zip", {"solution.py": TWO_SUM, "weights.bin": b"\0" * (64 * MB)}
    )
    staged = stage(path)
    assert "weights.bin" in staged.notes[0].message


def test_declared_sizes_that_lie_are_caught(tmp_path: Path, reject):
    path = write_zip(tmp_path / "sub.zip", {"solution.py": TWO_SUM, "data.csv": b"\0" * MB})
    patch_zip_sizes(path, 100)
    assert reject(path).flag.code == FlagCode.UNSAFE_ARCHIVE


def test_size_budget_counts_real_bytes():
    budget = SizeBudget(per_file=10, total=15)
    assert budget.take([b"12345", b"67890"], "a") == b"1234567890"
    with pytest.raises(Reject, match="more than"):
        budget.take([b"123456"], "b")
    with pytest.raises(Reject, match="larger than"):
        SizeBudget(per_file=10, total=100).take(iter([b"x" * 8, b"x" * 8]), "c")


def test_encrypted_entries_are_unsafe(tmp_path: Path, reject):
    path = write_zip(tmp_path / "sub.zip", {"solution.py": TWO_SUM}, zipfile.ZIP_STORED)
    patch_zip_flags(path, 0x1)
    exc = reject(path)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "encrypted" in exc.flag.message


@pytest.mark.parametrize(
    "names",
    [
        ["solution.py", "solution.py"],
        ["solution.py", "Solution.py"],
        ["lib/a.py", "LIB/a.py"],
        ["caf\u00e9.py", "cafe\u0301.py"],  # NFC and NFD spellings of one name
        ["lib", "lib/a.py"],
    ],
)
def test_duplicate_names_are_unsafe(tmp_path: Path, reject, names: list[str]):
    entries = [("main.py", TWO_SUM)] + [(n, "X = 1\n") for n in names]
    exc = reject(write_zip(tmp_path / "sub.zip", entries))
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE


@pytest.mark.parametrize(
    "content",
    [b"", b"PK\x03\x04garbage", b"not a zip at all", b"PK\x05\x06" + b"\0" * 18],
)
def test_corrupt_archives_are_unsafe(tmp_path: Path, reject, content: bytes):
    path = tmp_path / "sub.zip"
    path.write_bytes(content)
    exc = reject(path)
    assert exc.flag.code in (FlagCode.UNSAFE_ARCHIVE, FlagCode.MISSING_ENTRY_POINT)


def test_truncated_archive_is_unsafe(tmp_path: Path, reject):
    path = write_zip(tmp_path / "sub.zip", {"solution.py": TWO_SUM * 100})
    path.write_bytes(path.read_bytes()[:-30])
    exc = reject(path)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "not a readable zip file" in exc.flag.message


def test_corrupt_member_data_is_unsafe(tmp_path: Path, reject):
    path = write_zip(tmp_path / "sub.zip", {"solution.py": TWO_SUM * 50})
    data = bytearray(path.read_bytes())
    data[60:70] = b"\xff" * 10  # inside the deflate stream
    path.write_bytes(bytes(data))
    assert reject(path).flag.code == FlagCode.UNSAFE_ARCHIVE


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_compression_other_than_deflate_is_refused(tmp_path: Path, reject, method: int):
    path = write_zip(tmp_path / "sub.zip", {"solution.py": TWO_SUM}, method)
    exc = reject(path)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "compression" in exc.flag.message


def test_nothing_is_written_when_a_late_entry_is_bad(tmp_path: Path, reject):
    entries = [(f"mod{i}.py", "X = 1\n") for i in range(20)]
    entries += [("solution.py", TWO_SUM), (info("z.py", stat.S_IFLNK | 0o777), "/etc")]
    reject(write_zip(tmp_path / "sub.zip", entries))  # the fixture checks dest is empty


def test_archive_with_only_folders(tmp_path: Path, reject):
    exc = reject(write_zip(tmp_path / "sub.zip", {"a/": "", "a/b/": ""}))
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "no Python file" in exc.flag.message


def test_zipped_notebook_is_the_main_submission(tmp_path: Path, stage):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%pip install numpy\n" + TWO_SUM)]
    path = write_zip(
        tmp_path / "sub.zip",
        {"hw/answer.ipynb": nbformat.writes(nb), "hw/util.py": "X = 1\n", "hw/test_x.py": ""},
    )
    staged = stage(path)
    assert staged.entry_module == "solution"
    assert set(staged_files(staged.directory)) == {"solution.py", "util.py", "test_x.py"}
    assert [n.code for n in staged.notes] == [FlagCode.NOTEBOOK_MAGIC]


def _notebook(source: str) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(nb)


def test_several_notebooks_defining_the_entry_are_ambiguous(tmp_path: Path, reject):
    path = write_zip(
        tmp_path / "sub.zip", {"a.ipynb": _notebook(TWO_SUM), "b.ipynb": _notebook(TWO_SUM)}
    )
    exc = reject(path)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "a.ipynb, b.ipynb" in exc.flag.message


def test_the_notebook_that_defines_the_entry_is_chosen(tmp_path: Path, stage):
    path = write_zip(
        tmp_path / "sub.zip",
        {"draft.ipynb": _notebook("x = 1"), "final.ipynb": _notebook(TWO_SUM), "bad.ipynb": "{"},
    )
    staged = stage(path)
    assert staged.entry_module == "solution"
    assert b"def two_sum" in staged_files(staged.directory)["solution.py"]
    assert "bad.ipynb, draft.ipynb" in staged.notes[0].message


def test_unreadable_notebook_is_reported_when_nothing_else_works(tmp_path: Path, reject):
    exc = reject(write_zip(tmp_path / "sub.zip", {"a.ipynb": "{}", "util.py": "X = 1\n"}))
    assert exc.flag.code == FlagCode.BAD_NOTEBOOK
    assert "a.ipynb" in exc.flag.message


def test_python_file_wins_over_the_notebook_it_was_exported_from(tmp_path: Path, stage):
    path = write_zip(
        tmp_path / "sub.zip", {"answer.ipynb": _notebook(TWO_SUM), "answer.py": TWO_SUM}
    )
    staged = stage(path)
    assert staged.entry_module == "answer"
    assert set(staged_files(staged.directory)) == {"answer.py"}
    assert "answer.ipynb" in staged.notes[0].message


def test_notebook_chosen_next_to_a_solution_module_gets_a_free_name(tmp_path: Path, stage):
    path = write_zip(
        tmp_path / "sub.zip", {"work.ipynb": _notebook(TWO_SUM), "solution.py": "X = 1\n"}
    )
    staged = stage(path)
    assert staged.entry_module == "solution_2"
    assert set(staged_files(staged.directory)) == {"solution.py", "solution_2.py"}


def test_notebook_next_to_python_files_is_left_out(tmp_path: Path, stage):
    path = write_zip(tmp_path / "sub.zip", {"solution.py": TWO_SUM, "scratch.ipynb": "{}"})
    staged = stage(path)
    assert set(staged_files(staged.directory)) == {"solution.py"}
    assert "scratch.ipynb" in staged.notes[0].message


def test_a_zip_holding_only_a_zip_says_it_is_not_opened(tmp_path: Path, reject):
    inner = write_zip(tmp_path / "inner.zip", {"solution.py": TWO_SUM})
    outer = write_zip(tmp_path / "outer.zip", {"submission.zip": inner.read_bytes()})
    exc = reject(outer)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "only submission.zip" in exc.flag.message and "never opened" in exc.flag.message
