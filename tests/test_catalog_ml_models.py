"""knn and tf-training-loop: textbook answers in every accepted form score full marks with no
flag, and each classic mistake loses exactly the points of the tests aimed at it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, flag_codes, grade_file, outcomes
from tests.contract import assert_valid_report

KNN_SPEED = "vectorised: 2,000 queries x 10,000 training points x 20 features"
KNN_TIES = {
    "even k: a tied vote goes to the label with the nearest neighbour",
    "odd k: votes tied between two or three labels go to the nearest",
}
TF_MEAN = "each epoch's loss is the mean of its batch losses, a short last batch included"
TF_MATCH = "training matches the reference loop under fixed seeds"
TF_DROPOUT = "dropout and a short last batch"

# exercise -> example -> (score out of 10, names of the tests it must fail, flag codes)
CATALOG: dict[str, dict[str, tuple[float, set[str], set[str]]]] = {
    "knn": {
        "solution.py": (10, set(), set()),
        "vectorised.py": (10, set(), set()),
        "with_plots.py": (10, set(), set()),  # matplotlib and seaborn, drawn off-screen
        "notebook.ipynb": (10, set(), set()),
        "sklearn_inside.py": (9, {"from scratch: no scikit-learn"}, {"forbidden-import"}),
        "triple_loop.py": (9, {KNN_SPEED}, {"too-slow"}),
        "first_seen_ties.py": (8, KNN_TIES, set()),
        "int32_overflow.py": (
            9,
            {"integer features, int32 included, whose squares overflow 32 bits"},
            set(),
        ),
    },
    "tf-training-loop": {
        "solution.py": (10, set(), set()),
        "tf_function.py": (10, set(), set()),
        "manual_sgd.py": (10, set(), set()),
        "notebook.ipynb": (10, set(), set()),
        "no_apply_gradients.py": (
            6,
            {TF_MATCH, "every trainable variable is updated", TF_DROPOUT},
            {"no-gradient-update"},
        ),
        # Keras averages a short last batch by its size: fit's losses are not the plain mean
        "fit_in_disguise.py": (
            7,
            {"a custom loop: no compile or fit", TF_MEAN},
            {"uses-fit", "loss-not-mean"},
        ),
        "sum_of_losses.py": (8, {TF_MEAN}, {"loss-not-mean"}),
        "last_batch_loss.py": (8, {TF_MEAN}, {"loss-not-mean"}),
        # without training=True the Dropout layer stays off, so the dropout run drifts too
        "no_training_flag.py": (
            8,
            {"calls the model with training=True", TF_DROPOUT},
            {"training-flag-missing"},
        ),
    },
}
CASES = [(exercise, example) for exercise, table in CATALOG.items() for example in sorted(table)]
# (exercise, example) -> (failing test, what its message must say)
MESSAGES: dict[tuple[str, str], tuple[str, str]] = {
    ("knn", "triple_loop.py"): (KNN_SPEED, "Python loops"),
    ("knn", "sklearn_inside.py"): (
        "from scratch: no scikit-learn",
        "sklearn_inside.py, line 6 imports sklearn",
    ),
    ("tf-training-loop", "sum_of_losses.py"): (TF_MEAN, "the sum of the batch losses"),
    ("tf-training-loop", "last_batch_loss.py"): (TF_MEAN, "the last batch's loss"),
    ("tf-training-loop", "fit_in_disguise.py"): (TF_MEAN, "a mean weighted by batch size"),
    ("tf-training-loop", "no_apply_gradients.py"): (
        "every trainable variable is updated",
        "apply the gradients",
    ),
}


def check(report, score, failing, flags, *, sandbox_flags=frozenset()):
    assert_valid_report(report.to_dict())
    assert report.status == "graded", report.flags
    failed = {name for name, outcome in outcomes(report).items() if outcome != "passed"}
    messages = {t.name: t.message for t in report.tests if t.outcome != "passed"}
    assert report.score == score, messages
    assert failed == failing, messages
    assert report.max_score == 10
    assert flag_codes(report) == flags | sandbox_flags, report.flags


def failing_message(report, name: str) -> str:
    (message,) = [t.message for t in report.tests if t.name == name]
    return message


def test_every_example_has_an_expected_score():
    for exercise, table in CATALOG.items():
        on_disk = {path.name for path in (EXAMPLES / exercise).iterdir()}
        assert on_disk == set(table), exercise


@pytest.mark.parametrize(("exercise", "example"), CASES, ids=[f"{e}/{x}" for e, x in CASES])
def test_examples_in_docker(docker_sandbox, main_pack, exercise, example):
    report = grade_file(EXAMPLES / exercise / example, main_pack.exercise(exercise), docker_sandbox)
    check(report, *CATALOG[exercise][example])
    for test in report.tests:
        assert "[" not in test.message, test.message  # no hidden array is shown
    if (exercise, example) in MESSAGES:
        name, says = MESSAGES[exercise, example]
        assert says in failing_message(report, name)


def test_knn_import_hidden_from_the_scan_is_refused(docker_sandbox, main_pack, tmp_path: Path):
    solution = tmp_path / "solution.py"
    solution.write_text(
        "class KNearestNeighbors:\n"
        "    def __init__(self, k=3):\n"
        "        self.k = k\n"
        "\n"
        "    def fit(self, X, y):\n"
        "        neighbors = __import__('skl' + 'earn.neighbors', fromlist=['x'])\n"
        "        self.model = neighbors.KNeighborsClassifier(self.k).fit(X, y)\n"
        "        return self\n"
        "\n"
        "    def predict(self, X):\n"
        "        return self.model.predict(X)\n"
    )
    report = grade_file(solution, main_pack.exercise("knn"), docker_sandbox)
    assert_valid_report(report.to_dict())
    assert "forbidden-import" in flag_codes(report)
    assert report.score == 0
    message = failing_message(report, "from scratch: no scikit-learn")
    assert "the import was refused" in message


@pytest.mark.parametrize(
    ("exercise", "example"),
    [("knn", "sklearn_inside.py"), ("tf-training-loop", "fit_in_disguise.py")],
    ids=["knn/sklearn_inside.py", "tf-training-loop/fit_in_disguise.py"],
)
def test_local_sandbox_agrees_with_docker(local_sandbox, main_pack, exercise, example):
    report = grade_file(EXAMPLES / exercise / example, main_pack.exercise(exercise), local_sandbox)
    check(report, *CATALOG[exercise][example], sandbox_flags={"unconfined"})


def test_validate_proves_references_and_starters(run_cli):
    ids = ("knn", "tf-training-loop")
    result = run_cli("validate", *ids, "--sandbox", "local")
    assert result.exit_code == 0, result.stdout + result.stderr
    for exercise in ids:
        assert exercise in result.stdout
    assert "FAILED" not in result.stdout


@pytest.mark.parametrize(
    ("exercise_id", "solution", "passes"),
    [
        ("knn", "solution.py", True),
        ("knn", "first_seen_ties.py", False),
        ("tf-training-loop", "tf_function.py", True),
        ("tf-training-loop", "no_training_flag.py", False),
    ],
)
def test_public_tests_run_with_plain_pytest(tmp_path, exercise_id, solution, passes):
    dest = tmp_path / "learner"
    shutil.copytree(
        ROOT / "exercises" / exercise_id / "tests",
        dest / "tests",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (dest / "solution.py").write_bytes((EXAMPLES / exercise_id / solution).read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=dest,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (result.returncode == 0) == passes, result.stdout + result.stderr
