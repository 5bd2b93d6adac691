"""Files that would change how Python starts are refused; pytest's configuration, which never
reaches the hidden tests, is left out and said so."""

from pathlib import Path

import pytest

from grader.flags import FlagCode

from .builders import TWO_SUM, staged_files, write_tree, write_zip


@pytest.mark.parametrize(
    "name",
    [
        "sitecustomize.py",
        "usercustomize.py",
        "evil.pth",
        "lib/EVIL.PTH",
        "fast.so",
        "fast.cpython-311-x86_64-linux-gnu.so",
        "libfast.so.1",
        "fast.pyd",
        "libfast.dylib",
    ],
)
@pytest.mark.parametrize("container", ["dir", "zip"])
def test_tampering_files_are_rejected(tmp_path: Path, reject, name: str, container: str):
    files = {"solution.py": TWO_SUM, name: b"\x7fELF or code"}
    if container == "zip":
        path = write_zip(tmp_path / "sub.zip", files)
    else:
        path = write_tree(tmp_path / "sub", files)
    exc = reject(path)
    assert exc.flag.code == FlagCode.TAMPERING
    assert name in exc.flag.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("conftest.py", "import sys\nsys.path.insert(0, 'src')\n"),
        ("tests/conftest.py", "import pytest\n\n@pytest.fixture\ndef nums():\n    return [1]\n"),
        ("lib/conftest.py", "def pytest_runtest_makereport(item, call):\n    pass\n"),
        ("pytest.ini", "[pytest]\naddopts = -p no:grader\n"),
        ("tox.ini", "[tox]\nenvlist = py311\n\n[pytest]\naddopts = -p no:randomly\n"),
        ("setup.cfg", "[metadata]\nname = x\n[tool:pytest]\naddopts = -x\n"),
        ("pyproject.toml", "[project]\nname = 'x'\n\n[tool.pytest.ini_options]\naddopts = ''\n"),
    ],
)
@pytest.mark.parametrize("container", ["dir", "zip"])
def test_pytest_configuration_is_left_out(tmp_path, stage, name, content, container):
    """A candidate's own test set-up is ordinary project layout, and inert: the hidden tests
    run in another process that never sees the submission's files."""
    files = {"solution.py": TWO_SUM, name: content}
    if container == "zip":
        path = write_zip(tmp_path / "sub.zip", files)
    else:
        path = write_tree(tmp_path / "sub", files)
    staged = stage(path)
    assert set(staged_files(staged.directory)) == {"solution.py"}
    assert staged.notes[0].code == FlagCode.IGNORED_FILES
    assert name in staged.notes[0].message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tox.ini", "[tox]\nenvlist = py311\n"),
        ("setup.cfg", "[metadata]\nname = x\n"),
        ("pyproject.toml", "[project]\nname = 'x'\n[tool.ruff]\nline-length = 100\n"),
    ],
)
def test_ordinary_config_files_are_left_out(tmp_path, stage, name, content):
    staged = stage(write_tree(tmp_path / "sub", {"solution.py": TWO_SUM, name: content}))
    assert set(staged_files(staged.directory)) == {"solution.py"}
    assert staged.notes[0].code == FlagCode.IGNORED_FILES
    assert name in staged.notes[0].message


def test_dot_files_are_junk_not_tampering(tmp_path: Path, stage):
    staged = stage(
        write_tree(tmp_path / "sub", {"solution.py": TWO_SUM, ".pytest.ini": "[pytest]\n"})
    )
    assert set(staged_files(staged.directory)) == {"solution.py"}


def test_tampering_message_is_sanitised(tmp_path: Path, reject):
    files = {"solution.py": TWO_SUM, "a\u202egnp/sitecustomize.py": "x"}
    path = write_zip(tmp_path / "sub.zip", files)
    exc = reject(path)
    assert exc.flag.code == FlagCode.TAMPERING
    assert "\u202e" not in exc.flag.message and "\\u202e" in exc.flag.message


def test_a_single_file_is_only_a_name(tmp_path: Path, stage):
    path = tmp_path / "conftest.py"
    path.write_text(TWO_SUM)
    staged = stage(path)
    assert set(staged_files(staged.directory)) == {"solution.py"}


def test_tampering_is_judged_before_unpacking(tmp_path: Path, reject):
    # The bomb would be rejected for its size; the .pth file is found first, by name alone.
    path = write_zip(
        tmp_path / "sub.zip",
        {"solution.py": TWO_SUM, "big.csv": b"\0" * (20 * 1024 * 1024), "evil.pth": ""},
    )
    assert reject(path).flag.code == FlagCode.TAMPERING


@pytest.mark.parametrize("container", ["dir", "zip"])
def test_public_tests_handed_out_by_init_are_left_out_not_rejected(
    tmp_path: Path, stage, container
):
    files = {
        "solution.py": TWO_SUM,
        "tests/conftest.py": "import pytest\n",
        "tests/test_public.py": "def test_x():\n    pass\n",
    }
    if container == "zip":
        path = write_zip(tmp_path / "sub.zip", files)
    else:
        path = write_tree(tmp_path / "sub", files)
    staged = stage(path)
    files = staged_files(staged.directory)
    assert "tests/conftest.py" not in files
    assert "tests/test_public.py" in files
    assert "tests/conftest.py" in " ".join(n.message for n in staged.notes)
