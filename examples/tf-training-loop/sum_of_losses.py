"""Adds up the batch losses of an epoch instead of averaging them."""

import tensorflow as tf


def train(model, dataset, epochs, learning_rate=0.01):
    optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    loss_fn = tf.keras.losses.MeanSquaredError()
    history = []
    for _ in range(epochs):
        total = 0.0
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            total += float(loss)
        history.append(total)
    return history
