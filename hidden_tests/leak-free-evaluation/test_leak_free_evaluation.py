"""Hidden tests for leak-free-evaluation (10 points).

The candidate's `evaluate(df)` runs once, inside the worker, under the tracer of
probes/tracer.py: every scikit-learn fit, transform, predict and score call is recorded with
the rows it saw, named by fingerprints of the frame's rows. The probe judges nothing; the
tests below decide from those records, on the harness's own copy of the frame (its rows,
customers and labels never come back from the worker).

What the words mean here:

- a *fit* is a fit / fit_transform / fit_predict of an estimator that learns from its input
  (a scaler, an imputer, an encoder, a selector, a model). Pipelines, ColumnTransformers,
  FeatureUnions and searches only pass rows on to such steps, and a FunctionTransformer
  learns nothing, so they are not fits themselves; their steps are.
- an *evaluation* is a predict / predict_proba / predict_log_proba / decision_function /
  score call made by the candidate's code or by scikit-learn's scorers on the model being
  evaluated: a top-level call, not one a Pipeline or a search makes inside itself. Its
  *model fit* is that same estimator's latest fit before it. An evaluation on nothing but the
  model fit's own rows is a training score, ignored when the code also evaluates on held-out
  rows (cross_validate's train scores); with nothing else, training scores are what was
  evaluated.
- the rows *used for evaluation* are the frame rows the evaluation's input came from: rows
  passed through transforms are traced back to the rows that went in.
- the fits *behind* an evaluation are the fits inside its model fit, and the fits of every
  transform its input, or its model's training input, came through (each transform's
  estimator as fitted at the time), back to the raw rows.

The checks: a fit behind an evaluation that saw some of its rows is `data-leakage`;
`churn_reason` reaching any fit (by column name or by its values) is `target-leakage`; a
customer with rows in an evaluation and in its model fit is `group-leakage`; a returned
score far from the reference's honest recomputation on the same frame is `score-mismatch`.
An `evaluate` that fits nothing fails every tracing test.

These checks run in the candidate's process and are advisory (a determined candidate could
hide calls from the tracer); pandas arithmetic done outside scikit-learn is not traced.
"""

from __future__ import annotations

import importlib.util
import math
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from churn_data import FEATURES, GROUP, POST_OUTCOME, make_churn

from grader.harness import CandidateError
from grader.harness.client import WorkerProblem

PROBE = "tracer"
SEED = 2024
CUSTOMERS = 1000
# honest evaluations of this frame range from about 0.79 to 0.91 (model and split); a random
# row split with a forest, or a leaked target, scores 0.96 and above
ABOVE_HONEST = 0.08
BELOW_HONEST = 0.20
LEARNING = frozenset({"fit", "fit_transform", "fit_predict"})
EVALUATING = frozenset(
    {"predict", "predict_proba", "predict_log_proba", "decision_function", "score"}
)
HOW_TO_SPLIT = "split by customer_id (GroupShuffleSplit, GroupKFold)"

_cache: dict[str, Any] = {}


@cache
def _tracer_module() -> ModuleType:
    """probes/tracer.py imported here too, for the very same fingerprint function."""
    path = Path(__file__).resolve().parent / "probes" / "tracer.py"
    spec = importlib.util.spec_from_file_location("leak_free_tracer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _frame() -> Any:
    return make_churn(SEED, CUSTOMERS)


class Trace:
    """The probe's records, read against the harness's own copy of the frame."""

    def __init__(self, result: Any, frame: Any) -> None:
        if not isinstance(result, dict):
            raise AssertionError("the tracer's report could not be read")
        fingerprints = _tracer_module().raw_fingerprints(frame, FEATURES)
        position = {fp: i for i, fp in enumerate(fingerprints)}
        assert len(position) == len(frame), "the churn frame has two identical rows"
        self.customers = frame[GROUP].to_numpy()
        raw_sets = result.get("row_sets")
        raw_sets = raw_sets if isinstance(raw_sets, list) else []
        self.row_sets = [
            frozenset(position[fp] for fp in s if type(fp) is int and fp in position)
            if isinstance(s, list)
            else frozenset()
            for s in raw_sets
        ]
        raw_records = result.get("records")
        self.records = [
            r for r in (raw_records if isinstance(raw_records, list) else []) if _valid(r)
        ]
        self.by_id = {r["id"]: r for r in self.records}
        self.children: dict[int, list[dict[str, Any]]] = {}
        for record in self.records:
            self.children.setdefault(record["parent"], []).append(record)
        score = result.get("score")
        self.score = score if isinstance(score, dict) else {}

    def rows(self, record: dict[str, Any]) -> frozenset[int]:
        index = record["rows"]
        return self.row_sets[index] if 0 <= index < len(self.row_sets) else frozenset()

    @staticmethod
    def learns(record: dict[str, Any]) -> bool:
        return record["method"] in LEARNING and record["kind"] == "leaf"

    def fits(self) -> list[dict[str, Any]]:
        return [r for r in self.records if self.learns(r)]

    def fits_inside(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """The fits a call stands for: itself when it learns, else its steps' fits."""
        if self.learns(record):
            return [record]
        found, todo = [], list(self.children.get(record["id"], []))
        while todo:
            child = todo.pop()
            if self.learns(child):
                found.append(child)
            todo.extend(self.children.get(child["id"], []))
        return found

    def latest_fit_of(self, record: dict[str, Any]) -> dict[str, Any] | None:
        """The latest fit call on the same estimator, up to and including `record`."""
        for candidate in reversed(self.records[: self.records.index(record) + 1]):
            if candidate["instance"] == record["instance"] and candidate["method"] in LEARNING:
                return candidate
        return None

    def behind(self, evaluation: dict[str, Any]) -> list[dict[str, Any]]:
        """The fits whose learned state went into this evaluation."""
        fits: dict[int, dict[str, Any]] = {}
        seen: set[int] = set()
        todo = [evaluation]
        model_fit = self.latest_fit_of(evaluation)
        if model_fit is not None:
            todo.append(model_fit)
        while todo:
            record = todo.pop()
            if record["id"] in seen:
                continue
            seen.add(record["id"])
            if record["method"] in LEARNING:
                fits.update((f["id"], f) for f in self.fits_inside(record))
            for source_id in record["via"]:
                source = self.by_id.get(source_id)
                if source is None:
                    continue
                todo.append(source)
                state = self.latest_fit_of(source)
                if state is not None:
                    todo.append(state)
        return list(fits.values())

    def fitted_across(
        self, evaluation: dict[str, Any], fitted_on: frozenset[int]
    ) -> list[dict[str, Any]]:
        """Transformers fitted, before this evaluation, on rows of both of its sides.

        They stand for a fit before the split whose output the tracer could not follow (an
        imputer's output is mostly the raw values it was given, an encoder's output rows are
        not unique), so it is judged by its rows alone.
        """
        both = self.rows(evaluation) | fitted_on
        return [
            fit
            for fit in self.fits()
            if fit["transformer"] is True
            and fit["id"] < evaluation["id"]
            and fitted_on
            and both <= self.rows(fit)
        ]

    def evaluations(self) -> tuple[list[tuple[dict[str, Any], frozenset[int]]], bool]:
        """(evaluation, its model fit's rows) pairs to judge, and whether any was held out."""
        held_out, training = [], []
        for record in self.records:
            if record["method"] not in EVALUATING or record["parent"] != -1:
                continue
            if record["raised"] or not self.rows(record):
                continue
            model_fit = self.latest_fit_of(record)
            if model_fit is None:
                continue
            fitted_on = self.rows(model_fit)
            if self.rows(record) <= fitted_on:
                training.append((record, fitted_on))
            else:
                held_out.append((record, fitted_on))
        return (held_out, True) if held_out else (training, False)


def _valid(record: Any) -> bool:
    if not isinstance(record, dict):
        return False
    ints = ("id", "parent", "instance", "n", "rows", "unknown", "post_outcome")
    if not all(type(record.get(k)) is int for k in ints):
        return False
    if not all(type(record.get(k)) is str for k in ("cls", "method", "kind")):
        return False
    if not all(type(record.get(k)) is bool for k in ("transformer", "raised")):
        return False
    via = record.get("via")
    return isinstance(via, list) and all(type(v) is int for v in via)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _trace(probe: Any) -> Trace:
    """The candidate's evaluate, traced once for all tests (each test reports a failure)."""
    if "trace" not in _cache:
        try:
            result = probe(PROBE, "trace_evaluate", _frame(), POST_OUTCOME, FEATURES)
        except (CandidateError, WorkerProblem) as exc:
            # a crash or a timeout is not retried: evaluate would only fail the same way again
            _cache["trace"] = exc
        else:
            _cache["trace"] = Trace(result, _frame())
    found = _cache["trace"]
    if isinstance(found, BaseException):
        raise found
    return found


def _honest_score(reference: Any) -> float:
    if "honest" not in _cache:
        _cache["honest"] = float(reference.evaluate(_frame().copy()))
    return _cache["honest"]


def _require_fits(trace: Trace) -> None:
    assert trace.fits(), (
        "evaluate fitted no scikit-learn estimator: fit a model on training rows and evaluate "
        "it on held-out rows (the tracing tests need something to check)"
    )


def _require_evaluations(trace: Trace) -> list[tuple[dict[str, Any], frozenset[int]]]:
    _require_fits(trace)
    evaluations, _ = trace.evaluations()
    assert evaluations, (
        "no evaluation was seen: predict, predict_proba or score a fitted scikit-learn model "
        "on held-out rows of the frame"
    )
    return evaluations


def _score_value(trace: Trace) -> float | None:
    value = trace.score.get("value")
    return value if isinstance(value, float) and math.isfinite(value) else None


@pytest.mark.points(1)
def test_returns_a_roc_auc(probe):
    """returns a ROC-AUC between 0 and 1"""
    trace = _trace(probe)
    value = _score_value(trace)
    kind = trace.score.get("type", "nothing")
    if "value" in trace.score:
        assert value is not None, "evaluate returned NaN or an infinite number"
    assert value is not None, f"evaluate returned {kind}, not a number"
    assert 0.0 <= value <= 1.0, "evaluate returned a number outside [0, 1]: not a ROC-AUC"


@pytest.mark.points(1)
def test_fits_and_evaluates_on_held_out_rows(probe):
    """fits a model and evaluates it on held-out rows"""
    trace = _trace(probe)
    _require_fits(trace)
    _, held_out = trace.evaluations()
    assert held_out, (
        "no fitted model was evaluated on rows it was not fitted on: hold out rows (or "
        "cross-validate) and score the model on those"
    )


@pytest.mark.points(3)
def test_no_fit_saw_evaluation_rows(probe, report_flag):
    """no fit saw the rows it was evaluated on (data leakage)"""
    trace = _trace(probe)
    evaluations = _require_evaluations(trace)
    worst: dict[str, tuple[int, int]] = {}
    for evaluation, fitted_on in evaluations:
        evaluated = trace.rows(evaluation)
        for fit in trace.behind(evaluation) + trace.fitted_across(evaluation, fitted_on):
            seen = len(trace.rows(fit) & evaluated)
            name = f"{fit['cls']}.fit"
            if seen and seen > worst.get(name, (0, 0))[0]:
                worst[name] = (seen, len(evaluated))
    if worst:
        by_count: dict[tuple[int, int], list[str]] = {}
        for name, counts in sorted(worst.items()):
            by_count.setdefault(counts, []).append(name)
        what = "; ".join(
            f"{_and(names)} saw {k} of the {n} rows you evaluated on"
            for (k, n), names in sorted(by_count.items(), reverse=True)[:3]
        )
        message = (
            f"{what}: fit every step (imputers, scalers, encoders, selectors, the model) on "
            "training rows only, e.g. inside one Pipeline fitted after the split"
        )
        report_flag("data-leakage", message)
        raise AssertionError(message)


@pytest.mark.points(2)
def test_churn_reason_never_reaches_a_fit(probe, report_flag):
    """churn_reason never reaches a fit (target leakage)"""
    trace = _trace(probe)
    _require_fits(trace)
    reached = sorted({f"{r['cls']}.fit" for r in trace.fits() if r["post_outcome"] > 0})
    if reached:
        message = (
            f"{POST_OUTCOME} reached {_and(reached[:3])}: it is filled in only after a "
            "customer has churned, so it gives the answer away; drop it before fitting"
        )
        report_flag("target-leakage", message)
        raise AssertionError(message)


@pytest.mark.points(2)
def test_no_customer_on_both_sides(probe, report_flag):
    """no customer on both sides of a split (group leakage)"""
    trace = _trace(probe)
    evaluations = _require_evaluations(trace)
    worst = 0
    for evaluation, fitted_on in evaluations:
        evaluated = trace.rows(evaluation)
        trained = fitted_on - evaluated
        shared = {trace.customers[i] for i in evaluated} & {trace.customers[i] for i in trained}
        worst = max(worst, len(shared))
    if worst:
        message = (
            f"{worst} customers had rows both in a model's training rows and in the rows it was "
            f"evaluated on: a customer's monthly rows are near copies, so {HOW_TO_SPLIT}"
        )
        report_flag("group-leakage", message)
        raise AssertionError(message)


@pytest.mark.points(1)
def test_score_is_close_to_an_honest_recomputation(probe, reference, report_flag):
    """the score is close to an honest recomputation"""
    trace = _trace(probe)
    value = _score_value(trace)
    assert value is not None, "evaluate did not return a number"
    honest = _honest_score(reference)
    if value > honest + ABOVE_HONEST:
        message = (
            f"the returned ROC-AUC {value:.3f} is far above what an honest evaluation of this "
            "data reaches: look for leakage, or a score computed on training rows"
        )
    elif value < honest - BELOW_HONEST:
        message = (
            f"the returned ROC-AUC {value:.3f} is far below what an honest evaluation of this "
            "data reaches: check that it is the ROC-AUC of held-out predicted probabilities"
        )
    else:
        return
    report_flag("score-mismatch", message)
    raise AssertionError(message)
