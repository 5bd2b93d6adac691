"""Finding the candidate's module among the top-level files of a folder (SPEC §4)."""

from pathlib import Path

import pytest

from grader.flags import FlagCode

from .builders import TWO_SUM, make_exercise, staged_files, write_tree


@pytest.mark.parametrize(
    "source",
    [
        "def two_sum(nums, target):\n    pass\n",
        "async def two_sum(nums, target):\n    pass\n",
        "class two_sum:\n    pass\n",
        "two_sum = lambda nums, target: [0, 1]\n",
        "from typing import Callable\ntwo_sum: Callable = lambda n, t: [0, 1]\n",
        "helper, two_sum = print, print\n",
        "[first, *two_sum] = [1, 2, 3]\n",
        "a = two_sum = 1\n",
        "class Solution:\n    def twoSum(self, nums, target):\n        pass\n",
        "class Solution:\n    async def twoSum(self, nums, target):\n        pass\n",
        "def _impl(self, n, t):\n    pass\nclass Solution:\n    twoSum = _impl\n",
    ],
)
def test_entry_point_forms(tmp_path: Path, stage, source: str):
    root = write_tree(tmp_path / "sub", {"answer.py": source, "helpers.py": "X = 1\n"})
    staged = stage(root)
    assert staged.entry_module == "answer"
    assert staged_files(staged.directory) == {
        "answer.py": source.encode(),
        "helpers.py": b"X = 1\n",
    }


@pytest.mark.parametrize(
    "source",
    [
        "two_sum: int\n",  # annotation without a value binds nothing
        "def twoSum(nums, target):\n    pass\n",  # camelCase only counts inside Solution
        "class Solution:\n    def two_sum(self):\n        pass\n",
        "class Answer:\n    def twoSum(self):\n        pass\n",
        "if True:\n    def two_sum(n, t):\n        pass\n",  # not top level
        "def outer():\n    def two_sum():\n        pass\n",
        "# def two_sum(nums, target):\n'''def two_sum'''\n",
    ],
)
def test_not_a_definition(tmp_path: Path, reject, source: str):
    root = write_tree(tmp_path / "sub", {"answer.py": source})
    exc = reject(root)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "answer.py" in exc.flag.message


@pytest.mark.parametrize(
    "name", ["test_solution.py", "solution_test.py", "setup.py", "__init__.py", "__main__.py"]
)
def test_files_that_are_never_candidates(tmp_path: Path, reject, name: str):
    root = write_tree(tmp_path / "sub", {name: TWO_SUM, "other.py": "X = 1\n"})
    exc = reject(root)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "looked at: other.py" in exc.flag.message


@pytest.mark.parametrize(
    ("names", "winner"),
    [
        (["solution.py", "two_sum.py", "main.py", "alt.py"], "solution"),
        (["two_sum.py", "main.py", "alt.py"], "two_sum"),
        (["main.py", "alt.py"], "main"),
    ],
)
def test_priority_when_several_files_define_it(tmp_path, stage, names, winner):
    root = write_tree(tmp_path / "sub", dict.fromkeys(names, TWO_SUM))
    staged = stage(root)
    assert staged.entry_module == winner
    assert set(staged_files(staged.directory)) == set(names)


def test_ambiguous_definitions_are_rejected_naming_the_files(tmp_path: Path, reject):
    root = write_tree(tmp_path / "sub", {"a.py": TWO_SUM, "b.py": TWO_SUM, "c.py": "X = 1\n"})
    exc = reject(root)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "several files" in exc.flag.message
    assert "a.py, b.py" in exc.flag.message
    assert "c.py" not in exc.flag.message


def test_nothing_defines_it_lists_what_was_looked_at(tmp_path: Path, reject):
    root = write_tree(tmp_path / "sub", {"a.py": "X = 1\n", "b.py": "Y = 2\n"})
    exc = reject(root)
    assert exc.flag.message == (
        "no file defines a top-level `two_sum` (function, class or assignment) or "
        "`class Solution` with a `twoSum` method; looked at: a.py, b.py"
    )


def test_leetcode_only_exercise_message(tmp_path: Path, reject):
    root = write_tree(tmp_path / "sub", {"a.py": "X = 1\n"})
    exc = reject(root, make_exercise(entry_point=None, leetcode_method="maxDepth"))
    assert "`class Solution` with a `maxDepth` method" in exc.flag.message
    assert "`None`" not in exc.flag.message


def test_syntax_error_elsewhere_does_not_matter_when_the_entry_is_found(tmp_path, stage):
    root = write_tree(tmp_path / "sub", {"scratch.py": "def broken(:\n", "answer.py": TWO_SUM})
    staged = stage(root)
    assert staged.entry_module == "answer"
    assert "scratch.py" in staged_files(staged.directory)


def test_syntax_error_is_reported_when_nothing_defines_the_entry(tmp_path: Path, reject):
    root = write_tree(
        tmp_path / "sub", {"helpers.py": "X = 1\n", "solution.py": "x = 1\n\ndef two_sum(:\n"}
    )
    exc = reject(root)
    assert exc.flag.code == FlagCode.SYNTAX_ERROR
    assert exc.flag.message.startswith("solution.py:3: ")


def test_entry_only_in_a_sub_folder_is_not_searched(tmp_path: Path, reject):
    root = write_tree(
        tmp_path / "sub", {"README.md": "hi", "src/solution.py": TWO_SUM, "x/y.md": ""}
    )
    exc = reject(root)
    assert exc.flag.code == FlagCode.MISSING_ENTRY_POINT
    assert "sub-folders are not searched" in exc.flag.message
    assert "src/solution.py" in exc.flag.message


@pytest.mark.parametrize("name", ["two sum.py", "random.py", "class.py", "2sum.py", "lösung.py"])
def test_module_that_cannot_be_imported_as_itself_is_renamed(tmp_path, stage, name):
    root = write_tree(tmp_path / "sub", {name: TWO_SUM, "util.py": "X = 1\n"})
    staged = stage(root)
    assert staged.entry_module == "solution"
    assert staged_files(staged.directory) == {
        "solution.py": TWO_SUM.encode(),
        "util.py": b"X = 1\n",
    }


def test_rename_avoids_an_existing_solution_module(tmp_path: Path, stage):
    root = write_tree(tmp_path / "sub", {"my answer.py": TWO_SUM, "solution.py": "X = 1\n"})
    staged = stage(root)
    assert staged.entry_module == "solution_2"
    assert staged_files(staged.directory)["solution_2.py"] == TWO_SUM.encode()
    assert staged_files(staged.directory)["solution.py"] == b"X = 1\n"


def test_siblings_and_sub_packages_keep_their_layout(tmp_path: Path, stage):
    files = {
        "solution.py": "from pkg.core import two_sum\ntwo_sum = two_sum\n",
        "helpers.py": "X = 1\n",
        "pkg/__init__.py": "",
        "pkg/core.py": TWO_SUM,
        "pkg/sub/data.csv": "a,b\n1,2\n",
        "tests/test_mine.py": "def test_x():\n    pass\n",
    }
    staged = stage(write_tree(tmp_path / "project", files))
    assert staged.entry_module == "solution"
    assert set(staged_files(staged.directory)) == set(files)


def test_upper_case_suffix_is_made_importable(tmp_path: Path, stage):
    staged = stage(write_tree(tmp_path / "sub", {"Answer.PY": TWO_SUM}))
    assert staged.entry_module == "Answer"
    assert set(staged_files(staged.directory)) == {"Answer.py"}


def test_a_file_that_defines_the_entry_point_wins_over_one_importing_it(tmp_path: Path, stage):
    files = {"solution.py": "from impl import two_sum\n", "impl.py": TWO_SUM}
    assert stage(write_tree(tmp_path / "sub", files)).entry_module == "impl"
