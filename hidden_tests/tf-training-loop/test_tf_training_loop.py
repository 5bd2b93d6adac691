"""Hidden tests for tf-training-loop (10 points).

Everything the candidate's loop does happens in the worker, inside the probe
`probes/tf_probe.py`: it builds a seeded Keras model and data set, calls `train`, and
reports plain values (what `train` returned, every batch the model was called on with its
`training` flag and its loss, which variables changed, the final weights, whether
`compile`/`fit` were called). The same probe function runs here in the harness on the
reference loop, from the same seed, and each test compares one aspect of the two runs.

Two runs are enough for every test, each done once per grading: "basic" (no dropout,
batches of equal size, four epochs) and "dropout" (a Dropout layer and a last batch of 5
rows). Each mistake loses the tests aimed at what it breaks:

- the training dynamics (which batches, in which order, with SGD on the mean squared error
  at the given learning rate) are compared through the batch losses recomputed from the
  model's own outputs, so they do not depend on what `train` returns;
- what `train` returns is compared with the mean of those recorded batch losses, so a
  loop that sums, keeps the last batch or weights batches by size loses only that test.
"""

from __future__ import annotations

import importlib.util
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from grader.harness import CandidateError
from grader.harness.client import WorkerProblem

PROBE = Path(__file__).resolve().parent / "probes" / "tf_probe.py"
RUNS: dict[str, dict[str, Any]] = {
    "basic": {
        "seed": 7,
        "samples": 256,
        "features": 4,
        "batch": 32,
        "hidden": 16,
        "dropout": 0.0,
        "epochs": 4,
        "learning_rate": 0.05,
    },
    "dropout": {
        "seed": 11,
        "samples": 229,  # 7 batches of 32 and a last one of 5
        "features": 4,
        "batch": 32,
        "hidden": 16,
        "dropout": 0.25,
        "epochs": 3,
        "learning_rate": 0.03,
    },
}
# float32 arithmetic in another order (a different loss formula, tf.function) moves batch
# losses by about 1e-7 relative; a wrong learning rate, loss or update moves them by far more.
LOSS_RTOL = 1e-4
WEIGHT_ATOL = 1e-4

_candidate_runs: dict[str, dict[str, Any] | CandidateError | WorkerProblem] = {}


@cache
def _probe_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tf_probe", PROBE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _batches_per_epoch(name: str) -> int:
    config = RUNS[name]
    return -(-config["samples"] // config["batch"])


def candidate(probe: Any, name: str) -> dict[str, Any]:
    """The candidate's run `name`, done once.

    When it failed (an exception, a timeout, a crash), every test that needs it fails the
    same way at once, rather than training again into the same failure.
    """
    if name not in _candidate_runs:
        try:
            _candidate_runs[name] = probe("tf_probe", "run_train", RUNS[name])
        except (CandidateError, WorkerProblem) as failure:
            _candidate_runs[name] = failure
    run = _candidate_runs[name]
    if isinstance(run, CandidateError | WorkerProblem):
        raise run
    return run


# The reference runs train here, in the harness, while the worker imports TensorFlow and
# trains the candidate's loop: the harness would otherwise sit idle, waiting on the worker.
# One thread runs them all, one after the other, so that no other TensorFlow work in this
# process draws from the seeded random state between a run's steps.
_reference_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reference")
_reference_runs: dict[str, Future[dict[str, Any]]] = {}


def _reference_run(reference: ModuleType, name: str) -> Future[dict[str, Any]]:
    if name not in _reference_runs:
        train = _probe_module().run_train
        _reference_runs[name] = _reference_thread.submit(train, reference, RUNS[name])
    return _reference_runs[name]


def expected(reference: ModuleType, name: str) -> dict[str, Any]:
    return _reference_run(reference, name).result()


@pytest.fixture(scope="module", autouse=True)
def _reference_runs_start_early(reference: ModuleType) -> None:
    for name in RUNS:
        _reference_run(reference, name)


def _check_structure(run: dict[str, Any], name: str) -> None:
    epochs, per_epoch = RUNS[name]["epochs"], _batches_per_epoch(name)
    seen = run["steps"]
    if seen == list(range(per_epoch)) * epochs:
        return
    if not seen:
        raise AssertionError("the model was never called on a batch of the data set")
    raise AssertionError(
        f"each of the {epochs} epochs must use every batch of the data set once, in order: "
        f"the model was called on {len(seen)} batches in all, "
        f"expected {epochs} x {per_epoch} = {epochs * per_epoch}"
    )


def _check_dynamics(run: dict[str, Any], ref: dict[str, Any], name: str) -> None:
    _check_structure(run, name)
    got, want = np.array(run["step_losses"]), np.array(ref["step_losses"])
    off = np.flatnonzero(~np.isclose(got, want, rtol=LOSS_RTOL, atol=1e-7))
    if off.size:
        raise AssertionError(
            f"training differs from SGD on the mean squared error with the given learning "
            f"rate, one step per batch: the batch losses drift from step {off[0] + 1} of "
            f"{len(want)}"
        )
    for got_w, want_w, label in zip(run["final"], ref["final"], run["variables"], strict=True):
        close = np.allclose(np.asarray(got_w), want_w, rtol=1e-3, atol=WEIGHT_ATOL)
        assert close, f"the trained value of {label} differs from the reference loop's"


def _mean_hint(values: list[float], run: dict[str, Any], name: str) -> str:
    """Name the usual mistake when the returned losses match one."""
    per_epoch = _batches_per_epoch(name)
    losses = np.array(run["step_losses"]).reshape(-1, per_epoch)
    sizes = np.array([len(x) for x, _ in _probe_module().batches(RUNS[name])], dtype=float)
    guesses = {
        "the sum of the batch losses": losses.sum(axis=1),
        "the last batch's loss": losses[:, -1],
        "a mean weighted by batch size": losses @ sizes / sizes.sum(),
    }
    for what, guess in guesses.items():
        if np.allclose(values, guess, rtol=LOSS_RTOL):
            return f" (they look like {what})"
    return ""


@pytest.mark.points(1)
def test_returns_one_float_per_epoch(probe):
    """returns one float per epoch"""
    run = candidate(probe, "basic")
    result, epochs = run["result"], RUNS["basic"]["epochs"]
    values = result["values"]
    kind = "None" if result["type"] == "NoneType" else result["type"]
    assert values is not None, f"train returned {kind} instead of a list of floats"
    assert len(values) == epochs, f"train returned {len(values)} values for {epochs} epochs"
    assert all(v is not None for v in values), "train returned items that float() does not accept"
    assert all(np.isfinite(values)), "train returned a loss that is NaN or infinite"


@pytest.mark.points(2)
def test_training_matches_the_reference(probe, reference):
    """training matches the reference loop under fixed seeds"""
    _check_dynamics(candidate(probe, "basic"), expected(reference, "basic"), "basic")


@pytest.mark.points(1)
def test_every_variable_is_updated(probe, report_flag):
    """every trainable variable is updated"""
    run = candidate(probe, "basic")
    unchanged = [
        label
        for label, changed in zip(run["variables"], run["changed"], strict=True)
        if not changed
    ]
    if unchanged:
        message = (
            f"{len(unchanged)} of {len(run['variables'])} trainable variables never changed "
            f"({', '.join(unchanged[:3])}): apply the gradients to model.trainable_variables"
        )
        report_flag("no-gradient-update", message)
        raise AssertionError(message)


@pytest.mark.points(2)
def test_epoch_loss_is_the_mean_of_its_batches(probe, report_flag):
    """each epoch's loss is the mean of its batch losses, a short last batch included"""
    for name in ("basic", "dropout"):
        run = candidate(probe, name)
        _check_structure(run, name)
        values = run["result"]["values"]
        epochs = RUNS[name]["epochs"]
        assert values is not None and len(values) == epochs, (
            "train did not return one loss per epoch"
        )
        assert all(v is not None for v in values), (
            "train returned items that float() does not accept"
        )
        means = np.array(run["step_losses"]).reshape(epochs, -1).mean(axis=1)
        if not np.allclose(values, means, rtol=LOSS_RTOL):
            short = " with a short last batch" if name == "dropout" else ""
            message = (
                f"the returned losses are not the plain mean of each epoch's batch "
                f"losses{short}{_mean_hint(values, run, name)}"
            )
            report_flag("loss-not-mean", message)
            raise AssertionError(message)


@pytest.mark.points(1)
def test_calls_the_model_with_training_true(probe, report_flag):
    """calls the model with training=True"""
    flags = candidate(probe, "basic")["flags"]
    assert flags, "the model was never called on a batch of the data set"
    wrong = sorted({repr(flag) for flag in flags if flag is not True})
    if wrong:
        message = (
            f"the model was called with training={', '.join(wrong)} during training: "
            "pass training=True so that layers such as Dropout train"
        )
        report_flag("training-flag-missing", message)
        raise AssertionError(message)


@pytest.mark.points(1)
def test_no_compile_or_fit(probe, report_flag):
    """a custom loop: no compile or fit"""
    used = candidate(probe, "basic")["shortcuts"]
    if used:
        message = (
            f"train called {' and '.join(f'model.{name}()' for name in used)}: write the "
            "training loop yourself with tf.GradientTape"
        )
        report_flag("uses-fit", message)
        raise AssertionError(message)


@pytest.mark.points(1)
def test_dropout_and_a_short_last_batch(probe, reference):
    """dropout and a short last batch"""
    _check_dynamics(candidate(probe, "dropout"), expected(reference, "dropout"), "dropout")


@pytest.mark.points(1)
def test_several_epochs(probe):
    """several epochs: every batch once per epoch"""
    _check_structure(candidate(probe, "basic"), "basic")
