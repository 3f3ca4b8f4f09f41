"""Time the course's Python way of explaining the course models, per sample, on this machine.

The baseline `keraslens explain` is compared with (issue 3, "Speed"): the ECE1512 course code ran Keras/TensorFlow
directly, one sample at a time:

* Grad-CAM through ``tf.GradientTape`` on a model returning (layer output, prediction), then the weighted sum,
  ReLU, ``scipy.ndimage.zoom(order=3)`` to the input size and division by the max;
* Ablation-CAM by re-running the whole model once per channel: ``model.predict`` on a clone whose kernel channel k
  of the layer is zeroed;
* LIME calling ``model.predict`` once per perturbation (300) and fitting a weighted linear regression.

Models: the course files ``../shared/models/MNIST1D.h5`` (layer ``conv1d_2``) and ``HMT.h5`` (``max_pooling2d_1``;
Ablation-CAM there zeroes the kernel of ``conv2d_3``, the convolution that feeds it, since pooling has no kernel).
Inputs: ``Fixtures/mnist1d_test_x.npy`` and ``Fixtures/hmt_inputs.npy``. TensorFlow keeps its default threading and
oneDNN settings, as a course user would have them. Each figure is the median (and min-max) of the per-sample time
over a few runs after one warm-up run. Run from the repository root::

    Fixtures/.venv/bin/python Benchmarks/course_python.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import scipy.ndimage
import tensorflow as tf
import tf_keras
from sklearn.linear_model import LinearRegression

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "models"
FIXTURES = ROOT / "Fixtures"


def load(name: str):
    return tf_keras.models.load_model(SHARED / name, compile=False)


# --------------------------------------------------------------------------------------
# The three course procedures, one sample at a time
# --------------------------------------------------------------------------------------

def gradcam(model, grad_model, x: np.ndarray) -> np.ndarray:
    """Grad-CAM of the predicted class for one sample x (with batch axis 1)."""
    with tf.GradientTape() as tape:
        activations, predictions = grad_model(x)
        score = predictions[:, tf.argmax(predictions[0])]
    grads = tape.gradient(score, activations)
    axes = tuple(range(1, len(activations.shape) - 1))
    weights = tf.reduce_mean(grads, axis=axes)[0]
    cam = np.maximum(np.tensordot(activations[0].numpy(), weights.numpy(), axes=1), 0)
    factors = [i / l for i, l in zip(x.shape[1:-1], cam.shape)]
    cam = scipy.ndimage.zoom(cam, factors, order=3)
    return cam / cam.max() if cam.max() > 0 else cam


def ablationcam(model, clone, layer: str, explained: str, x: np.ndarray) -> np.ndarray:
    """Ablation-CAM: model.predict on a clone with each kernel channel of `layer` zeroed in turn."""
    probabilities = model.predict(x, verbose=0)[0]
    c = int(np.argmax(probabilities))
    y = probabilities[c]
    kernel, bias = model.get_layer(layer).get_weights()
    scores = []
    for k in range(kernel.shape[-1]):
        ablated = kernel.copy()
        ablated[..., k] = 0
        clone.get_layer(layer).set_weights([ablated, bias])
        scores.append(clone.predict(x, verbose=0)[0, c])
    clone.get_layer(layer).set_weights([kernel, bias])
    activations = tf_keras.Model(model.inputs, model.get_layer(explained).output)(x)[0].numpy()
    weights = (y - np.array(scores)) / y
    cam = np.maximum(np.tensordot(activations, weights, axes=1), 0)
    return cam / cam.max() if cam.max() > 0 else cam


def lime_1d(model, x: np.ndarray, rng: np.random.Generator, samples: int = 300, segment: int = 4,
            kernel_width: float = 0.25) -> np.ndarray:
    """LIME with contiguous segments, one model.predict call per perturbation."""
    length = x.shape[1]
    segments = np.arange(length) // segment
    features = segments.max() + 1
    c = int(np.argmax(model.predict(x, verbose=0)[0]))
    z = (rng.random((samples, features)) < 0.5).astype(np.float64)
    z[0] = 1
    scores = []
    for row in z:
        perturbed = x * row[segments][None, :, None]
        scores.append(model.predict(perturbed, verbose=0)[0, c])
    norms = np.linalg.norm(z, axis=1) * np.sqrt(features)
    distance = np.where(norms > 0, 1 - z.sum(axis=1) / np.where(norms > 0, norms, 1), 1)
    weights = np.sqrt(np.exp(-distance ** 2 / kernel_width ** 2))
    beta = LinearRegression().fit(z, np.array(scores), sample_weight=weights).coef_
    return np.maximum(beta[segments], 0)


# --------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------

def per_sample_times(run, samples: list[np.ndarray], runs: int) -> list[float]:
    """Seconds per call of run(x), over `runs` samples after one warm-up call."""
    run(samples[0])
    times = []
    for i in range(runs):
        start = time.perf_counter()
        run(samples[i % len(samples)])
        times.append(time.perf_counter() - start)
    return times


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a rough figure)")
    args = parser.parse_args()
    runs = {"gradcam": 5 if args.quick else 20, "ablation": 2 if args.quick else 5, "lime": 1 if args.quick else 3}

    mnist_x = np.load(FIXTURES / "mnist1d_test_x.npy")[:32].astype(np.float32)
    hmt_x = np.load(FIXTURES / "hmt_inputs.npy")[:4].astype(np.float32)
    mnist_samples = [mnist_x[i:i + 1] for i in range(len(mnist_x))]
    hmt_samples = [hmt_x[i:i + 1] for i in range(len(hmt_x))]
    mnist, hmt = load("MNIST1D.h5"), load("HMT.h5")

    rows = []

    def measure(method, model_name, layer, run, samples, count):
        times = per_sample_times(run, samples, count)
        rows.append((method, model_name, layer, statistics.median(times), min(times), max(times), count))
        print(f"  {method} {model_name}: {fmt(statistics.median(times))}", flush=True)

    for name, model, layer, samples, ablated in (("MNIST1D", mnist, "conv1d_2", mnist_samples, "conv1d_2"),
                                                 ("HMT", hmt, "max_pooling2d_1", hmt_samples, "conv2d_3")):
        grad_model = tf_keras.Model(model.inputs, [model.get_layer(layer).output, model.output])
        measure("Grad-CAM (GradientTape)", name, layer, lambda x: gradcam(model, grad_model, x), samples,
                runs["gradcam"] if name == "MNIST1D" else max(3, runs["gradcam"] // 4))
        clone = tf_keras.models.clone_model(model)
        clone.set_weights(model.get_weights())
        channels = model.get_layer(ablated).get_weights()[0].shape[-1]
        measure(f"Ablation-CAM ({channels} x predict, {ablated} kernel)", name, layer,
                lambda x: ablationcam(model, clone, ablated, layer, x), samples, runs["ablation"])
    rng = np.random.default_rng(0)
    measure("LIME (300 x predict)", "MNIST1D", "-", lambda x: lime_1d(mnist, x, rng), mnist_samples, runs["lime"])

    print()
    print(f"{'method':48s} {'model':8s} {'layer':16s} {'median/sample':>14s} {'min':>10s} {'max':>10s} {'runs':>5s}")
    for method, model_name, layer, median, low, high, count in rows:
        print(f"{method:48s} {model_name:8s} {layer:16s} {fmt(median):>14s} {fmt(low):>10s} {fmt(high):>10s} {count:>5d}")
    print(f"\nTensorFlow {tf.__version__}, tf_keras {tf_keras.__version__}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
