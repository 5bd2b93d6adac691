"""Computes the gradients but never applies them: the model does not learn."""

import tensorflow as tf


def train(model, dataset, epochs, learning_rate=0.01):
    optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)  # noqa: F841
    loss_fn = tf.keras.losses.MeanSquaredError()
    history = []
    for _ in range(epochs):
        losses = []
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)  # noqa: F841
            losses.append(float(loss))
        history.append(sum(losses) / len(losses))
    return history
