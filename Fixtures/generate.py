"""Generate KerasLens test fixtures: Keras model files plus Keras's own answers.

This script is the only place in the project that knows TensorFlow. Everything it
writes lands next to it in ``Fixtures/`` and is indexed by ``Fixtures/manifest.json``,
which the Swift tests iterate. Rerun from the repository root with::

    python3 -m venv .venv
    .venv/bin/pip install -r Fixtures/requirements.txt
    .venv/bin/python Fixtures/generate.py

What is written (paths relative to ``Fixtures/``):

* ``MNIST1D.h5`` -- the course MNIST-1D Conv1D model rebuilt and trained with tf_keras
  (``mnist1d_test_x.npy`` / ``mnist1d_test_y.npy`` are its test set).
* ``HMT.h5`` -- the course HMT architecture trained briefly with tf_keras on eight
  scikit-image textures (``hmt_inputs.npy`` are 8 crops of the IHC sample image).
* ``zoo/`` -- small models covering every supported layer and activation, each saved
  three ways (tf_keras ``.k2.h5``, Keras 3 ``.k3.h5`` and ``.keras``) with a fixed
  input batch, each Keras's output and tf_keras's per-layer outputs; plus two odd
  HDF5 layouts (``legacy_list_sequential.h5``, ``chunked_attrs.h5``).
* ``expected/`` -- Keras's outputs (whole model and per layer) for the two fixture
  models above and for the real course files read from ``<repo>/../shared/models``
  (never copied).
* ``h5/strings.h5`` + ``h5/strings.json`` -- HDF5 attribute/dataset encodings with
  their expected decoded values, for the HDF5 reader.
* ``refuse/`` -- files the importer must refuse (stateful LSTM, Lambda, subclassed,
  channels_first, weights-only).

Every saved model file is reloaded with the Keras that wrote it and must reproduce
the recorded output before the script finishes. All ``.npy`` files are
little-endian float32 (labels int64), C order, no pickles. The run is seeded and
uses deterministic TensorFlow ops; it takes a few minutes on two CPU cores.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import json
import random
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import absl.logging
import h5py
import numpy as np
import skimage.data
import tensorflow as tf
import tf_keras
import keras
from mnist1d.data import get_dataset_args, make_dataset

warnings.filterwarnings("ignore")
tf.get_logger().setLevel("ERROR")
absl.logging.set_verbosity(absl.logging.ERROR)

FIXTURES = Path(__file__).resolve().parent
SHARED_MODELS = FIXTURES.parent.parent / "shared" / "models"
SEED = 1512

# Outputs of previous runs that are deleted before generating (nothing else is touched).
GENERATED_DIRS = ("zoo", "expected", "h5", "refuse", "text", "sequence")
GENERATED_FILES = (
    "MNIST1D.h5", "HMT.h5", "mnist1d_test_x.npy", "mnist1d_test_y.npy",
    "hmt_inputs.npy", "manifest.json",
)

# Per-layer outputs larger than this are stored as a spatial selection only.
LAYER_OUTPUT_LIMIT = 256 * 1024
MNIST1D_LAYER_SAMPLES = 16
HMT_LAYER_SAMPLES = 1
MNIST1D_TEST_CLASS_COUNTS = [102, 104, 89, 106, 106, 98, 99, 96, 98, 102]

# Tolerance for "reloaded file reproduces the recorded output" (same Keras, same weights).
RELOAD_TOL = dict(rtol=1e-5, atol=1e-6)
# Tolerance for "tf_keras and Keras 3 agree" (same weights, different implementations).
CROSS_KERAS_TOL = dict(rtol=1e-4, atol=1e-5)


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

def seed_everything(seed: int = SEED) -> None:
    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)
    keras.utils.set_random_seed(seed)
    tf_keras.utils.set_random_seed(seed)


def log(message: str) -> None:
    print(message, flush=True)


def save_npy(rel: str, array, dtype: str = "<f4") -> str:
    """Write ``array`` as a plain little-endian C-order .npy under Fixtures/; return ``rel``."""
    path = FIXTURES / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.ascontiguousarray(np.asarray(array), dtype=dtype), allow_pickle=False)
    return rel


def clean_outputs() -> None:
    for name in GENERATED_DIRS:
        shutil.rmtree(FIXTURES / name, ignore_errors=True)
    for name in GENERATED_FILES:
        (FIXTURES / name).unlink(missing_ok=True)


def to_numpy(value) -> np.ndarray:
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def predict(model, inputs: list[np.ndarray]) -> list[np.ndarray]:
    """Run a model in inference mode; always returns a list of outputs."""
    outputs = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    return [to_numpy(o) for o in outputs]


def assert_close(actual: list[np.ndarray], expected: list[np.ndarray], what: str, tol: dict) -> None:
    assert len(actual) == len(expected), f"{what}: {len(actual)} outputs, expected {len(expected)}"
    for a, e in zip(actual, expected):
        assert a.shape == e.shape, f"{what}: shape {a.shape} != {e.shape}"
        np.testing.assert_allclose(a, e, err_msg=what, **tol)


def load_k2(path):
    return tf_keras.models.load_model(path, compile=False)


def load_k3(path):
    return keras.models.load_model(path, compile=False)


def accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(probabilities, axis=-1) == labels))


# --------------------------------------------------------------------------------------
# Manifest entries: summary and per-layer outputs
# --------------------------------------------------------------------------------------

def is_input_layer(layer) -> bool:
    return type(layer).__name__ == "InputLayer"


def summarize(model) -> list[dict]:
    """Layer names in Keras's order with class, output shape (no batch) and parameters."""
    rows = []
    for layer in model.layers:
        # A layer of several outputs (Bidirectional with merge_mode None): the first one's shape.
        shape = [None if d is None else int(d) for d in list(tf.nest.flatten(layer.output)[0].shape)[1:]]
        rows.append({
            "name": layer.name,
            "class": type(layer).__name__,
            "output_shape": shape,
            "params": int(layer.count_params()),
        })
        if isinstance(getattr(layer, "layer", None), (keras.Model, tf_keras.Model)):
            rows[-1]["wrapped_model"] = type(layer.layer).__name__
    return rows


def spatial_selection(size: int) -> list[int]:
    return [int(i) for i in np.unique(np.r_[0:4, size // 2 - 2:size // 2 + 2, size - 4:size])]


def record_layer_outputs(K, model, inputs: list[np.ndarray], prefix: str) -> dict:
    """Save every non-input layer's output as ``<prefix>/<layer>.npy``.

    Outputs over LAYER_OUTPUT_LIMIT bytes of rank 4 (batch, H, W, C) keep only the
    rows/cols of ``spatial_selection`` and record those indices.
    """
    calls = layer_calls(K, model)
    probe = K.Model(model.inputs, [tensor for _, tensor in calls])
    outputs = predict(probe, inputs)
    entries = {}
    for (name, _), out in zip(calls, outputs):
        entry = {}
        if out.nbytes > LAYER_OUTPUT_LIMIT:
            assert out.ndim == 4, f"{name}: cannot select from rank {out.ndim}"
            rows, cols = spatial_selection(out.shape[1]), spatial_selection(out.shape[2])
            out = out[:, rows][:, :, cols]
            entry = {"rows": rows, "cols": cols}
        entries[name] = {"file": save_npy(f"{prefix}/{name}.npy", out), **entry}
    return entries


def layer_calls(K, model) -> list[tuple[str, object]]:
    """Every call inside `model` of its layers (inputs and nested models left out) as (name, output tensor): a
    layer's first call under its own name, later calls — a shared layer's — as `name:1`, `name:2`, …, KerasLens's
    names for them. A nested model has no output of its own in KerasLens, which inlines its layers."""
    calls = []
    for layer in model.layers:
        if is_input_layer(layer) or isinstance(layer, (keras.Model, tf_keras.Model)):
            continue
        # TimeDistributed around a nested model is inlined too: its layers run distributed, under their own names.
        if isinstance(getattr(layer, "layer", None), (keras.Model, tf_keras.Model)):
            continue
        if K is keras:
            from keras.src.ops.function import make_node_key
            nodes = [n for i, n in enumerate(layer._inbound_nodes) if make_node_key(layer, i) in model._nodes]
            tensors = [n.output_tensors[0] for n in nodes]
        else:
            nodes = [n for i, n in enumerate(layer._inbound_nodes) if f"{layer.name}_ib-{i}" in model._network_nodes]
            tensors = [tf.nest.flatten(n.outputs)[0] for n in nodes]
        calls += [(layer.name if k == 0 else f"{layer.name}:{k}", t) for k, t in enumerate(tensors)]
        # A Bidirectional with merge_mode None has two outputs: KerasLens names the backward one `<call>/backward`.
        if type(layer).__name__ == "Bidirectional" and layer.merge_mode is None:
            backward = [n.output_tensors[1] for n in nodes] if K is keras else [tf.nest.flatten(n.outputs)[1] for n in nodes]
            calls += [(f"{layer.name if k == 0 else f'{layer.name}:{k}'}/backward", t) for k, t in enumerate(backward)]
    return calls


def model_entry(name: str, file: str, keras_major: int, model, inputs: list[str],
                outputs: list[str], layers: dict | None = None, layer_samples: int | None = None,
                accuracy: float | None = None, labels: str | None = None) -> dict:
    """One manifest "models" entry (optional keys are left out when None)."""
    entry = {"name": name, "file": file, "keras": keras_major, "inputs": inputs}
    if len(outputs) == 1:
        entry["output"] = outputs[0]
    else:
        entry["outputs"] = outputs
    if layers is not None:
        entry["layer_samples"] = layer_samples
        entry["layers"] = layers
    entry["params"] = int(model.count_params())
    entry["summary"] = summarize(model)
    if accuracy is not None:
        entry["accuracy"] = accuracy
        entry["labels"] = labels
    return entry


# --------------------------------------------------------------------------------------
# A. MNIST-1D: the course model rebuilt and trained with tf_keras
# --------------------------------------------------------------------------------------

def load_mnist1d() -> dict:
    data = make_dataset(get_dataset_args())
    x_train = data["x"].astype(np.float32).reshape(-1, 40, 1)
    x_test = data["x_test"].astype(np.float32).reshape(-1, 40, 1)
    y_train, y_test = data["y"].astype(np.int64), data["y_test"].astype(np.int64)
    assert x_train.shape == (4000, 40, 1) and x_test.shape == (1000, 40, 1)
    assert np.bincount(y_test, minlength=10).tolist() == MNIST1D_TEST_CLASS_COUNTS
    return {"x": x_train, "y": y_train, "x_test": x_test, "y_test": y_test}


def build_mnist1d_model():
    layers, l2 = tf_keras.layers, tf_keras.regularizers.L2(5e-4)
    conv = dict(padding="same", activation="relu", kernel_regularizer=l2)
    return tf_keras.Sequential([
        tf_keras.Input((40, 1)),
        layers.Conv1D(25, 5, name="conv1d", **conv),
        layers.Conv1D(25, 3, name="conv1d_1", **conv),
        layers.Conv1D(25, 3, name="conv1d_2", **conv),
        layers.Flatten(name="flatten"),
        layers.Dense(10, activation="softmax", name="dense",
                     kernel_initializer=tf_keras.initializers.RandomNormal(0.0, 0.5),
                     bias_initializer="zeros", kernel_regularizer=l2),
    ])


def train_mnist1d(data: dict):
    seed_everything()
    model = build_mnist1d_model()
    model.compile(optimizer=tf_keras.optimizers.SGD(), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.time()
    model.fit(data["x"], tf_keras.utils.to_categorical(data["y"], 10),
              epochs=200, batch_size=32, shuffle=True, verbose=0)
    log(f"  MNIST-1D: 200 epochs trained in {time.time() - start:.1f} s")
    return model


def record_mnist1d(name: str, file: str, model, data: dict) -> dict:
    """Outputs on all test samples, layer outputs on the first 16, accuracy."""
    x, y = data["x_test"], data["y_test"]
    output = model.predict(x, batch_size=250, verbose=0)
    layers = record_layer_outputs(tf_keras, model, [x[:MNIST1D_LAYER_SAMPLES]],
                                  f"expected/{name}.layers")
    acc = accuracy(output, y)
    log(f"  {name}: test accuracy {acc:.4f}")
    return model_entry(
        name, file, 2, model, ["mnist1d_test_x.npy"],
        [save_npy(f"expected/{name}.output.npy", output)],
        layer_samples=MNIST1D_LAYER_SAMPLES, layers=layers,
        accuracy=acc, labels="mnist1d_test_y.npy")


def generate_mnist1d() -> list[dict]:
    data = load_mnist1d()
    save_npy("mnist1d_test_x.npy", data["x_test"])
    save_npy("mnist1d_test_y.npy", data["y_test"], dtype="<i8")

    trained = train_mnist1d(data)
    trained.save(FIXTURES / "MNIST1D.h5")
    fixture = load_k2(FIXTURES / "MNIST1D.h5")
    assert_close(predict(fixture, [data["x_test"]]), predict(trained, [data["x_test"]]),
                 "MNIST1D.h5 reload", RELOAD_TOL)

    course = load_k2(SHARED_MODELS / "MNIST1D.h5")
    return [record_mnist1d("mnist1d_fixture", "MNIST1D.h5", fixture, data),
            record_mnist1d("course_MNIST1D", "shared:MNIST1D.h5", course, data)]


# --------------------------------------------------------------------------------------
# B. HMT architecture trained briefly with tf_keras on scikit-image textures
# --------------------------------------------------------------------------------------

HMT_TEXTURES = ("brick", "grass", "gravel", "moon", "cell", "hubble_deep_field",
                "coffee", "chelsea")
HMT_CROP, HMT_CROPS_PER_CLASS, HMT_EPOCHS = 48, 320, 4
# Top-left corners of the eight 224x224 sample crops of the 512x512 IHC image.
HMT_INPUT_CORNERS = ((0, 0), (0, 288), (288, 0), (288, 288), (144, 144),
                     (0, 144), (288, 144), (144, 0))


def build_hmt_model(input_shape):
    layers = tf_keras.layers
    conv = dict(padding="same", activation="relu")
    return tf_keras.Sequential([
        tf_keras.Input(input_shape),
        layers.Conv2D(32, 3, name="conv2d", **conv),
        layers.Conv2D(32, 3, name="conv2d_1", **conv),
        layers.MaxPooling2D(2, name="max_pooling2d"),
        layers.Conv2D(64, 3, name="conv2d_2", **conv),
        layers.Conv2D(64, 3, name="conv2d_3", **conv),
        layers.MaxPooling2D(2, name="max_pooling2d_1"),
        layers.GlobalAveragePooling2D(name="global_average_pooling2d"),
        layers.Dense(8, activation="softmax", name="dense"),
    ])


def texture_image(name: str) -> np.ndarray:
    """An RGB float32 image in [0, 1] from skimage.data (grey images are replicated)."""
    image = getattr(skimage.data, name)()
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    return image[..., :3].astype(np.float32) / 255.0


def random_crops(image: np.ndarray, count: int, size: int, columns: slice,
                 rng: np.random.Generator) -> np.ndarray:
    """``count`` random ``size``x``size`` crops (with random flips) from a column band."""
    band = image[:, columns]
    ys = rng.integers(0, band.shape[0] - size + 1, count)
    xs = rng.integers(0, band.shape[1] - size + 1, count)
    crops = np.stack([band[y:y + size, x:x + size] for y, x in zip(ys, xs)])
    flip = rng.random(count) < 0.5
    crops[flip] = crops[flip, :, ::-1]
    return crops


def texture_dataset(count_per_class: int, columns: slice, rng) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for label, name in enumerate(HMT_TEXTURES):
        image = texture_image(name)
        width = image.shape[1]
        band = slice(int(columns.start * width), int(columns.stop * width))
        xs.append(random_crops(image, count_per_class, HMT_CROP, band, rng))
        ys.append(np.full(count_per_class, label))
    return np.concatenate(xs), np.concatenate(ys)


def train_hmt():
    """Train a size-agnostic copy on small crops; return a 224x224 model with its weights."""
    seed_everything()
    rng = np.random.default_rng(SEED)
    x, y = texture_dataset(HMT_CROPS_PER_CLASS, slice(0.0, 0.75), rng)
    x_val, y_val = texture_dataset(40, slice(0.75, 1.0), rng)

    small = build_hmt_model((None, None, 3))
    small.compile(optimizer=tf_keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.time()
    small.fit(x, tf_keras.utils.to_categorical(y, 8), epochs=HMT_EPOCHS, batch_size=32,
              shuffle=True, verbose=0)
    val_acc = accuracy(small.predict(x_val, verbose=0), y_val)
    log(f"  HMT: trained in {time.time() - start:.1f} s, held-out texture accuracy {val_acc:.3f}")

    model = build_hmt_model((224, 224, 3))
    for layer in model.layers:
        layer.set_weights(small.get_layer(layer.name).get_weights())
    model.compile(optimizer=tf_keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def hmt_inputs() -> np.ndarray:
    image = skimage.data.immunohistochemistry().astype(np.float32) / 255.0
    return np.stack([image[y:y + 224, x:x + 224] for y, x in HMT_INPUT_CORNERS])


def record_hmt(name: str, file: str, model, inputs: np.ndarray) -> dict:
    output = model.predict(inputs, batch_size=4, verbose=0)
    layers = record_layer_outputs(tf_keras, model, [inputs[:HMT_LAYER_SAMPLES]],
                                  f"expected/{name}.layers")
    return model_entry(name, file, 2, model, ["hmt_inputs.npy"],
                       [save_npy(f"expected/{name}.output.npy", output)],
                       layer_samples=HMT_LAYER_SAMPLES, layers=layers)


def generate_hmt() -> list[dict]:
    inputs = hmt_inputs()
    save_npy("hmt_inputs.npy", inputs)

    trained = train_hmt()
    trained.save(FIXTURES / "HMT.h5")
    fixture = load_k2(FIXTURES / "HMT.h5")
    assert_close(predict(fixture, [inputs]), predict(trained, [inputs]), "HMT.h5 reload",
                 RELOAD_TOL)

    course = load_k2(SHARED_MODELS / "HMT.h5")
    return [record_hmt("hmt_fixture", "HMT.h5", fixture, inputs),
            record_hmt("course_HMT", "shared:HMT.h5", course, inputs)]


# --------------------------------------------------------------------------------------
# C. The zoo: small models built identically in tf_keras (K = tf_keras) and Keras 3
# --------------------------------------------------------------------------------------

ACTIVATIONS = ("linear", "relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "softmax",
               "softplus", "softsign", "elu", "selu", "swish", "silu", "gelu",
               "exponential", "leaky_relu", "mish")
# Data Normalization.adapt() sees (same array for both Kerases).
ADAPT_DATA = np.random.default_rng(7).uniform(0.0, 1.0, (64, 5, 4, 3)).astype(np.float32)


def leaky_relu_layer(K, slope: float, name: str):
    """LeakyReLU's slope argument is ``alpha`` in tf_keras and ``negative_slope`` in Keras 3."""
    if K is tf_keras:
        return K.layers.LeakyReLU(alpha=slope, name=name)
    return K.layers.LeakyReLU(negative_slope=slope, name=name)


def concat_flat(K, tensors, name="concat"):
    """Flatten every branch (rank > 2) and concatenate them on the last axis."""
    flat = [K.layers.Flatten(name=f"flatten_{i}")(t) if len(t.shape) > 2 else t
            for i, t in enumerate(tensors)]
    return K.layers.Concatenate(name=name)(flat)


def zoo_mlp(K):
    L = K.layers
    return K.Sequential([
        K.Input((12,), name="input"),
        L.Dense(16, activation="relu", name="dense_relu"),
        L.Dropout(0.3, name="dropout"),
        L.Dense(8, activation="tanh", use_bias=False, name="dense_no_bias"),
        L.GaussianNoise(0.1, name="gaussian_noise"),
        L.GaussianDropout(0.2, name="gaussian_dropout"),
        L.BatchNormalization(name="batch_norm"),
        L.Dense(6, activation="sigmoid", name="dense_sigmoid"),
        L.Dense(5, activation="softmax", name="dense_softmax"),
    ], name="mlp")


def zoo_activations_fused(K):
    """Every activation string as ``activation=`` of a Dense layer."""
    inp = K.Input((12,), name="input")
    branches = [K.layers.Dense(3, activation=a, name=f"dense_{a}")(inp) for a in ACTIVATIONS]
    return K.Model(inp, K.layers.Concatenate(name="concat")(branches), name="activations_fused")


def zoo_activations_layer(K):
    """Every activation string in an Activation layer."""
    inp = K.Input((12,), name="input")
    pre = K.layers.Dense(6, name="pre")(inp)
    branches = [K.layers.Activation(a, name=f"act_{a}")(pre) for a in ACTIVATIONS]
    return K.Model(inp, K.layers.Concatenate(name="concat")(branches), name="activations_layer")


def zoo_advanced_activations(K):
    L = K.layers
    inp = K.Input((6, 5, 4), name="input")
    x = L.Conv2D(4, 1, name="mix")(inp)
    branches = [
        L.ReLU(name="relu")(x),
        L.ReLU(max_value=6.0, name="relu_max6")(x),
        L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2, name="relu_custom")(x),
        leaky_relu_layer(K, 0.3, "leaky_relu")(x),
        L.PReLU(name="prelu")(x),
        L.PReLU(shared_axes=[1, 2], name="prelu_shared")(x),
        L.ELU(alpha=0.7, name="elu")(x),
        L.Softmax(name="softmax_last")(x),
        L.Softmax(axis=1, name="softmax_axis1")(x),
    ]
    return K.Model(inp, L.Concatenate(name="concat")(branches), name="advanced_activations")


def zoo_conv1d(K):
    L = K.layers
    return K.Sequential([
        K.Input((12, 3), name="input"),
        L.Conv1D(4, 3, padding="same", activation="softplus", name="conv_same"),
        L.SpatialDropout1D(0.2, name="spatial_dropout"),
        L.Conv1D(5, 3, strides=2, padding="same", activation="softsign", name="conv_same_s2"),
        L.Conv1D(4, 2, dilation_rate=2, padding="valid", use_bias=False, name="conv_dilated"),
        L.Dense(3, activation="gelu", name="dense_rank3"),
    ], name="conv1d")


def zoo_pooling1d(K):
    L = K.layers
    inp = K.Input((11, 3), name="input")
    branches = [
        L.MaxPooling1D(2, name="max_valid")(inp),
        L.MaxPooling1D(3, strides=2, padding="same", name="max_same_s2")(inp),
        L.MaxPooling1D(2, strides=1, name="max_s1")(inp),
        L.AveragePooling1D(2, name="avg_valid")(inp),
        L.AveragePooling1D(3, strides=2, padding="same", name="avg_same_s2")(inp),
        L.AveragePooling1D(4, strides=3, padding="same", name="avg_same_s3")(inp),
        L.GlobalAveragePooling1D(name="gap")(inp),
        L.GlobalMaxPooling1D(name="gmp")(inp),
    ]
    return K.Model(inp, concat_flat(K, branches), name="pooling1d")


def zoo_conv2d_variants(K):
    """Conv2D padding/stride/dilation cases on an odd-height, even-width input."""
    L = K.layers
    inp = K.Input((9, 8, 3), name="input")
    branches = [
        L.Conv2D(4, 3, padding="valid", activation="relu", name="conv_valid")(inp),
        # 'same' + stride 2: width 8 needs pad (0, 1), height 9 pads (1, 1).
        L.Conv2D(4, 3, strides=2, padding="same", name="conv_same_s2")(inp),
        # Even kernel, 'same' + stride 2: height 9 needs pad (1, 2).
        L.Conv2D(3, 4, strides=2, padding="same", activation="sigmoid", name="conv_even_same_s2")(inp),
        L.Conv2D(3, (2, 3), padding="same", name="conv_even_same")(inp),
        L.Conv2D(3, 3, dilation_rate=2, padding="same", name="conv_dilated_same")(inp),
        L.Conv2D(2, 3, dilation_rate=(2, 1), padding="valid", use_bias=False,
                 name="conv_dilated_valid")(inp),
        L.Conv2D(3, (3, 2), strides=(2, 1), padding="valid", name="conv_s21_valid")(inp),
    ]
    return K.Model(inp, concat_flat(K, branches), name="conv2d_variants")


def zoo_depthwise_separable(K):
    L = K.layers
    return K.Sequential([
        K.Input((10, 10, 2), name="input"),
        L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="relu6",
                          name="depthwise"),
        L.DepthwiseConv2D(3, strides=2, padding="same", name="depthwise_s2"),
        L.SeparableConv2D(6, 3, depth_multiplier=2, padding="same", activation="elu",
                          name="separable"),
        L.SeparableConv2D(4, 2, padding="valid", use_bias=False, name="separable_valid"),
        L.Flatten(name="flatten"),
    ], name="depthwise_separable")


def zoo_pooling2d(K):
    L = K.layers
    inp = K.Input((9, 8, 3), name="input")
    branches = [
        L.MaxPooling2D(2, name="max_valid")(inp),
        L.MaxPooling2D(3, strides=2, padding="same", name="max_same_s2")(inp),
        L.MaxPooling2D((2, 3), strides=(1, 2), name="max_s12")(inp),
        L.AveragePooling2D(2, name="avg_valid")(inp),
        L.AveragePooling2D(3, strides=2, padding="same", name="avg_same_s2")(inp),
        L.AveragePooling2D((3, 2), strides=1, padding="same", name="avg_same_s1")(inp),
        L.GlobalAveragePooling2D(name="gap")(inp),
        L.GlobalMaxPooling2D(name="gmp")(inp),
        L.GlobalMaxPooling2D(keepdims=True, name="gmp_keepdims")(inp),
    ]
    return K.Model(inp, concat_flat(K, branches), name="pooling2d")


def zoo_batchnorm(K):
    L = K.layers
    return K.Sequential([
        K.Input((6, 5, 4), name="input"),
        L.BatchNormalization(name="bn_last"),
        L.Conv2D(3, 2, activation="selu", name="conv"),
        L.BatchNormalization(axis=1, name="bn_axis1"),
        L.BatchNormalization(center=False, scale=False, epsilon=0.01, name="bn_plain"),
        L.Flatten(name="flatten"),
    ], name="batchnorm")


def zoo_merge(K):
    """Two inputs, two outputs: every merge layer, Concatenate on two axes."""
    L = K.layers
    a, b = K.Input((6, 4), name="input_a"), K.Input((6, 4), name="input_b")
    product = L.Multiply(name="multiply")([a, b])
    merged = [
        L.Add(name="add")([a, b]),
        L.Subtract(name="subtract")([a, b]),
        product,
        L.Average(name="average")([a, b]),
        L.Maximum(name="maximum")([a, b]),
        L.Minimum(name="minimum")([a, b]),
        L.Add(name="add3")([a, b, product]),
    ]
    out_a = L.Dense(5, activation="elu", name="head_a")(L.Concatenate(name="concat_last")(merged))
    stacked = L.Concatenate(axis=1, name="concat_axis1")([a, b])
    out_b = L.Dense(3, activation="selu", name="head_b")(L.Flatten(name="flatten")(stacked))
    return K.Model([a, b], [out_a, out_b], name="merge")


def zoo_reshape(K):
    L = K.layers
    return K.Sequential([
        K.Input((12, 3), name="input"),
        L.Reshape((6, 6), name="reshape"),
        L.Permute((2, 1), name="permute"),
        L.Reshape((3, 4, 3), name="reshape_4d"),
        L.Permute((3, 1, 2), name="permute_3d"),
        L.Conv2D(2, 2, activation="relu", name="conv"),
        L.Reshape((-1,), name="reshape_flat"),
        L.Dense(4, name="dense"),
    ], name="reshape")


def zoo_padding_cropping_1d(K):
    L = K.layers
    return K.Sequential([
        K.Input((12, 3), name="input"),
        L.ZeroPadding1D((1, 2), name="zero_pad"),
        L.Conv1D(4, 3, activation="tanh", name="conv"),
        L.Cropping1D((2, 1), name="crop"),
        L.UpSampling1D(2, name="upsample"),
        L.Conv1D(2, 3, strides=2, padding="same", name="conv_s2"),
    ], name="padding_cropping_1d")


def zoo_padding_cropping_2d(K):
    L = K.layers
    return K.Sequential([
        K.Input((7, 6, 2), name="input"),
        L.ZeroPadding2D(((1, 2), (0, 3)), name="zero_pad"),
        L.Conv2D(3, 3, activation="elu", name="conv"),
        L.Cropping2D(((1, 0), (2, 1)), name="crop"),
        L.UpSampling2D((2, 3), name="upsample_23"),
        L.SpatialDropout2D(0.3, name="spatial_dropout"),
        L.Conv2D(2, 3, strides=2, name="conv_s2"),
        L.UpSampling2D(2, name="upsample_2"),
        L.ZeroPadding2D(1, name="zero_pad_sym"),
    ], name="padding_cropping_2d")


def zoo_preprocessing(K):
    """Rescaling and Normalization (adapted and given) on pixel-like inputs in [0, 255]."""
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    unit = L.Rescaling(1.0 / 255.0, name="rescale_unit")(inp)
    adapted = L.Normalization(axis=-1, name="normalize_adapted")
    adapted.adapt(ADAPT_DATA)
    symmetric = L.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale_symmetric")(inp)
    x = L.Concatenate(name="concat")([adapted(unit), symmetric])
    x = L.Conv2D(4, 3, padding="same", activation="swish", name="conv")(x)
    x = L.Normalization(mean=[0.5, -0.25, 1.0, 0.0], variance=[2.0, 0.5, 1.0, 4.0],
                        name="normalize_given")(x)
    return K.Model(inp, L.GlobalAveragePooling2D(name="gap")(x), name="preprocessing")


def zoo_broadcast_merge(K):
    """Merges over inputs that broadcast: squeeze-and-excitation's [H, W, C] x [1, 1, C], a per-position [H, W, 1],
    and a rank-1 [C] that Keras expands after the batch axis."""
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    x = L.Conv2D(4, 1, name="conv")(inp)
    squeeze = L.GlobalAveragePooling2D(keepdims=True, name="squeeze")(x)
    excite = L.Conv2D(4, 1, activation="sigmoid", name="excite")(squeeze)
    pooled = L.GlobalMaxPooling2D(name="pooled")(x)
    spatial = L.Conv2D(1, 1, name="spatial")(x)
    branches = [
        L.Multiply(name="se_multiply")([x, excite]),
        L.Add(name="add_rank1")([x, pooled]),
        L.Subtract(name="subtract_spatial")([spatial, x]),
        L.Average(name="average3")([x, excite, spatial]),
        L.Maximum(name="maximum")([excite, x]),
        L.Minimum(name="minimum")([x, spatial]),
        L.Multiply(name="multiply3")([spatial, excite, pooled]),
    ]
    return K.Model(inp, L.Concatenate(name="concat")(branches), name="broadcast_merge")


# Activation names only Keras 3 knows (tf_keras has none of them).
KERAS3_ACTIVATIONS = ("hard_silu", "hard_swish", "log_softmax", "celu", "hard_shrink", "soft_shrink", "hard_tanh",
                      "log_sigmoid", "sparse_plus", "sparse_sigmoid", "squareplus", "tanh_shrink")


def zoo_activations_keras3(K):
    """Every Keras-3-only activation name, as a Dense layer's activation and as an Activation layer."""
    inp = K.Input((12,), name="input")
    pre = K.layers.Dense(6, name="pre")(inp)
    branches = [K.layers.Dense(3, activation=a, name=f"dense_{a}")(inp) for a in KERAS3_ACTIVATIONS]
    branches += [K.layers.Activation(a, name=f"act_{a}")(pre) for a in KERAS3_ACTIVATIONS]
    return K.Model(inp, K.layers.Concatenate(name="concat")(branches), name="activations_keras3")


def zoo_layer_normalization(K):
    """LayerNormalization over the channels (ConvNeXt, transformers) and over one other axis; with and without
    center and scale."""
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    x = L.Conv2D(6, 1, name="conv")(inp)
    branches = [
        L.LayerNormalization(name="ln_channels")(x),
        L.LayerNormalization(axis=1, epsilon=1e-5, center=False, name="ln_rows")(x),
        L.LayerNormalization(axis=2, center=False, scale=False, name="ln_columns")(x),
        L.LayerNormalization(axis=-1, scale=False, epsilon=1e-6, name="ln_channels_centered")(x),
    ]
    return K.Model(inp, L.Concatenate(name="concat")(branches), name="layer_normalization")


def zoo_layer_normalization_axes(K):
    """LayerNormalization over several axes: spatial, spatial and channel apart, everything. tf_keras alone: Keras
    3.15 cannot reload its own legacy HDF5 file of a list axis (it builds gamma for one axis)."""
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    x = L.Conv2D(6, 1, name="conv")(inp)
    branches = [
        L.LayerNormalization(axis=[1, 2], epsilon=1e-5, center=False, name="ln_spatial")(x),
        L.LayerNormalization(axis=[1, 3], scale=False, name="ln_rows_channels")(x),
        L.LayerNormalization(axis=[-3, -2, -1], epsilon=1e-6, name="ln_all")(x),
    ]
    return K.Model(inp, L.Concatenate(name="concat")(branches), name="layer_normalization_axes")


def zoo_layer_normalization_rms(K):
    """Keras 3's rms_scaling option (gamma, no beta, the variance kept as Keras 3 computes it)."""
    L = K.layers
    inp = K.Input((4, 6), name="input")
    x = L.Dense(5, name="dense")(inp)
    branches = [L.LayerNormalization(rms_scaling=True, name="ln_rms")(x),
                L.LayerNormalization(axis=1, rms_scaling=True, epsilon=1e-4, name="ln_rms_rows")(x)]
    return K.Model(inp, L.Concatenate(name="concat")(branches), name="layer_normalization_rms")


def zoo_tf_op_lambda(K):
    """Arithmetic, tf functions and slicing written on Keras tensors, which tf_keras records as TFOpLambda and
    SlicingOpLambda layers (MobileNetV3's hard_sigmoid is `relu6(x + 3) * (1 / 6)`)."""
    L = K.layers
    inp = K.Input((6, 5, 3), name="input")
    x = L.Conv2D(4, 1, name="conv")(inp)
    y = L.Conv2D(4, 1, name="conv_b")(inp)
    scaled = x * 2.0 + 1.0
    branches = [
        scaled,
        tf.nn.relu6(x + 3.0) * (1.0 / 6.0),
        tf.nn.relu(x - 0.5),
        1.0 - x,
        x / 4.0,
        tf.math.multiply(x, 0.25),
        tf.math.sigmoid(x),
        tf.math.tanh(x),
        tf.nn.swish(x),
        tf.nn.leaky_relu(x, alpha=0.3),
        tf.nn.softmax(x, axis=-1),
        tf.nn.elu(x),
        tf.nn.gelu(x),
        tf.math.negative(x),
        x * y,
        x + y,
        x - y,
        tf.math.maximum(x, y),
        tf.math.minimum(x, y),
        tf.math.add(x, tf.math.reduce_mean(y, axis=[1, 2], keepdims=True)),
        tf.math.multiply(x, tf.math.reduce_max(y, axis=[1, 2], keepdims=True)),
        tf.concat([x[..., :2], y[..., 1:3]], axis=-1),
        tf.transpose(tf.transpose(x, perm=[0, 2, 1, 3]), perm=[0, 2, 1, 3]),
    ]
    flat = [L.Flatten(name=f"flatten_{i}")(b) for i, b in enumerate(branches)]
    flat += [
        L.Flatten(name="flatten_slice_strided")(x[:, 1:, ::2, :]),
        L.Flatten(name="flatten_slice_end")(x[:, -3:-1, 1, tf.newaxis, 0:3:2]),
        tf.reshape(x, [-1, 120]),
        tf.math.reduce_mean(x, axis=[1, 2]),
        tf.math.reduce_max(tf.reshape(x, [-1, 30, 4]), axis=1),
        L.Flatten(name="flatten_expand")(tf.squeeze(tf.expand_dims(x, axis=2), axis=[2])),
        tf.clip_by_value(tf.reshape(x, [-1, 120]), 0.0, 0.5),
    ]
    return K.Model(inp, L.Concatenate(name="concat")(flat), name="tf_op_lambda")


def zoo_grouped_convolution(K):
    """Convolutions with one group per input channel (ConvNeXt's depthwise `Conv2D(groups=C)`), with a multiplier,
    in 1-D and 2-D."""
    L = K.layers
    inp = K.Input((7, 6, 4), name="input")
    a = L.Conv2D(4, 7, padding="same", groups=4, name="conv_dw")(inp)
    b = L.Conv2D(8, (3, 2), strides=2, groups=4, activation="relu", name="conv_dw_multiplier")(inp)
    c = L.Conv1D(8, 3, groups=4, padding="same", use_bias=False, name="conv1d_groups")(L.Reshape((42, 4), name="rows")(inp))
    return K.Model(inp, concat_flat(K, [a, b, c]), name="grouped_convolution")


def zoo_grouped_convolution_blocks(K):
    """Grouped convolutions with several channels per group (RegNet's `Conv2D(groups=C/8)`): 2-D with strides,
    `same` padding and a fused activation, 2-D dilated `valid` without bias, and 1-D."""
    L = K.layers
    inp = K.Input((9, 8, 6), name="input")
    a = L.Conv2D(9, 3, strides=2, padding="same", groups=3, activation="relu", name="conv_groups3")(inp)
    b = L.Conv2D(4, (3, 2), dilation_rate=(2, 1), groups=2, use_bias=False, name="conv_groups2_dilated")(inp)
    c = L.Conv1D(6, 3, groups=2, padding="same", name="conv1d_groups2")(L.Reshape((72, 6), name="rows")(inp))
    return K.Model(inp, concat_flat(K, [a, b, c]), name="grouped_convolution_blocks")


def zoo_custom_scale(K):
    """InceptionResNetV2's CustomScaleLayer (`x + scale · residual`). The tf-keras form is checked by the
    applications cache (Fixtures/generate_applications.py)."""
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    residual = L.Conv2D(3, 3, padding="same", name="conv")(inp)
    return K.Model(inp, CustomScaleLayer(0.17, name="custom_scale")([inp, residual]), name="custom_scale")


def zoo_tensor_division(K):
    """tf-keras's `x / y` on two Keras tensors (a TFOpLambda `tf.math.truediv`), of one shape and broadcast from a
    per-channel [1, 1, C] tensor, with divisors kept in 0.5…1.5."""
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    x = L.Conv2D(4, 1, name="conv")(inp)
    y = tf.nn.sigmoid(L.Conv2D(4, 1, name="conv_b")(inp)) + 0.5
    pooled = tf.nn.sigmoid(L.GlobalAveragePooling2D(keepdims=True, name="pool")(x)) + 0.5
    return K.Model(inp, L.Concatenate(name="concat")([x / y, x / pooled]), name="tensor_division")


def zoo_layer_scale(K):
    """ConvNeXt's LayerScale (Keras 3's keras.applications helper layer) on a feature map and on a token sequence."""
    from keras.src.applications.convnext import LayerScale
    L = K.layers
    inp = K.Input((5, 4, 6), name="input")
    x = L.Conv2D(6, 1, name="conv")(inp)
    scaled = LayerScale(1e-6, 6, name="layer_scale")(x)
    tokens = LayerScale(0.5, 6, name="layer_scale_tokens")(L.Reshape((20, 6), name="tokens")(x))
    return K.Model(inp, concat_flat(K, [scaled, tokens]), name="layer_scale")


def zoo_keras3_operations(K):
    """Arithmetic on Keras tensors, which Keras 3 records as operation nodes (MobileNetV3's `relu6(x + 3) / 6`)."""
    L = K.layers
    inp = K.Input((6, 5, 3), name="input")
    x = L.Conv2D(4, 1, name="conv")(inp)
    y = L.Conv2D(4, 1, name="conv_b")(inp)
    # No `x / 4.0`: Keras 3.15 cannot reload its own TrueDivide node ("Unknown layer").
    branches = [L.ReLU(6.0, name="relu6")(x + 3.0) * (1.0 / 6.0), 1.0 - x, x - 0.5, x * y, x + y, x - y,
                K.ops.maximum(x, y), K.ops.minimum(x, y), x * K.ops.convert_to_tensor([0.5, -1.0, 2.0, 0.25])]
    return K.Model(inp, L.Concatenate(name="concat")(branches), name="keras3_operations")


def zoo_recurrent(K):
    """LSTM, GRU (reset_after true and false) and SimpleRNN: sequences and last states, reading forwards and
    backwards, without bias, with dropout (nothing at inference), other activations, and two stacked."""
    L = K.layers
    inp = K.Input((7, 3), name="input")
    branches = [
        L.LSTM(4, return_sequences=True, dropout=0.3, recurrent_dropout=0.2, name="lstm_sequences")(inp),
        L.LSTM(5, go_backwards=True, use_bias=False, activation="relu", recurrent_activation="hard_sigmoid",
               name="lstm_backwards")(inp),
        L.GRU(4, reset_after=True, return_sequences=True, go_backwards=True, name="gru_reset_after")(inp),
        L.GRU(5, reset_after=False, activation="softsign", name="gru_reset_before")(inp),
        L.GRU(3, reset_after=False, use_bias=False, return_sequences=True, go_backwards=True, name="gru_no_bias")(inp),
        L.SimpleRNN(4, return_sequences=True, name="rnn_sequences")(inp),
        L.SimpleRNN(3, activation=None, go_backwards=True, name="rnn_linear")(inp),
        L.GRU(3, name="gru_stacked")(L.LSTM(4, return_sequences=True, name="lstm_stacked")(inp)),
    ]
    return K.Model(inp, concat_flat(K, branches), name="recurrent")


def zoo_bidirectional(K):
    """Bidirectional around each cell with every merge mode that gives one output, sequences and last states."""
    L = K.layers
    inp = K.Input((7, 3), name="input")
    branches = [
        L.Bidirectional(L.LSTM(4, return_sequences=True), name="bi_lstm_concat")(inp),
        L.Bidirectional(L.GRU(3, reset_after=False), merge_mode="sum", name="bi_gru_sum")(inp),
        L.Bidirectional(L.GRU(4, return_sequences=True), merge_mode="mul", name="bi_gru_mul")(inp),
        L.Bidirectional(L.SimpleRNN(3, return_sequences=True, use_bias=False), merge_mode="ave", name="bi_rnn_ave")(inp),
        L.Bidirectional(L.LSTM(3), name="bi_lstm_last")(inp),
        L.Bidirectional(L.SimpleRNN(3, activation="relu"),
                        backward_layer=L.SimpleRNN(3, activation="relu", go_backwards=True), name="bi_rnn_given")(inp),
    ]
    return K.Model(inp, concat_flat(K, branches), name="bidirectional")


def zoo_conv_transpose_1d(K):
    """Conv1DTranspose: strides 1, 2 and 3, `same` and `valid`, output_padding given or inferred (including a
    1-tap window, whose `same` output is longer than the full transposed convolution), no bias, fused activations.
    (Conv1DTranspose with a dilation does not run on TensorFlow's CPU kernels in either Keras.)"""
    L = K.layers
    inp = K.Input((6, 3), name="input")
    branches = [
        L.Conv1DTranspose(4, 3, padding="same", activation="relu", name="tconv1d_same")(inp),
        L.Conv1DTranspose(3, 3, strides=2, padding="valid", name="tconv1d_valid_s2")(inp),
        L.Conv1DTranspose(3, 4, strides=3, padding="same", output_padding=1, use_bias=False, activation="tanh",
                          name="tconv1d_same_s3_op1")(inp),
        L.Conv1DTranspose(2, 2, strides=3, padding="valid", output_padding=2, name="tconv1d_valid_s3_op2")(inp),
        L.Conv1DTranspose(2, 1, strides=2, padding="same", output_padding=1, name="tconv1d_tap_same_op1")(inp),
        L.Conv1DTranspose(3, 5, strides=2, padding="same", activation="elu",
                          name="tconv1d_stacked")(L.Conv1D(4, 3, strides=2, padding="same", name="conv1d_down")(inp)),
    ]
    return K.Model(inp, concat_flat(K, branches), name="conv_transpose_1d")


def zoo_conv_transpose_2d(K):
    """Conv2DTranspose on an odd-height, even-width input: strides 1, 2, 3 and mixed, `same` and `valid`, even and
    non-square windows, output_padding given per axis or inferred, no bias, fused activations."""
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    branches = [
        L.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu", name="tconv_same_s2")(inp),
        L.Conv2DTranspose(3, (3, 2), strides=(2, 3), padding="valid", name="tconv_valid_s23")(inp),
        L.Conv2DTranspose(3, 4, strides=2, padding="same", output_padding=1, activation="sigmoid",
                          name="tconv_even_same_op1")(inp),
        L.Conv2DTranspose(2, 3, strides=3, padding="valid", output_padding=(2, 1), use_bias=False,
                          name="tconv_valid_s3_op21")(inp),
        L.Conv2DTranspose(2, 2, padding="valid", activation="softplus", name="tconv_s1")(inp),
        L.Conv2DTranspose(3, (2, 4), strides=(3, 2), padding="same", name="tconv_same_s32")(inp),
    ]
    return K.Model(inp, concat_flat(K, branches), name="conv_transpose_2d")


def zoo_conv_transpose_dilated(K):
    """Conv2DTranspose with a dilation (stride 1, as Keras requires), `same` and `valid`. tf_keras runs it through
    `tf.nn.atrous_conv2d_transpose`; Keras 3's Conv2DBackpropInput has no CPU kernel for dilations, so tf_keras only."""
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    branches = [
        L.Conv2DTranspose(3, 3, dilation_rate=2, padding="same", activation="elu", name="tconv_dilated_same")(inp),
        L.Conv2DTranspose(2, (2, 3), dilation_rate=3, padding="valid", use_bias=False,
                          name="tconv_dilated_valid")(inp),
        L.Conv2DTranspose(2, 2, dilation_rate=3, padding="same", name="tconv_dilated_even_same")(inp),
    ]
    return K.Model(inp, concat_flat(K, branches), name="conv_transpose_dilated")


def zoo_unet(K):
    """A small U-Net: Conv2D down (max pooling and a strided convolution), Conv2DTranspose up (one followed by a
    batch normalization), nearest UpSampling2D on a side path, Concatenate skips, a per-pixel softmax."""
    L = K.layers
    inp = K.Input((16, 16, 3), name="input")
    enc1 = L.Conv2D(6, 3, padding="same", activation="relu", name="enc1")(inp)
    enc2 = L.Conv2D(8, 3, padding="same", activation="relu", name="enc2")(L.MaxPooling2D(2, name="pool1")(enc1))
    down = L.Conv2D(12, 3, strides=2, padding="same", activation="relu", name="down2")(enc2)
    bottleneck = L.Conv2D(12, 3, padding="same", activation="relu", name="bottleneck")(down)
    up2 = L.Conv2DTranspose(8, 2, strides=2, padding="same", name="up2")(bottleneck)
    up2 = L.Activation("relu", name="up2_relu")(L.BatchNormalization(name="up2_bn")(up2))
    side = L.UpSampling2D(2, name="up_nearest")(bottleneck)
    dec2 = L.Conv2D(8, 3, padding="same", activation="relu", name="dec2")(
        L.Concatenate(name="skip2")([up2, enc2, side]))
    up1 = L.Conv2DTranspose(6, 3, strides=2, padding="same", activation="relu", name="up1")(dec2)
    dec1 = L.Conv2D(6, 3, padding="same", activation="relu", name="dec1")(L.Concatenate(name="skip1")([up1, enc1]))
    return K.Model(inp, L.Conv2D(3, 1, activation="softmax", name="segmentation")(dec1), name="unet")


def zoo_siamese(K):
    """Shared layers: one Conv2D, Flatten and Dense stack applied to two inputs, their difference and concatenation
    into a head, and one Dense applied twice in a row (its second call reads its own first call)."""
    L = K.layers
    a, b = K.Input((6, 5, 2), name="left"), K.Input((6, 5, 2), name="right")
    conv = L.Conv2D(3, 3, activation="relu", name="conv")
    flatten = L.Flatten(name="flatten")
    embed = L.Dense(4, activation="tanh", name="embed")
    left, right = embed(flatten(conv(a))), embed(flatten(conv(b)))
    difference = L.Subtract(name="difference")([left, right])
    twice = L.Dense(4, activation="elu", name="twice")
    both = L.Concatenate(name="both")([left, right, twice(twice(difference))])
    return K.Model([a, b], L.Dense(3, activation="softmax", name="head")(both), name="siamese")


def zoo_shared_nested(K):
    """A nested Sequential encoder and a nested Functional projector, each called on two inputs."""
    L = K.layers
    encoder = K.Sequential([
        K.Input((7, 3), name="encoder_input"),
        L.Conv1D(4, 3, activation="relu", name="enc_conv"),
        L.GlobalAveragePooling1D(name="enc_pool"),
        L.Dense(5, name="enc_dense"),
    ], name="encoder")
    inner = K.Input((5,), name="projector_input")
    projector = K.Model(inner, L.Dense(3, activation="sigmoid", name="proj_dense")(inner), name="projector")
    a, b = K.Input((7, 3), name="left"), K.Input((7, 3), name="right")
    left, right = projector(encoder(a)), projector(encoder(b))
    merged = L.Concatenate(name="merged")([left, right, L.Subtract(name="difference")([left, right])])
    return K.Model([a, b], L.Dense(2, name="head")(merged), name="shared_nested")


def zoo_shared_chain(K):
    """One Conv1D applied twice in a row on a single input: a shared layer the explainers can read."""
    L = K.layers
    inp = K.Input((10, 3), name="input")
    conv = L.Conv1D(3, 3, padding="same", activation="relu", name="conv")
    pooled = L.GlobalAveragePooling1D(name="pooled")(conv(conv(inp)))
    return K.Model(inp, L.Dense(4, activation="softmax", name="head")(pooled), name="shared_chain")


def zoo_nested_outputs(K):
    """Outputs that are later calls of nested models: Keras numbers the calls of nested models in `output_layers`
    unlike in inbound nodes (Keras 3) or counting their construction (tf-keras)."""
    L = K.layers
    encoder = K.Sequential([K.Input((4,), name="encoder_input"), L.Dense(5, activation="relu", name="enc_dense")],
                           name="encoder")
    inner = K.Input((5,), name="projector_input")
    projector = K.Model(inner, L.Dense(3, name="proj_dense")(inner), name="projector")
    a, b = K.Input((4,), name="left"), K.Input((4,), name="right")
    left, right = encoder(a), encoder(b)
    head = L.Dense(2, name="head")(L.Add(name="sum")([projector(left), projector(right)]))
    return K.Model([a, b], [projector(right), right, head], name="nested_outputs")


def zoo_multi_output(K):
    """Two heads on one trunk, and the trunk itself as a third output."""
    L = K.layers
    inp = K.Input((8, 3), name="input")
    trunk = L.Conv1D(4, 3, activation="relu", name="trunk")(inp)
    pooled = L.GlobalMaxPooling1D(name="pooled")(trunk)
    classes = L.Dense(3, activation="softmax", name="classes")(pooled)
    box = L.Dense(2, name="box")(pooled)
    return K.Model(inp, [classes, box, trunk], name="multi_output")


def zoo_upsampling_bilinear(K):
    """UpSampling2D with bilinear interpolation (tf.image.resize, half-pixel centres) by (2, 3) and 2, then nearest."""
    L = K.layers
    return K.Sequential([
        K.Input((5, 4, 3), name="input"),
        L.Conv2D(4, 3, padding="same", activation="tanh", name="conv"),
        L.UpSampling2D((2, 3), interpolation="bilinear", name="up_bilinear_23"),
        L.Conv2D(3, 3, strides=2, name="conv_s2"),
        L.UpSampling2D(2, interpolation="bilinear", name="up_bilinear_2"),
        L.UpSampling2D((1, 2), interpolation="nearest", name="up_nearest"),
    ], name="upsampling_bilinear")


def zoo_resizing_crop(K):
    """Resizing down and up (bilinear, nearest; no antialiasing) and CenterCrop of larger images (odd and even
    differences), joined at 6 x 5."""
    L = K.layers
    inp = K.Input((9, 8, 3), name="input")
    conv = L.Conv2D(4, 3, padding="same", activation="elu", name="conv")(inp)
    branches = [
        L.Resizing(6, 5, name="resize_down_bilinear")(inp),
        L.Resizing(6, 5, interpolation="nearest", name="resize_down_nearest")(conv),
        L.CenterCrop(6, 5, name="center_crop")(conv),
        L.CenterCrop(6, 5, name="center_crop_upsized")(L.Resizing(13, 11, name="resize_up_bilinear")(inp)),
        L.Resizing(6, 5, interpolation="nearest", name="resize_nearest_back")(
            L.Resizing(11, 7, interpolation="nearest", name="resize_up_nearest")(conv)),
    ]
    x = L.Concatenate(name="concat")(branches)
    return K.Model(inp, L.Conv2D(3, 3, name="conv_out")(x), name="resizing_crop")


def zoo_group_normalization(K):
    """GroupNormalization over the channels: 3 groups, 2 groups without beta, one group per channel without gamma,
    and one group over a sequence."""
    L = K.layers
    inp = K.Input((5, 4, 6), name="input")
    branches = [
        L.GroupNormalization(groups=3, name="gn_3")(inp),
        L.GroupNormalization(groups=2, center=False, epsilon=1e-5, name="gn_2")(inp),
        L.GroupNormalization(groups=-1, scale=False, name="gn_instance")(inp),
    ]
    x = L.Concatenate(name="concat")(branches)
    x = L.Conv2D(4, 3, name="conv")(x)
    x = L.Reshape((6, 4), name="sequence")(x)
    return K.Model(inp, L.GroupNormalization(groups=1, name="gn_sequence")(x), name="group_normalization")


def zoo_unit_normalization(K):
    """UnitNormalization over the channels and over the rows."""
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    x = L.Conv2D(4, 3, padding="same", name="conv")(inp)
    branches = [L.UnitNormalization(name="unit_channels")(x), L.UnitNormalization(axis=1, name="unit_rows")(x)]
    return K.Model(inp, L.Concatenate(name="concat")(branches), name="unit_normalization")


def zoo_unit_normalization_axes(K):
    """UnitNormalization over several axes: the spatial axes and everything."""
    L = K.layers
    inp = K.Input((5, 4, 3), name="input")
    x = L.Conv2D(4, 3, padding="same", name="conv")(inp)
    branches = [
        L.UnitNormalization(axis=[1, 2], name="unit_spatial")(x),
        L.UnitNormalization(axis=[-3, -2, -1], name="unit_all")(x),
    ]
    return K.Model(inp, L.Concatenate(name="concat")(branches), name="unit_normalization_axes")


def zoo_image_resize_op(K):
    """Image resizing called on Keras tensors: tf.image.resize (a TFOpLambda in tf_keras) or Keras 3's
    keras.ops.image.resize (an operation node), bilinear and nearest, up and down."""
    L = K.layers
    if hasattr(K, "ops"):
        def resize(x, size, method="bilinear"):
            return K.ops.image.resize(x, size, interpolation=method)
    else:
        import tensorflow as tf

        def resize(x, size, method="bilinear"):
            return tf.image.resize(x, size, method=method)
    inp = K.Input((5, 4, 3), name="input")
    x = L.Conv2D(4, 3, padding="same", activation="tanh", name="conv")(inp)
    branches = [resize(x, (8, 6)), resize(x, (8, 6), "nearest"), resize(resize(x, (3, 2)), (8, 6))]
    x = L.Concatenate(name="concat")(branches)
    return K.Model(inp, L.Conv2D(3, 3, name="conv_out")(x), name="image_resize_op")


def zoo_tf_reductions(K):
    """Reductions called on Keras tensors over the channels and other axes, with and without keepdims, joined to
    their input by broadcasting: tf.math.reduce_* (TFOpLambda) in tf_keras, keras.ops.* (operation nodes) in
    Keras 3."""
    L = K.layers
    if hasattr(K, "ops"):
        ops = K.ops
        mean, total, largest, smallest = ops.mean, ops.sum, ops.max, ops.min

        def expand(t, axis):  # a Reshape layer: KerasLens does not read Keras 3's ExpandDims operation
            shape = list(t.shape[1:])
            shape.insert(axis - 1 if axis >= 0 else len(shape) + 1 + axis, 1)
            return L.Reshape(shape)(t)
    else:
        import tensorflow as tf
        mean, total, largest, smallest = tf.math.reduce_mean, tf.math.reduce_sum, tf.math.reduce_max, tf.math.reduce_min
        expand = tf.expand_dims
    inp = K.Input((5, 4, 3), name="input")
    x = L.Conv2D(4, 3, padding="same", name="conv")(inp)
    branches = [
        x * largest(x, axis=-1, keepdims=True),
        x - smallest(x, axis=[1], keepdims=True),
        x + mean(x, axis=[-3, -1], keepdims=True),
        x + total(x, axis=[1, 2, 3], keepdims=True),
        x * expand(total(x, axis=-1), -1),
        x + expand(largest(x, axis=2), 2),
        x - expand(smallest(x, axis=-1), -1),
        x * expand(expand(mean(x, axis=[1, 3]), 1), -1),
    ]
    return K.Model(inp, L.Concatenate(name="concat")(branches), name="tf_reductions")


def zoo_bidirectional_none(K):
    """Bidirectional with merge_mode None (sequences and last states; each output into its own Dense, both into a
    Concatenate, the backward one also a model output) and with a backward_layer of another cell, activation or bias
    under every merge mode (same units: Keras 3 infers a Bidirectional's shapes from its forward layer); a None layer
    called twice; forward layers reading backwards."""
    L = K.layers
    inp = K.Input((7, 3), name="input")
    seq_forward, seq_backward = L.Bidirectional(L.LSTM(4, return_sequences=True), merge_mode=None, name="bi_none_seq")(inp)
    added = L.Add(name="add_directions")([L.Dense(3, name="dense_forward")(seq_forward),
                                          L.Dense(3, name="dense_backward")(seq_backward)])
    last_forward, last_backward = L.Bidirectional(L.GRU(3), merge_mode=None, name="bi_none_last")(inp)
    joined = L.Concatenate(name="join_last")([last_forward, last_backward])
    differ_forward, differ_backward = L.Bidirectional(
        L.SimpleRNN(3, return_sequences=True),
        backward_layer=L.LSTM(3, return_sequences=True, go_backwards=True), merge_mode=None, name="bi_none_differ")(inp)
    branches = [
        added, joined, differ_forward, differ_backward, seq_backward,
        L.Bidirectional(L.LSTM(3, return_sequences=True),
                        backward_layer=L.GRU(3, return_sequences=True, go_backwards=True), name="bi_lstm_gru_concat")(inp),
        L.Bidirectional(L.SimpleRNN(3, activation="relu"),
                        backward_layer=L.SimpleRNN(3, use_bias=False, go_backwards=True), merge_mode="sum",
                        name="bi_rnn_differ_sum")(inp),
        L.Bidirectional(L.GRU(3, return_sequences=True, reset_after=False),
                        backward_layer=L.LSTM(3, return_sequences=True, go_backwards=True), merge_mode="ave",
                        name="bi_gru_lstm_ave")(inp),
        L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2, activation="softsign", go_backwards=True), merge_mode="mul",
                        name="bi_lstm_activation_mul")(inp),
    ]
    # A shared None layer: its second call's outputs are `bi_shared:1` and `bi_shared:1/backward`.
    shared = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode=None, name="bi_shared")
    _, first_backward = shared(inp)
    second_forward, second_backward = shared(L.Dense(3, name="dense_shared_in")(inp))
    branches += [L.Add(name="add_shared")([first_backward, second_forward]), second_backward]
    # A forward layer reading backwards (Keras 3 needs the backward layer reading forwards given): Keras flips only
    # the backward layer's sequence.
    branches.append(L.Bidirectional(L.GRU(3, return_sequences=True, go_backwards=True),
                                    backward_layer=L.GRU(3, return_sequences=True), name="bi_forward_backwards")(inp))
    branches += L.Bidirectional(L.LSTM(2, return_sequences=True, go_backwards=True),
                                backward_layer=L.LSTM(2, return_sequences=True), merge_mode=None,
                                name="bi_none_forward_backwards")(inp)
    return K.Model(inp, [concat_flat(K, branches), last_backward], name="bidirectional_none")


def zoo_bidirectional_units(K):
    """A backward_layer of other units than the forward one, concatenated and with merge_mode None (tf_keras only:
    Keras 3 gives such a layer the output shape of its forward layer twice, so layers after it are built wrong)."""
    L = K.layers
    inp = K.Input((7, 3), name="input")
    concat = L.Bidirectional(L.LSTM(4, return_sequences=True),
                             backward_layer=L.GRU(2, return_sequences=True, go_backwards=True), name="bi_units_concat")(inp)
    forward, backward = L.Bidirectional(L.GRU(2), backward_layer=L.SimpleRNN(5, go_backwards=True), merge_mode=None,
                                        name="bi_units_none")(inp)
    head = L.Dense(3, name="dense_backward")(backward)
    return K.Model(inp, concat_flat(K, [concat, forward, head]), name="bidirectional_units")


def zoo_bidirectional_none_masked(K):
    """Masks through Bidirectional layers lowered to two recurrences: Embedding(mask_zero) into a merge_mode None
    layer (sequences; the forward output into a masked GlobalAveragePooling1D, the backward one into a masked LSTM),
    Masking into a None layer of last states with a GRU backward_layer, into an LSTM/GRU concat of sequences and into
    a GRU reading backwards as the forward layer."""
    L = K.layers
    seq = K.Input((7, 3), name="sequence")
    ids = K.Input((7,), name="ids")
    emb = L.Embedding(12, 4, mask_zero=True, name="embedding_masked")(ids)
    forward, backward = L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode=None, name="bi_none_masked")(emb)
    pooled = L.GlobalAveragePooling1D(name="masked_average")(forward)
    after = L.LSTM(2, name="lstm_after_backward")(backward)
    masked = L.Masking(mask_value=0.0, name="masking")(seq)
    last_forward, last_backward = L.Bidirectional(L.LSTM(2), backward_layer=L.GRU(2, go_backwards=True), merge_mode=None,
                                                  name="bi_none_masked_last")(masked)
    differ = L.Bidirectional(L.LSTM(2, return_sequences=True),
                             backward_layer=L.GRU(2, return_sequences=True, go_backwards=True),
                             name="bi_differ_masked")(masked)
    differ_pooled = L.GlobalAveragePooling1D(name="differ_average")(differ)
    backwards = L.Bidirectional(L.GRU(1, return_sequences=True, go_backwards=True),
                                backward_layer=L.GRU(1, return_sequences=True), name="bi_backwards_masked")(masked)
    backwards_pooled = L.GlobalAveragePooling1D(name="backwards_average")(backwards)
    return K.Model([seq, ids], concat_flat(K, [pooled, after, last_forward, last_backward, differ_pooled, backwards_pooled]),
                   name="bidirectional_none_masked")


def zoo_embedding(K):
    """Embedding without a mask: ids (float inputs holding integers) to vectors, then Flatten and Dense."""
    L = K.layers
    inp = K.Input((6,), name="ids")
    x = L.Embedding(11, 4, name="embedding")(inp)
    return K.Model(inp, L.Dense(3, name="dense")(L.Flatten(name="flatten")(x)), name="embedding")


def zoo_masking_recurrent(K):
    """Keras masks: Masking into stacked LSTM (sequences) and GRU (last state); Embedding(mask_zero) into a
    Bidirectional LSTM (sequences, masked steps zero) then a masked GlobalAveragePooling1D, a Bidirectional GRU (last
    states), and through a Dense (which passes the mask on) into a SimpleRNN reading backwards. Masked steps sit at
    the start, in the middle and at the end of the sequences (`masked_sequence_inputs`)."""
    L = K.layers
    seq = K.Input((7, 3), name="sequence")
    ids = K.Input((7,), name="ids")
    masked = L.Masking(mask_value=0.0, name="masking")(seq)
    lstm = L.LSTM(4, return_sequences=True, name="lstm_masked")(masked)
    gru = L.GRU(3, name="gru_masked")(lstm)
    emb = L.Embedding(12, 4, mask_zero=True, name="embedding_masked")(ids)
    bi = L.Bidirectional(L.LSTM(3, return_sequences=True), name="bi_lstm_masked")(emb)
    pooled = L.GlobalAveragePooling1D(name="masked_average")(bi)
    bi_last = L.Bidirectional(L.GRU(2), merge_mode="sum", name="bi_gru_last")(emb)
    dense = L.Dense(3, name="dense_passes_mask")(emb)
    rnn = L.SimpleRNN(3, go_backwards=True, return_sequences=True, name="rnn_masked_backwards")(dense)
    return K.Model([seq, ids], concat_flat(K, [gru, pooled, bi_last, rnn, lstm]), name="masking_recurrent")


def zoo_masking_last_state(K):
    """Masked recurrent layers returning their last state: Masking into a GRU, Embedding(mask_zero) into a
    Bidirectional LSTM and a SimpleRNN reading backwards, masked steps anywhere; and zero_output_for_mask set on
    layers of their own (an LSTM's last state, a GRU's sequence read backwards)."""
    L = K.layers
    seq = K.Input((7, 3), name="sequence")
    ids = K.Input((7,), name="ids")
    gru = L.GRU(3, name="gru_last")(L.Masking(mask_value=0.0, name="masking")(seq))
    emb = L.Embedding(12, 4, mask_zero=True, name="embedding_masked")(ids)
    bi = L.Bidirectional(L.LSTM(3), name="bi_lstm_last")(emb)
    rnn = L.SimpleRNN(2, go_backwards=True, name="rnn_backwards_last")(emb)
    # zero_output_for_mask outside a Bidirectional: zeros where the step read last (or any step of a sequence) is masked.
    zero_last = L.LSTM(2, zero_output_for_mask=True, name="lstm_zero_last")(emb)
    zero_sequence = L.GRU(2, return_sequences=True, go_backwards=True, zero_output_for_mask=True,
                          name="gru_zero_sequence")(emb)
    return K.Model([seq, ids], concat_flat(K, [gru, bi, rnn, zero_last, zero_sequence]), name="masking_last_state")


def masked_sequence_inputs(rng: np.random.Generator) -> list[np.ndarray]:
    """Inputs of `zoo_masking_recurrent`: sequences with all-zero steps and ids with zero (padding) ids at the start,
    in the middle and at the end; one sample of ids is padding at the end only."""
    seq = rng.normal(0, 1, (ZOO_BATCH, 7, 3)).astype(np.float32)
    for sample, steps in enumerate([(0, 3, 6), (2, 3), (5, 6)]):
        seq[sample, list(steps)] = 0
    ids = rng.integers(1, 12, (ZOO_BATCH, 7))
    for sample, steps in enumerate([(0, 3, 6), (4,), (5, 6)]):
        ids[sample, list(steps)] = 0
    return [seq, ids.astype(np.int32)]


def token_inputs(vocabulary: int, length: int):
    """Ids in 1 ..< vocabulary as int32, with zeros at the end and in the middle of some samples."""
    def make(rng: np.random.Generator) -> list[np.ndarray]:
        ids = rng.integers(1, vocabulary, (ZOO_BATCH, length))
        ids[0, -2:] = 0
        ids[1, length // 2] = 0
        return [ids.astype(np.int32)]
    return make


def zoo_mha_self(K):
    """Two transformer blocks over a token sequence: self attention (dropout, identity at inference) with a
    residual Add and LayerNormalization, then causal self attention with value_dim and the key given, pooled into a
    small classifier (so that Grad-CAM has a class to explain)."""
    L = K.layers
    tokens = K.Input((6, 8), name="tokens")
    attended = L.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1, name="mha")(tokens, tokens)
    x = L.LayerNormalization(name="norm")(L.Add(name="residual")([tokens, attended]))
    causal = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, name="mha_causal")(x, x, x, use_causal_mask=True)
    x = L.LayerNormalization(name="norm_causal")(L.Add(name="residual_causal")([x, causal]))
    pooled = L.GlobalAveragePooling1D(name="pool")(x)
    return K.Model(tokens, L.Dense(3, activation="softmax", name="classes")(pooled), name="mha_self")


def zoo_mha_cross(K):
    """Cross attention: the query from one input, value from another and the key a projection of it, without bias
    and with an int output_shape; and a call by keywords with a tuple output_shape."""
    L = K.layers
    query = K.Input((5, 6), name="query")
    memory = K.Input((7, 4), name="memory")
    key = L.Dense(5, name="key_proj")(memory)
    cross = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, use_bias=False, output_shape=3,
                                 name="cross")(query, memory, key=key)
    shaped = L.MultiHeadAttention(num_heads=1, key_dim=2, output_shape=(2, 3), name="cross_shaped")(query=query,
                                                                                                    value=memory)
    flat = L.Reshape((5, 6), name="flat")(shaped)
    return K.Model([query, memory], L.Concatenate(name="concat")([cross, flat]), name="mha_cross")


def zoo_attention_layers(K):
    """Luong attention with dot and concat scores (use_scale), Bahdanau attention with and without its scale,
    with and without a separate key, and causal variants through the call's use_causal_mask."""
    L = K.layers
    query = K.Input((5, 4), name="query")
    value = K.Input((6, 4), name="value")
    key = L.Dense(4, name="key_proj")(value)
    branches = [
        L.Attention(use_scale=True, name="dot")([query, value]),
        L.Attention(use_scale=True, score_mode="concat", name="concat_scores")([query, value, key]),
        L.AdditiveAttention(name="additive")([query, value, key]),
        L.AdditiveAttention(use_scale=False, name="additive_plain")([query, value]),
        L.Attention(name="causal")([query, query], use_causal_mask=True),
        L.Attention(score_mode="concat", name="causal_concat")([query, value], use_causal_mask=True),
        L.AdditiveAttention(name="causal_additive")([query, value, key], use_causal_mask=True),
    ]
    return K.Model([query, value], L.Concatenate(name="concat")(branches), name="attention_layers")


def zoo_masked_self_attention(K):
    """A text-like model whose attention must honour Keras masks: Embedding(mask_zero) into self attention, and
    another into causal self attention (value_dim), each pooled by a masked GlobalAveragePooling1D (the query's mask passes through the
    attention), then a Dense."""
    L = K.layers
    ids = K.Input((8,), name="ids")
    # One embedding per attention: Keras 3's MultiHeadAttention erases its inputs' masks, so a masked tensor read by
    # another layer too would carry a mask that depends on the order Keras runs the two.
    x = L.Embedding(20, 8, mask_zero=True, name="embedding")(ids)
    y = L.Embedding(20, 8, mask_zero=True, name="embedding_causal")(ids)
    attended = L.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(x, x)
    causal = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, name="mha_causal")(y, y, use_causal_mask=True)
    pooled = [L.GlobalAveragePooling1D(name="pool")(attended), L.GlobalAveragePooling1D(name="pool_causal")(causal)]
    return K.Model(ids, L.Dense(3, name="classes")(L.Concatenate(name="concat")(pooled)), name="masked_self_attention")


def zoo_masked_cross_attention(K):
    """Cross attention with a masked query and a masked value (both Embedding(mask_zero)): MultiHeadAttention (and
    with a masked key, a Dense of the value, which passes the mask on), Attention with dot and concat scores
    (causal too), AdditiveAttention; and Attention with only the value masked. Each output (its mask the query's)
    is pooled by a masked GlobalAveragePooling1D, or flattened whole for the one that zeroes masked query rows."""
    L = K.layers
    query_ids = K.Input((6,), name="query_ids")
    value_ids = K.Input((7,), name="value_ids")
    plain_query = K.Input((6, 4), name="plain_query")
    query = L.Embedding(15, 4, mask_zero=True, name="query_embedding")(query_ids)
    value = L.Embedding(15, 4, mask_zero=True, name="value_embedding")(value_ids)
    key = L.Dense(4, name="key_proj")(value)
    # Each MultiHeadAttention reads tensors of its own: Keras 3's erases its inputs' masks (see
    # zoo_masked_self_attention); the key's Dense reads its value before the attention runs.
    mha_value = L.Embedding(15, 4, mask_zero=True, name="mha_value_embedding")(value_ids)
    mha_key = L.Dense(4, name="mha_key_proj")(mha_value)
    branches = [
        L.MultiHeadAttention(num_heads=2, key_dim=3, name="mha_cross")(
            L.Embedding(15, 4, mask_zero=True, name="mha_query_embedding")(query_ids),
            L.Embedding(15, 4, mask_zero=True, name="mha_cross_value_embedding")(value_ids)),
        L.MultiHeadAttention(num_heads=1, key_dim=2, value_dim=3, name="mha_keyed")(
            L.Embedding(15, 4, mask_zero=True, name="mha_keyed_query_embedding")(query_ids), mha_value, key=mha_key),
        L.Attention(use_scale=True, name="dot")([query, value]),
        L.Attention(score_mode="concat", name="concat_scores")([query, value, key]),
        L.Attention(name="causal")([query, value], use_causal_mask=True),
        L.AdditiveAttention(name="additive")([query, value]),
    ]
    pooled = [L.GlobalAveragePooling1D(name=f"pool_{i}")(b) for i, b in enumerate(branches)]
    value_only = L.Flatten(name="value_only_flat")(L.AdditiveAttention(name="value_only")([plain_query, value]))
    rows = L.Flatten(name="rows_flat")(L.Attention(name="rows")([query, value]))
    merged = L.Concatenate(name="concat")(pooled + [value_only, rows])
    return K.Model([query_ids, value_ids, plain_query], L.Dense(4, name="head")(merged), name="masked_cross_attention")


def masked_attention_inputs(rng: np.random.Generator) -> list[np.ndarray]:
    """Ids with padding (0) at the end, at the start and in the middle, one sample with a fully padded value, for
    `zoo_masked_cross_attention`; and a plain query."""
    query = rng.integers(1, 15, (ZOO_BATCH, 6))
    value = rng.integers(1, 15, (ZOO_BATCH, 7))
    for sample, steps in enumerate([(4, 5), (0, 2), (1,)]):
        query[sample, list(steps)] = 0
    for sample, steps in enumerate([(5, 6), (0, 1, 3), tuple(range(7))]):
        value[sample, list(steps)] = 0
    plain = rng.normal(0, 1, (ZOO_BATCH, 6, 4)).astype(np.float32)
    return [query.astype(np.int32), value.astype(np.int32), plain]


def padded_ids(vocabulary: int, length: int, pads: list[tuple]):
    """Ids in 1 ..< vocabulary as int32 with zeros at the given steps of each sample."""
    def make(rng: np.random.Generator) -> list[np.ndarray]:
        ids = rng.integers(1, vocabulary, (ZOO_BATCH, length))
        for sample, steps in enumerate(pads):
            ids[sample, list(steps)] = 0
        return [ids.astype(np.int32)]
    return make


def zoo_masked_open_length(K):
    """Ids of open length: Embedding(mask_zero) into an LSTM (sequences) and a GRU reading the masked sequence
    backwards, then a Dense; recorded at two lengths."""
    L = K.layers
    ids = K.Input((None,), name="ids")
    x = L.Embedding(12, 4, mask_zero=True, name="embedding")(ids)
    x = L.LSTM(5, return_sequences=True, name="lstm")(x)
    x = L.GRU(4, go_backwards=True, name="gru")(x)
    return K.Model(ids, L.Dense(3, name="head")(x), name="masked_open_length")


def zoo_masked_open_attention(K):
    """Ids of open length: Embedding(mask_zero) into self attention and causal self attention (the causal triangle
    and the reshapes follow the length), masked pooling, a Dense; recorded at two lengths."""
    L = K.layers
    ids = K.Input((None,), name="ids")
    x = L.Embedding(12, 6, mask_zero=True, name="embedding")(ids)
    x = L.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")(x, x)
    x = L.MultiHeadAttention(num_heads=2, key_dim=3, name="mha_causal")(x, x, use_causal_mask=True)
    x = L.GlobalAveragePooling1D(name="pool")(x)
    return K.Model(ids, L.Dense(3, name="head")(x), name="masked_open_attention")


def zoo_time_distributed(K):
    """TimeDistributed around Conv2D, BatchNormalization, Activation, MaxPooling2D, Dropout and Flatten feeding an
    LSTM (a video-like CNN-LSTM), around Conv1D, GlobalMaxPooling1D, Flatten and Dense, and around a nested
    Sequential and a nested Functional model; each applied to every step of axis 1 alone."""
    L = K.layers
    frames, series = K.Input((4, 6, 5, 2), name="frames"), K.Input((4, 8, 3), name="series")
    x = L.TimeDistributed(L.Conv2D(3, 3, padding="same"), name="td_conv2d")(frames)
    x = L.TimeDistributed(L.BatchNormalization(), name="td_batchnorm")(x)
    x = L.TimeDistributed(L.Activation("relu"), name="td_relu")(x)
    x = L.TimeDistributed(L.MaxPooling2D(2), name="td_pool2d")(x)
    x = L.TimeDistributed(L.Dropout(0.3), name="td_dropout")(x)
    x = L.TimeDistributed(L.Flatten(), name="td_flatten2d")(x)
    video = L.LSTM(5, return_sequences=True, name="lstm")(x)
    conv = L.TimeDistributed(L.Conv1D(4, 3, activation="tanh"), name="td_conv1d")(series)
    peaks = L.TimeDistributed(L.GlobalMaxPooling1D(), name="td_global_max")(conv)
    flat = L.TimeDistributed(L.Flatten(), name="td_flatten1d")(conv)
    dense = L.TimeDistributed(L.Dense(3, activation="tanh"), name="td_dense")(flat)
    encoder = K.Sequential([
        K.Input((8, 3), name="step_input"),
        L.Conv1D(2, 3, activation="relu", name="step_conv"),
        L.GlobalAveragePooling1D(name="step_pool"),
        L.Dense(3, name="step_dense"),
    ], name="step_encoder")
    encoded = L.TimeDistributed(encoder, name="td_encoder")(series)
    frame = K.Input((6, 5, 2), name="frame_input")
    summary = L.Dense(2, activation="tanh", name="frame_dense")(L.GlobalAveragePooling2D(name="frame_pool")(frame))
    summarized = L.TimeDistributed(K.Model(frame, summary, name="frame_summary"), name="td_summary")(frames)
    merged = L.Concatenate(name="merged")([video, peaks, dense, encoded, summarized])
    head = L.TimeDistributed(L.Dense(2, activation="softmax"), name="td_head")(merged)
    return K.Model([frames, series], head, name="time_distributed")


def zoo_open_length(K):
    """A sequence of open length: a TimeDistributed Dense, Conv1D, LSTM and GRU run at the length of the input they
    are given."""
    L = K.layers
    inp = K.Input((None, 3), name="sequence")
    x = L.TimeDistributed(L.Dense(4, activation="tanh"), name="td_dense")(inp)
    x = L.Conv1D(4, 3, padding="same", activation="relu", name="conv1d")(x)
    x = L.LSTM(5, return_sequences=True, name="lstm")(x)
    x = L.GRU(4, name="gru")(x)
    return K.Model(inp, L.Dense(3, activation="softmax", name="head")(x), name="open_length")


def zoo_open_size_2d(K):
    """Images of open height and width: Conv2D, then GlobalAveragePooling2D makes the size irrelevant."""
    L = K.layers
    inp = K.Input((None, None, 3), name="image")
    x = L.Conv2D(4, 3, padding="same", activation="relu", name="conv2d")(inp)
    x = L.Conv2D(5, 3, strides=2, activation="relu", name="conv2d_strided")(x)
    x = L.GlobalAveragePooling2D(name="pooled")(x)
    return K.Model(inp, L.Dense(3, activation="softmax", name="head")(x), name="open_size_2d")


@dataclass
class ZooModel:
    name: str
    build: Callable
    input_shapes: list[tuple]
    input_std: float = 1.0              # inputs are N(0, input_std) ...
    pixel_inputs: bool = False          # ... or uniform in [0, 255]
    # Layers whose outputs legitimately differ between tf_keras and Keras 3.
    keras_differences: set = field(default_factory=set)
    # Models added after the first zoo draw their weights and inputs from their own seed, so that generating one
    # alone (--zoo NAME) gives the same files as a full run and leaves the other models' draws unchanged.
    seed: int | None = None
    # Built only with Keras 3 (layers or names tf_keras lacks): no .k2.h5, and the .k3 entry records the layers.
    keras3_only: bool = False
    # Which Keras 3 files a keras3_only model is saved as (Keras 3.15 cannot reload some of its legacy HDF5 files).
    keras3_files: tuple = ("k3", "keras")
    # Built only with tf_keras (its TFOpLambda and SlicingOpLambda layers): the .k2.h5 alone.
    keras2_only: bool = False
    # Standard deviation of the random weights; deep stacks (the U-Net) take smaller ones so that activations stay
    # near unit size instead of growing layer by layer beyond where float32 rounding meets atol 1e-5.
    weight_std: float = 0.5
    # ("layer" or "nested_model/layer", channel): record the tf_keras output with that output channel of the layer's
    # kernel zeroed (every call of a shared layer then runs without it), for weight ablation parity.
    weight_ablation: tuple | None = None
    # Makes the inputs instead of drawing N(0, input_std) (token ids, sequences with masked steps).
    make_inputs: Callable | None = None
    # Keras 3.15 writes a mask it computes as NotEqual/Any operations into a legacy HDF5 configuration, which it then
    # cannot reload ("Unknown layer: 'NotEqual'"): such models are recorded as .k2.h5 and .keras only.
    keras3_h5: bool = True
    # For inputs with open (None) dimensions: the per-sample input shapes of a second recording, at other sizes
    # than `input_shapes`; its manifest entries are named `<name>.second.<kind>`.
    second_input_shapes: list | None = None
    # Makes the second recording's inputs (token ids) instead of drawing N(0, input_std).
    make_second_inputs: Callable | None = None
    # Builds the model again with its Keras masks switched off: the generator checks that its output differs from
    # the masked model's by far more than the parity tolerance, so that a runtime ignoring masks fails the tests.
    build_unmasked: Callable | None = None


ZOO = [
    ZooModel("mlp", zoo_mlp, [(12,)]),
    # Wide inputs so that saturating activations (relu6, hard_sigmoid, ...) clip.
    ZooModel("activations_fused", zoo_activations_fused, [(12,)], input_std=2.5,
             keras_differences={"dense_hard_sigmoid", "concat"}),
    ZooModel("activations_layer", zoo_activations_layer, [(12,)], input_std=2.5,
             keras_differences={"act_hard_sigmoid", "concat"}),
    ZooModel("advanced_activations", zoo_advanced_activations, [(6, 5, 4)]),
    ZooModel("conv1d", zoo_conv1d, [(12, 3)]),
    ZooModel("pooling1d", zoo_pooling1d, [(11, 3)]),
    ZooModel("conv2d_variants", zoo_conv2d_variants, [(9, 8, 3)]),
    ZooModel("depthwise_separable", zoo_depthwise_separable, [(10, 10, 2)]),
    ZooModel("pooling2d", zoo_pooling2d, [(9, 8, 3)]),
    ZooModel("batchnorm", zoo_batchnorm, [(6, 5, 4)]),
    ZooModel("merge", zoo_merge, [(6, 4), (6, 4)]),
    ZooModel("reshape", zoo_reshape, [(12, 3)]),
    ZooModel("padding_cropping_1d", zoo_padding_cropping_1d, [(12, 3)]),
    ZooModel("padding_cropping_2d", zoo_padding_cropping_2d, [(7, 6, 2)]),
    ZooModel("preprocessing", zoo_preprocessing, [(5, 4, 3)], pixel_inputs=True),
    ZooModel("broadcast_merge", zoo_broadcast_merge, [(5, 4, 3)], seed=SEED + 1),
    # Wide inputs so that the shrinks, clips and sparse pieces all meet values on each side of their kinks.
    ZooModel("activations_keras3", zoo_activations_keras3, [(12,)], input_std=2.5, seed=SEED + 2, keras3_only=True),
    ZooModel("layer_normalization", zoo_layer_normalization, [(5, 4, 3)], seed=SEED + 3),
    ZooModel("layer_normalization_axes", zoo_layer_normalization_axes, [(5, 4, 3)], seed=SEED + 6, keras2_only=True),
    ZooModel("layer_normalization_rms", zoo_layer_normalization_rms, [(4, 6)], seed=SEED + 4, keras3_only=True),
    # Keras 3.15 cannot reload the legacy HDF5 file of `x + 3.0` ("Only input tensors may be passed as positional
    # arguments"): the .keras archive alone.
    ZooModel("keras3_operations", zoo_keras3_operations, [(6, 5, 3)], seed=SEED + 7, keras3_only=True,
             keras3_files=("keras",)),
    ZooModel("grouped_convolution", zoo_grouped_convolution, [(7, 6, 4)], seed=SEED + 8),
    ZooModel("grouped_convolution_blocks", zoo_grouped_convolution_blocks, [(9, 8, 6)], seed=SEED + 10),
    # CustomScaleLayer is not a registered Keras 3 layer: only the .keras archive names its module.
    ZooModel("tensor_division", zoo_tensor_division, [(5, 4, 3)], seed=SEED + 12, keras2_only=True),
    ZooModel("custom_scale", zoo_custom_scale, [(5, 4, 3)], seed=SEED + 11, keras3_only=True, keras3_files=("keras",)),
    # LayerScale is not a registered Keras layer: only the .keras archive names its module.
    ZooModel("layer_scale", zoo_layer_scale, [(5, 4, 6)], seed=SEED + 9, keras3_only=True, keras3_files=("keras",)),
    ZooModel("tf_op_lambda", zoo_tf_op_lambda, [(6, 5, 3)], seed=SEED + 5, keras2_only=True),
    # hard_sigmoid is 0.2x + 0.5 in tf_keras and x/6 + 0.5 in Keras 3.
    ZooModel("recurrent", zoo_recurrent, [(7, 3)], seed=SEED + 10, keras_differences={"lstm_backwards", "concat"}),
    ZooModel("bidirectional", zoo_bidirectional, [(7, 3)], seed=SEED + 11),
    ZooModel("bidirectional_none", zoo_bidirectional_none, [(7, 3)], seed=SEED + 90),
    ZooModel("bidirectional_units", zoo_bidirectional_units, [(7, 3)], seed=SEED + 91, keras2_only=True),
    ZooModel("bidirectional_none_masked", zoo_bidirectional_none_masked, [(7, 3), (7,)], seed=SEED + 92,
             make_inputs=masked_sequence_inputs, keras3_h5=False),
    ZooModel("conv_transpose_1d", zoo_conv_transpose_1d, [(6, 3)], seed=SEED + 20),
    ZooModel("conv_transpose_2d", zoo_conv_transpose_2d, [(5, 4, 3)], seed=SEED + 21),
    ZooModel("conv_transpose_dilated", zoo_conv_transpose_dilated, [(5, 4, 3)], seed=SEED + 22, keras2_only=True),
    ZooModel("unet", zoo_unet, [(16, 16, 3)], seed=SEED + 23, weight_std=0.2),
    ZooModel("siamese", zoo_siamese, [(6, 5, 2), (6, 5, 2)], seed=SEED + 40, weight_ablation=("embed", 1)),
    ZooModel("shared_nested", zoo_shared_nested, [(7, 3), (7, 3)], seed=SEED + 41,
             weight_ablation=("encoder/enc_conv", 2)),
    ZooModel("multi_output", zoo_multi_output, [(8, 3)], seed=SEED + 42),
    ZooModel("shared_chain", zoo_shared_chain, [(10, 3)], seed=SEED + 43, weight_ablation=("conv", 0)),
    ZooModel("nested_outputs", zoo_nested_outputs, [(4,), (4,)], seed=SEED + 44),
    ZooModel("upsampling_bilinear", zoo_upsampling_bilinear, [(5, 4, 3)], seed=SEED + 30),
    ZooModel("resizing_crop", zoo_resizing_crop, [(9, 8, 3)], seed=SEED + 31),
    ZooModel("group_normalization", zoo_group_normalization, [(5, 4, 6)], seed=SEED + 32),
    ZooModel("unit_normalization", zoo_unit_normalization, [(5, 4, 3)], seed=SEED + 33),
    # Keras 3.15 reloads its legacy HDF5 file of a UnitNormalization over a list of axes as one over the last axis:
    # the .keras archive alone; tf_keras reads and writes the list in its .h5.
    ZooModel("unit_normalization_axes", zoo_unit_normalization_axes, [(5, 4, 3)], seed=SEED + 34, keras3_only=True,
             keras3_files=("keras",)),
    ZooModel("unit_normalization_axes_k2", zoo_unit_normalization_axes, [(5, 4, 3)], seed=SEED + 35, keras2_only=True),
    # The resize calls are layers of different names in the two Kerases (tf.image.resize_1, resize_1): one model each.
    ZooModel("image_resize_op", zoo_image_resize_op, [(5, 4, 3)], seed=SEED + 36, keras2_only=True),
    # Keras 3.15 cannot reload its legacy HDF5 file of a Resize operation ("Unknown layer"): the .keras archive alone.
    ZooModel("image_resize_op_keras3", zoo_image_resize_op, [(5, 4, 3)], seed=SEED + 37, keras3_only=True,
             keras3_files=("keras",)),
    ZooModel("tf_reductions", zoo_tf_reductions, [(5, 4, 3)], seed=SEED + 38, keras2_only=True),
    ZooModel("keras3_reductions", zoo_tf_reductions, [(5, 4, 3)], seed=SEED + 39, keras3_only=True,
             keras3_files=("keras",)),
    ZooModel("embedding", zoo_embedding, [(6,)], seed=SEED + 60, make_inputs=token_inputs(11, 6)),
    ZooModel("masking_recurrent", zoo_masking_recurrent, [(7, 3), (7,)], seed=SEED + 61,
             make_inputs=masked_sequence_inputs, keras3_h5=False),
    ZooModel("masking_last_state", zoo_masking_last_state, [(7, 3), (7,)], seed=SEED + 63,
             make_inputs=masked_sequence_inputs, keras3_h5=False),
    ZooModel("mha_self", zoo_mha_self, [(6, 8)], seed=SEED + 50),
    ZooModel("mha_cross", zoo_mha_cross, [(5, 6), (7, 4)], seed=SEED + 51),
    # Keras 3.15 cannot reload its legacy HDF5 file of an Attention layer (score_mode "dot" is read back as the
    # function keras.ops.dot): tf_keras's .h5 and Keras 3's .keras archive, one model each.
    ZooModel("attention_layers", zoo_attention_layers, [(5, 4), (6, 4)], seed=SEED + 52, keras2_only=True),
    ZooModel("attention_layers_keras3", zoo_attention_layers, [(5, 4), (6, 4)], seed=SEED + 53, keras3_only=True,
             keras3_files=("keras",)),
    ZooModel("time_distributed", zoo_time_distributed, [(4, 6, 5, 2), (4, 8, 3)], seed=SEED + 70),
    ZooModel("open_length", zoo_open_length, [(9, 3)], seed=SEED + 71, second_input_shapes=[(14, 3)]),
    # Small weights so that the softmax stays away from one-hot and the outputs test the sums before it.
    ZooModel("open_size_2d", zoo_open_size_2d, [(7, 9, 3)], seed=SEED + 72, second_input_shapes=[(12, 6, 3)], weight_std=0.2),
    # Keras masks into attention (Keras 3.15 cannot reload a legacy HDF5 file holding the masks it records).
    ZooModel("masked_self_attention", zoo_masked_self_attention, [(8,)], seed=SEED + 95, keras3_h5=False,
             make_inputs=padded_ids(20, 8, [(5, 6, 7), (0, 1, 4), (3,)]),
             build_unmasked=lambda K: unmasked(zoo_masked_self_attention, K)),
    ZooModel("masked_cross_attention", zoo_masked_cross_attention, [(6,), (7,), (6, 4)], seed=SEED + 96,
             keras3_h5=False, make_inputs=masked_attention_inputs,
             build_unmasked=lambda K: unmasked(zoo_masked_cross_attention, K)),
    ZooModel("masked_open_length", zoo_masked_open_length, [(7,)], seed=SEED + 97, keras3_h5=False,
             make_inputs=padded_ids(12, 7, [(5, 6), (0, 3), ()]), second_input_shapes=[(11,)],
             make_second_inputs=padded_ids(12, 11, [(8, 9, 10), (0, 1, 5), (10,)]),
             build_unmasked=lambda K: unmasked(zoo_masked_open_length, K)),
    ZooModel("masked_open_attention", zoo_masked_open_attention, [(6,)], seed=SEED + 98, keras3_h5=False,
             make_inputs=padded_ids(12, 6, [(4, 5), (0, 2), ()]), second_input_shapes=[(10,)],
             make_second_inputs=padded_ids(12, 10, [(7, 8, 9), (0, 1, 6), (9,)]),
             build_unmasked=lambda K: unmasked(zoo_masked_open_attention, K)),
]


def unmasked(build, K):
    """`build`'s model with every Embedding's mask_zero off (same layers and weights, no Keras masks)."""
    original = K.layers.Embedding

    def embedding(*args, **kwargs):
        kwargs["mask_zero"] = False
        return original(*args, **kwargs)
    K.layers.Embedding = embedding
    try:
        return build(K)
    finally:
        K.layers.Embedding = original


def check_masks_matter(spec: ZooModel, model, weights, inputs, outputs) -> None:
    """The model run without its masks must miss Keras's outputs by far more than the parity tolerance."""
    if spec.build_unmasked is None:
        return
    plain = spec.build_unmasked(tf_keras)
    set_weights(plain, weights, model)
    difference = max(float(np.max(np.abs(a - b))) for a, b in zip(predict(plain, inputs), outputs))
    log(f"  {spec.name}: without masks the outputs move by up to {difference:.3g}")
    assert difference > 1e-2, f"{spec.name}: masks change the outputs by {difference} only"
ZOO_BATCH = 3


def random_weights(model, rng: np.random.Generator, std: float = 0.5) -> dict[str, list[np.ndarray]]:
    """Non-trivial random weights for every layer, keyed by layer name.

    Variances are kept positive; adapted Normalization statistics are kept as adapted.
    """
    weights = {}
    for layer in model.layers:
        if type(layer).__name__ == "Normalization":
            weights[layer.name] = layer.get_weights()
            continue
        arrays = []
        for variable in layer.weights:
            shape = tuple(variable.shape)
            if "variance" in variable.name:
                arrays.append(rng.uniform(0.5, 1.5, shape).astype(np.float32))
            else:
                arrays.append(rng.normal(0.0, std, shape).astype(np.float32))
        weights[layer.name] = arrays
    return weights


def weight_basename(variable) -> str:
    """'dense/kernel:0' (tf_keras) and 'kernel' (Keras 3) both become 'kernel'."""
    name = variable.name.split("/")[-1].split(":")[0]
    return "kernel" if name == "depthwise_kernel" else name


def set_weights(model, weights: dict[str, list[np.ndarray]], reference) -> None:
    """Set ``weights`` by layer name, checking weight names/shapes against ``reference``."""
    for layer in model.layers:
        expected = reference.get_layer(layer.name)
        names = [weight_basename(v) for v in layer.weights]
        assert names == [weight_basename(v) for v in expected.weights], layer.name
        layer.set_weights(weights[layer.name])


def zoo_inputs(spec: ZooModel, rng: np.random.Generator) -> list[np.ndarray]:
    if spec.make_inputs is not None:
        return spec.make_inputs(rng)
    if spec.pixel_inputs:
        return [rng.uniform(0, 255, (ZOO_BATCH, *s)).astype(np.float32) for s in spec.input_shapes]
    return [rng.normal(0, spec.input_std, (ZOO_BATCH, *s)).astype(np.float32)
            for s in spec.input_shapes]


def save_output_files(prefix: str, outputs: list[np.ndarray]) -> list[str]:
    if len(outputs) == 1:
        return [save_npy(f"{prefix}.output.npy", outputs[0])]
    return [save_npy(f"{prefix}.output{i}.npy", o) for i, o in enumerate(outputs)]


def check_keras_agreement(spec: ZooModel, k2_model, k3_model, inputs) -> None:
    """Same weights must give the same per-layer outputs in tf_keras and Keras 3."""
    k2_calls = [(name, t) for name, t in layer_calls(tf_keras, k2_model) if name not in spec.keras_differences]
    k3_calls = dict(layer_calls(keras, k3_model))
    k2_probe = tf_keras.Model(k2_model.inputs, [t for _, t in k2_calls])
    k3_probe = keras.Model(k3_model.inputs, [k3_calls[name] for name, _ in k2_calls])
    for (name, _), a, b in zip(k2_calls, predict(k2_probe, inputs), predict(k3_probe, inputs)):
        np.testing.assert_allclose(a, b, err_msg=f"{spec.name}/{name}: tf_keras vs Keras 3", **CROSS_KERAS_TOL)


def build_and_record_zoo_model(spec: ZooModel, K, tag: str, rng: np.random.Generator):
    """Build `spec` with one Keras (`K`, files tagged `tag`) alone, with random weights, and record its inputs, outputs
    and per-layer outputs: what a zoo model made by only one of the two Kerases shares."""
    model = spec.build(K)
    set_weights(model, random_weights(model, rng, spec.weight_std), model)
    inputs = zoo_inputs(spec, rng)
    base = f"zoo/{spec.name}"
    input_files = [save_npy(f"{base}.input.npy", inputs[0])] if len(inputs) == 1 else \
        [save_npy(f"{base}.input{i}.npy", x) for i, x in enumerate(inputs)]
    outputs = predict(model, inputs)
    out_files = save_output_files(f"{base}.{tag}", outputs)
    layers = record_layer_outputs(K, model, inputs, f"{base}.{tag}.layers")
    return model, inputs, input_files, outputs, out_files, layers


def generate_keras3_zoo_model(spec: ZooModel, rng: np.random.Generator) -> list[dict]:
    """Build with Keras 3 alone, save as legacy HDF5 and .keras, reload-check and record one zoo model."""
    model, inputs, input_files, outputs, out_files, layers = build_and_record_zoo_model(spec, keras, "k3", rng)
    base = f"zoo/{spec.name}"
    files = {"k3": f"{base}.k3.h5", "keras": f"{base}.keras"}
    entries = []
    for kind in spec.keras3_files:
        model.save(FIXTURES / files[kind])
        reloaded = load_k3(FIXTURES / files[kind])
        assert_close(predict(reloaded, inputs), outputs, f"{files[kind]} reload", RELOAD_TOL)
        layer_info = {"layers": layers, "layer_samples": ZOO_BATCH} if kind == spec.keras3_files[0] else {}
        entries.append(model_entry(f"{spec.name}.{kind}", files[kind], 3, reloaded, input_files, out_files,
                                   **layer_info))
    return entries


def generate_keras2_zoo_model(spec: ZooModel, rng: np.random.Generator) -> list[dict]:
    """Build with tf_keras alone, save as HDF5, reload-check and record one zoo model."""
    model, inputs, input_files, outputs, out_files, layers = build_and_record_zoo_model(spec, tf_keras, "k2", rng)
    file = f"zoo/{spec.name}.k2.h5"
    model.save(FIXTURES / file)
    reloaded = load_k2(FIXTURES / file)
    assert_close(predict(reloaded, inputs), outputs, f"{file} reload", RELOAD_TOL)
    return [model_entry(f"{spec.name}.k2", file, 2, reloaded, input_files, out_files,
                        layers=layers, layer_samples=ZOO_BATCH)]


def record_weight_ablation(spec: ZooModel, model, inputs) -> dict | None:
    """The model's first output with output channel `channel` of the layer's kernel zeroed (weights restored after)."""
    if spec.weight_ablation is None:
        return None
    path, channel = spec.weight_ablation
    layer = model
    for part in path.split("/"):
        layer = layer.get_layer(part)
    saved = layer.get_weights()
    kernel = saved[0].copy()
    kernel[..., channel] = 0
    layer.set_weights([kernel] + saved[1:])
    output = predict(model, inputs)[0]
    layer.set_weights(saved)
    file = save_npy(f"zoo/{spec.name}.k2.ablated.npy", output)
    return {"layer": path.split("/")[-1], "channel": channel, "output": file}


def generate_zoo_model(spec: ZooModel, rng: np.random.Generator) -> list[dict]:
    """Build, save three ways, reload-check and record one zoo model."""
    if spec.keras3_only:
        return generate_keras3_zoo_model(spec, rng)
    if spec.keras2_only:
        return generate_keras2_zoo_model(spec, rng)
    k2_model, k3_model = spec.build(tf_keras), spec.build(keras)
    weights = random_weights(k2_model, rng, spec.weight_std)
    set_weights(k2_model, weights, k3_model)
    set_weights(k3_model, weights, k2_model)
    inputs = zoo_inputs(spec, rng)
    check_keras_agreement(spec, k2_model, k3_model, inputs)

    base = f"zoo/{spec.name}"
    if len(inputs) == 1:
        input_files = [save_npy(f"{base}.input.npy", inputs[0])]
    else:
        input_files = [save_npy(f"{base}.input{i}.npy", x) for i, x in enumerate(inputs)]

    k2_outputs, k3_outputs = predict(k2_model, inputs), predict(k3_model, inputs)
    check_masks_matter(spec, k2_model, weights, inputs, k2_outputs)
    k2_files = save_output_files(f"{base}.k2", k2_outputs)
    k3_files = save_output_files(f"{base}.k3", k3_outputs)
    layers = record_layer_outputs(tf_keras, k2_model, inputs, f"{base}.k2.layers")
    ablation = record_weight_ablation(spec, k2_model, inputs)

    files = {"k2": f"{base}.k2.h5", "k3": f"{base}.k3.h5", "keras": f"{base}.keras"}
    k2_model.save(FIXTURES / files["k2"])
    if spec.keras3_h5:
        k3_model.save(FIXTURES / files["k3"])
        with h5py.File(FIXTURES / files["k3"], "r") as f:  # Keras 3 must write legacy HDF5 here
            assert "model_config" in f.attrs and "model_weights" in f, files["k3"]
    k3_model.save(FIXTURES / files["keras"])

    entries = []
    for kind, loader, major, expected, out_files in (
            ("k2", load_k2, 2, k2_outputs, k2_files),
            ("k3", load_k3, 3, k3_outputs, k3_files),
            ("keras", load_k3, 3, k3_outputs, k3_files)):
        if kind == "k3" and not spec.keras3_h5:
            continue
        reloaded = loader(FIXTURES / files[kind])
        assert_close(predict(reloaded, inputs), expected, f"{files[kind]} reload", RELOAD_TOL)
        layer_info = {"layers": layers, "layer_samples": ZOO_BATCH} if kind == "k2" else {}
        entries.append(model_entry(f"{spec.name}.{kind}", files[kind], major, reloaded,
                                   input_files, out_files, **layer_info))
        if ablation is not None:
            entries[-1]["weight_ablation"] = ablation
    if spec.second_input_shapes is not None:
        entries += record_second_input(spec, rng, files, k2_model, k3_model)
    return entries


def record_second_input(spec: ZooModel, rng: np.random.Generator, files: dict, k2_model, k3_model) -> list[dict]:
    """A model with open input dimensions recorded again at the sizes of `second_input_shapes`: entries for the same
    files with other inputs and outputs."""
    inputs = spec.make_second_inputs(rng) if spec.make_second_inputs is not None else \
        [rng.normal(0, spec.input_std, (ZOO_BATCH, *s)).astype(np.float32) for s in spec.second_input_shapes]
    base = f"zoo/{spec.name}.second"
    input_files = [save_npy(f"{base}.input.npy", inputs[0])] if len(inputs) == 1 else \
        [save_npy(f"{base}.input{i}.npy", x) for i, x in enumerate(inputs)]
    k2_outputs, k3_outputs = predict(k2_model, inputs), predict(k3_model, inputs)
    np.testing.assert_allclose(k2_outputs[0], k3_outputs[0], err_msg=f"{spec.name}: tf_keras vs Keras 3", **CROSS_KERAS_TOL)
    k2_files, k3_files = save_output_files(f"{base}.k2", k2_outputs), save_output_files(f"{base}.k3", k3_outputs)
    entries = []
    for kind, loader, major, expected, out_files in (
            ("k2", load_k2, 2, k2_outputs, k2_files),
            ("k3", load_k3, 3, k3_outputs, k3_files),
            ("keras", load_k3, 3, k3_outputs, k3_files)):
        if kind == "k3" and not spec.keras3_h5:
            continue
        reloaded = loader(FIXTURES / files[kind])
        assert_close(predict(reloaded, inputs), expected, f"{files[kind]} reload at the second sizes", RELOAD_TOL)
        entries.append(model_entry(f"{spec.name}.second.{kind}", files[kind], major, reloaded, input_files, out_files))
    return entries


def generate_zoo() -> list[dict]:
    rng = np.random.default_rng(SEED)
    entries = []
    for spec in ZOO:
        entries += generate_zoo_model(spec, rng if spec.seed is None else np.random.default_rng(spec.seed))
    log(f"  zoo: {len(ZOO)} models x 3 files")
    return entries


# --------------------------------------------------------------------------------------
# E. A small text classifier: Embedding(mask_zero) + LSTM trained briefly with tf_keras (also saved, with the same
#    weights, as Keras 3 .h5 and .keras files)
# --------------------------------------------------------------------------------------

TEXT_VOCABULARY, TEXT_LENGTH, TEXT_TRAIN, TEXT_TEST, TEXT_EPOCHS = 40, 20, 4000, 200, 8
TEXT_SEED = SEED + 62
# Test samples whose embedding-output attributions TensorFlow's GradientTape records.
TEXT_ATTRIBUTION_SAMPLES = 6


def text_task(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of 6..20 tokens (ids 1..39, zero padding at the end) holding token 7 and token 9 once each;
    the class is 1 when 7 comes before 9."""
    fillers = np.array([t for t in range(1, TEXT_VOCABULARY) if t not in (7, 9)])
    ids = np.zeros((count, TEXT_LENGTH), np.int32)
    labels = np.zeros(count, np.int64)
    for i in range(count):
        length = rng.integers(6, TEXT_LENGTH + 1)
        ids[i, :length] = rng.choice(fillers, length)
        first, second = rng.choice(length, 2, replace=False)
        ids[i, first], ids[i, second] = 7, 9
        labels[i] = int(first < second)
    return ids, labels


def text_classifier_model(K):
    layers = K.layers
    return K.Sequential([
        K.Input((TEXT_LENGTH,), name="tokens"),
        layers.Embedding(TEXT_VOCABULARY, 8, mask_zero=True, name="embedding"),
        layers.LSTM(16, name="lstm"),
        layers.Dense(2, activation="softmax", name="dense"),
    ], name="text_classifier")


def record_text_attributions(model, x: np.ndarray, prefix: str) -> None:
    """TensorFlow's gradient × embedding at the Embedding's output (summed over features) for the first test
    samples' predicted classes, and those classes."""
    ids = tf.constant(x[:TEXT_ATTRIBUTION_SAMPLES])
    embedding, lstm, dense = (model.get_layer(n) for n in ("embedding", "lstm", "dense"))
    with tf.GradientTape() as tape:
        values = embedding(ids)
        tape.watch(values)
        probabilities = dense(lstm(values, mask=embedding.compute_mask(ids)))
        classes = tf.argmax(probabilities, axis=1)
        score = tf.reduce_sum(tf.gather(probabilities, classes, batch_dims=1))
    attributions = tf.reduce_sum(tape.gradient(score, values) * values, axis=-1).numpy()
    save_npy(f"text/{prefix}.attribution_classes.npy", np.asarray(classes), dtype="<i8")
    save_npy(f"text/{prefix}.attributions.npy", attributions)


def record_text_keras3(trained, x_test: np.ndarray, y_test: np.ndarray) -> list[dict]:
    """The trained weights in a Keras 3 model, saved as legacy HDF5 (`.k3.h5`) and `.keras`: its outputs and
    attributions as Keras 3 computes them (`text_classifier.k3.*`)."""
    twin = text_classifier_model(keras)
    for layer in twin.layers:
        layer.set_weights(trained.get_layer(layer.name).get_weights())
    output = predict(twin, [x_test])[0]
    assert_close([output], predict(trained, [x_test]), "text_classifier: tf_keras vs Keras 3", CROSS_KERAS_TOL)
    acc = accuracy(output, y_test)
    log(f"  text_classifier (Keras 3): test accuracy {acc:.4f}")
    record_text_attributions(twin, x_test, "text_classifier.k3")
    out_file = save_npy("text/text_classifier.k3.output.npy", output)
    entries = []
    for kind, file in (("k3", "text/text_classifier.k3.h5"), ("keras", "text/text_classifier.keras")):
        twin.save(FIXTURES / file)
        reloaded = load_k3(FIXTURES / file)
        assert_close(predict(reloaded, [x_test]), [output], f"{file} reload", RELOAD_TOL)
        entries.append(model_entry(f"text_classifier.{kind}", file, 3, reloaded, ["text/text_classifier.test_x.npy"],
                                   [out_file], accuracy=acc, labels="text/text_classifier.test_y.npy"))
    return entries


def generate_text_classifier() -> list[dict]:
    """Trains the classifier, records its test outputs and accuracy, and TensorFlow's gradient × embedding at the
    Embedding's output (summed over features) for the first test samples' predicted classes."""
    rng = np.random.default_rng(TEXT_SEED)
    tf_keras.utils.set_random_seed(TEXT_SEED)
    x_train, y_train = text_task(rng, TEXT_TRAIN)
    x_test, y_test = text_task(rng, TEXT_TEST)
    model = text_classifier_model(tf_keras)
    model.compile(optimizer=tf_keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=TEXT_EPOCHS, batch_size=64, verbose=0)
    file = "text/text_classifier.k2.h5"
    model.save(FIXTURES / file)
    reloaded = load_k2(FIXTURES / file)
    output = predict(reloaded, [x_test])[0]
    acc = accuracy(output, y_test)
    log(f"  text_classifier: test accuracy {acc:.4f}")

    record_text_attributions(reloaded, x_test, "text_classifier")
    save_npy("text/text_classifier.attribution_inputs.npy", x_test[:TEXT_ATTRIBUTION_SAMPLES], dtype="<i4")

    save_npy("text/text_classifier.test_x.npy", x_test, dtype="<i4")
    save_npy("text/text_classifier.test_y.npy", y_test, dtype="<i8")
    return [model_entry("text_classifier.k2", file, 2, reloaded, ["text/text_classifier.test_x.npy"],
                        [save_npy("text/text_classifier.k2.output.npy", output)],
                        accuracy=acc, labels="text/text_classifier.test_y.npy"),
            *record_text_keras3(reloaded, x_test, y_test)]


def generate_text_only() -> None:
    """Writes the text classifier alone and puts its entry into the existing manifest (replacing an older one)."""
    with open(FIXTURES / "manifest.json") as f:
        manifest = json.load(f)
    models = [m for m in manifest["models"] if not m["name"].startswith("text_classifier")]
    manifest["models"] = models + generate_text_classifier()
    with open(FIXTURES / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
    log("text classifier written, manifest updated")


# --------------------------------------------------------------------------------------
# D. Odd HDF5 layouts derived from tf_keras zoo files
# --------------------------------------------------------------------------------------

def legacy_list_config(config: dict) -> dict:
    """Keras 2.0-2.2 Sequential config: a bare list of layers, first one with batch_input_shape."""
    layers = [dict(layer) for layer in config["config"]["layers"]]
    assert layers[0]["class_name"] == "InputLayer"
    input_config = layers.pop(0)["config"]
    old_layers = []
    for layer in layers:
        layer_config = {k: v for k, v in layer["config"].items() if k != "batch_input_shape"}
        old_layers.append({"class_name": layer["class_name"], "config": layer_config})
    old_layers[0]["config"]["batch_input_shape"] = input_config["batch_input_shape"]
    return {"class_name": "Sequential", "config": old_layers}


def split_attribute(attrs, name: str, chunks: int) -> None:
    """Replace ``attrs[name]`` by ``name0``, ``name1``, ... as Keras does above 64 KB."""
    values = np.array([v.encode("utf8") if isinstance(v, str) else v for v in attrs[name]])
    del attrs[name]
    for i, chunk in enumerate(np.array_split(values, chunks)):
        attrs[f"{name}{i}"] = chunk


def derived_entry(name: str, file: str, source: dict) -> dict:
    """Manifest entry for a rewritten copy of a tf_keras zoo file, checked by reloading it."""
    model = load_k2(FIXTURES / file)
    outputs = [source["output"]] if "output" in source else source["outputs"]
    inputs = [np.load(FIXTURES / p) for p in source["inputs"]]
    expected = [np.load(FIXTURES / p) for p in outputs]
    assert_close(predict(model, inputs), expected, f"{file} reload", RELOAD_TOL)
    return model_entry(name, file, 2, model, source["inputs"], outputs,
                       layers=source["layers"], layer_samples=source["layer_samples"])


def generate_odd_layouts(zoo_entries: list[dict]) -> list[dict]:
    by_name = {entry["name"]: entry for entry in zoo_entries}

    legacy, legacy_source = "zoo/legacy_list_sequential.h5", by_name["mlp.k2"]
    shutil.copyfile(FIXTURES / legacy_source["file"], FIXTURES / legacy)
    with h5py.File(FIXTURES / legacy, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        f.attrs["model_config"] = json.dumps(legacy_list_config(config))

    chunked, chunked_source = "zoo/chunked_attrs.h5", by_name["batchnorm.k2"]
    shutil.copyfile(FIXTURES / chunked_source["file"], FIXTURES / chunked)
    with h5py.File(FIXTURES / chunked, "r+") as f:
        split_attribute(f["model_weights"].attrs, "layer_names", 3)
        split_attribute(f["model_weights/bn_last"].attrs, "weight_names", 2)

    return [derived_entry("legacy_list_sequential", legacy, legacy_source),
            derived_entry("chunked_attrs", chunked, chunked_source)]


# --------------------------------------------------------------------------------------
# D. HDF5 encodings for the reader: h5/strings.h5 + h5/strings.json
# --------------------------------------------------------------------------------------

def fixed_string_type(size: int, pad: int, cset: int = h5py.h5t.CSET_ASCII):
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(size)
    tid.set_strpad(pad)
    tid.set_cset(cset)
    return tid


def write_fixed_attr(obj, name: str, raw: bytes | list[bytes], size: int, pad: int,
                     cset: int = h5py.h5t.CSET_ASCII) -> None:
    """Write a fixed-length string attribute (scalar or 1-D) with explicit padding/cset."""
    tid = fixed_string_type(size, pad, cset)
    data = np.array(raw, dtype=f"S{size}")
    space = h5py.h5s.create(h5py.h5s.SCALAR) if data.ndim == 0 else \
        h5py.h5s.create_simple(data.shape)
    attr = h5py.h5a.create(obj.id, name.encode(), tid, space)
    attr.write(data, mtype=tid)


def decode_fixed(raw: bytes, pad: str) -> str:
    """HDF5 padding semantics: NULLTERM/NULLPAD stop at NUL, SPACEPAD strips trailing spaces."""
    if pad == "spacepad":
        return raw.rstrip(b" ").decode("utf8")
    return raw.split(b"\0", 1)[0].decode("utf8")


def write_string_attributes(obj, path: str) -> list[dict]:
    """The same set of string attributes on ``obj``; returns their expected values."""
    expected = []

    def expect(name, value, kind, **extra):
        expected.append({"object": path, "name": name, "kind": kind, "value": value, **extra})

    obj.attrs.create("vlen_ascii", "keras lens", dtype=h5py.string_dtype("ascii"))
    expect("vlen_ascii", "keras lens", "vlen_ascii")
    obj.attrs.create("vlen_utf8", "café ✓", dtype=h5py.string_dtype("utf-8"))
    expect("vlen_utf8", "café ✓", "vlen_utf8")
    names = ["conv1d", "dense_1", "café ✓", ""]
    obj.attrs.create("vlen_array", names, dtype=h5py.string_dtype("utf-8"))
    expect("vlen_array", names, "vlen_utf8_array", shape=[len(names)])

    pads = {"nullterm": h5py.h5t.STR_NULLTERM, "nullpad": h5py.h5t.STR_NULLPAD,
            "spacepad": h5py.h5t.STR_SPACEPAD}
    for pad_name, pad in pads.items():
        filler = b" " if pad_name == "spacepad" else b"\0"
        raw = b"abc".ljust(8, filler)
        write_fixed_attr(obj, f"fixed_{pad_name}", raw, 8, pad)
        expect(f"fixed_{pad_name}", decode_fixed(raw, pad_name), f"fixed_{pad_name}", size=8)
        raws = [n.ljust(10, filler) for n in (b"conv2d", b"dense", b"max_pool2d")]
        write_fixed_attr(obj, f"fixed_{pad_name}_array", raws, 10, pad)
        expect(f"fixed_{pad_name}_array", [decode_fixed(r, pad_name) for r in raws],
               f"fixed_{pad_name}_array", size=10, shape=[3])

    # A padded string may fill its whole width (no NUL at all).
    write_fixed_attr(obj, "fixed_full_width", b"abcd", 4, h5py.h5t.STR_NULLPAD)
    expect("fixed_full_width", "abcd", "fixed_nullpad", size=4)
    utf8 = "café ✓".encode("utf8")
    write_fixed_attr(obj, "fixed_utf8", utf8.ljust(12, b"\0"), 12, h5py.h5t.STR_NULLPAD,
                     h5py.h5t.CSET_UTF8)
    expect("fixed_utf8", "café ✓", "fixed_nullpad", size=12)
    # numpy 'S' arrays are what Keras 2.x wrote for layer_names/weight_names (NULLPAD).
    keras2_names = np.array([b"conv1d", b"conv1d_1", b"flatten"])
    obj.attrs["keras2_names"] = keras2_names
    expect("keras2_names", [n.decode() for n in keras2_names], "fixed_nullpad_array",
           size=int(keras2_names.dtype.itemsize), shape=[3])

    # tf_keras writes weight_names of a weightless layer (e.g. Flatten) as this.
    obj.attrs["empty_float64"] = np.array([], dtype=np.float64)
    expect("empty_float64", [], "float64_array", shape=[0])
    chunks = np.array_split(np.array([b"layer_%d" % i for i in range(5)]), 2)
    for i, chunk in enumerate(chunks):
        obj.attrs[f"names{i}"] = chunk
        expect(f"names{i}", [c.decode() for c in chunk], "fixed_nullpad_array",
               size=int(chunk.dtype.itemsize), shape=[len(chunk)])

    obj.attrs["float64_scalar"] = np.float64(0.5)
    expect("float64_scalar", 0.5, "float64_scalar")
    obj.attrs["int32_array"] = np.array([1, -2, 3], dtype=np.int32)
    expect("int32_array", [1, -2, 3], "int32_array", shape=[3])
    return expected


def h5_datasets() -> dict[str, tuple[np.ndarray, dict]]:
    """Dataset path -> (values, h5py create_dataset options)."""
    floats = np.array([[-2.5, -1.0, 0.0], [0.1, 1.25, 65504.0]])
    return {
        "/data/float16": (floats.astype(np.float16), {}),
        "/data/float32": (floats.astype(np.float32), {}),
        "/data/float64": (np.array([np.pi, -1e-300, 1e300, 0.1]), {}),
        "/data/int8": (np.array([-128, -1, 0, 1, 127], dtype=np.int8), {}),
        "/data/int32": (np.array([[-2**31, -1], [0, 2**31 - 1]], dtype=np.int32), {}),
        "/data/int64": (np.array([-2**40, -1, 0, 2**40], dtype=np.int64), {}),
        "/data/uint8": (np.array([0, 1, 128, 255], dtype=np.uint8), {}),
        "/data/uint16": (np.array([0, 1, 65535], dtype=np.uint16), {}),
        "/data/bool_uint8": (np.array([1, 0, 0, 1, 1], dtype=np.uint8), {}),
        "/data/scalar": (np.array(3.25, dtype=np.float32), {}),
        "/data/empty": (np.zeros((0, 3), dtype=np.float32), {}),
        "/data/chunked_gzip": (np.arange(600, dtype=np.float32).reshape(20, 30) / 8.0,
                               {"chunks": (7, 8), "compression": "gzip", "compression_opts": 4}),
        "/g/dense/kernel:0": (np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5, {}),
    }


def generate_h5_strings() -> dict:
    (FIXTURES / "h5").mkdir(parents=True, exist_ok=True)
    expected = {"attributes": [], "datasets": []}
    with h5py.File(FIXTURES / "h5/strings.h5", "w") as f:
        expected["attributes"] += write_string_attributes(f, "/")
        expected["attributes"] += write_string_attributes(f.create_group("g"), "/g")
        for path, (values, options) in h5_datasets().items():
            f.create_dataset(path, data=values, **options)
            expected["datasets"].append({
                "path": path, "dtype": values.dtype.name, "shape": list(values.shape),
                "values": values.reshape(-1).tolist(),  # row-major, flattened
            })
    with open(FIXTURES / "h5/strings.json", "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
    return {"file": "h5/strings.h5", "expected": "h5/strings.json"}


# --------------------------------------------------------------------------------------
# D. Files the importer must refuse
# --------------------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="KerasLens")
class ScaleLayer(keras.layers.Layer):
    """A custom layer: multiplies by a learned per-feature scale."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, inputs):
        return inputs * self.scale


@keras.saving.register_keras_serializable(package="KerasLens")
class TinySubclassedModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(4, name="dense")
        self.scale = ScaleLayer(name="scale")

    def call(self, inputs):
        return self.scale(self.dense(inputs))


def tiny_tf_keras_model(middle, input_shape=(5, 3)):
    return tf_keras.Sequential([tf_keras.Input(input_shape), middle,
                                tf_keras.layers.Flatten(name="flatten"),
                                tf_keras.layers.Dense(2, name="dense")])


def stateful_lstm():
    """An LSTM that keeps its state between calls, which a run from a zero state cannot reproduce."""
    L = tf_keras.layers
    return tf_keras.Sequential([tf_keras.Input((5, 3), batch_size=2),
                                L.LSTM(4, return_sequences=True, stateful=True, name="lstm"),
                                L.Flatten(name="flatten"), L.Dense(2, name="dense")])


def generate_refusals() -> list[dict]:
    (FIXTURES / "refuse").mkdir(parents=True, exist_ok=True)
    L = tf_keras.layers
    cases = []

    stateful_lstm().save(FIXTURES / "refuse/lstm.h5")
    cases.append({"file": "refuse/lstm.h5", "layer": "lstm", "class": "LSTM",
                  "reason": "stateful=True is not supported"})

    tiny_tf_keras_model(L.Lambda(lambda x: 2.0 * x, name="lambda")).save(
        FIXTURES / "refuse/lambda.h5")
    cases.append({"file": "refuse/lambda.h5", "layer": "lambda", "class": "Lambda",
                  "reason": "Lambda layers contain arbitrary Python code"})

    channels_first = tiny_tf_keras_model(
        L.Conv2D(2, 3, data_format="channels_first", name="conv2d"), input_shape=(3, 6, 6))
    channels_first.save(FIXTURES / "refuse/channels_first.h5")
    cases.append({"file": "refuse/channels_first.h5", "layer": "conv2d", "class": "Conv2D",
                  "reason": "data_format channels_first is not supported"})

    tiny_tf_keras_model(L.Conv1D(2, 3, name="conv1d")).save_weights(
        FIXTURES / "refuse/weights_only.h5")
    cases.append({"file": "refuse/weights_only.h5", "layer": None, "class": None,
                  "reason": "weights-only file without model_config"})

    k3_model = keras.Sequential([keras.Input((5, 3)), keras.layers.Dense(2, name="dense")])
    k3_model.save_weights(FIXTURES / "refuse/weights_only.weights.h5")
    cases.append({"file": "refuse/weights_only.weights.h5", "layer": None, "class": None,
                  "reason": "weights-only file without model_config"})

    subclassed = TinySubclassedModel(name="tiny_subclassed_model")
    subclassed(np.zeros((1, 3), dtype=np.float32))
    subclassed.save(FIXTURES / "refuse/subclassed.keras")
    cases.append({"file": "refuse/subclassed.keras", "layer": "tiny_subclassed_model",
                  "class": "TinySubclassedModel",
                  "reason": "subclassed models and custom registered classes are not supported"})
    return cases


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def timed(label: str, step: Callable):
    start = time.time()
    log(f"{label} ...")
    result = step()
    log(f"{label}: {time.time() - start:.1f} s")
    return result


def zoo_model_name(entry: str) -> str:
    """The zoo model a manifest entry records: `mlp.k2` and `open_length.second.k2` → `mlp`, `open_length`."""
    return entry.rsplit(".", 1)[0].removesuffix(".second")


def generate_zoo_only(names: list[str]) -> None:
    """Writes only the named zoo models (which must have their own seed) and puts their entries into the existing
    manifest where a full run would: after the earlier zoo models, before the odd layouts."""
    specs = [spec for spec in ZOO if spec.name in names]
    assert len(specs) == len(names), f"unknown zoo models in {names}"
    assert all(spec.seed is not None for spec in specs), "only zoo models with their own seed can be made alone"
    with open(FIXTURES / "manifest.json") as f:
        manifest = json.load(f)
    order = [spec.name for spec in ZOO]
    for spec in specs:
        entries = generate_zoo_model(spec, np.random.default_rng(spec.seed))
        models = [m for m in manifest["models"] if zoo_model_name(m["name"]) != spec.name]
        position = max(i + 1 for i, m in enumerate(models)
                       if zoo_model_name(m["name"]) in order[:order.index(spec.name)])
        manifest["models"] = models[:position] + entries + models[position:]
    with open(FIXTURES / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
    log(f"zoo models {names} written, manifest updated")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--zoo":
        tf.config.experimental.enable_op_determinism()
        seed_everything()
        generate_zoo_only(sys.argv[2:])
        return
    if sys.argv[1:] == ["--text"]:
        tf.config.experimental.enable_op_determinism()
        seed_everything()
        generate_text_only()
        return
    start = time.time()
    assert SHARED_MODELS.is_dir(), f"course models not found in {SHARED_MODELS}"
    tf.config.experimental.enable_op_determinism()
    seed_everything()
    clean_outputs()

    models = timed("A. MNIST-1D", generate_mnist1d)
    models += timed("B. HMT", generate_hmt)
    zoo_entries = timed("C. zoo", generate_zoo)
    models += zoo_entries
    from generate_sequence import generate_sequence_models
    models += timed("C. sequence models", generate_sequence_models)
    models += timed("D. odd layouts", lambda: generate_odd_layouts(zoo_entries))
    h5 = timed("D. HDF5 strings", generate_h5_strings)
    refuse = timed("D. refusals", generate_refusals)
    models += timed("E. text classifier", generate_text_classifier)

    manifest = {
        "generator": {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__,
                      "keras": keras.__version__, "numpy": np.__version__},
        "models": models,
        "refuse": refuse,
        "h5": h5,
    }
    with open(FIXTURES / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
    log(f"done in {time.time() - start:.1f} s: {len(models)} model entries, "
        f"{len(refuse)} refusal cases")


if __name__ == "__main__":
    main()
