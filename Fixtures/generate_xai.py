"""Generate the explanation fixtures: TensorFlow gradients, Keras ablations and reference maps.

The NumPy/TensorFlow reference of every method in ``docs/METHODS.md``, run on the fixture
models (``Fixtures/MNIST1D.h5``, ``Fixtures/HMT.h5``, a few ``zoo/*.k2.h5``) and on the course
files in ``<repo>/../shared/models`` (read there, never copied). It only reads what
``generate.py`` wrote and writes ``Fixtures/xai/`` plus ``Fixtures/xai/manifest.json``
(schema in ``Fixtures/README.md``). Run from the repository root::

    Fixtures/.venv/bin/python Fixtures/generate_xai.py

Sections of the manifest:

* ``gradients`` -- ``tf.GradientTape`` gradients of one class score per sample (the model's
  output, or the final layer's pre-activation) with respect to named layer outputs and inputs.
* ``ablations`` -- the class score with each channel of a layer switched off, recorded by
  Keras itself: the model split at the layer with the channel zeroed (``activation``), or a
  clone with the kernel's output channel zeroed (``weights``).
* ``maps`` -- the reference maps of the 15 methods, with the random draws (RISE masks, LIME
  perturbations and segments, SmoothGrad noise) saved so that Swift can replay them exactly.

Conventions: a model's class score is ``output.reshape(N, -1)[:, c]`` of its first output;
the default class is the argmax of that row. Formulas are evaluated in float64 NumPy from the
float32 tensors TensorFlow gives; every ``.npy`` is little-endian, C order, no pickles: float32,
class/segment ids and LIME perturbations int32, the 2-D RISE masks float16 (the reference
computes with exactly those float16 values). The run is seeded and uses deterministic
TensorFlow ops; it takes a few minutes on two CPU cores.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import json
import shutil
import sys
import zlib
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import absl.logging
import numpy as np
import scipy
import scipy.ndimage
import skimage
import skimage.filters
import skimage.segmentation
import sklearn
import tensorflow as tf
import tf_keras
import keras
from sklearn.linear_model import LinearRegression

warnings.filterwarnings("ignore")
tf.get_logger().setLevel("ERROR")
absl.logging.set_verbosity(absl.logging.ERROR)
# Two cores are shared with other work: stay within them.
tf.config.threading.set_intra_op_parallelism_threads(2)
tf.config.threading.set_inter_op_parallelism_threads(1)

FIXTURES = Path(__file__).resolve().parent
SHARED_MODELS = FIXTURES.parent.parent / "shared" / "models"
OUT = "xai"                       # everything is written under Fixtures/xai/
SEED = 1512

# Gradients larger than this (per case and layer) keep only a spatial selection of rows/cols.
GRADIENT_LIMIT = 256 * 1024
MNIST1D_GRADIENT_SAMPLES = 16
MNIST1D_ABLATION_SAMPLES = 4
MNIST1D_MAP_SAMPLES = 100


# --------------------------------------------------------------------------------------
# Files, models, batched calls
# --------------------------------------------------------------------------------------

def log(message: str) -> None:
    print(message, flush=True)


def save_npy(rel: str, array, dtype: str = "<f4") -> str:
    """Write ``array`` under Fixtures/ as plain little-endian C-order .npy; return ``rel``."""
    path = FIXTURES / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.ascontiguousarray(np.asarray(array), dtype=dtype), allow_pickle=False)
    return rel


def save_int(rel: str, array) -> str:
    return save_npy(rel, array, dtype="<i4")


def model_path(ref: str) -> Path:
    """``shared:X`` is a course file in ../shared/models; anything else is under Fixtures/."""
    if ref.startswith("shared:"):
        return SHARED_MODELS / ref[len("shared:"):]
    return FIXTURES / ref


def load_inputs(files: list[str], samples: int) -> list[np.ndarray]:
    """The first ``samples`` of each (existing) Fixtures .npy input, as float32."""
    return [np.load(FIXTURES / f)[:samples].astype(np.float32) for f in files]


def spatial_selection(size: int) -> list[int]:
    """Rows/cols kept of large tensors, as generate.py does: unique([0:4, n/2-2:n/2+2, n-4:n])."""
    return [int(i) for i in np.unique(np.r_[0:4, size // 2 - 2:size // 2 + 2, size - 4:size])]


def chunk_size(sample_shape) -> int:
    """Samples per TensorFlow call: bounded so that HMT-sized batches stay small in memory."""
    return int(max(1, min(512, 1_500_000 // int(np.prod(sample_shape)))))


def linear_output_model(net):
    """Same architecture and weights, with the first output layer's activation made linear.

    Its first output is the logit: the final Dense's pre-activation (``target: logit``).
    """
    config = net.get_config()
    output_name = net.output_names[0]
    layer_configs = config["layers"]
    entry = next(c for c in layer_configs if c["config"]["name"] == output_name)
    assert "activation" in entry["config"], f"{output_name} has no built-in activation"
    entry["config"]["activation"] = "linear"
    clone = net.__class__.from_config(config)
    clone.set_weights(net.get_weights())
    return clone


class Subject:
    """A loaded model with its logit twin, batched scores and cached gradient probes."""

    def __init__(self, ref: str):
        self.ref = ref
        self.nets = {"probability": tf_keras.models.load_model(model_path(ref), compile=False)}
        self.net = self.nets["probability"]
        self.input_names = list(self.net.input_names)
        self._probes: dict = {}

    def model(self, target: str):
        """The network whose first output is the score: the model itself, or its linear-output twin."""
        if target not in self.nets:
            assert target == "logit", target
            self.nets["logit"] = linear_output_model(self.net)
        return self.nets[target]

    def outputs(self, inputs: list[np.ndarray], target: str = "probability") -> np.ndarray:
        """The first output, flattened per sample: (N, classes)."""
        net = self.model(target)
        step = chunk_size(inputs[0].shape[1:])
        rows = []
        for start in range(0, len(inputs[0]), step):
            batch = [x[start:start + step] for x in inputs]
            out = net(batch if len(batch) > 1 else batch[0], training=False)
            out = out[0] if isinstance(out, (list, tuple)) else out
            rows.append(np.asarray(out).reshape(len(batch[0]), -1))
        return np.concatenate(rows)

    def predicted(self, inputs: list[np.ndarray]) -> np.ndarray:
        """The default class: argmax of the model's (probability) output."""
        return np.argmax(self.outputs(inputs), axis=1).astype(np.int64)

    def scores(self, inputs: list[np.ndarray], classes, target: str) -> np.ndarray:
        """y(x) for each sample and its class (``classes`` a scalar or one per sample)."""
        out = self.outputs(inputs, target)
        classes = np.broadcast_to(np.asarray(classes), (len(out),))
        return out[np.arange(len(out)), classes]

    def probe(self, target: str, layers: tuple[str, ...]):
        """A model returning the named layers' outputs and then the first output."""
        key = (target, layers)
        if key not in self._probes:
            net = self.model(target)
            first = net.outputs[0]
            self._probes[key] = tf_keras.Model(net.inputs, [layer_tensor(net, n) for n in layers] + [first])
        return self._probes[key]

    def gradients(self, inputs: list[np.ndarray], classes: np.ndarray, target: str,
                  layers: list[str]) -> tuple[np.ndarray, dict, dict]:
        """GradientTape: per-sample scores, layer/input values and d score / d (layer or input).

        ``layers`` may name inputs (``self.input_names``). The score is summed over the batch
        before differentiating, which gives each sample's own gradient (samples don't interact
        at inference).
        """
        inner = tuple(n for n in layers if n not in self.input_names)
        probe = self.probe(target, inner)
        step = chunk_size(inputs[0].shape[1:])
        scores, values, grads = [], {n: [] for n in layers}, {n: [] for n in layers}
        for start in range(0, len(inputs[0]), step):
            xs = [tf.constant(x[start:start + step]) for x in inputs]
            c = tf.constant(classes[start:start + step], dtype=tf.int64)
            with tf.GradientTape() as tape:
                tape.watch(xs)
                outs = probe(xs if len(xs) > 1 else xs[0], training=False)
                outs = outs if isinstance(outs, (list, tuple)) else [outs]
                flat = tf.reshape(outs[-1], (len(c), -1))
                score = tf.gather(flat, c, axis=1, batch_dims=1)
                total = tf.reduce_sum(score)
            sources = list(outs[:-1]) + xs
            result = tape.gradient(total, sources, unconnected_gradients=tf.UnconnectedGradients.ZERO)
            named = dict(zip(inner + tuple(self.input_names), zip(sources, result)))
            scores.append(score.numpy())
            for n in layers:
                values[n].append(named[n][0].numpy())
                grads[n].append(named[n][1].numpy())
        join = lambda d: {n: np.concatenate(v) for n, v in d.items()}
        return np.concatenate(scores), join(values), join(grads)

    def layer_output(self, inputs: list[np.ndarray], layer: str) -> np.ndarray:
        probe = self.probe("probability", (layer,))
        step = chunk_size(inputs[0].shape[1:])
        parts = []
        for start in range(0, len(inputs[0]), step):
            batch = [x[start:start + step] for x in inputs]
            parts.append(np.asarray(probe(batch if len(batch) > 1 else batch[0], training=False)[0]))
        return np.concatenate(parts)


_SUBJECTS: dict[str, Subject] = {}


def layer_tensor(net, name: str):
    """The output KerasLens names `name`: a layer's (first) output, `<layer>:<k>` that of its call k (a shared
    layer), and `…/backward` the second output of a Bidirectional with merge_mode None."""
    call, _, second = name.partition("/")
    layer, _, index = call.partition(":")
    output = net.get_layer(layer).get_output_at(int(index)) if index else net.get_layer(layer).output
    if second:
        assert second == "backward", name
        return output[1]
    return output[0] if isinstance(output, (list, tuple)) else output


def subject(ref: str) -> Subject:
    if ref not in _SUBJECTS:
        _SUBJECTS[ref] = Subject(ref)
    return _SUBJECTS[ref]


# --------------------------------------------------------------------------------------
# Ablations recorded by Keras: split model (activation) and kernel-zeroed clone (weights)
# --------------------------------------------------------------------------------------

def tail_model(net, layer_name: str):
    """The layers after ``layer_name`` of a Sequential model, fed by a new Input of its shape.

    Layers are rebuilt from their configs with copied weights (the loaded model is untouched).
    """
    assert isinstance(net, tf_keras.Sequential), "activation ablation is implemented for Sequential models"
    names = [layer.name for layer in net.layers]
    start = names.index(layer_name) + 1
    inp = tf_keras.Input(tuple(net.get_layer(layer_name).output.shape[1:]))
    x = inp
    for layer in net.layers[start:]:
        copy = layer.__class__.from_config(layer.get_config())
        x = copy(x)
        copy.set_weights(layer.get_weights())
    return tf_keras.Model(inp, x)


def activation_ablation(sub: Subject, x: np.ndarray, classes: np.ndarray, layer: str,
                        channels: list[int], target: str) -> np.ndarray:
    """(samples, channels): y with channel k of the layer's output set to 0, the rest run on."""
    net = sub.model(target)
    tail = tail_model(net, layer)
    A = sub.layer_output([x], layer)
    full = sub.outputs([x], target)
    np.testing.assert_allclose(np.asarray(tail(A, training=False)).reshape(len(x), -1), full, rtol=1e-5, atol=1e-6)
    result = np.zeros((len(x), len(channels)), np.float32)
    step = chunk_size(A.shape[1:])
    for i in range(len(x)):
        batch = np.repeat(A[i:i + 1], len(channels), axis=0)
        for row, k in enumerate(channels):
            batch[row, ..., k] = 0
        out = np.concatenate([np.asarray(tail(batch[s:s + step], training=False)).reshape(-1, full.shape[1])
                              for s in range(0, len(batch), step)])
        result[i] = out[:, classes[i]]
    return result


def weight_ablation(sub: Subject, x: np.ndarray, classes: np.ndarray, layer: str,
                    channels: list[int], zero_bias: bool, target: str) -> np.ndarray:
    """(samples, channels): y of a clone whose kernel output channel k is zero (bias kept or zeroed)."""
    net = sub.model(target)
    clone = tf_keras.models.clone_model(net)
    clone.set_weights(net.get_weights())
    weights = clone.get_layer(layer).get_weights()     # [kernel, bias]
    # The kernel's output channel axis: the last, or the one before the input channels of a transposed convolution.
    channel_axis = -2 if type(clone.get_layer(layer)).__name__.endswith("Transpose") else -1
    result = np.zeros((len(x), len(channels)), np.float32)
    step, width = chunk_size(x.shape[1:]), int(np.prod(net.outputs[0].shape[1:]))
    for row, k in enumerate(channels):
        ablated = [w.copy() for w in weights]
        index = [slice(None)] * ablated[0].ndim
        index[channel_axis] = k
        ablated[0][tuple(index)] = 0
        if zero_bias and len(ablated) > 1:
            ablated[1][k] = 0
        clone.get_layer(layer).set_weights(ablated)
        out = np.concatenate([np.asarray(clone(x[s:s + step], training=False)).reshape(-1, width)
                              for s in range(0, len(x), step)])
        result[:, row] = out[np.arange(len(x)), classes]
    clone.get_layer(layer).set_weights(weights)
    return result


# --------------------------------------------------------------------------------------
# Resizing and normalisation (docs/METHODS.md, "The CAM finish")
# --------------------------------------------------------------------------------------

def relu(a):
    return np.maximum(a, 0)


def norm(m: np.ndarray) -> np.ndarray:
    """M / max(M) when max(M) > 0, else M unchanged."""
    top = m.max()
    return m / top if top > 0 else m


def linear_axis(a: np.ndarray, axis: int, out: int) -> np.ndarray:
    """Half-pixel linear resize of one axis: src = (dst + 0.5) in/out - 0.5, clamped to [0, in-1]."""
    n = a.shape[axis]
    src = np.clip((np.arange(out) + 0.5) * n / out - 0.5, 0, n - 1)
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    t = (src - lo).reshape([-1 if d == axis else 1 for d in range(a.ndim)])
    return np.take(a, lo, axis=axis) * (1 - t) + np.take(a, hi, axis=axis) * t


def resize_linear(a: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    """(Bi)linear half-pixel resize of the leading len(size) axes (later axes, e.g. channels, kept)."""
    for axis, out in enumerate(size):
        a = linear_axis(a, axis, out)
    return a


def resize_nearest(a: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    """src = floor(dst * in / out) on each leading axis (integer arithmetic, exact)."""
    for axis, out in enumerate(size):
        a = np.take(a, (np.arange(out) * a.shape[axis]) // out, axis=axis)
    return a


def resize_spline(a: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    """scipy.ndimage.zoom(M, input_size / layer_size, order=3), scipy's other defaults."""
    out = scipy.ndimage.zoom(a, [o / i for o, i in zip(size, a.shape)], order=3)
    assert out.shape == tuple(size), (out.shape, size)
    return out


def upsample(m: np.ndarray, size: tuple[int, ...], mode: str) -> np.ndarray:
    if mode == "none":
        return m
    return {"spline": resize_spline, "linear": resize_linear, "nearest": resize_nearest}[mode](m, size)


def cam_finish(m: np.ndarray, size: tuple[int, ...], mode: str) -> np.ndarray:
    """norm(upsample(ReLU(M)))."""
    return norm(upsample(relu(m), size, mode))


def channel_masks(A: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    """Score-CAM/SISE masks: each channel linear-resized to the input size, min-max normalised (+1e-8).

    A: (*layer_spatial, K) -> (K, *input_spatial).
    """
    U = resize_linear(A, size)
    axes = tuple(range(len(size)))
    lo, hi = U.min(axis=axes), U.max(axis=axes)
    N = (U - lo) / (hi - lo + 1e-8)
    return np.moveaxis(N, -1, 0)


def masked(x: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """x (*spatial, C) times each spatial mask (n, *spatial), in float32 as the model sees it."""
    return (x[None] * masks[..., None].astype(np.float32)).astype(np.float32)


# --------------------------------------------------------------------------------------
# The explanation context: one model, one batch of samples, one class per sample
# --------------------------------------------------------------------------------------

@dataclass
class Context:
    sub: Subject
    x: np.ndarray                   # (N, *spatial, C) float32
    classes: np.ndarray             # (N,) the explained class per sample
    target: str
    options: dict
    extras: dict = field(default_factory=dict)   # name -> list of per-sample rows
    # Set by the methods that need them: ablation scores (N, K) and clean scores (N,), random draws.
    ablation_scores: np.ndarray | None = None
    ablation_clean: np.ndarray | None = None
    noise: np.ndarray | None = None
    masks: np.ndarray | None = None
    segments: np.ndarray | None = None
    z: np.ndarray | None = None
    # Grad-CAM++: per sample, min |2g² + S g³| / (2g² + |S g³|) (see well_conditioned).
    cancellation: list = field(default_factory=list)

    @property
    def size(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:-1])

    def y(self, batch: np.ndarray, i: int) -> np.ndarray:
        """Scores of sample i's class for a batch of inputs."""
        return self.sub.scores([batch.astype(np.float32)], self.classes[i], self.target).astype(np.float64)

    def layer(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A and g = dy/dA for every sample, float64."""
        _, values, grads = self.sub.gradients([self.x], self.classes, self.target, [name])
        return values[name].astype(np.float64), grads[name].astype(np.float64)

    def input_gradients(self, x: np.ndarray, classes: np.ndarray) -> np.ndarray:
        name = self.sub.input_names[0]
        _, _, grads = self.sub.gradients([x.astype(np.float32)], classes, self.target, [name])
        return grads[name].astype(np.float64)

    def record(self, name: str, row) -> None:
        self.extras.setdefault(name, []).append(np.asarray(row))


def positions(a: np.ndarray) -> tuple[int, ...]:
    """The spatial axes of a per-sample (*spatial, K) array."""
    return tuple(range(a.ndim - 1))


# --------------------------------------------------------------------------------------
# CAM weightings (methods 1-8): each maps one sample's A, g (*spatial, K) to M (*spatial)
# --------------------------------------------------------------------------------------

def gradcam(A, g, ctx, i):
    """w_k = mean_p g_pk; M = sum_k w_k A_k."""
    return A @ g.mean(axis=positions(g))


def gradcam_pp(A, g, ctx, i):
    """alpha = g^2 / (2 g^2 + S_k g^3) (0 where g = 0 or denominator 0); w_k = sum_p ReLU(g) alpha."""
    S = A.sum(axis=positions(A))
    g2, g3 = g ** 2, g ** 3
    denominator = 2 * g2 + S * g3
    ok = (g != 0) & (denominator != 0)
    alpha = np.where(ok, g2 / np.where(ok, denominator, 1), 0)
    # How far the worst denominator is from cancelling, relative to its terms' sizes.
    sizes = 2 * g2 + np.abs(S * g3)
    ctx.cancellation.append(float(np.min(np.abs(denominator)[sizes > 0] / sizes[sizes > 0], initial=1.0)))
    return A @ (relu(g) * alpha).sum(axis=positions(g))


def ablationcam(A, g, ctx, i):
    """w_k = (y - y_k) / y (0 when y = 0), y_k recorded with channel k ablated."""
    y, y_k = ctx.ablation_clean[i], ctx.ablation_scores[i]
    w = (y - y_k) / y if y != 0 else np.zeros_like(y_k)
    return A @ w


def scorecam(A, g, ctx, i):
    """s_k = y(x * N_k) with N_k the normalised, linear-upsampled channel; w = softmax(s)."""
    masks = channel_masks(A, ctx.size)
    s = ctx.y(masked(ctx.x[i], masks), i)
    ctx.record("mask_scores", s)
    w = np.exp(s - s.max())
    return A @ (w / w.sum())


def layercam(A, g, ctx, i):
    """M = sum_k ReLU(g_k) A_k."""
    return (relu(g) * A).sum(axis=-1)


def xgradcam(A, g, ctx, i):
    """w_k = sum_p g A / (sum_p A + 1e-7)."""
    p = positions(A)
    return A @ ((g * A).sum(axis=p) / (A.sum(axis=p) + 1e-7))


def hirescam(A, g, ctx, i):
    """M = sum_k g_k A_k."""
    return (g * A).sum(axis=-1)


def eigencam(A, g, ctx, i):
    """Projection of the centred A on its first right singular vector, sign agreeing with sum_k A."""
    flat = A.reshape(-1, A.shape[-1])
    centred = flat - flat.mean(axis=0)
    v = np.linalg.svd(centred, full_matrices=False)[2][0]
    m = centred @ v
    if np.sum(m * flat.sum(axis=1)) < 0:
        m = -m
    return m.reshape(A.shape[:-1])


CAM_METHODS = {"gradcam": gradcam, "gradcam++": gradcam_pp, "ablationcam": ablationcam,
               "scorecam": scorecam, "layercam": layercam, "xgradcam": xgradcam,
               "hirescam": hirescam, "eigencam": eigencam}


def cam_maps(ctx: Context, method: str, layer: str, upsample_mode: str) -> np.ndarray:
    A, g = ctx.layer(layer)
    if method == "ablationcam":
        channels = list(range(A.shape[-1]))
        if ctx.options["ablation"] == "activation":
            ctx.ablation_scores = activation_ablation(ctx.sub, ctx.x, ctx.classes, layer, channels, ctx.target)
        else:
            ctx.ablation_scores = weight_ablation(ctx.sub, ctx.x, ctx.classes, layer, channels,
                                                  ctx.options["zero_bias"], ctx.target)
        ctx.extras["ablation_scores"] = list(ctx.ablation_scores)
        ctx.ablation_scores = ctx.ablation_scores.astype(np.float64)
        ctx.ablation_clean = ctx.sub.scores([ctx.x], ctx.classes, ctx.target).astype(np.float64)
    weighting = CAM_METHODS[method]
    return np.stack([cam_finish(weighting(A[i], g[i], ctx, i), ctx.size, upsample_mode) for i in range(len(A))])


# --------------------------------------------------------------------------------------
# Gradient methods (9-11)
# --------------------------------------------------------------------------------------

def saliency_raw(grad: np.ndarray) -> np.ndarray:
    """max over channels of |dy/dx|, per sample: (n, *spatial, C) -> (n, *spatial)."""
    return np.abs(grad).max(axis=-1)


def saliency(ctx: Context) -> np.ndarray:
    return np.stack([norm(m) for m in saliency_raw(ctx.input_gradients(ctx.x, ctx.classes))])


def smoothgrad(ctx: Context, noise: np.ndarray) -> np.ndarray:
    """norm(mean_i saliency(x + eps_i)), the class fixed to the clean sample's; eps from the file."""
    maps = []
    for i in range(len(ctx.x)):
        noisy = (ctx.x[i][None] + noise).astype(np.float32)
        grads = ctx.input_gradients(noisy, np.full(len(noise), ctx.classes[i]))
        maps.append(norm(saliency_raw(grads).mean(axis=0)))
    return np.stack(maps)


def integrated_gradients(ctx: Context, steps: int) -> np.ndarray:
    """Baseline 0, right Riemann sum: IG = x * mean_{i=1..m} dy/dx((i/m) x); M = ReLU(sum_ch IG)."""
    alphas = (np.arange(1, steps + 1, dtype=np.float32) / np.float32(steps))
    maps = []
    for i in range(len(ctx.x)):
        path = (alphas.reshape([-1] + [1] * ctx.x[i].ndim) * ctx.x[i][None]).astype(np.float32)
        grads = ctx.input_gradients(path, np.full(steps, ctx.classes[i]))
        ig = ctx.x[i].astype(np.float64) * grads.mean(axis=0)
        maps.append(norm(relu(ig.sum(axis=-1))))
    return np.stack(maps)


# --------------------------------------------------------------------------------------
# Perturbation methods (12-15)
# --------------------------------------------------------------------------------------

def occlusion_windows(size: tuple[int, ...], window: int, stride: int) -> list[tuple[slice, ...]]:
    """Starts 0, s, 2s, ... <= size - window on each axis; windows in row-major order."""
    starts = [range(0, n - window + 1, stride) for n in size]
    grid = np.stack(np.meshgrid(*starts, indexing="ij"), -1).reshape(-1, len(size))
    return [tuple(slice(s, s + window) for s in corner) for corner in grid]


def occlusion(ctx: Context, window: int, stride: int) -> np.ndarray:
    """M_p = mean of (y - y_j) over the windows j covering p (0 where none); norm(ReLU(M))."""
    windows = occlusion_windows(ctx.size, window, stride)
    maps = []
    for i in range(len(ctx.x)):
        batch = np.repeat(ctx.x[i][None], len(windows), axis=0)
        for j, w in enumerate(windows):
            batch[(j,) + w] = 0
        delta = ctx.y(ctx.x[i][None], i)[0] - ctx.y(batch, i)
        ctx.record("occlusion_scores", delta)
        total, count = np.zeros(ctx.size), np.zeros(ctx.size)
        for d, w in zip(delta, windows):
            total[w] += d
            count[w] += 1
        m = np.where(count > 0, total / np.maximum(count, 1), 0)
        maps.append(norm(relu(m)))
    return np.stack(maps)


def rise_masks(rng: np.random.Generator, count: int, size: tuple[int, ...], grid: int,
               p: float = 0.5) -> np.ndarray:
    """RISE masks: binary s(xs) grids, P(1) = p, linear-upsampled to (s+1)C, randomly shifted crops."""
    cells = [int(np.ceil(n / grid)) for n in size]
    masks = np.zeros((count, *size))
    for i in range(count):
        g = (rng.random((grid,) * len(size)) < p).astype(np.float64)
        up = resize_linear(g, tuple((grid + 1) * c for c in cells))
        shift = [int(rng.integers(0, c)) for c in cells]
        masks[i] = up[tuple(slice(d, d + n) for d, n in zip(shift, size))]
    return masks


def rise(ctx: Context, masks: np.ndarray, p: float = 0.5) -> np.ndarray:
    """S = (1/(N p)) sum_i y(x * M_i) M_i; norm(S). ``masks`` exactly as saved (float32/float16)."""
    masks64 = masks.astype(np.float64)
    maps = []
    for i in range(len(ctx.x)):
        s = ctx.y(masked(ctx.x[i], masks), i)
        if len(ctx.x) <= 4:
            ctx.record("mask_scores", s)
        maps.append(norm(np.tensordot(s, masks64, axes=1) / (len(masks) * p)))
    return np.stack(maps)


def lime_segments_1d(length: int, segment_size: int) -> np.ndarray:
    """Contiguous runs of segment_size positions (the last may be shorter)."""
    return np.arange(length) // segment_size


def quickshift_segments(image: np.ndarray) -> np.ndarray:
    """skimage quickshift(kernel_size=4, max_dist=200, ratio=0.2), its other defaults (Lab, seed 42)."""
    labels = skimage.segmentation.quickshift(image, kernel_size=4, max_dist=200, ratio=0.2)
    assert np.array_equal(np.unique(labels), np.arange(labels.max() + 1))
    return labels


def lime_perturbations(rng: np.random.Generator, samples: int, features: int) -> np.ndarray:
    """Z (samples x features): row 0 all ones, the rest 1 with probability 0.5."""
    z = (rng.random((samples, features)) < 0.5).astype(np.int32)
    z[0] = 1
    return z


def lime_weights(z: np.ndarray, kernel_width: float) -> np.ndarray:
    """pi = sqrt(exp(-d^2 / w^2)), d the cosine distance of z to the all-ones row (1 for a zero row)."""
    lengths = np.linalg.norm(z, axis=1) * np.sqrt(z.shape[1])
    d = np.where(lengths > 0, 1 - z.sum(axis=1) / np.where(lengths > 0, lengths, 1), 1.0)
    return np.sqrt(np.exp(-d ** 2 / kernel_width ** 2))


def lime(ctx: Context, segments: np.ndarray, z: np.ndarray, kernel_width: float, features: int) -> np.ndarray:
    """Weighted least squares of y(perturbed) on Z; map = each position's coefficient where positive."""
    pi = lime_weights(z.astype(np.float64), kernel_width)
    keep = z[:, segments]                               # (S, *spatial): 1 where the segment is on
    maps = []
    for i in range(len(ctx.x)):
        f = ctx.y(masked(ctx.x[i], keep), i)
        fit = LinearRegression().fit(z.astype(np.float64), f, sample_weight=pi)
        beta = fit.coef_
        ctx.record("lime_scores", f)
        ctx.record("lime_coefficients", beta)
        ctx.record("lime_intercept", fit.intercept_)
        ctx.record("lime_top_features", np.argsort(-beta, kind="stable")[:features])
        maps.append(np.where(beta[segments] > 0, beta[segments], 0))
    return np.stack(maps)


def sise_default_layers(net) -> list[str]:
    """Every non-global pooling layer, plus the last layer with spatial axes before the output."""
    layers = [l for l in net.layers if type(l).__name__ != "InputLayer"]
    pooling = [l.name for l in layers
               if "Pooling" in type(l).__name__ and not type(l).__name__.startswith("Global")]
    spatial = [l.name for l in layers[:-1] if len(l.output.shape) > 2]
    if spatial and spatial[-1] not in pooling:
        pooling.append(spatial[-1])
    order = [l.name for l in layers]
    return sorted(pooling, key=order.index)


def otsu_mask(f: np.ndarray) -> np.ndarray:
    """[F > otsu(F)] with 256 bins; all zero when F is constant."""
    if f.min() == f.max():
        return np.zeros_like(f)
    return (f > skimage.filters.threshold_otsu(f, nbins=256)).astype(np.float64)


def sise(ctx: Context, layers: list[str]) -> np.ndarray:
    """Per layer V_l = sum over channels with mean gradient > 0 of y(x * N_k) N_k; fused deep to shallow."""
    per_layer = []
    for name in layers:
        A, g = ctx.layer(name)
        maps = []
        for i in range(len(ctx.x)):
            keep = np.flatnonzero(g[i].mean(axis=positions(g[i])) > 0)
            if len(keep) == 0:
                maps.append(np.zeros(ctx.size))
                continue
            masks = channel_masks(A[i][..., keep], ctx.size)
            s = ctx.y(masked(ctx.x[i], masks), i)
            maps.append(np.tensordot(s, masks, axes=1))
        per_layer.append(maps)
    result = []
    for i in range(len(ctx.x)):
        f = norm(per_layer[-1][i])
        for l in range(len(layers) - 2, -1, -1):
            f = norm(f + norm(per_layer[l][i]) * otsu_mask(f))
        result.append(f)
    return np.stack(result)


# --------------------------------------------------------------------------------------
# Gradients section
# --------------------------------------------------------------------------------------

@dataclass
class GradientCase:
    name: str
    model: str
    inputs: list[str]
    samples: int
    layers: list[str]               # layer names; an input's name gives the input gradient
    target: str = "probability"
    classes: list[int] | None = None
    unconnected: list[str] = field(default_factory=list)   # layers the score doesn't depend on (zero gradient)


def gradient_cases(shared: bool) -> list[GradientCase]:
    mnist, hmt = ["mnist1d_test_x.npy"], ["hmt_inputs.npy"]
    attention_inputs = ["zoo/attention_layers.input0.npy", "zoo/attention_layers.input1.npy"]
    n = MNIST1D_GRADIENT_SAMPLES
    cases = [
        GradientCase("mnist1d_fixture.probability", "MNIST1D.h5", mnist, n, ["conv1d_2", "conv1d", "input_1"]),
        GradientCase("mnist1d_fixture.logit", "MNIST1D.h5", mnist, n, ["conv1d_2", "input_1"], "logit"),
        GradientCase("hmt_fixture.probability", "HMT.h5", hmt, 1, ["max_pooling2d_1", "conv2d", "input_3"]),
        GradientCase("zoo.merge", "zoo/merge.k2.h5", ["zoo/merge.input0.npy", "zoo/merge.input1.npy"], 3,
                     ["input_a", "input_b", "multiply", "add3", "concat_last", "concat_axis1"],
                     unconnected=["concat_axis1"]),
        GradientCase("zoo.merge.logit", "zoo/merge.k2.h5", ["zoo/merge.input0.npy", "zoo/merge.input1.npy"], 3,
                     ["input_a", "maximum", "concat_last"], "logit", [0, 7, 29]),
        GradientCase("zoo.batchnorm", "zoo/batchnorm.k2.h5", ["zoo/batchnorm.input.npy"], 3,
                     ["input", "bn_last", "conv", "bn_axis1"]),
        GradientCase("zoo.depthwise_separable", "zoo/depthwise_separable.k2.h5",
                     ["zoo/depthwise_separable.input.npy"], 3, ["input", "depthwise", "depthwise_s2", "separable"]),
        # These two concatenate flattened branches: each sample's explicit class picks one output element in a
        # different branch, so that every listed layer gets a gradient (offsets from the zoo's branch order).
        GradientCase("zoo.pooling2d.a", "zoo/pooling2d.k2.h5", ["zoo/pooling2d.input.npy"], 3,
                     ["input", "max_valid", "max_same_s2", "max_s12"], classes=[20, 70, 150]),
        GradientCase("zoo.pooling2d.b", "zoo/pooling2d.k2.h5", ["zoo/pooling2d.input.npy"], 3,
                     ["input", "avg_valid", "avg_same_s2", "avg_same_s1"], classes=[200, 250, 400]),
        GradientCase("zoo.pooling2d.c", "zoo/pooling2d.k2.h5", ["zoo/pooling2d.input.npy"], 3,
                     ["input", "gmp_keepdims", "gap", "gmp"], classes=[511, 505, 508]),
        GradientCase("zoo.conv2d_variants.a", "zoo/conv2d_variants.k2.h5", ["zoo/conv2d_variants.input.npy"], 3,
                     ["input", "conv_valid", "conv_same_s2", "conv_even_same_s2"], classes=[100, 200, 280]),
        GradientCase("zoo.conv2d_variants.b", "zoo/conv2d_variants.k2.h5", ["zoo/conv2d_variants.input.npy"], 3,
                     ["input", "conv_even_same", "conv_dilated_same", "conv_dilated_valid"],
                     classes=[400, 600, 770]),
        GradientCase("zoo.conv2d_variants.c", "zoo/conv2d_variants.k2.h5", ["zoo/conv2d_variants.input.npy"], 3,
                     ["input", "conv_s21_valid"], classes=[850, 810, 883]),
        # Transposed convolutions: classes in the branches of the listed layers (conv1d_down feeds tconv1d_stacked).
        GradientCase("zoo.conv_transpose_1d.a", "zoo/conv_transpose_1d.k2.h5", ["zoo/conv_transpose_1d.input.npy"], 3,
                     ["input", "tconv1d_same", "tconv1d_valid_s2", "conv1d_down"], classes=[10, 40, 180]),
        GradientCase("zoo.conv_transpose_1d.b", "zoo/conv_transpose_1d.k2.h5", ["zoo/conv_transpose_1d.input.npy"], 3,
                     ["input", "tconv1d_same_s3_op1", "tconv1d_valid_s3_op2", "tconv1d_tap_same_op1"],
                     classes=[100, 140, 160]),
        GradientCase("zoo.conv_transpose_2d.a", "zoo/conv_transpose_2d.k2.h5", ["zoo/conv_transpose_2d.input.npy"], 3,
                     ["input", "tconv_same_s2", "tconv_valid_s23", "tconv_even_same_op1"], classes=[100, 500, 800]),
        GradientCase("zoo.conv_transpose_2d.b", "zoo/conv_transpose_2d.k2.h5", ["zoo/conv_transpose_2d.input.npy"], 3,
                     ["input", "tconv_valid_s3_op21", "tconv_s1", "tconv_same_s32"], classes=[1000, 1380, 1500]),
        GradientCase("zoo.conv_transpose_dilated", "zoo/conv_transpose_dilated.k2.h5",
                     ["zoo/conv_transpose_dilated.input.npy"], 3,
                     ["input", "tconv_dilated_same", "tconv_dilated_valid", "tconv_dilated_even_same"],
                     classes=[30, 150, 240]),
        GradientCase("zoo.unet", "zoo/unet.k2.h5", ["zoo/unet.input.npy"], 3,
                     ["input", "up1", "up2", "up2_relu", "enc1", "bottleneck"], classes=[5, 300, 700]),
        # Back through time: each sample's class is an element of a different recurrent branch (offsets from the
        # zoo's branch order: 28 + 5 + 28 + 5 + 21 + 28 + 3 + 3 outputs, and 56 + 3 + 28 + 21 + 6 + 6).
        GradientCase("zoo.recurrent.a", "zoo/recurrent.k2.h5", ["zoo/recurrent.input.npy"], 3,
                     ["input", "lstm_sequences", "lstm_backwards", "gru_reset_after"], classes=[10, 30, 40]),
        GradientCase("zoo.recurrent.b", "zoo/recurrent.k2.h5", ["zoo/recurrent.input.npy"], 3,
                     ["input", "gru_reset_before", "gru_no_bias", "rnn_sequences"], classes=[62, 70, 100]),
        GradientCase("zoo.recurrent.c", "zoo/recurrent.k2.h5", ["zoo/recurrent.input.npy"], 3,
                     ["input", "rnn_linear", "gru_stacked", "lstm_stacked"], classes=[116, 119, 120]),
        GradientCase("zoo.bidirectional.a", "zoo/bidirectional.k2.h5", ["zoo/bidirectional.input.npy"], 3,
                     ["input", "bi_lstm_concat", "bi_gru_sum", "bi_gru_mul"], classes=[10, 57, 70]),
        GradientCase("zoo.bidirectional.b", "zoo/bidirectional.k2.h5", ["zoo/bidirectional.input.npy"], 3,
                     ["input", "bi_rnn_ave", "bi_lstm_last", "bi_rnn_given"], classes=[100, 110, 117]),
        # Lowered Bidirectional layers (merge_mode None, backward layers of their own): offsets of bidirectional_none's
        # branches 0, 21, 27, 48, 69, 97, 139, 142, 163, 165, 179, 193, 235, 249; masked_none's 0, 3, 5, 7, 9, 13.
        GradientCase("zoo.bidirectional_none.a", "zoo/bidirectional_none.k2.h5", ["zoo/bidirectional_none.input.npy"], 3,
                     ["input", "bi_none_seq", "bi_none_seq/backward", "bi_none_last/backward"], classes=[5, 80, 25]),
        GradientCase("zoo.bidirectional_none.b", "zoo/bidirectional_none.k2.h5", ["zoo/bidirectional_none.input.npy"], 3,
                     ["input", "bi_none_differ/backward", "bi_lstm_gru_concat", "bi_rnn_differ_sum"],
                     classes=[60, 120, 140]),
        GradientCase("zoo.bidirectional_none.c", "zoo/bidirectional_none.k2.h5", ["zoo/bidirectional_none.input.npy"], 3,
                     ["input", "bi_gru_lstm_ave", "bi_lstm_activation_mul", "bi_none_differ"], classes=[150, 164, 30]),
        GradientCase("zoo.bidirectional_none.d", "zoo/bidirectional_none.k2.h5", ["zoo/bidirectional_none.input.npy"], 3,
                     ["input", "bi_shared/backward", "bi_shared:1", "bi_shared:1/backward"], classes=[170, 185, 100]),
        GradientCase("zoo.bidirectional_none.e", "zoo/bidirectional_none.k2.h5", ["zoo/bidirectional_none.input.npy"], 3,
                     ["input", "bi_forward_backwards", "bi_none_forward_backwards", "bi_none_forward_backwards/backward"],
                     classes=[200, 240, 255]),
        GradientCase("zoo.bidirectional_units", "zoo/bidirectional_units.k2.h5", ["zoo/bidirectional_units.input.npy"], 3,
                     ["input", "bi_units_concat", "bi_units_none", "bi_units_none/backward"], classes=[20, 43, 45]),
        GradientCase("zoo.bidirectional_none_masked", "zoo/bidirectional_none_masked.k2.h5",
                     ["zoo/bidirectional_none_masked.input0.npy", "zoo/bidirectional_none_masked.input1.npy"], 3,
                     ["sequence", "bi_none_masked/backward", "bi_none_masked_last/backward", "bi_differ_masked"],
                     classes=[3, 7, 10]),
        GradientCase("zoo.bidirectional_none_masked.b", "zoo/bidirectional_none_masked.k2.h5",
                     ["zoo/bidirectional_none_masked.input0.npy", "zoo/bidirectional_none_masked.input1.npy"], 3,
                     ["sequence", "bi_backwards_masked"], classes=[13, 14, 13]),
        GradientCase("sequence.mnist1d_lstm.logit", "sequence/mnist1d_lstm.k2.h5", mnist, n,
                     ["input", "lstm", "lstm_1"], "logit"),
        GradientCase("sequence.mnist1d_conv_gru", "sequence/mnist1d_conv_gru.k2.h5", mnist, n,
                     ["input", "conv1d", "bidirectional", "gru"]),
        # Attention: back through self, causal and cross multi-head attention and every score of Attention and
        # AdditiveAttention to each input (classes pick elements of different branches of the flattened outputs).
        GradientCase("zoo.mha_self", "zoo/mha_self.k2.h5", ["zoo/mha_self.input.npy"], 3,
                     ["tokens", "mha", "norm", "mha_causal"]),
        GradientCase("zoo.mha_self.logit", "zoo/mha_self.k2.h5", ["zoo/mha_self.input.npy"], 3,
                     ["tokens", "mha"], "logit", [0, 1, 2]),
        GradientCase("zoo.mha_cross", "zoo/mha_cross.k2.h5", ["zoo/mha_cross.input0.npy", "zoo/mha_cross.input1.npy"],
                     3, ["query", "memory", "key_proj", "cross", "cross_shaped"], classes=[1, 13, 40]),
        GradientCase("zoo.attention_layers.a", "zoo/attention_layers.k2.h5", attention_inputs, 3,
                     ["query", "value", "key_proj", "dot", "concat_scores", "additive"], classes=[1, 61, 122]),
        GradientCase("zoo.attention_layers.b", "zoo/attention_layers.k2.h5", attention_inputs, 3,
                     ["query", "value", "additive_plain", "causal", "causal_concat"], classes=[41, 101, 133]),
        GradientCase("zoo.attention_layers.c", "zoo/attention_layers.k2.h5", attention_inputs, 3,
                     ["query", "value", "key_proj", "causal_additive"], classes=[81, 138, 24]),
        # Masked attention (padding in the queries and values): back through the hidden scores and zeroed rows to
        # the embeddings (ids have no gradient).
        GradientCase("zoo.masked_self_attention", "zoo/masked_self_attention.k2.h5",
                     ["zoo/masked_self_attention.input.npy"], 3, ["embedding", "embedding_causal", "mha", "mha_causal"],
                     classes=[0, 1, 2]),
        GradientCase("zoo.masked_cross_attention", "zoo/masked_cross_attention.k2.h5",
                     [f"zoo/masked_cross_attention.input{i}.npy" for i in range(3)], 3,
                     ["query_embedding", "value_embedding", "mha_query_embedding", "mha_value_embedding", "key_proj",
                      "mha_cross", "mha_keyed", "rows", "value_only", "plain_query"], classes=[0, 1, 3]),
    ]
    if shared:
        cases += [
            GradientCase("course_mnist1d.probability", "shared:MNIST1D.h5", mnist, n,
                         ["conv1d_2", "conv1d", "conv1d_input"]),
            GradientCase("course_mnist1d.logit", "shared:MNIST1D.h5", mnist, n,
                         ["conv1d_2", "conv1d", "conv1d_input"], "logit"),
            GradientCase("course_mnist1d.classes", "shared:MNIST1D.h5", mnist, n,
                         ["conv1d_2", "conv1d_input"], "probability", [(3 * i) % 10 for i in range(n)]),
            GradientCase("course_hmt.probability", "shared:HMT.h5", hmt, 1,
                         ["max_pooling2d_1", "conv2d_3", "conv2d_input"]),
            GradientCase("course_hmt.logit", "shared:HMT.h5", hmt, 1,
                         ["max_pooling2d_1", "conv2d_3", "conv2d_input"], "logit", [3]),
        ]
    return cases


def record_gradients(case: GradientCase) -> dict:
    sub = subject(case.model)
    inputs = load_inputs(case.inputs, case.samples)
    classes = np.asarray(case.classes) if case.classes is not None else sub.predicted(inputs)
    scores, _, grads = sub.gradients(inputs, classes, case.target, case.layers)
    base = f"{OUT}/gradients/{case.name}"
    layers = {}
    for name in case.layers:
        grad, entry = grads[name], {}
        # Every layer the score depends on must get a non-zero gradient (else the case tests nothing).
        assert (np.abs(grad).max() == 0) == (name in case.unconnected), f"{case.name}: gradient of {name}"
        if grad.nbytes > GRADIENT_LIMIT:
            assert grad.ndim == 4, f"{case.name}/{name}: cannot select from rank {grad.ndim}"
            rows, cols = spatial_selection(grad.shape[1]), spatial_selection(grad.shape[2])
            grad = grad[:, rows][:, :, cols]
            entry = {"rows": rows, "cols": cols}
        if name in sub.input_names:
            entry["input"] = sub.input_names.index(name)
        layers[name] = {"file": save_npy(f"{base}.{name}.npy", grad), **entry}
    return {"name": case.name, "model": case.model, "inputs": case.inputs, "samples": case.samples,
            "target": case.target, "classes": case.classes,
            "scores": save_npy(f"{base}.scores.npy", scores), "chosen": save_int(f"{base}.chosen.npy", classes),
            "layers": layers}


# --------------------------------------------------------------------------------------
# Ablations section
# --------------------------------------------------------------------------------------

@dataclass
class AblationCase:
    name: str
    model: str
    inputs: list[str]
    samples: int
    layer: str
    mode: str                       # "activation" | "weights"
    zero_bias: bool = False
    target: str = "probability"
    channels: list[int] | None = None


def ablation_cases(shared: bool) -> list[AblationCase]:
    mnist, hmt, n = ["mnist1d_test_x.npy"], ["hmt_inputs.npy"], MNIST1D_ABLATION_SAMPLES
    cases = [
        AblationCase("mnist1d_fixture.conv1d_2.activation", "MNIST1D.h5", mnist, n, "conv1d_2", "activation",
                     channels=[0, 7, 24]),
        AblationCase("mnist1d_fixture.conv1d.weights.logit", "MNIST1D.h5", mnist, n, "conv1d", "weights",
                     target="logit"),
        AblationCase("hmt_fixture.max_pooling2d_1.activation", "HMT.h5", hmt, 1, "max_pooling2d_1", "activation"),
        AblationCase("zoo.unet.up1.weights", "zoo/unet.k2.h5", ["zoo/unet.input.npy"], 3, "up1", "weights"),
        AblationCase("zoo.conv_transpose_2d.tconv_same_s2.weights.zero_bias", "zoo/conv_transpose_2d.k2.h5",
                     ["zoo/conv_transpose_2d.input.npy"], 3, "tconv_same_s2", "weights", zero_bias=True),
    ]
    if shared:
        cases += [
            AblationCase("course_mnist1d.conv1d_2.activation", "shared:MNIST1D.h5", mnist, n, "conv1d_2", "activation"),
            AblationCase("course_mnist1d.conv1d_2.activation.logit", "shared:MNIST1D.h5", mnist, n, "conv1d_2",
                         "activation", target="logit"),
            AblationCase("course_mnist1d.conv1d_2.weights", "shared:MNIST1D.h5", mnist, n, "conv1d_2", "weights"),
            AblationCase("course_mnist1d.conv1d_2.weights.zero_bias", "shared:MNIST1D.h5", mnist, n, "conv1d_2",
                         "weights", zero_bias=True),
            AblationCase("course_hmt.conv2d_3.weights", "shared:HMT.h5", hmt, 1, "conv2d_3", "weights"),
            AblationCase("course_hmt.max_pooling2d_1.activation", "shared:HMT.h5", hmt, 1, "max_pooling2d_1",
                         "activation"),
        ]
    return cases


def record_ablation(case: AblationCase) -> dict:
    sub = subject(case.model)
    x = load_inputs(case.inputs, case.samples)[0]
    classes = sub.predicted([x])
    width = sub.net.get_layer(case.layer).output.shape[-1]
    channels = case.channels if case.channels is not None else list(range(width))
    if case.mode == "activation":
        expected = activation_ablation(sub, x, classes, case.layer, channels, case.target)
    else:
        expected = weight_ablation(sub, x, classes, case.layer, channels, case.zero_bias, case.target)
    base = f"{OUT}/ablations/{case.name}"
    return {"name": case.name, "model": case.model, "inputs": case.inputs, "samples": case.samples,
            "layer": case.layer, "mode": case.mode, "zero_bias": case.zero_bias, "target": case.target,
            "channels": case.channels, "chosen": save_int(f"{base}.chosen.npy", classes),
            "scores": save_npy(f"{base}.scores.npy", sub.scores([x], classes, case.target)),
            "expected": save_npy(f"{base}.npy", expected)}


# --------------------------------------------------------------------------------------
# Maps section
# --------------------------------------------------------------------------------------

# Each method's options as docs/METHODS.md names them (1-D defaults; 2-D cases override).
DEFAULT_OPTIONS = {
    "ablationcam": {"ablation": "activation", "zero_bias": False},
    "smoothgrad": {"noise_level": 0.15, "noise_samples": 50},
    "integrated-gradients": {"steps": 50},
    "occlusion": {"window": 4, "stride": 1},
    "rise": {"masks_count": 2000, "grid": 8, "p": 0.5},
    "lime": {"samples": 300, "kernel_width": 0.25, "segment_size": 4, "features": 4},
}
LIME_2D = {"samples": 300, "kernel_width": 0.25, "kernel_size": 4, "max_dist": 200, "ratio": 0.2, "features": 4}
GRADIENT_METHODS = {"saliency", "smoothgrad", "integrated-gradients", "occlusion", "rise", "lime", "sise"}


@dataclass
class MapCase:
    name: str
    model: str
    inputs: str
    samples: int
    method: str
    layer: str | None = None
    layers: list[str] | None = None          # SISE (resolved to the default when None)
    target: str = "probability"
    classes: list[int] | None = None
    upsample: str | None = "spline"          # CAM methods only; None for the others
    options: dict = field(default_factory=dict)


def map_cases(shared: bool) -> list[MapCase]:
    mnist, hmt, n = "mnist1d_test_x.npy", "hmt_inputs.npy", MNIST1D_MAP_SAMPLES
    labels = np.load(FIXTURES / "mnist1d_test_y.npy")[:n].astype(int).tolist()
    ds, ds_in = "zoo/depthwise_separable.k2.h5", "zoo/depthwise_separable.input.npy"
    c1, c1_in = "zoo/conv1d.k2.h5", "zoo/conv1d.input.npy"
    cases = []
    # The fixture models: a few CAM methods.
    for method in ("gradcam", "gradcam++", "scorecam", "layercam", "eigencam"):
        cases.append(MapCase(f"mnist1d_fixture.{method}", "MNIST1D.h5", mnist, n, method, "conv1d_2"))
    cases.append(MapCase("mnist1d_fixture.gradcam.logit", "MNIST1D.h5", mnist, n, "gradcam", "conv1d_2",
                         target="logit"))
    for method in ("gradcam", "gradcam++", "layercam", "hirescam"):
        cases.append(MapCase(f"hmt_fixture.{method}.none", "HMT.h5", hmt, 2, method, "max_pooling2d_1",
                             upsample="none"))
    cases.append(MapCase("hmt_fixture.gradcam.logit.none", "HMT.h5", hmt, 2, "gradcam", "max_pooling2d_1",
                         target="logit", upsample="none"))
    # Zoo: 1-D and 2-D upsampling from a smaller layer, RISE/SmoothGrad on a small 2-D input.
    for mode in ("spline", "linear", "nearest"):
        cases.append(MapCase(f"zoo.conv1d.gradcam.{mode}", c1, c1_in, 3, "gradcam", "conv_same_s2", upsample=mode))
        cases.append(MapCase(f"zoo.depthwise_separable.gradcam.{mode}", ds, ds_in, 3, "gradcam", "separable",
                             upsample=mode))
    cases.append(MapCase("zoo.depthwise_separable.scorecam.linear", ds, ds_in, 3, "scorecam", "separable",
                         upsample="linear"))
    cases.append(MapCase("zoo.depthwise_separable.rise", ds, ds_in, 3, "rise", upsample=None,
                         options={"masks_count": 1000, "grid": 4, "p": 0.5}))
    cases.append(MapCase("zoo.depthwise_separable.smoothgrad", ds, ds_in, 3, "smoothgrad", upsample=None))
    cases.append(MapCase("zoo.depthwise_separable.saliency", ds, ds_in, 3, "saliency", upsample=None))
    # A [time, features] layer: Grad-CAM and HiResCAM at the self-attention layer of a transformer block ([T] maps).
    for method in ("gradcam", "hirescam"):
        cases.append(MapCase(f"zoo.mha_self.{method}", "zoo/mha_self.k2.h5", "zoo/mha_self.input.npy", 3, method, "mha",
                             upsample="none"))
    # Transposed convolutions: every CAM method at the U-Net's last up path layer (at the input's resolution), with
    # weight ablation (the reference ablates activations of Sequential models only), gradient methods back through
    # the whole U-Net; 1-D at a transposed layer and below one.
    un, un_in = "zoo/unet.k2.h5", "zoo/unet.input.npy"
    for method in (m for m in CAM_METHODS if m != "ablationcam"):
        cases.append(MapCase(f"zoo.unet.up1.{method}.none", un, un_in, 3, method, "up1", upsample="none"))
    cases += [
        MapCase("zoo.unet.up1.ablationcam.weights.none", un, un_in, 3, "ablationcam", "up1", upsample="none",
                options={"ablation": "weights", "zero_bias": False}),
        MapCase("zoo.unet.saliency", un, un_in, 3, "saliency", upsample=None),
        MapCase("zoo.unet.integrated-gradients", un, un_in, 3, "integrated-gradients", upsample=None),
    ]
    ct1, ct1_in = "zoo/conv_transpose_1d.k2.h5", "zoo/conv_transpose_1d.input.npy"
    for layer in ("tconv1d_stacked", "conv1d_down"):
        cases.append(MapCase(f"zoo.conv_transpose_1d.{layer}.gradcam.linear", ct1, ct1_in, 3, "gradcam", layer,
                             classes=[180, 185, 190], upsample="linear"))
    # Recurrent MNIST-1D classifiers: the time axis of a returned sequence, or of the convolution before the GRUs,
    # plays the spatial role; gradient and perturbation methods on the input.
    lstm, conv_gru = "sequence/mnist1d_lstm.k2.h5", "sequence/mnist1d_conv_gru.k2.h5"
    for method in ("gradcam", "gradcam++", "layercam", "scorecam"):
        cases.append(MapCase(f"sequence.mnist1d_lstm.lstm.{method}.logit", lstm, mnist, 20, method, "lstm",
                             target="logit"))
    for layer in ("conv1d", "bidirectional"):
        cases.append(MapCase(f"sequence.mnist1d_conv_gru.{layer}.gradcam.linear", conv_gru, mnist, 20, "gradcam",
                             layer, upsample="linear"))
    cases.append(MapCase("sequence.mnist1d_conv_gru.conv1d.ablationcam.weights", conv_gru, mnist, 10, "ablationcam",
                         "conv1d", options={"ablation": "weights", "zero_bias": False}))
    for method in ("saliency", "integrated-gradients", "occlusion"):
        cases.append(MapCase(f"sequence.mnist1d_lstm.{method}.logit", lstm, mnist, 20, method, target="logit",
                             upsample=None))
        cases.append(MapCase(f"sequence.mnist1d_conv_gru.{method}", conv_gru, mnist, 20, method, upsample=None))
    if not shared:
        return cases

    # The course MNIST-1D model at conv1d_2, first 100 test samples: all 15 methods, each for both targets
    # (probability maps of samples with p > 0.99 are ill-conditioned in float32; see well_conditioned).
    course_m = "shared:MNIST1D.h5"
    for target in ("probability", "logit"):
        suffix = "" if target == "probability" else ".logit"
        for method in CAM_METHODS:
            cases.append(MapCase(f"course_mnist1d.{method}{suffix}", course_m, mnist, n, method, "conv1d_2",
                                 target=target))
        for method in ("saliency", "smoothgrad", "integrated-gradients", "occlusion", "rise", "lime", "sise"):
            cases.append(MapCase(f"course_mnist1d.{method}{suffix}", course_m, mnist, n, method, target=target,
                                 upsample=None))
    cases += [
        MapCase("course_mnist1d.gradcam.labels", course_m, mnist, n, "gradcam", "conv1d_2", classes=labels),
        MapCase("course_mnist1d.ablationcam.weights", course_m, mnist, n, "ablationcam", "conv1d_2",
                options={"ablation": "weights", "zero_bias": False}),
        MapCase("course_mnist1d.ablationcam.weights.zero_bias.logit", course_m, mnist, n, "ablationcam", "conv1d_2",
                target="logit", options={"ablation": "weights", "zero_bias": True}),
        MapCase("course_mnist1d.sise.three_layers.logit", course_m, mnist, n, "sise",
                layers=["conv1d", "conv1d_1", "conv1d_2"], target="logit", upsample=None),
    ]

    # The course HMT model: the 8 CAM methods at both layers (layer resolution), 2 samples.
    course_h = "shared:HMT.h5"
    for layer in ("max_pooling2d_1", "conv2d_3"):
        for method in CAM_METHODS:
            cases.append(MapCase(f"course_hmt.{layer}.{method}.none", course_h, hmt, 2, method, layer,
                                 upsample="none"))
    cases += [
        MapCase("course_hmt.conv2d_3.ablationcam.weights.none", course_h, hmt, 1, "ablationcam", "conv2d_3",
                upsample="none", options={"ablation": "weights", "zero_bias": False}),
        MapCase("course_hmt.max_pooling2d_1.gradcam.logit.classes.none", course_h, hmt, 2, "gradcam",
                "max_pooling2d_1", target="logit", classes=[0, 3], upsample="none"),
        MapCase("course_hmt.max_pooling2d_1.gradcam.spline", course_h, hmt, 1, "gradcam", "max_pooling2d_1"),
        MapCase("course_hmt.max_pooling2d_1.gradcam.linear", course_h, hmt, 1, "gradcam", "max_pooling2d_1",
                upsample="linear"),
        MapCase("course_hmt.saliency", course_h, hmt, 1, "saliency", upsample=None),
        MapCase("course_hmt.integrated-gradients", course_h, hmt, 1, "integrated-gradients", upsample=None),
        MapCase("course_hmt.occlusion", course_h, hmt, 1, "occlusion", upsample=None,
                options={"window": 32, "stride": 16}),
        MapCase("course_hmt.sise", course_h, hmt, 1, "sise", upsample=None),
        MapCase("course_hmt.lime", course_h, hmt, 1, "lime", upsample=None, options=dict(LIME_2D)),
    ]
    return cases


def draws_key(case: MapCase) -> str:
    """Draw files are shared by the cases of one model, method and input (e.g. both targets)."""
    stem = case.model.replace("shared:", "course_").replace("zoo/", "").replace(".h5", "")
    return f"{stem}.{case.method}.{Path(case.inputs).stem}{case.samples}"


def random_draws(case: MapCase, ctx: Context, options: dict) -> dict:
    """Create and save the random draws a stochastic method replays; returns the manifest keys."""
    key = draws_key(case)
    rng = np.random.default_rng(SEED + zlib.crc32(key.encode()) % 100_000)
    base = f"{OUT}/maps/draws/{key}"
    x = ctx.x
    if case.method == "smoothgrad":
        # eps ~ N(0, sigma^2), sigma = noise_level * (max x - min x) of the first sample; the same eps for all.
        sigma = options["noise_level"] * float(x[0].max() - x[0].min())
        ctx.noise = (rng.standard_normal((options["noise_samples"], *x.shape[1:])) * sigma).astype(np.float32)
        return {"noise": save_npy(f"{base}.noise.npy", ctx.noise)}
    if case.method == "rise":
        masks = rise_masks(rng, options["masks_count"], ctx.size, options["grid"], options["p"])
        dtype = "<f2" if len(ctx.size) == 2 else "<f4"
        ctx.masks = masks.astype(dtype)         # the reference uses exactly the saved values
        return {"masks": save_npy(f"{base}.masks.npy", ctx.masks, dtype=dtype)}
    if case.method == "lime":
        keys = {}
        if len(ctx.size) == 1:
            ctx.segments = lime_segments_1d(ctx.size[0], options["segment_size"])
        else:
            assert len(x) == 1, "2-D LIME cases use one sample (one segmentation)"
            ctx.segments = quickshift_segments(x[0]).astype(np.int32)
            keys["segments"] = save_int(f"{base}.segments.npy", ctx.segments)
        ctx.z = lime_perturbations(rng, options["samples"], int(ctx.segments.max()) + 1)
        keys["perturbations"] = save_int(f"{base}.perturbations.npy", ctx.z)
        return keys
    return {}


def compute_maps(case: MapCase, ctx: Context, options: dict) -> np.ndarray:
    method = case.method
    if method in CAM_METHODS:
        return cam_maps(ctx, method, case.layer, case.upsample)
    if method == "saliency":
        return saliency(ctx)
    if method == "smoothgrad":
        return smoothgrad(ctx, ctx.noise)
    if method == "integrated-gradients":
        return integrated_gradients(ctx, options["steps"])
    if method == "occlusion":
        return occlusion(ctx, options["window"], options["stride"])
    if method == "rise":
        return rise(ctx, ctx.masks, options["p"])
    if method == "lime":
        return lime(ctx, ctx.segments, ctx.z, options["kernel_width"], options["features"])
    if method == "sise":
        return sise(ctx, case.layers)
    raise ValueError(method)


# Probability scores above this make float32 maps implementation-dependent (1 - p is rounded to ulps of 1).
CONDITIONING_LIMIT = 0.99
#: The relative input perturbation whose effect on SmoothGrad and integrated gradients stands for float32 rounding.
ROUNDING_PERTURBATION = 1e-6
GRADCAM_PP_CANCELLATION = 1e-2


def well_conditioned(sub: Subject, x: np.ndarray, classes: np.ndarray, target: str) -> np.ndarray:
    """1 per sample unless the probability target of a softmax model is above CONDITIONING_LIMIT.

    Near p = 1, float32 holds 1 - p only to ~6e-8, and the score's gradient (p (1 - p) for the class
    itself) and differences y - y_k (ablation, occlusion) are that rounding: on the course MNIST-1D
    model, Grad-CAM from TF's float32 gradient and from an exact softmax gradient differ by up to 0.43
    after normalisation on such samples, and by < 1e-5 on samples with p <= 0.99.
    """
    output = sub.net.get_layer(sub.net.output_names[0]).get_config()
    if target == "logit" or output.get("activation") != "softmax":
        return np.ones(len(x), np.int32)
    return (sub.scores([x], classes, target) <= CONDITIONING_LIMIT).astype(np.int32)


def well_separated(cancellation: list[float], samples: int) -> np.ndarray:
    """1 per sample unless a Grad-CAM++ denominator nearly cancels (below GRADCAM_PP_CANCELLATION of its terms).

    There α = g² / (2g² + S g³) turns float32 rounding of the gradient into large changes: at the MNIST-1D LSTM's
    `lstm` layer, perturbing A and g by 1e-6 relative moves the normalised map by up to 2.5e-4 on a sample whose
    denominator is 2.5e-3 of its terms, and by < 2e-5 on samples above 1e-2.
    """
    if not cancellation:
        return np.ones(samples, np.int32)
    return (np.asarray(cancellation) >= GRADCAM_PP_CANCELLATION).astype(np.int32)


def rounding_sensitivity(case: MapCase, ctx: Context, options: dict, maps: np.ndarray) -> np.ndarray:
    """Per sample, how far float32 rounding alone moves a gradient-averaging map (SmoothGrad, integrated gradients):
    the largest change of the reference's own map when each input value is scaled by 1 + ROUNDING_PERTURBATION ·
    N(0, 1) (two draws). Tens of gradient passes through a ReLU network each hold pre-activations within rounding of
    zero, where two engines' summation orders take different sides of the kink: on the course MNIST-1D model a
    change of summation order in KerasLens's forward convolutions alone moves the SmoothGrad logit map by 1.4e-3."""
    rng = np.random.default_rng(SEED + 3)
    worst = np.zeros(len(ctx.x))
    for _ in range(2):
        moved = (ctx.x * (1 + ROUNDING_PERTURBATION * rng.standard_normal(ctx.x.shape))).astype(np.float32)
        change = np.abs(compute_maps(case, replace(ctx, x=moved), options) - maps).reshape(len(maps), -1).max(axis=1)
        worst = np.maximum(worst, change)
    return worst


def record_map(case: MapCase) -> dict:
    sub = subject(case.model)
    x = load_inputs([case.inputs], case.samples)[0]
    classes = np.asarray(case.classes) if case.classes is not None else sub.predicted([x])
    options = {**DEFAULT_OPTIONS.get(case.method, {}), **case.options}
    if "kernel_size" in options:                # 2-D LIME: quickshift superpixels, no segment_size
        options.pop("segment_size")
    if case.method == "sise":
        options["default_layers"] = case.layers is None
        case.layers = case.layers or sise_default_layers(sub.net)
    ctx = Context(sub, x, classes, case.target, options)
    base = f"{OUT}/maps/{case.name}"
    draws = random_draws(case, ctx, options)
    maps = compute_maps(case, ctx, options)
    extras = {"scores": save_npy(f"{base}.scores.npy", sub.scores([x], classes, case.target)),
              "well_conditioned": save_int(f"{base}.well_conditioned.npy", well_conditioned(sub, x, classes, case.target)
                                           & well_separated(ctx.cancellation, len(x)))}
    if case.method in ("smoothgrad", "integrated-gradients"):
        extras["rounding_sensitivity"] = save_npy(f"{base}.rounding_sensitivity.npy",
                                                  rounding_sensitivity(case, ctx, options, maps))
    for key, rows in ctx.extras.items():
        dtype = "<i4" if key == "lime_top_features" else "<f4"
        extras[key] = save_npy(f"{base}.{key}.npy", np.stack(rows), dtype=dtype)
    return {"name": case.name, "model": case.model, "inputs": [case.inputs], "samples": case.samples,
            "method": case.method, "layer": case.layer, "layers": case.layers, "target": case.target,
            "classes": case.classes, "chosen": save_int(f"{base}.chosen.npy", classes),
            "upsample": case.upsample, "options": options, **draws,
            "expected": save_npy(f"{base}.npy", maps), "extras": extras}


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def timed_section(label: str, cases, record) -> list[dict]:
    start = time.time()
    entries = []
    for case in cases:
        t = time.time()
        entries.append(record(case))
        log(f"  {case.name}: {time.time() - t:.1f} s")
    log(f"{label}: {len(entries)} entries in {time.time() - start:.1f} s")
    return entries


def record_only(names: list[str]) -> None:
    """Records only the named cases (of any section) and puts them into the existing manifest: replacing entries of
    the same name, else after the section's last entry. Leaves every other file as it is."""
    shared = SHARED_MODELS.is_dir()
    tf.config.experimental.enable_op_determinism()
    tf.random.set_seed(SEED)
    np.random.seed(SEED)
    with open(FIXTURES / OUT / "manifest.json") as f:
        manifest = json.load(f)
    sections = {"gradients": (gradient_cases(shared), record_gradients),
                "ablations": (ablation_cases(shared), record_ablation),
                "maps": (map_cases(shared), record_map)}
    found = set()
    for key, (cases, record) in sections.items():
        for case in (c for c in cases if c.name in names):
            found.add(case.name)
            entry = record(case)
            entries = manifest[key]
            at = next((i for i, e in enumerate(entries) if e["name"] == case.name), None)
            if at is None:
                entries.append(entry)
            else:
                entries[at] = entry
            log(f"  {key}: {case.name}")
    assert found == set(names), f"unknown cases {sorted(set(names) - found)}"
    with open(FIXTURES / OUT / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--only":
        record_only(sys.argv[2:])
        return
    start = time.time()
    shared = SHARED_MODELS.is_dir()
    assert shared, f"course models not found in {SHARED_MODELS}"
    tf.config.experimental.enable_op_determinism()
    tf.random.set_seed(SEED)
    np.random.seed(SEED)
    shutil.rmtree(FIXTURES / OUT, ignore_errors=True)

    manifest = {
        "generator": {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__, "keras": keras.__version__,
                      "numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__,
                      "scikit-image": skimage.__version__},
        "gradients": timed_section("gradients", gradient_cases(shared), record_gradients),
        "ablations": timed_section("ablations", ablation_cases(shared), record_ablation),
        "maps": timed_section("maps", map_cases(shared), record_map),
    }
    with open(FIXTURES / OUT / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
    log(f"done in {time.time() - start:.1f} s: " + ", ".join(
        f"{len(manifest[k])} {k}" for k in ("gradients", "ablations", "maps")))


if __name__ == "__main__":
    main()
