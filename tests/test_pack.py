"""Loading and validating exercise packs (grader/pack.py).

Every pack is built in tmp_path: the real pack at the repository top level is
not a fixture of these tests.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import grader
from grader.errors import PackError, UsageError
from grader.models import Limits
from grader.pack import (
    DEFAULT_PACK_ENV,
    Pack,
    default_pack_root,
    exercise_version,
    load_pack,
)

TWO_SUM_TOML = """\
id = "two-sum"
title = "Two Sum"
kind = "python"
entry_point = "two_sum"
leetcode_method = "twoSum"
forbidden_imports = ["sklearn", "numpy", "sklearn"]

[limits]
test_timeout_s = 2
total_timeout_s = 60.5
memory_mb = 256
pids = 64
"""

SQL_TOML = """\
id = "second-highest-salary"
title = "Second Highest Salary"
kind = "sql"
"""


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def add_exercise(root: Path, exercise_id: str, toml: str, kind: str = "python") -> None:
    suffix = ".py" if kind == "python" else ".sql"
    write(root / "exercises" / exercise_id / "exercise.toml", toml)
    write(root / "exercises" / exercise_id / "README.md", f"# {exercise_id}\n")
    write(root / "exercises" / exercise_id / f"starter{suffix}", "# your code here\n")
    write(root / "hidden_tests" / exercise_id / "test_hidden.py", "def test_x():\n    pass\n")
    write(root / "reference" / exercise_id / f"solution{suffix}", "# the answer\n")


def make_pack(root: Path) -> Path:
    """A valid two-exercise pack with one assignment."""
    add_exercise(root, "two-sum", TWO_SUM_TOML)
    write(root / "exercises" / "two-sum" / "tests" / "test_public.py", "def test_p():\n    pass\n")
    add_exercise(root, "second-highest-salary", SQL_TOML, kind="sql")
    write(root / "assignments" / "week-1.toml", 'exercises = ["two-sum"]\n')
    write(root / "assignments" / "notes.txt", "not an assignment\n")
    return root


@pytest.fixture
def pack_root(tmp_path: Path) -> Path:
    return make_pack(tmp_path / "pack")


def problems_of(root: Path) -> list[str]:
    with pytest.raises(PackError) as info:
        load_pack(root)
    return info.value.problems


def toml_of(root: Path, exercise_id: str = "two-sum") -> Path:
    return root / "exercises" / exercise_id / "exercise.toml"


# --- a valid pack ---------------------------------------------------------------------------


def test_valid_pack_loads_with_fields_and_defaults(pack_root: Path) -> None:
    pack = load_pack(pack_root)

    assert isinstance(pack, Pack)
    assert pack.root == pack_root.resolve()
    assert [e.id for e in pack.exercises] == ["second-highest-salary", "two-sum"]
    assert pack.assignments == ("week-1",)

    two_sum = pack.exercise("two-sum")
    assert two_sum.title == "Two Sum"
    assert two_sum.kind == "python"
    assert two_sum.entry_point == "two_sum"
    assert two_sum.leetcode_method == "twoSum"
    assert two_sum.forbidden_imports == ("sklearn", "numpy")  # duplicates dropped, order kept
    assert two_sum.limits == Limits(
        test_timeout_s=2.0, total_timeout_s=60.5, memory_mb=256, pids=64
    )
    assert isinstance(two_sum.limits.test_timeout_s, float)  # TOML integer widened
    assert two_sum.root == pack.root / "exercises" / "two-sum"
    assert two_sum.hidden_tests == pack.root / "hidden_tests" / "two-sum"
    assert two_sum.reference == pack.root / "reference" / "two-sum"
    assert two_sum.statement.is_file()
    assert two_sum.public_tests.is_dir()
    assert two_sum.version.startswith("sha256:")
    assert len(two_sum.version) == len("sha256:") + 64

    sql = pack.exercise("second-highest-salary")
    assert sql.kind == "sql"
    assert sql.entry_point is None
    assert sql.leetcode_method is None
    assert sql.forbidden_imports == ()
    assert sql.limits == Limits()
    assert sql.version != two_sum.version


def test_public_tests_and_assignments_are_optional(pack_root: Path) -> None:
    shutil.rmtree(pack_root / "exercises" / "two-sum" / "tests")
    shutil.rmtree(pack_root / "assignments")
    assert load_pack(pack_root).assignments == ()


def test_non_exercise_folders_are_ignored(pack_root: Path) -> None:
    # Python and tools drop these next to the exercises; none can be an exercise id.
    (pack_root / "exercises" / "__pycache__").mkdir()
    (pack_root / "hidden_tests" / "__pycache__").mkdir()
    (pack_root / "hidden_tests" / "_shared").mkdir()
    write(pack_root / "hidden_tests" / "conftest.py", "")
    write(pack_root / "exercises" / ".DS_Store", "")
    assert len(load_pack(pack_root).exercises) == 2


# --- not a pack at all: UsageError, not PackError ---------------------------------------------


def test_missing_root_is_a_usage_error_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(UsageError) as info:
        load_pack(missing)
    assert not isinstance(info.value, PackError)
    assert str(missing) in str(info.value)


def test_a_file_is_not_a_pack(tmp_path: Path) -> None:
    path = write(tmp_path / "pack.zip", "x")
    with pytest.raises(UsageError, match="not a folder") as info:
        load_pack(path)
    assert str(path) in str(info.value)


def test_a_folder_without_exercises_is_not_a_pack(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no exercises/ folder") as info:
        load_pack(tmp_path)
    assert not isinstance(info.value, PackError)
    assert str(tmp_path.resolve()) in str(info.value)


def test_a_pack_with_no_exercises_is_invalid(tmp_path: Path) -> None:
    (tmp_path / "exercises").mkdir()
    problems = problems_of(tmp_path)
    assert len(problems) == 1
    assert "no exercises" in problems[0]


# --- every kind of problem ------------------------------------------------------------------


def replace_in_toml(old: str, new: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = toml_of(root)
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")

    return mutate


def set_toml(text: str, exercise_id: str = "two-sum") -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        write(toml_of(root, exercise_id), text)

    return mutate


def remove(relative: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / relative
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()

    return mutate


def add_file(relative: str, text: str = "") -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        write(root / relative, text)

    return mutate


def chain(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        for step in steps:
            step(root)

    return mutate


CASES: dict[str, tuple[Callable[[Path], None], str, list[str]]] = {
    # name: (mutation, file named in the message, fragments of the message)
    "toml syntax": (
        replace_in_toml('title = "Two Sum"', "title = Two Sum"),
        "exercises/two-sum/exercise.toml",
        ["TOML syntax error", "line 2"],
    ),
    "not utf-8": (
        lambda root: toml_of(root).write_bytes(b'id = "two-sum"\ntitle = "\xff"\n'),
        "exercises/two-sum/exercise.toml",
        ["not UTF-8"],
    ),
    "missing toml": (
        remove("exercises/two-sum/exercise.toml"),
        "exercises/two-sum/exercise.toml",
        ["missing"],
    ),
    "unknown key with did-you-mean": (
        replace_in_toml("entry_point =", "entrypoint ="),
        "exercises/two-sum/exercise.toml",
        ["unknown key 'entrypoint'", "did you mean 'entry_point'"],
    ),
    "unknown key without a close match": (
        replace_in_toml("[limits]", 'colour = "blue"\n[limits]'),
        "exercises/two-sum/exercise.toml",
        ["unknown key 'colour'", "known keys: id, title"],
    ),
    "limit at the top level": (
        replace_in_toml("[limits]", "memory_mb = 512\n[limits]"),
        "exercises/two-sum/exercise.toml",
        ["unknown key 'memory_mb'", "belongs under [limits]"],
    ),
    "top-level key under limits": (
        replace_in_toml("[limits]", '[limits]\nkind = "sql"'),
        "exercises/two-sum/exercise.toml",
        ["unknown key 'limits.kind'", "belongs at the top level"],
    ),
    "unknown limit with did-you-mean": (
        replace_in_toml("memory_mb = 256", "memory = 256"),
        "exercises/two-sum/exercise.toml",
        ["unknown key 'limits.memory'", "did you mean 'limits.memory_mb'"],
    ),
    "wrong type of title": (
        replace_in_toml('title = "Two Sum"', "title = 3"),
        "exercises/two-sum/exercise.toml",
        ["title must be a string, not an integer (3)"],
    ),
    "wrong type of limits": (
        set_toml('id = "two-sum"\ntitle = "T"\nkind = "python"\nentry_point = "f"\nlimits = 5\n'),
        "exercises/two-sum/exercise.toml",
        ["limits must be a table, not an integer"],
    ),
    "wrong type of forbidden_imports": (
        replace_in_toml('["sklearn", "numpy", "sklearn"]', '"sklearn"'),
        "exercises/two-sum/exercise.toml",
        ["forbidden_imports must be an array of strings, not a string"],
    ),
    "wrong item type in forbidden_imports": (
        replace_in_toml('["sklearn", "numpy", "sklearn"]', '["sklearn", 3]'),
        "exercises/two-sum/exercise.toml",
        ["forbidden_imports[1] must be a string"],
    ),
    "dotted forbidden import": (
        replace_in_toml('["sklearn", "numpy", "sklearn"]', '["sklearn.neighbors"]'),
        "exercises/two-sum/exercise.toml",
        ["'sklearn.neighbors' is not a top-level module name", "e.g. 'sklearn'"],
    ),
    "boolean limit": (
        replace_in_toml("memory_mb = 256", "memory_mb = true"),
        "exercises/two-sum/exercise.toml",
        ["limits.memory_mb must be an integer, not a boolean"],
    ),
    "float for an integer limit": (
        replace_in_toml("memory_mb = 256", "memory_mb = 256.5"),
        "exercises/two-sum/exercise.toml",
        ["limits.memory_mb must be an integer, not a float"],
    ),
    "string for a float limit": (
        replace_in_toml("test_timeout_s = 2", 'test_timeout_s = "2s"'),
        "exercises/two-sum/exercise.toml",
        ["limits.test_timeout_s must be a number, not a string"],
    ),
    "infinite timeout": (
        replace_in_toml("total_timeout_s = 60.5", "total_timeout_s = inf"),
        "exercises/two-sum/exercise.toml",
        ["limits.total_timeout_s must be a finite number"],
    ),
    "missing id": (
        replace_in_toml('id = "two-sum"\n', ""),
        "exercises/two-sum/exercise.toml",
        ["missing required key 'id'", 'id = "two-sum"'],
    ),
    "missing title": (
        replace_in_toml('title = "Two Sum"\n', ""),
        "exercises/two-sum/exercise.toml",
        ["missing required key 'title'"],
    ),
    "missing kind": (
        replace_in_toml('kind = "python"\n', ""),
        "exercises/two-sum/exercise.toml",
        ["missing required key 'kind'"],
    ),
    "empty title": (
        replace_in_toml('title = "Two Sum"', 'title = "  "'),
        "exercises/two-sum/exercise.toml",
        ["title is empty"],
    ),
    "id differs from folder": (
        replace_in_toml('id = "two-sum"', 'id = "twosum"'),
        "exercises/two-sum/exercise.toml",
        ["id 'twosum' does not match its folder exercises/two-sum/"],
    ),
    "invalid id": (
        chain(
            lambda root: shutil.move(
                root / "exercises" / "two-sum", root / "exercises" / "Two_Sum"
            ),
            lambda root: shutil.move(
                root / "hidden_tests" / "two-sum", root / "hidden_tests" / "Two_Sum"
            ),
            lambda root: shutil.move(
                root / "reference" / "two-sum", root / "reference" / "Two_Sum"
            ),
            set_toml(TWO_SUM_TOML.replace('"two-sum"', '"Two_Sum"'), "Two_Sum"),
        ),
        "exercises/Two_Sum/exercise.toml",
        ["id 'Two_Sum' is not a valid exercise id", "lowercase letters"],
    ),
    "unknown kind": (
        replace_in_toml('kind = "python"', 'kind = "pyhton"'),
        "exercises/two-sum/exercise.toml",
        ["kind 'pyhton' is not one of 'python', 'sql'", "did you mean 'python'"],
    ),
    "python without entry_point": (
        replace_in_toml('entry_point = "two_sum"\n', ""),
        "exercises/two-sum/exercise.toml",
        ["missing required key 'entry_point' for a python exercise"],
    ),
    "sql with entry_point": (
        set_toml(SQL_TOML + 'entry_point = "query"\n', "second-highest-salary"),
        "exercises/second-highest-salary/exercise.toml",
        ["entry_point is only for python exercises"],
    ),
    "entry_point not an identifier": (
        replace_in_toml('entry_point = "two_sum"', 'entry_point = "two-sum"'),
        "exercises/two-sum/exercise.toml",
        ["entry_point 'two-sum' is not a Python identifier"],
    ),
    "entry_point is a keyword": (
        replace_in_toml('entry_point = "two_sum"', 'entry_point = "class"'),
        "exercises/two-sum/exercise.toml",
        ["entry_point 'class' is not a Python identifier"],
    ),
    "leetcode_method not an identifier": (
        replace_in_toml('leetcode_method = "twoSum"', 'leetcode_method = "two Sum"'),
        "exercises/two-sum/exercise.toml",
        ["leetcode_method 'two Sum' is not a Python identifier"],
    ),
    "non-positive timeout": (
        replace_in_toml("test_timeout_s = 2", "test_timeout_s = 0"),
        "exercises/two-sum/exercise.toml",
        ["limits.test_timeout_s = 0.0 is out of range: must be greater than 0"],
    ),
    "negative cpus": (
        replace_in_toml("[limits]", "[limits]\ncpus = -1"),
        "exercises/two-sum/exercise.toml",
        ["limits.cpus = -1.0 is out of range"],
    ),
    "test timeout above total": (
        replace_in_toml("test_timeout_s = 2", "test_timeout_s = 120"),
        "exercises/two-sum/exercise.toml",
        ["limits.test_timeout_s = 120 is more than limits.total_timeout_s = 60.5"],
    ),
    "test timeout above the default total": (
        replace_in_toml("test_timeout_s = 2\ntotal_timeout_s = 60.5", "test_timeout_s = 301"),
        "exercises/two-sum/exercise.toml",
        ["limits.test_timeout_s = 301 is more than limits.total_timeout_s = 300"],
    ),
    "too little memory": (
        replace_in_toml("memory_mb = 256", "memory_mb = 32"),
        "exercises/two-sum/exercise.toml",
        ["limits.memory_mb = 32 is out of range: must be at least 64"],
    ),
    "too few pids": (
        replace_in_toml("pids = 64", "pids = 2"),
        "exercises/two-sum/exercise.toml",
        ["limits.pids = 2 is out of range"],
    ),
    "negative restarts": (
        replace_in_toml("[limits]", "[limits]\nrestarts = -1"),
        "exercises/two-sum/exercise.toml",
        ["limits.restarts = -1 is out of range: must be at least 0"],
    ),
    "zero output bytes": (
        replace_in_toml("[limits]", "[limits]\noutput_bytes = 0"),
        "exercises/two-sum/exercise.toml",
        ["limits.output_bytes = 0 is out of range"],
    ),
    "zero tmpfs": (
        replace_in_toml("[limits]", "[limits]\ntmpfs_mb = 0"),
        "exercises/two-sum/exercise.toml",
        ["limits.tmpfs_mb = 0 is out of range"],
    ),
    "missing README": (
        remove("exercises/two-sum/README.md"),
        "exercises/two-sum/README.md",
        ["missing", "statement"],
    ),
    "missing starter": (
        remove("exercises/two-sum/starter.py"),
        "exercises/two-sum/starter.py",
        ["missing starter.py"],
    ),
    "starter of the wrong kind": (
        chain(
            remove("exercises/second-highest-salary/starter.sql"),
            add_file("exercises/second-highest-salary/starter.py"),
        ),
        "exercises/second-highest-salary/starter.sql",
        ["missing starter.sql", "found starter.py"],
    ),
    "public tests not a folder": (
        chain(remove("exercises/two-sum/tests"), add_file("exercises/two-sum/tests")),
        "exercises/two-sum/tests",
        ["must be a folder"],
    ),
    "missing hidden tests folder": (
        remove("hidden_tests/two-sum"),
        "hidden_tests/two-sum",
        ["missing", "test_*.py"],
    ),
    "no test_*.py in hidden tests": (
        chain(
            remove("hidden_tests/two-sum/test_hidden.py"),
            add_file("hidden_tests/two-sum/helpers.py"),
            add_file("hidden_tests/two-sum/sub/test_deep.py"),
        ),
        "hidden_tests/two-sum",
        ["holds no test_*.py"],
    ),
    "missing reference solution": (
        remove("reference/two-sum/solution.py"),
        "reference/two-sum/solution.py",
        ["missing solution.py"],
    ),
    "missing reference folder": (
        remove("reference/second-highest-salary"),
        "reference/second-highest-salary/solution.sql",
        ["missing solution.sql"],
    ),
    "orphan hidden tests": (
        add_file("hidden_tests/two-sun/test_x.py"),
        "hidden_tests/two-sun",
        ["no exercises/two-sun/", "rename it to 'two-sum'"],
    ),
    "orphan reference": (
        add_file("reference/fizzbuzz/solution.py"),
        "reference/fizzbuzz",
        ["reference solution for 'fizzbuzz'", "add exercises/fizzbuzz/ or remove it"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_problem_is_reported(pack_root: Path, case: str) -> None:
    mutate, file, fragments = CASES[case]
    mutate(pack_root)

    problems = problems_of(pack_root)

    assert len(problems) == 1, problems
    (problem,) = problems
    # Each message starts with the full path of the file it is about.
    assert problem.startswith(str(pack_root.resolve() / file) + ":"), problem
    for fragment in fragments:
        assert fragment in problem


def test_invalid_kind_does_not_also_demand_starter_files(pack_root: Path) -> None:
    replace_in_toml('kind = "python"', 'kind = "rust"')(pack_root)
    problems = problems_of(pack_root)
    assert len(problems) == 1
    assert "kind 'rust'" in problems[0]


def test_every_problem_is_reported_at_once(pack_root: Path) -> None:
    write(
        toml_of(pack_root),
        """\
        id = "two_sum"
        kind = "pyhton"
        entry_point = "two sum"
        colour = "blue"
        [limits]
        test_timeout_s = -1
        memory_mb = 8
        """,
    )
    remove("exercises/two-sum/README.md")(pack_root)
    remove("reference/two-sum")(pack_root)
    write(toml_of(pack_root, "second-highest-salary"), "id = \n")  # syntax error
    remove("hidden_tests/second-highest-salary")(pack_root)
    write(pack_root / "hidden_tests" / "ghost" / "test_x.py")
    (pack_root / "exercises" / "empty").mkdir()

    with pytest.raises(PackError) as info:
        load_pack(pack_root)
    problems = info.value.problems
    expected = [
        "unknown key 'colour'",
        "missing required key 'title'",
        "id 'two_sum' is not a valid exercise id",
        "id 'two_sum' does not match its folder",
        "kind 'pyhton'",
        "entry_point 'two sum' is not a Python identifier",
        "limits.test_timeout_s = -1.0 is out of range",
        "limits.memory_mb = 8 is out of range",
        "two-sum/README.md: missing",
        "reference/two-sum/solution",
        "second-highest-salary/exercise.toml: TOML syntax error",
        "hidden_tests/second-highest-salary: missing",
        "no exercises/ghost/",
        "exercises/empty/exercise.toml: missing",
        "exercises/empty/README.md: missing",
    ]
    for fragment in expected:
        assert sum(fragment in p for p in problems) == 1, (fragment, problems)
    assert len(problems) >= len(expected)
    # The CLI prints str(error): every problem is in it, with the count.
    message = str(info.value)
    assert f"({len(problems)} problems)" in message
    assert all(p in message for p in problems)


# --- exercise versions ----------------------------------------------------------------------


def version_of(root: Path, exercise_id: str = "two-sum") -> str:
    return load_pack(root).exercise(exercise_id).version


def test_version_matches_exercise_version(pack_root: Path) -> None:
    assert version_of(pack_root) == exercise_version(
        toml_of(pack_root), pack_root / "hidden_tests" / "two-sum"
    )


def test_version_changes_with_a_hidden_test(pack_root: Path) -> None:
    before = version_of(pack_root)
    write(pack_root / "hidden_tests" / "two-sum" / "test_hidden.py", "def test_y():\n    pass\n")
    assert version_of(pack_root) != before


def test_version_changes_with_a_new_hidden_file(pack_root: Path) -> None:
    before = version_of(pack_root)
    write(pack_root / "hidden_tests" / "two-sum" / "data" / "cases.json", "[]")
    assert version_of(pack_root) != before


def test_version_changes_with_a_renamed_hidden_file(pack_root: Path) -> None:
    before = version_of(pack_root)
    hidden = pack_root / "hidden_tests" / "two-sum"
    (hidden / "test_hidden.py").rename(hidden / "test_renamed.py")
    assert version_of(pack_root) != before


def test_version_changes_with_the_toml(pack_root: Path) -> None:
    before = version_of(pack_root)
    replace_in_toml("memory_mb = 256", "memory_mb = 512")(pack_root)
    assert version_of(pack_root) != before


def test_version_ignores_statement_starter_and_caches(pack_root: Path) -> None:
    before = version_of(pack_root)
    write(pack_root / "exercises" / "two-sum" / "README.md", "# Reworded statement\n")
    write(pack_root / "exercises" / "two-sum" / "starter.py", "def two_sum(): ...\n")
    write(pack_root / "reference" / "two-sum" / "solution.py", "# faster answer\n")
    hidden = pack_root / "hidden_tests" / "two-sum"
    (hidden / "__pycache__").mkdir()
    (hidden / "__pycache__" / "test_hidden.cpython-311.pyc").write_bytes(b"\x00junk")
    (hidden / "stray.pyc").write_bytes(b"\x00junk")
    assert version_of(pack_root) == before


def test_version_does_not_depend_on_where_the_pack_lives(pack_root: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(pack_root, tmp_path / "elsewhere")
    assert version_of(copy) == version_of(pack_root)


def test_version_does_not_confuse_content_split_across_files(tmp_path: Path) -> None:
    # Without framing, "a"+"bc" and "ab"+"c" would feed the same bytes to the hash.
    toml = write(tmp_path / "exercise.toml", "x = 1\n")
    one = tmp_path / "one"
    write(one / "test_a.py", "a")
    write(one / "test_b.py", "bc")
    two = tmp_path / "two"
    write(two / "test_a.py", "ab")
    write(two / "test_b.py", "c")
    assert exercise_version(toml, one) != exercise_version(toml, two)


# --- looking up an exercise -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "suggested"),
    [("two_sun", "two-sum"), ("Two_Sum", "two-sum"), ("second-highest", "second-highest-salary")],
)
def test_unknown_exercise_suggests_the_closest(pack_root: Path, asked: str, suggested: str) -> None:
    pack = load_pack(pack_root)
    with pytest.raises(UsageError) as info:
        pack.exercise(asked)
    assert str(info.value) == f"unknown exercise {asked!r} (did you mean {suggested!r}?)"


def test_unknown_exercise_lists_the_available_ones(pack_root: Path) -> None:
    pack = load_pack(pack_root)
    with pytest.raises(UsageError) as info:
        pack.exercise("knn")
    message = str(info.value)
    assert message.startswith("unknown exercise 'knn'; available exercises in ")
    assert message.endswith("second-highest-salary, two-sum")


def test_an_assignment_name_given_as_exercise_says_so(pack_root: Path) -> None:
    pack = load_pack(pack_root)
    with pytest.raises(UsageError, match="'week-1' is an assignment, pass it with -a"):
        pack.exercise("week-1")


# --- where the default pack is --------------------------------------------------------------


def test_grader_pack_env_is_honoured(pack_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEFAULT_PACK_ENV, str(pack_root))
    assert DEFAULT_PACK_ENV == "GRADER_PACK"
    assert default_pack_root() == pack_root
    assert load_pack().root == pack_root.resolve()


def test_grader_pack_env_pointing_nowhere_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DEFAULT_PACK_ENV, str(tmp_path / "gone"))
    with pytest.raises(UsageError, match="gone"):
        load_pack()


def fake_package(monkeypatch: pytest.MonkeyPatch, top: Path) -> Path:
    package = top / "grader"
    write(package / "__init__.py")
    monkeypatch.setattr(grader, "__file__", str(package / "__init__.py"))
    monkeypatch.delenv(DEFAULT_PACK_ENV, raising=False)
    return package


def test_default_pack_is_the_source_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = make_pack(tmp_path / "checkout")
    fake_package(monkeypatch, checkout)
    assert default_pack_root() == checkout.resolve()
    assert [e.id for e in load_pack().exercises] == ["second-highest-salary", "two-sum"]


def test_default_pack_is_inside_an_installed_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = fake_package(monkeypatch, tmp_path / "site-packages")
    assert default_pack_root() == package.resolve() / "_pack"
    make_pack(package / "_pack")
    assert len(load_pack().exercises) == 2


def test_empty_grader_pack_env_falls_back_to_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = fake_package(monkeypatch, tmp_path / "site-packages")
    monkeypatch.setenv(DEFAULT_PACK_ENV, "")
    assert default_pack_root() == package.resolve() / "_pack"
