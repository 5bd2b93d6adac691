"""model.fit wrapped in a function called train."""

import tensorflow as tf


def train(model, dataset, epochs, learning_rate=0.01):
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    history = model.fit(dataset, epochs=epochs, verbose=0)
    return history.history["loss"]
