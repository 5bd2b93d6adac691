"""Public tests: train a small model for a few epochs. Run `pytest` next to your
solution.py (TensorFlow must be installed)."""

import math

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = tf.keras


class FlagRecorder(keras.layers.Layer):
    """Identity layer that remembers the `training` flag of each call (eager mode)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flags = []

    def call(self, inputs, training=None):
        self.flags.append(training)
        return inputs


def setup(samples=100, batch=16, seed=0):
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, 3)).astype("float32")
    y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 1.0).astype("float32")
    recorder = FlagRecorder()
    model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(8, activation="tanh"),
            recorder,
            keras.layers.Dense(1),
        ]
    )
    recorder.flags.clear()  # building the model called the layer once, outside training
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)
    return model, dataset, recorder


def test_returns_one_float_per_epoch(submission):
    """train returns a list with one float per epoch"""
    model, dataset, _ = setup()
    losses = submission.train(model, dataset, 3, learning_rate=0.05)
    assert isinstance(losses, list | tuple), f"expected a list, got {type(losses).__name__}"
    assert len(losses) == 3, f"expected 3 losses for 3 epochs, got {len(losses)}"
    assert all(math.isfinite(float(v)) for v in losses), f"not all finite: {losses}"


def test_loss_goes_down(submission):
    """the loss of the last epoch is well below the first one's"""
    model, dataset, _ = setup()
    losses = [float(v) for v in submission.train(model, dataset, 10, learning_rate=0.05)]
    assert losses[-1] < 0.5 * losses[0], f"the loss barely went down: {losses}"


def test_every_variable_changes(submission):
    """every trainable variable is updated"""
    model, dataset, _ = setup()
    before = [v.numpy().copy() for v in model.trainable_variables]
    submission.train(model, dataset, 1, learning_rate=0.05)
    after = [v.numpy() for v in model.trainable_variables]
    unchanged = [
        v.path
        for v, b, a in zip(model.trainable_variables, before, after, strict=True)
        if np.array_equal(b, a)
    ]
    assert not unchanged, f"never updated: {unchanged}"


def test_mean_of_batch_losses(submission):
    """with one epoch, the loss is the mean of the batch losses before each step"""
    model, dataset, _ = setup(samples=20, batch=8)  # batches of 8, 8 and 4
    # With a learning rate of 0 nothing moves, so the batch losses can be computed first.
    expected = np.mean([float(np.mean((y.numpy() - model(x).numpy()) ** 2)) for x, y in dataset])
    (got,) = submission.train(model, dataset, 1, learning_rate=0.0)
    assert abs(float(got) - expected) < 1e-4 * expected, (
        f"expected the plain mean of the 3 batch losses, {expected:.6f}; got {float(got):.6f}"
    )


def test_training_true(submission):
    """the model is called with training=True"""
    model, dataset, recorder = setup()
    submission.train(model, dataset, 1, learning_rate=0.05)
    assert recorder.flags, "the model was never called"
    assert all(flag is True for flag in recorder.flags), f"training flags: {recorder.flags}"
