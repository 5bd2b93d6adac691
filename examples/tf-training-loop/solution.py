"""The textbook custom training loop: GradientTape, apply_gradients, mean of batch losses."""

import tensorflow as tf


def train(model, dataset, epochs, learning_rate=0.01):
    optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    loss_fn = tf.keras.losses.MeanSquaredError()
    history = []
    for epoch in range(epochs):
        epoch_loss = 0.0
        num_batches = 0
        for x_batch, y_batch in dataset:
            with tf.GradientTape() as tape:
                predictions = model(x_batch, training=True)
                loss = loss_fn(y_batch, predictions)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))  # noqa: B905 - the textbook's spelling
            epoch_loss += float(loss)
            num_batches += 1
        history.append(epoch_loss / num_batches)
        print(f"epoch {epoch + 1}: loss {history[-1]:.4f}")
    return history
