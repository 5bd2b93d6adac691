"""Reference solution for tf-training-loop: a plain eager loop with tf.GradientTape."""

from __future__ import annotations

from typing import Any

import tensorflow as tf


def train(model: Any, dataset: Any, epochs: int, learning_rate: float = 0.01) -> list[float]:
    """Train `model` on `dataset` with SGD on the mean squared error.

    Returns the mean batch loss of each epoch: the plain average over its batches.
    """
    optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    loss_fn = tf.keras.losses.MeanSquaredError()
    history: list[float] = []
    for _ in range(epochs):
        batch_losses: list[float] = []
        for features, targets in dataset:
            with tf.GradientTape() as tape:
                predictions = model(features, training=True)
                loss = loss_fn(targets, predictions)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
            batch_losses.append(float(loss))
        history.append(sum(batch_losses) / len(batch_losses))
    return history
