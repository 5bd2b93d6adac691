"""stock-profit, max-depth and invert-tree: correct answers in every accepted form score full
marks, and each realistic bug loses exactly the points of the tests aimed at it."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES, grade_file, outcomes
from tests.contract import assert_valid_report

# exercise -> example -> (score out of 10, names of the tests it must fail)
CATALOG: dict[str, dict[str, tuple[float, set[str]]]] = {
    "stock-profit": {
        "solution.py": (10, set()),
        "leetcode_paste.py": (10, set()),
        "kadane.py": (10, set()),
        "notebook.ipynb": (10, set()),
        "quadratic.py": (8, {"large input, n = 10^5, in O(n)"}),
        "max_minus_min.py": (
            7,
            {
                "prices that only fall or stay flat",
                "selling must come after buying: lowest prices after the highest",
            },
        ),
        "negative_when_falling.py": (9, {"prices that only fall or stay flat"}),
    },
    "max-depth": {
        "solution.py": (10, set()),
        "iterative_bfs.py": (10, set()),
        "leetcode_paste.py": (10, set()),
        "own_treenode.py": (10, set()),
        "notebook.ipynb": (10, set()),
        "empty_is_one.py": (9, {"the empty tree"}),
        "single_node_zero.py": (9, {"a single node"}),
        "left_only.py": (8, {"the deepest leaf off the leftmost path"}),
    },
    "invert-tree": {
        "solution.py": (10, set()),
        "iterative.py": (10, set()),
        "new_tree.py": (10, set()),
        "leetcode_paste.py": (10, set()),
        "own_treenode.py": (10, set()),
        "notebook.ipynb": (10, set()),
        "returns_none.py": (9, {"returns the root of the inverted tree"}),
        "no_empty_check.py": (9, {"the empty tree"}),
        "stops_at_one_child.py": (
            8,
            {"nodes with one child: chains up to depth 500, lopsided trees"},
        ),
    },
}
CASES = [(exercise, example) for exercise, table in CATALOG.items() for example in sorted(table)]


def check(report, score, failing):
    assert_valid_report(report.to_dict())
    assert report.status == "graded", report.flags
    failed = {name for name, outcome in outcomes(report).items() if outcome != "passed"}
    messages = {t.name: t.message for t in report.tests if t.outcome != "passed"}
    assert report.score == score, messages
    assert failed == failing, messages
    assert report.max_score == 10


def hidden_messages(report) -> list[str]:
    """Messages of failing tests that may not show their inputs."""
    return [
        t.message
        for t in report.tests
        if t.outcome != "passed" and t.name != "examples from the statement"
    ]


def test_every_example_has_an_expected_score():
    for exercise, table in CATALOG.items():
        folder = EXAMPLES / exercise
        on_disk = {p.name for p in folder.iterdir() if not p.name.startswith((".", "__"))}
        assert on_disk == set(table), exercise


@pytest.mark.parametrize(("exercise", "example"), CASES, ids=[f"{e}/{x}" for e, x in CASES])
def test_examples_in_docker(docker_sandbox, main_pack, exercise, example):
    report = grade_file(EXAMPLES / exercise / example, main_pack.exercise(exercise), docker_sandbox)
    check(report, *CATALOG[exercise][example])
    for message in hidden_messages(report):
        assert "[" not in message, message  # no hidden input, list or tree, is shown


def test_quadratic_stock_profit_is_told_it_is_too_slow(docker_sandbox, main_pack):
    report = grade_file(
        EXAMPLES / "stock-profit" / "quadratic.py",
        main_pack.exercise("stock-profit"),
        docker_sandbox,
    )
    (message,) = hidden_messages(report)
    assert "slower than expected on n = 5,000" in message
    assert "expected O(n)" in message


def test_forgotten_return_is_named_and_costs_one_point(docker_sandbox, main_pack):
    report = grade_file(
        EXAMPLES / "invert-tree" / "returns_none.py",
        main_pack.exercise("invert-tree"),
        docker_sandbox,
    )
    (message,) = hidden_messages(report)
    assert "returned None" in message and "return root" in message


@pytest.mark.parametrize(
    ("exercise", "example"),
    [("stock-profit", "quadratic.py"), ("invert-tree", "returns_none.py")],
    ids=["stock-profit/quadratic.py", "invert-tree/returns_none.py"],
)
def test_local_sandbox_agrees_with_docker(local_sandbox, main_pack, exercise, example):
    report = grade_file(EXAMPLES / exercise / example, main_pack.exercise(exercise), local_sandbox)
    check(report, *CATALOG[exercise][example])


def test_validate_proves_references_and_starters(run_cli):
    ids = ("stock-profit", "max-depth", "invert-tree")
    result = run_cli("validate", *ids, "--sandbox", "local")
    assert result.exit_code == 0, result.stdout + result.stderr
    for exercise in ids:
        assert exercise in result.stdout
    assert "FAILED" not in result.stdout
