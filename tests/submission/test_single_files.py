import time
from pathlib import Path

import pytest

from grader.errors import GraderError
from grader.flags import FlagCode
from grader.submission import stage_submission

from .builders import TWO_SUM, make_exercise, staged_files


@pytest.mark.parametrize("name", ["two_sum.py", "hw3.py", "Main.py"])
def test_python_file_keeps_its_importable_name(tmp_path: Path, stage, name: str):
    """Messages then name the file the candidate wrote."""
    path = tmp_path / name
    path.write_text(TWO_SUM)
    staged = stage(path)
    assert staged.entry_module == name[:-3]
    assert staged_files(staged.directory) == {name: TWO_SUM.encode()}


@pytest.mark.parametrize(
    "name", ["my answer.py", "json.py", "numpy.py", "pandas.py", "sklearn.py", "test_mine.py"]
)
def test_python_file_is_staged_as_solution_py(tmp_path: Path, stage, name: str):
    path = tmp_path / name
    path.write_text(TWO_SUM)
    staged = stage(path)
    assert staged.entry_module == "solution"
    assert staged.info.kind == "py"
    assert staged.notes == ()
    assert staged_files(staged.directory) == {"solution.py": TWO_SUM.encode()}


def test_staged_bytes_are_the_submitted_bytes(tmp_path: Path, stage):
    source = "# -*- coding: latin-1 -*-\ndef two_sum(n, t):\n    return 'caf\xe9'\n"
    path = tmp_path / "solution.py"
    path.write_bytes(source.encode("latin-1"))
    staged = stage(path)
    assert (staged.directory / "solution.py").read_bytes() == source.encode("latin-1")


def test_file_without_the_entry_point_is_rejected(tmp_path: Path, reject):
    path = tmp_path / "answer.py"
    path.write_text("def twosum(nums, target):\n    pass\n")
    exc = reject(path)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "`two_sum`" in exc.flag.message and "`twoSum`" in exc.flag.message
    assert "answer.py" in exc.flag.message
    assert exc.info.kind == "py" and len(exc.info.sha256) == 64


def test_syntax_error_names_file_and_line(tmp_path: Path, reject):
    path = tmp_path / "answer.py"
    path.write_text("def two_sum(nums, target):\n    return [0, 1\n\nx = 2\n")
    exc = reject(path)
    assert exc.flag.code == FlagCode.SYNTAX_ERROR
    assert exc.flag.message.startswith("answer.py:2: ")
    assert "never closed" in exc.flag.message


def test_file_that_is_not_utf8_is_a_syntax_error(tmp_path: Path, reject):
    path = tmp_path / "answer.py"
    path.write_bytes(b"def two_sum(n, t):\n    return '\xff\xfe'\n")
    exc = reject(path)
    assert exc.flag.code == FlagCode.SYNTAX_ERROR
    assert exc.flag.message.startswith("answer.py:2: ")
    assert "utf-8" in exc.flag.message


def test_nul_byte_is_a_syntax_error(tmp_path: Path, reject):
    path = tmp_path / "answer.py"
    path.write_bytes(b"x = 1\ndef two_sum(n, t):\x00\n")
    exc = reject(path)
    assert exc.flag.code == FlagCode.SYNTAX_ERROR
    assert exc.flag.message == "answer.py:2: source contains a NUL byte"


@pytest.mark.parametrize(
    "source",
    [
        "-" * 100_000 + "1",  # MemoryError inside the parser
        "x = " + "1+" * 200_000 + "1",  # RecursionError while building the tree
        "(" * 500 + ")" * 500,
    ],
)
def test_pathological_source_is_a_syntax_error(tmp_path: Path, reject, source: str):
    path = tmp_path / "answer.py"
    path.write_text(source)
    assert reject(path).flag.code == FlagCode.SYNTAX_ERROR


def test_parser_warnings_do_not_escape(tmp_path: Path, stage):
    # Invalid escapes warn while parsing; warnings are errors in this test suite.
    path = tmp_path / "solution.py"
    path.write_text('import re\nPATTERN = "\\d+"\ndef two_sum(n, t):\n    return n is 1\n')
    assert stage(path).entry_module == "solution"


def test_syntax_message_is_sanitised(tmp_path: Path, reject):
    path = tmp_path / "x\x1b[31m.py"
    path.write_text("def two_sum(:\n")
    exc = reject(path)
    assert "\x1b" not in exc.flag.message
    assert exc.flag.message.startswith("x.py:1: ")


def test_file_over_10_mb_is_rejected(tmp_path: Path, reject):
    path = tmp_path / "solution.py"
    path.write_bytes(TWO_SUM.encode() + b"#" * (10 * 1024 * 1024))
    exc = reject(path)
    assert exc.flag.code == FlagCode.UNSAFE_ARCHIVE
    assert "10 MB" in exc.flag.message


def test_sql_file_for_a_python_exercise_is_rejected(tmp_path: Path, reject):
    path = tmp_path / "query.sql"
    path.write_text("SELECT 1;")
    exc = reject(path)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "Python exercise" in exc.flag.message and "query.sql" in exc.flag.message


@pytest.mark.parametrize("name", ["solution.py", "analysis.ipynb"])
def test_python_for_a_sql_exercise_is_rejected(tmp_path: Path, reject, sql_exercise, name):
    path = tmp_path / name
    path.write_text(TWO_SUM)
    exc = reject(path, sql_exercise)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "SQL exercise" in exc.flag.message and name in exc.flag.message


def test_destination_must_be_an_empty_folder(tmp_path: Path, python_exercise):
    path = tmp_path / "solution.py"
    path.write_text(TWO_SUM)
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "old.py").write_text("")
    with pytest.raises(GraderError):
        stage_submission(path, python_exercise, dest)
    with pytest.raises(GraderError):
        stage_submission(path, python_exercise, tmp_path / "missing")


def test_exercise_without_entry_point_takes_the_file(tmp_path: Path, stage):
    path = tmp_path / "anything.py"
    path.write_text("print('hello')\n")
    staged = stage(path, make_exercise(entry_point=None, leetcode_method=None))
    assert staged.entry_module == "anything"


@pytest.mark.parametrize("codec", ["punycode", "idna", "utf-7", "unicode_escape"])
def test_a_source_in_an_exotic_codec_is_refused_unread(tmp_path: Path, reject, codec: str):
    """Python accepts any codec in a coding cookie; punycode took the host minutes to decode
    2 MB of source."""
    path = tmp_path / "solution.py"
    path.write_bytes(f"# coding: {codec}\n".encode() + b"-" + b"a" * 2_000_000)
    started = time.monotonic()
    exc = reject(path)
    assert time.monotonic() - started < 5
    assert exc.flag.code == FlagCode.SYNTAX_ERROR
    assert f"unsupported source encoding '{codec}'" in exc.flag.message


@pytest.mark.parametrize("codec", ["latin-1", "cp1252", "shift_jis", "euc-kr", "gb18030"])
def test_sources_in_the_encodings_people_use_are_read(tmp_path: Path, stage, codec: str):
    path = tmp_path / "solution.py"
    path.write_bytes(f"# -*- coding: {codec} -*-\n{TWO_SUM}".encode(codec))
    assert stage(path).entry_module == "solution"
