"""A training step compiled with tf.function; the epoch mean kept by a Keras metric."""

import tensorflow as tf


def train(model, dataset, epochs, learning_rate=0.01):
    optimizer = tf.keras.optimizers.SGD(learning_rate)
    mean_loss = tf.keras.metrics.Mean()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(y - model(x, training=True)))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return loss

    losses = []
    for _ in range(epochs):
        mean_loss.reset_state()
        for x, y in dataset:
            mean_loss.update_state(train_step(x, y))
        losses.append(mean_loss.result())
    return losses
