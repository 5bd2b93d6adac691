import hashlib
import os
from pathlib import Path

import pytest

from grader.errors import UsageError
from grader.submission import describe_submission, digest

from .builders import TWO_SUM, write_tree


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("answer.py", "py"),
        ("ANSWER.PY", "py"),
        ("analysis.ipynb", "ipynb"),
        ("query.sql", "sql"),
        ("project.zip", "zip"),
        ("Project.ZIP", "zip"),
    ],
)
def test_file_kind_and_sha256_of_its_bytes(tmp_path: Path, name: str, kind: str):
    path = tmp_path / name
    path.write_bytes(b"\x00\xffnot even valid content")
    info = describe_submission(path)
    assert info.kind == kind
    assert info.sha256 == hashlib.sha256(b"\x00\xffnot even valid content").hexdigest()
    assert info.path == str(path)


def test_folder_digest_is_stable_and_follows_content(tmp_path: Path):
    root = write_tree(tmp_path / "sub", {"solution.py": TWO_SUM, "pkg/util.py": "X = 1\n"})
    first = describe_submission(root)
    assert first.kind == "dir"
    assert describe_submission(root).sha256 == first.sha256
    (root / "pkg" / "util.py").write_text("X = 2\n")
    assert describe_submission(root).sha256 != first.sha256


def test_folder_digest_is_over_sorted_path_and_file_digest_pairs(tmp_path: Path):
    root = write_tree(tmp_path / "sub", {"b.py": "b", "a/x.py": "x"})
    expected = hashlib.sha256()
    for rel, data in sorted([("a/x.py", b"x"), ("b.py", b"b")]):
        expected.update(rel.encode() + b"\0" + hashlib.sha256(data).hexdigest().encode() + b"\0")
    assert describe_submission(root).sha256 == expected.hexdigest()


def test_folder_digest_ignores_junk(tmp_path: Path):
    root = write_tree(tmp_path / "sub", {"solution.py": TWO_SUM})
    before = describe_submission(root).sha256
    write_tree(root, {".DS_Store": b"\0", "__pycache__/solution.cpython-311.pyc": b"\0"})
    assert describe_submission(root).sha256 == before


def test_folder_digest_does_not_follow_links_nor_open_pipes(tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    root = write_tree(tmp_path / "sub", {"solution.py": TWO_SUM})
    os.symlink(outside, root / "link.txt")
    os.mkfifo(root / "pipe.py")  # opening it would block forever
    before = describe_submission(root).sha256
    outside.write_text("changed")
    assert describe_submission(root).sha256 == before


def test_folder_digest_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = write_tree(tmp_path / "sub", {f"f{i}.py": str(i) for i in range(10)})
    full = describe_submission(root).sha256
    monkeypatch.setattr(digest, "HASH_MAX_ENTRIES", 3)
    capped = describe_submission(root).sha256
    assert capped != full
    assert describe_submission(root).sha256 == capped


def test_missing_path_is_a_usage_error_naming_it(tmp_path: Path):
    with pytest.raises(UsageError) as caught:
        describe_submission(tmp_path / "nope.py")
    message = str(caught.value)
    assert "nope.py" in message
    assert ".ipynb" in message and "folder" in message
    assert "\n" not in message


@pytest.mark.parametrize("name", ["notes.txt", "archive.tar.gz", "solution", "model.pkl"])
def test_unsupported_file_type_is_a_usage_error(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_text("x")
    with pytest.raises(
        UsageError, match=r"expected a \.py, \.ipynb, \.sql or \.zip file, or a folder"
    ):
        describe_submission(path)


def test_pipe_as_submission_is_a_usage_error(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.py")
    with pytest.raises(UsageError, match="not a regular file"):
        describe_submission(tmp_path / "pipe.py")


def test_usage_error_message_is_sanitised(tmp_path: Path):
    with pytest.raises(UsageError) as caught:
        describe_submission(tmp_path / "evil\x1b[2J\nname.py")
    assert "\x1b" not in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_is_a_usage_error(tmp_path: Path):
    path = tmp_path / "solution.py"
    path.write_text(TWO_SUM)
    path.chmod(0)
    with pytest.raises(UsageError, match="cannot read"):
        describe_submission(path)


def test_stage_raises_usage_error_for_bad_paths(tmp_path: Path, stage):
    with pytest.raises(UsageError):
        stage(tmp_path / "missing.zip")
    (tmp_path / "x.rar").write_bytes(b"Rar!")
    with pytest.raises(UsageError):
        stage(tmp_path / "x.rar")
