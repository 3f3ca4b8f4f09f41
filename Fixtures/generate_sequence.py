"""Generate the sequence-model fixtures: recurrent classifiers trained on MNIST-1D, and old Keras 2 cuDNN layers.

Writes ``Fixtures/sequence/`` and puts its entries into ``Fixtures/manifest.json`` (replacing entries of the same
name), so that the parity tests and ``scripts/check-onnx.sh`` read them like every other model. ``generate.py`` calls
``generate_sequence_models`` in a full run; run alone from the repository root::

    Fixtures/.venv/bin/python Fixtures/generate_sequence.py

* ``mnist1d_lstm`` -- two stacked LSTMs (the first returns sequences, the layer Grad-CAM reads) and a softmax Dense,
  trained with tf_keras; saved as tf_keras ``.h5`` and, with the same weights, as a Keras 3 ``.keras`` file.
* ``mnist1d_conv_gru`` -- Conv1D, max pooling, Bidirectional(GRU) over the pooled sequence, GRU, Dense.
* ``cudnn`` -- ``CuDNNLSTM`` and ``CuDNNGRU`` (tf_keras's classes for Keras 2 files trained on GPUs; their kernels are
  stored in cuDNN's layout and the LSTM's bias is two halves). They cannot run on a CPU, so Keras's answer is the
  equivalent LSTM/GRU model into which tf_keras itself loaded the file (``load_weights`` converts the weights).
"""

from __future__ import annotations

import json
import time

import numpy as np

import generate as G
from generate import FIXTURES, keras, log, tf_keras

SEQUENCE_SEED = G.SEED + 80
SEQUENCE_EPOCHS = 25


def mnist1d_lstm(K):
    L = K.layers
    inp = K.Input((40, 1), name="input")
    x = L.LSTM(32, return_sequences=True, name="lstm")(inp)
    x = L.LSTM(32, name="lstm_1")(x)
    return K.Model(inp, L.Dense(10, activation="softmax", name="dense")(x), name="mnist1d_lstm")


def mnist1d_conv_gru(K):
    L = K.layers
    inp = K.Input((40, 1), name="input")
    x = L.Conv1D(16, 5, padding="same", activation="relu", name="conv1d")(inp)
    x = L.MaxPooling1D(2, name="max_pooling1d")(x)
    x = L.Bidirectional(L.GRU(16, return_sequences=True), name="bidirectional")(x)
    x = L.GRU(24, name="gru")(x)
    return K.Model(inp, L.Dense(10, activation="softmax", name="dense")(x), name="mnist1d_conv_gru")


def train(build, data: dict):
    G.seed_everything(SEQUENCE_SEED)
    model = build(tf_keras)
    model.compile(optimizer=tf_keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.time()
    model.fit(data["x"], data["y"], epochs=SEQUENCE_EPOCHS, batch_size=64, shuffle=True, verbose=0)
    log(f"  {model.name}: {SEQUENCE_EPOCHS} epochs trained in {time.time() - start:.1f} s")
    return model


def keras3_twin(build, trained):
    """The same architecture built with Keras 3, holding the trained weights layer by layer."""
    twin = build(keras)
    for layer in twin.layers:
        layer.set_weights(trained.get_layer(layer.name).get_weights())
    return twin


def record_trained(build, data: dict) -> list[dict]:
    """Trains with tf_keras; records both files' outputs on the whole test set."""
    trained = train(build, data)
    name = trained.name
    x, y = data["x_test"], data["y_test"]
    entries = []
    for kind, model, major, loader, K in (("k2", trained, 2, G.load_k2, tf_keras),
                                          ("keras", keras3_twin(build, trained), 3, G.load_k3, keras)):
        file = f"sequence/{name}.{'k2.h5' if kind == 'k2' else 'keras'}"
        model.save(FIXTURES / file)
        reloaded = loader(FIXTURES / file)
        output = reloaded.predict(x, batch_size=250, verbose=0)
        G.assert_close([output], [model.predict(x, batch_size=250, verbose=0)], f"{file} reload", G.RELOAD_TOL)
        layers = G.record_layer_outputs(K, reloaded, [x[:G.MNIST1D_LAYER_SAMPLES]], f"sequence/{name}.{kind}.layers")
        acc = G.accuracy(output, y)
        log(f"  {name}.{kind}: test accuracy {acc:.4f}")
        entries.append(G.model_entry(
            f"{name}.{kind}", file, major, reloaded, ["mnist1d_test_x.npy"],
            [G.save_npy(f"sequence/{name}.{kind}.output.npy", output)],
            layers=layers, layer_samples=G.MNIST1D_LAYER_SAMPLES, accuracy=acc, labels="mnist1d_test_y.npy"))
    return entries


def cudnn_model(lstm, gru):
    L = tf_keras.layers
    inp = tf_keras.Input((7, 3), name="input")
    branches = [
        lstm(4, return_sequences=True, name="lstm_sequences")(inp),
        lstm(3, go_backwards=True, name="lstm_backwards")(inp),
        gru(4, return_sequences=True, name="gru_sequences")(inp),
        gru(3, name="gru_last")(lstm(5, return_sequences=True, name="lstm_stacked")(inp)),
        L.Bidirectional(lstm(3, return_sequences=True), name="bi_lstm")(inp),
        L.Bidirectional(gru(3), merge_mode="sum", name="bi_gru")(inp),
    ]
    return tf_keras.Model(inp, G.concat_flat(tf_keras, branches), name="cudnn")


def record_cudnn() -> list[dict]:
    """A tf_keras model of CuDNNLSTM/CuDNNGRU layers with random weights, answered by its CPU twin."""
    from tf_keras.src.layers.rnn.cudnn_gru import CuDNNGRU
    from tf_keras.src.layers.rnn.cudnn_lstm import CuDNNLSTM

    rng = np.random.default_rng(SEQUENCE_SEED + 1)
    model = cudnn_model(CuDNNLSTM, CuDNNGRU)
    G.set_weights(model, G.random_weights(model, rng), model)
    file = "sequence/cudnn.k2.h5"
    model.save(FIXTURES / file)
    # CuDNNGRU is GRU(reset_after=True) with sigmoid gates; CuDNNLSTM is LSTM with sigmoid gates.
    twin = cudnn_model(lambda units, **kw: tf_keras.layers.LSTM(units, recurrent_activation="sigmoid", **kw),
                       lambda units, **kw: tf_keras.layers.GRU(units, recurrent_activation="sigmoid",
                                                               reset_after=True, **kw))
    twin.load_weights(FIXTURES / file)
    x = rng.normal(0, 1, (G.ZOO_BATCH, 7, 3)).astype(np.float32)
    output = G.predict(twin, [x])
    layers = G.record_layer_outputs(tf_keras, twin, [x], "sequence/cudnn.k2.layers")
    entry = G.model_entry("cudnn.k2", file, 2, model, [G.save_npy("sequence/cudnn.input.npy", x)],
                          G.save_output_files("sequence/cudnn.k2", output), layers=layers,
                          layer_samples=G.ZOO_BATCH)
    return [entry]


def generate_sequence_models() -> list[dict]:
    data = G.load_mnist1d()
    return record_trained(mnist1d_lstm, data) + record_trained(mnist1d_conv_gru, data) + record_cudnn()


def main() -> None:
    import tensorflow as tf
    tf.config.experimental.enable_op_determinism()
    entries = generate_sequence_models()
    with open(FIXTURES / "manifest.json") as f:
        manifest = json.load(f)
    names = {entry["name"] for entry in entries}
    manifest["models"] = [m for m in manifest["models"] if m["name"] not in names] + entries
    with open(FIXTURES / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
    log(f"sequence models {sorted(names)} written, manifest updated")


if __name__ == "__main__":
    main()
