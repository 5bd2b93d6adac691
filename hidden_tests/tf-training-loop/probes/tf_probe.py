"""One seeded training run of a candidate's `train`, observed from inside its process.

`run_train(module, config)` builds a small Keras model and a tf.data data set from
`config`, seeds everything, calls `module.train(model, dataset, epochs, learning_rate=…)`
and returns plain values only: what `train` returned, every call of the model on a batch
(the `training` flag it got and the batch loss recomputed from the model's own output),
which trainable variables changed, their final values, and which Keras shortcuts
(`compile`, `fit`, …) were called. Nothing is judged here.

The hidden tests run the same function in the harness on the reference solution, so both
sides build the same model from the same seed and can be compared value for value.

Two identity layers record what the model sees: one first (the batch it was called on
and the `training` flag) and one last (its output). They record through `tf.py_function`,
so a training step compiled with `tf.function` is observed at every step, not only when
it is traced.
"""

from __future__ import annotations

import sys
import threading
import types
from typing import Any

import numpy as np

SHORTCUTS = ("compile", "fit", "train_on_batch", "fit_generator")


def make_data(config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """A seeded, mildly non-linear regression set: features (n, f), targets (n, 1)."""
    rng = np.random.default_rng(config["seed"])
    n, f = config["samples"], config["features"]
    x = rng.normal(size=(n, f))
    w = rng.normal(size=(f, 1))
    y = np.sin(x) @ w + 0.5 * x[:, :1] ** 2 + rng.normal(scale=0.1, size=(n, 1))
    return x.astype(np.float32), y.astype(np.float32)


def batches(config: dict[str, Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The batches of one epoch, in order (the last one short when n % batch != 0)."""
    x, y = make_data(config)
    size = config["batch"]
    return [(x[i : i + size], y[i : i + size]) for i in range(0, len(x), size)]


def build(config: dict[str, Any], sink: Any) -> tuple[Any, Any]:
    """Seed TensorFlow and Keras, then build the model and the data set."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(config["seed"])
    tf.config.experimental.enable_op_determinism()
    recorder = _recorder_class()
    layers: list[Any] = [
        keras.Input(shape=(config["features"],)),
        recorder("batch", sink, name="record_batch"),
        keras.layers.Dense(config["hidden"], activation="tanh", name="hidden"),
    ]
    if config["dropout"]:
        layers.append(keras.layers.Dropout(config["dropout"], seed=config["seed"]))
    layers += [
        keras.layers.Dense(1, name="output"),
        recorder("output", sink, name="record_output"),
    ]
    model = keras.Sequential(layers, name="regressor")
    x, y = make_data(config)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(config["batch"])
    return model, dataset


def _recorder_class() -> type:
    import keras
    import tensorflow as tf

    class Recorder(keras.layers.Layer):
        """Identity layer that reports each call's tensor and `training` flag."""

        def __init__(self, role: str, sink: Any, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._role = role
            self._sink = [sink]  # in a list: Keras leaves the callable alone

        def call(self, inputs: Any, training: Any = None) -> Any:
            flag = training if training is None or isinstance(training, bool) else "tensor"
            role, sink = self._role, self._sink[0]

            def record(value: Any) -> None:
                sink((role, flag, value.numpy().copy()))

            tf.py_function(record, [inputs], [])
            return inputs

    return Recorder


class _Shortcuts:
    """Replaces Keras' training shortcuts with versions that note they were called."""

    def __init__(self) -> None:
        self.called: list[str] = []
        self._saved: list[tuple[str, bool, Any]] = []

    def __enter__(self) -> _Shortcuts:
        import keras

        for name in SHORTCUTS:
            original = getattr(keras.Model, name, None)
            if original is None:
                continue
            self._saved.append((name, name in keras.Model.__dict__, keras.Model.__dict__.get(name)))
            setattr(keras.Model, name, self._noting(name, original))
        return self

    def _noting(self, name: str, original: Any) -> Any:
        called = self.called

        def shortcut(model: Any, *args: Any, **kwargs: Any) -> Any:
            called.append(name)
            return original(model, *args, **kwargs)

        return shortcut

    def __exit__(self, *exc: object) -> None:
        import keras

        for name, own, value in reversed(self._saved):
            if own:
                setattr(keras.Model, name, value)
            else:
                delattr(keras.Model, name)
        self._saved.clear()


def _turns() -> threading.Lock:
    """One lock per process, however many times this file is loaded. Runs in one process
    take turns: each seeds the global random state that its model and dropout then draw
    from (the harness trains the reference in a thread; a floor without a worker trains the
    candidate in the same process)."""
    fresh = types.ModuleType("grader_tf_probe_turns")
    fresh.lock = threading.Lock()  # type: ignore[attr-defined]
    return sys.modules.setdefault(fresh.__name__, fresh).lock  # type: ignore[attr-defined]


def run_train(module: Any, config: dict[str, Any]) -> dict[str, Any]:
    """Build, train with `module.train`, and report what happened."""
    with _turns():
        return _run_train(module, config)


def _run_train(module: Any, config: dict[str, Any]) -> dict[str, Any]:
    log: list[tuple[str, Any, np.ndarray]] = []
    model, dataset = build(config, log.append)
    variables = list(model.trainable_variables)
    before = [np.array(v.numpy(), copy=True) for v in variables]
    train = getattr(module, "train", None)
    if train is None:
        raise AttributeError("your module does not define 'train'")
    with _Shortcuts() as shortcuts:
        result = train(model, dataset, config["epochs"], learning_rate=config["learning_rate"])
    after = [np.array(v.numpy(), copy=True) for v in variables]
    steps, losses, flags = _steps(config, log)
    return {
        "result": _summary(result),
        "steps": steps,
        "step_losses": losses,
        "flags": flags,
        "variables": [str(getattr(v, "path", v.name)) for v in variables],
        "changed": [not np.array_equal(b, a) for b, a in zip(before, after, strict=True)],
        "final": after,
        "shortcuts": list(dict.fromkeys(shortcuts.called)),
    }


def _steps(
    config: dict[str, Any], log: list[tuple[str, Any, np.ndarray]]
) -> tuple[list[int], list[float], list[Any]]:
    """The model's calls on the data set's batches: batch index, batch loss, training flag.

    Calls on anything else are ignored; a batch fed twice in a row counts once (its first
    call, the one a training step differentiates).
    """
    epoch = batches(config)
    index = {x.tobytes(): i for i, (x, _) in enumerate(epoch)}
    inputs = [(flag, value) for role, flag, value in log if role == "batch"]
    outputs = [value for role, _, value in log if role == "output"]
    steps: list[int] = []
    losses: list[float] = []
    flags: list[Any] = []
    for (flag, x), out in zip(inputs, outputs, strict=False):
        i = index.get(np.ascontiguousarray(x, dtype=np.float32).tobytes(), -1)
        if i < 0 or (steps and steps[-1] == i):
            continue
        target = epoch[i][1].astype(np.float64)
        prediction = np.asarray(out, dtype=np.float64).reshape(target.shape)
        steps.append(i)
        losses.append(float(np.mean((target - prediction) ** 2)))
        flags.append(flag)
    return steps, losses, flags


def _summary(result: Any) -> dict[str, Any]:
    """What `train` returned: its type, and its items as floats (None where float() fails)."""
    kind = type(result).__name__
    items: list[Any] | None = None
    if isinstance(result, list | tuple):
        items = list(result)
    elif hasattr(result, "shape") and len(getattr(result, "shape", ())) == 1:
        items = list(np.asarray(result))
    if items is None:
        return {"type": kind, "values": None}
    values: list[float | None] = []
    for item in items:
        try:
            value = float(item)
        except (TypeError, ValueError):
            values.append(None)
            continue
        values.append(value)
    return {"type": kind, "values": values}
