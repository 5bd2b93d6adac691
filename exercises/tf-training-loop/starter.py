"""A custom TensorFlow training loop: the statement is in README.md.

Write `train` below with tf.GradientTape (no model.compile / model.fit). Check it with
`pytest` (the public tests in tests/), then grade it with
`grader grade solution.py -e tf-training-loop`.
"""

import tensorflow as tf


def train(model, dataset, epochs, learning_rate=0.01):
    """Train model on dataset with SGD on the mean squared error.

    Return the mean batch loss of each epoch, as a list of floats.
    """
    loss_fn = tf.keras.losses.MeanSquaredError()
    epoch_losses = []
    for _ in range(epochs):
        batch_losses = []
        for features, targets in dataset:
            loss = loss_fn(targets, model(features, training=True))
            # Your code here: compute the loss under tf.GradientTape, then apply its
            # gradients with tf.keras.optimizers.SGD(learning_rate).
            batch_losses.append(float(loss))
        epoch_losses.append(sum(batch_losses) / len(batch_losses))
    return epoch_losses
