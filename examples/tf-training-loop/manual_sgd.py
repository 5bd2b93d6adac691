"""Plain gradient descent by hand: each variable moves against its gradient."""

import numpy as np
import tensorflow as tf


def train(model, dataset, epochs, learning_rate=0.01):
    epoch_losses = []
    for _ in range(epochs):
        batch_losses = []
        for features, targets in dataset:
            with tf.GradientTape() as tape:
                outputs = model(features, training=True)
                loss = tf.keras.losses.MeanSquaredError()(targets, outputs)
            gradients = tape.gradient(loss, model.trainable_variables)
            for variable, gradient in zip(model.trainable_variables, gradients, strict=True):
                variable.assign_sub(learning_rate * gradient)
            batch_losses.append(loss.numpy())
        epoch_losses.append(np.mean(batch_losses))
    return epoch_losses
