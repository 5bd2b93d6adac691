"""sklearn-pipeline and leak-free-evaluation graded end to end, and the leakage tracer in process.

Correct solutions in several styles (a notebook among them) score full marks with no flag;
each classic mistake loses exactly the points of the tests aimed at it and raises the flag
that names it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import EXAMPLES, ROOT, flag_codes, grade_file, outcomes
from tests.contract import assert_valid_report

UNFITTED = "returns an unfitted Pipeline"
RAW = "all preprocessing inside: fits the raw training frame"
AUC = "ROC-AUC of at least 0.80 on the hidden holdout"
UNSEEN = "predicts rows with unseen categories"
MISSING = "predicts rows with missing values, as None and as NaN"
DETERMINISTIC = "deterministic: the same data gives the same predictions"
CLONE = "clone-able, and the clone behaves the same"
CV = "passes cross-validation without errors"

# example -> (score out of 10, names of the tests it must fail, flag codes)
PIPELINE: dict[str, tuple[float, set[str], set[str]]] = {
    "solution.py": (10, set(), set()),
    "make_pipeline_logistic.py": (10, set(), set()),
    "hist_gradient_boosting.py": (10, set(), set()),
    "notebook.ipynb": (10, set(), set()),
    "fitted_before_return.py": (9, {UNFITTED}, set()),
    "no_random_state.py": (9, {DETERMINISTIC}, set()),
    # SimpleImputer leaves None in place (only NaN counts as missing): the encoder that refuses
    # unknown categories then refuses None too
    "no_handle_unknown.py": (8, {UNSEEN, MISSING}, set()),
    "no_imputer.py": (7, {RAW, MISSING}, set()),
    "preprocessing_outside.py": (1, {RAW, AUC, UNSEEN, MISSING, DETERMINISTIC, CLONE, CV}, set()),
}

ROC_AUC = "returns a ROC-AUC between 0 and 1"
HELD_OUT = "fits a model and evaluates it on held-out rows"
DATA = "no fit saw the rows it was evaluated on (data leakage)"
TARGET = "churn_reason never reaches a fit (target leakage)"
GROUP = "no customer on both sides of a split (group leakage)"
SCORE = "the score is close to an honest recomputation"

LEAK: dict[str, tuple[float, set[str], set[str]]] = {
    "solution.py": (10, set(), set()),
    "group_kfold_cv.py": (10, set(), set()),
    "notebook.ipynb": (10, set(), set()),
    "scaler_before_split.py": (7, {DATA}, {"data-leakage"}),
    "selection_before_split.py": (7, {DATA}, {"data-leakage"}),
    "cv_without_groups.py": (8, {GROUP}, {"group-leakage"}),
    # a leaked target, or a forest that recognises customers, also inflates the score
    "churn_reason_kept.py": (7, {TARGET, SCORE}, {"target-leakage", "score-mismatch"}),
    "random_split.py": (7, {GROUP, SCORE}, {"group-leakage", "score-mismatch"}),
    "constant.py": (1, {HELD_OUT, DATA, TARGET, GROUP, SCORE}, {"score-mismatch"}),
}
# flags about how the grading ran, not about the submission's ML
CONTEXT_FLAGS = {"unconfined", "notebook-magic"}


_DOCKER_REPORTS: dict[tuple[str, str], Any] = {}


def graded_in_docker(sandbox, pack, exercise_id: str, example: str):
    """Each example graded once in Docker, however many tests look at its report."""
    key = (exercise_id, example)
    if key not in _DOCKER_REPORTS:
        exercise = pack.exercise(exercise_id)
        _DOCKER_REPORTS[key] = grade_file(EXAMPLES / exercise_id / example, exercise, sandbox)
    return _DOCKER_REPORTS[key]


def check(report, expected: tuple[float, set[str], set[str]]) -> None:
    score, failing, flags = expected
    assert_valid_report(report.to_dict())
    assert report.status == "graded", report.flags
    assert report.max_score == 10
    failed = {name for name, outcome in outcomes(report).items() if outcome != "passed"}
    messages = {t.name: t.message for t in report.tests if t.outcome != "passed"}
    assert failed == failing, messages
    assert report.score == score, messages
    assert flag_codes(report) - CONTEXT_FLAGS == flags, report.flags


def test_shipped_examples_are_all_listed():
    assert {p.name for p in (EXAMPLES / "sklearn-pipeline").iterdir()} == set(PIPELINE)
    assert {p.name for p in (EXAMPLES / "leak-free-evaluation").iterdir()} == set(LEAK)


# -- graded in Docker ------------------------------------------------------------------------------


@pytest.mark.parametrize("example", sorted(PIPELINE))
def test_pipeline_examples(docker_sandbox, main_pack, example):
    report = graded_in_docker(docker_sandbox, main_pack, "sklearn-pipeline", example)
    check(report, PIPELINE[example])


@pytest.mark.parametrize("example", sorted(LEAK))
def test_leak_examples(docker_sandbox, main_pack, example):
    report = graded_in_docker(docker_sandbox, main_pack, "leak-free-evaluation", example)
    check(report, LEAK[example])
    if example.endswith(".ipynb"):
        assert report.submission.kind == "ipynb"


@pytest.mark.parametrize(
    ("example", "code", "words"),
    [
        ("scaler_before_split.py", "data-leakage", "StandardScaler.fit saw 1119 of the 1119 rows"),
        ("selection_before_split.py", "data-leakage", "SelectKBest.fit saw"),
        ("churn_reason_kept.py", "target-leakage", "churn_reason reached OneHotEncoder.fit"),
        ("cv_without_groups.py", "group-leakage", "customers had rows both in"),
    ],
)
def test_leak_flags_name_what_leaked(docker_sandbox, main_pack, example, code, words):
    report = graded_in_docker(docker_sandbox, main_pack, "leak-free-evaluation", example)
    flag = next(f for f in report.flags if f.code == code)
    assert words in flag.message
    failed = [t for t in report.tests if t.outcome != "passed"]
    assert any(words in t.message for t in failed)


def test_pipeline_messages_say_what_to_fix(docker_sandbox, main_pack):
    report = graded_in_docker(docker_sandbox, main_pack, "sklearn-pipeline", "no_handle_unknown.py")
    messages = {t.name: t.message for t in report.tests}
    assert "handle_unknown='ignore'" in messages[UNSEEN]
    assert "None (rather than NaN)" in messages[MISSING]
    report = graded_in_docker(
        docker_sandbox, main_pack, "sklearn-pipeline", "fitted_before_return.py"
    )
    assert "already fitted" in {t.name: t.message for t in report.tests}[UNFITTED]


# -- the local sandbox agrees ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exercise_id", "example", "expected"),
    [
        ("sklearn-pipeline", "no_imputer.py", PIPELINE["no_imputer.py"]),
        ("leak-free-evaluation", "scaler_before_split.py", LEAK["scaler_before_split.py"]),
    ],
)
def test_local_sandbox_agrees_with_docker(local_sandbox, main_pack, exercise_id, example, expected):
    report = grade_file(
        EXAMPLES / exercise_id / example, main_pack.exercise(exercise_id), local_sandbox
    )
    check(report, expected)


def test_validate_proves_references_and_starters(run_cli):
    result = run_cli("validate", "sklearn-pipeline", "leak-free-evaluation", "--sandbox", "local")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "sklearn-pipeline" in result.stdout and "leak-free-evaluation" in result.stdout
    assert "FAILED" not in result.stdout


# -- the public tests handed out by `grader init` -------------------------------------------------


@pytest.mark.parametrize(
    ("exercise_id", "solution", "passes"),
    [
        ("sklearn-pipeline", EXAMPLES / "sklearn-pipeline" / "solution.py", True),
        ("sklearn-pipeline", ROOT / "exercises" / "sklearn-pipeline" / "starter.py", False),
        ("leak-free-evaluation", EXAMPLES / "leak-free-evaluation" / "solution.py", True),
        ("leak-free-evaluation", EXAMPLES / "leak-free-evaluation" / "churn_reason_kept.py", False),
    ],
)
def test_public_tests_run_with_plain_pytest(run_cli, tmp_path, exercise_id, solution, passes):
    dest = tmp_path / "learner"
    assert run_cli("init", exercise_id, str(dest)).exit_code == 0
    (dest / "solution.py").write_bytes(solution.read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=dest,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (result.returncode == 0) == passes, result.stdout + result.stderr


# -- the tracer in process: other ways candidates write evaluate -----------------------------------

HIDDEN = ROOT / "hidden_tests" / "leak-free-evaluation"
SHARED = ROOT / "hidden_tests" / "_shared"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def suite(request, monkeypatch_module) -> ModuleType:
    """The hidden test module, imported here so its checks can run on in-process traces."""
    pytest.importorskip("sklearn")
    monkeypatch_module.syspath_prepend(str(SHARED))
    # the grader's plugin registers these markers in a grading; here they only decorate
    for marker in ("points(n): points", "reveal: shows inputs", "time_limit(seconds): limit"):
        request.config.addinivalue_line("markers", marker)
    return _load(HIDDEN / "test_leak_free_evaluation.py", "hidden_leak_free_suite")


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _judge(suite: ModuleType, source: str, tmp_path: Path) -> dict[str, tuple[bool, list[str]]]:
    """Every hidden test's verdict on `source`'s evaluate, traced in this process."""
    path = tmp_path / "candidate.py"
    path.write_text(textwrap.dedent(source))
    candidate = _load(path, f"candidate_{abs(hash(source))}")
    tracer = suite._tracer_module()
    suite._cache.clear()

    def probe(name: str, func: str, *args: Any) -> Any:
        return getattr(tracer, func)(candidate, *args)

    reference = _load(ROOT / "reference" / "leak-free-evaluation" / "solution.py", "leak_reference")
    verdicts: dict[str, tuple[bool, list[str]]] = {}
    for name in dir(suite):
        if not name.startswith("test_"):
            continue
        flags: list[str] = []
        test = getattr(suite, name)
        kwargs: dict[str, Any] = {"probe": probe}
        parameters = test.__code__.co_varnames[: test.__code__.co_argcount]
        if "report_flag" in parameters:
            kwargs["report_flag"] = lambda code, message, flags=flags: flags.append(code)
        if "reference" in parameters:
            kwargs["reference"] = reference
        try:
            test(**kwargs)
            verdicts[name] = (True, flags)
        except AssertionError:
            verdicts[name] = (False, flags)
    return verdicts


HONEST_VARIANTS = {
    "a loop over GroupKFold, each step fitted by hand": """
        import numpy as np
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import GroupKFold
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        def evaluate(df):
            X = df[["age", "income", "tenure", "city", "subscription_type"]].reset_index(drop=True)
            y = df["churned"].to_numpy()
            scores = []
            for train, test in GroupKFold(4).split(X, y, df["customer_id"]):
                numbers, categories = ["age", "income", "tenure"], ["city", "subscription_type"]
                impute, scale = SimpleImputer(), StandardScaler()
                fill, encode = SimpleImputer(strategy="most_frequent"), OneHotEncoder(
                    handle_unknown="ignore", sparse_output=False
                )
                a = scale.fit_transform(impute.fit_transform(X.iloc[train][numbers]))
                b = encode.fit_transform(fill.fit_transform(X.iloc[train][categories]))
                c = scale.transform(impute.transform(X.iloc[test][numbers]))
                d = encode.transform(fill.transform(X.iloc[test][categories]))
                model = LogisticRegression(max_iter=1000).fit(np.hstack([a, b]), y[train])
                scores.append(roc_auc_score(y[test], model.predict_proba(np.hstack([c, d]))[:, 1]))
            return float(np.mean(scores))
    """,
    "a grid search by customer, then a held-out customer split": """
        from sklearn.compose import make_column_transformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import GridSearchCV, GroupKFold, GroupShuffleSplit
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        def evaluate(df):
            X = df.drop(columns=["churned", "churn_reason", "customer_id"])
            y, g = df["churned"], df["customer_id"]
            pipe = make_pipeline(
                make_column_transformer(
                    (make_pipeline(SimpleImputer(), StandardScaler()), ["age", "income", "tenure"]),
                    (
                        make_pipeline(
                            SimpleImputer(strategy="most_frequent"),
                            OneHotEncoder(handle_unknown="ignore"),
                        ),
                        ["city", "subscription_type"],
                    ),
                ),
                LogisticRegression(max_iter=500),
            )
            train, test = next(GroupShuffleSplit(1, test_size=0.25, random_state=3).split(X, y, g))
            grid = {"logisticregression__C": [0.1, 1.0]}
            search = GridSearchCV(pipe, grid, cv=GroupKFold(3), scoring="roc_auc", n_jobs=2)
            search.fit(X.iloc[train], y.iloc[train], groups=g.iloc[train])
            return roc_auc_score(y.iloc[test], search.predict_proba(X.iloc[test])[:, 1])
    """,
    "cross_validate with train scores, pandas output, a column changed in place": """
        import numpy as np
        from sklearn import set_config
        from sklearn.compose import make_column_transformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold, cross_validate
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        NUMBERS = ["age", "income", "tenure"]

        def evaluate(df):
            X = df.drop(columns=["churned", "churn_reason", "customer_id"])
            X["income"] = np.log(X["income"])
            set_config(transform_output="pandas")
            try:
                pipe = make_pipeline(
                    make_column_transformer(
                        (make_pipeline(SimpleImputer(), StandardScaler()), NUMBERS),
                        (
                            make_pipeline(
                                SimpleImputer(strategy="most_frequent"),
                                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                            ),
                            ["city", "subscription_type"],
                        ),
                    ),
                    LogisticRegression(max_iter=500),
                )
                out = cross_validate(
                    pipe, X, df["churned"], groups=df["customer_id"], cv=GroupKFold(4),
                    scoring="roc_auc", return_train_score=True, n_jobs=2,
                )
            finally:
                set_config(transform_output="default")
            return out["test_score"].mean()
    """,
    "cross_val_predict on an array of objects, columns by position": """
        import numpy as np
        from sklearn.compose import ColumnTransformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import GroupKFold, cross_val_predict
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        def evaluate(df):
            X = df[["city", "income", "subscription_type", "age", "tenure"]].to_numpy(dtype=object)
            y = df["churned"].to_numpy()
            pipe = Pipeline([
                ("ct", ColumnTransformer([
                    ("n", Pipeline([("i", SimpleImputer()), ("s", StandardScaler())]), [1, 3, 4]),
                    ("c", Pipeline([("i", SimpleImputer(strategy="most_frequent")),
                                    ("o", OneHotEncoder(handle_unknown="ignore"))]), [0, 2]),
                ])),
                ("m", LogisticRegression(max_iter=500)),
            ])
            groups = df["customer_id"].to_numpy()
            scores = cross_val_predict(
                pipe, X, y, groups=groups, cv=GroupKFold(4), method="decision_function"
            )
            return roc_auc_score(y, scores)
    """,
}

LEAKY_VARIANTS = {
    "a column scaled in place on the whole frame, one-hot by pandas": (
        """
        import pandas as pd
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import GroupShuffleSplit
        from sklearn.preprocessing import StandardScaler

        def evaluate(df):
            X = df[["age", "income", "tenure", "city", "subscription_type"]].copy()
            X[["age", "tenure"]] = X[["age", "tenure"]].fillna(X[["age", "tenure"]].median())
            numbers = ["age", "income", "tenure"]
            X[numbers] = StandardScaler().fit_transform(X[numbers])
            X = pd.get_dummies(X, dtype=float).reset_index(drop=True)
            y = df["churned"].reset_index(drop=True)
            split = GroupShuffleSplit(1, test_size=0.2, random_state=1)
            train, test = next(split.split(X, y, df["customer_id"]))
            model = RandomForestClassifier(n_estimators=50, random_state=0, n_jobs=-1)
            model.fit(X.iloc[train], y.iloc[train])
            return roc_auc_score(y.iloc[test], model.predict_proba(X.iloc[test])[:, 1])
        """,
        {"test_no_fit_saw_evaluation_rows"},
        ["data-leakage"],
    ),
    "an imputer fitted on the whole frame, nothing else": (
        """
        import numpy as np
        import pandas as pd
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import GroupShuffleSplit

        def evaluate(df):
            numbers = SimpleImputer().fit_transform(df[["age", "income", "tenure"]])
            dummies = pd.get_dummies(df[["city", "subscription_type"]], dtype=float)
            X = np.hstack([numbers, dummies.to_numpy()])
            y = df["churned"].to_numpy()
            split = GroupShuffleSplit(1, test_size=0.25, random_state=0)
            train, test = next(split.split(X, y, df["customer_id"]))
            model = LogisticRegression(max_iter=3000).fit(X[train], y[train])
            return roc_auc_score(y[test], model.predict_proba(X[test])[:, 1])
        """,
        {"test_no_fit_saw_evaluation_rows"},
        ["data-leakage"],
    ),
    "scored on its own training rows": (
        """
        from sklearn.compose import make_column_transformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        def evaluate(df):
            X = df.drop(columns=["churned", "churn_reason", "customer_id"])
            pipe = make_pipeline(
                make_column_transformer(
                    (make_pipeline(SimpleImputer(), StandardScaler()), ["age", "income", "tenure"]),
                    (
                        make_pipeline(
                            SimpleImputer(strategy="most_frequent"),
                            OneHotEncoder(handle_unknown="ignore"),
                        ),
                        ["city", "subscription_type"],
                    ),
                ),
                LogisticRegression(max_iter=500),
            ).fit(X, df["churned"])
            return roc_auc_score(df["churned"], pipe.predict_proba(X)[:, 1])
        """,
        {"test_fits_and_evaluates_on_held_out_rows", "test_no_fit_saw_evaluation_rows"},
        ["data-leakage"],
    ),
}


@pytest.mark.parametrize("variant", sorted(HONEST_VARIANTS))
def test_honest_variants_pass_every_check(suite, tmp_path, variant):
    verdicts = _judge(suite, HONEST_VARIANTS[variant], tmp_path)
    assert all(passed for passed, _ in verdicts.values()), verdicts
    assert not [flag for _, flags in verdicts.values() for flag in flags]


@pytest.mark.parametrize("variant", sorted(LEAKY_VARIANTS))
def test_leaky_variants_fail_their_checks(suite, tmp_path, variant):
    source, failing, flags = LEAKY_VARIANTS[variant]
    verdicts = _judge(suite, source, tmp_path)
    assert {name for name, (passed, _) in verdicts.items() if not passed} == failing, verdicts
    assert [flag for _, found in verdicts.values() for flag in found] == flags


def test_fingerprints_ignore_containers_and_column_order(suite):
    import numpy as np
    import pandas as pd

    tracer = suite._tracer_module()
    frame = pd.DataFrame(
        {
            "age": [30.0, np.nan],
            "income": [1234.5, 99.25],
            "city": ["Riverton", None],
            "plan": [np.nan, "basic"],
        }
    )
    expected = tracer.row_fingerprints(frame)
    assert expected[0] != expected[1]
    assert tracer.row_fingerprints(frame[["plan", "income", "city", "age"]]) == expected
    assert tracer.row_fingerprints(frame.to_numpy(dtype=object)) == expected
    assert tracer.row_fingerprints(frame.astype({"age": object})) == expected
    numbers = frame[["income", "age"]]
    assert tracer.row_fingerprints(numbers.to_numpy()) == tracer.row_fingerprints(numbers)
