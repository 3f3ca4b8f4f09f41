"""Time KerasLens against TensorFlow and onnxruntime on the same machine, in the same run, and print ratios.

Rows (issue 6): MNIST-1D one sample (latency) and 1000 samples (throughput); HMT one image and a batch of 32.
Issue 15 adds the keras.applications backbones of `backbones.py` (ResNet50, MobileNetV2, Xception, DenseNet121,
VGG16, InceptionV3 at 224×224, generated on first use into the ignored `.build-bench-cache/`): one image, a batch of
32, Grad-CAM at the last spatial layer for one image and for 8 in one call, and for one image saliency and
integrated gradients (50 steps) against GradientTape. Issue 14 adds recurrent models (`sequences.py`: LSTM(128) and GRU(128) over 1,000 sequences of 100
steps, and the MNIST-1D LSTM fixture on its test set, with saliency, integrated gradients and Grad-CAM over 200 of its
samples against TensorFlow's GradientTape). `--only TEXT` (repeatable) keeps the rows whose name contains TEXT and
loads only their models (`--only ResNet50`, `--only "1 image" --only "batch of 32"`).
Columns: ours (`keraslens bench --json`, timed inside its own process with the model loaded once), TensorFlow
(tf-keras `Model.predict` and a `tf.function` of the model call), onnxruntime on tf2onnx's conversion of the Keras
model, and onnxruntime on our own `keraslens convert MODEL -o X.onnx` export. Every figure is the median (and
min-max) wall time of one run over `--repeats` timed runs, spread over `--rounds` interleaved rounds (each engine
warmed up for `WARMUP` seconds first in every round: ours starts a new process each round, and a new process's second
core runs at half speed for up to ~100 ms on the VMs here); the ratio is ours / the best other column.

Models: the course files in ``../shared/models`` when present, else the bundled fixtures. Inputs: the MNIST-1D test
set and the HMT fixture crops, repeated to the batch size, written once as ``.npy`` so every engine sees the same
numbers. Run through ``Benchmarks/run.sh`` (which builds the release binary and the virtual environment), or::

    .build-bench-venv/bin/python Benchmarks/compare.py --keraslens .build/release/keraslens [--repeats 10] [--json]

Adding a row: append a `Row` to the list in `main()` with ours as `keraslens bench` arguments and a callable per
other engine (see `Row`). Explanation rows (Grad-CAM, Ablation-CAM, LIME) are in `explanation_rows()`, ours timed
through ``keraslens bench MODEL --explain METHOD --layer L``; whole commands (start-up, `evaluate`) in
`process_rows()`; recurrent models in `sequence_rows()`; backbones in `backbone_rows()`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "models"
FIXTURES = ROOT / "Fixtures"
#: Model files at least this large get no tf2onnx export (see `Workload.tf2onnx`).
TF2ONNX_FILE_LIMIT = 300 << 20
#: Seconds of untimed runs before each engine's timed runs in a round (`keraslens bench --warmup`'s default too).
WARMUP = 0.25
#: Integrated gradients' path points (`keraslens explain --steps`' default).
IG_STEPS = 50
#: Images of the batched Grad-CAM rows.
CAM_BATCH = 8


@dataclass
class Timing:
    """Seconds per timed run."""

    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def cell(self) -> str:
        return f"{format_seconds(self.median)} ({format_seconds(min(self.seconds))}–{format_seconds(max(self.seconds))})"

    def as_dict(self) -> dict:
        return {"median_s": self.median, "min_s": min(self.seconds), "max_s": max(self.seconds)}


def format_seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:.1f} µs"
    if value < 1:
        return f"{value * 1e3:.2f} ms"
    return f"{value:.2f} s"


def measure(body: Callable[[], object], repeats: int, warmup: float = WARMUP) -> Timing:
    """Runs `body` untimed for `warmup` seconds (at least once), then `repeats` times timed: wall clock and warm-up
    as `keraslens bench`."""
    end = time.perf_counter() + warmup
    body()
    while time.perf_counter() < end:
        body()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        seconds.append(time.perf_counter() - start)
    return Timing(seconds)


@dataclass
class Row:
    """One workload: ours is a `keraslens bench` argument list (timed in its process), the others callables."""

    name: str
    ours: list[str]
    others: dict[str, Callable[[], object]] = field(default_factory=dict)
    #: The row whose ours time this row's is also given as a multiple of (explanations against inference).
    forward: str | None = None
    #: Whole-process rows: `ours` is a `keraslens` command line timed from start to exit, the others callables
    #: that time a whole process too; `repeats` (if set) replaces `--repeats` for slow commands.
    process: bool = False
    repeats: int | None = None
    #: The model whose engines the callables run: released after the last row that uses it.
    workload: Workload | None = None


class Workload:
    """A model file with its inputs and, loaded on first use and dropped by `release()`, its Keras model, a
    `tf.function` of it and onnxruntime sessions on tf2onnx's export and on ours: rows are built for every model,
    but only the models of the rows `--only` keeps are loaded, one backbone at a time."""

    def __init__(self, path: Path, keraslens: str, scratch: Path, inputs: np.ndarray, own_process: bool = False):
        self.path, self.keraslens, self.scratch, self.inputs = path, keraslens, scratch, inputs
        #: Whether its rows are timed in a process of their own (`time_in_child`; the backbones).
        self.own_process = own_process
        #: tf2onnx's export of VGG16 (a 528 MB file) grew past 23 GB of memory here and was killed (measured: over
        #: 8 GB and rising while the Keras model and its `tf.function` held 1.3 GB), so files this large get no
        #: "ORT (tf2onnx)" column; onnxruntime still runs our export of them.
        self.tf2onnx = path.stat().st_size < TF2ONNX_FILE_LIMIT
        self._loaded: dict | None = None

    @property
    def onnx_path(self) -> Path:
        """Our `keraslens convert` export, written on first use."""
        path = self.scratch / (self.path.stem + ".onnx")
        if not path.exists():
            subprocess.run([self.keraslens, "convert", str(self.path), "-o", str(path)], check=True, stdout=subprocess.DEVNULL)
        return path

    def _load(self) -> dict:
        if self._loaded is None:
            import onnxruntime as ort
            import tensorflow as tf
            import tf2onnx
            import tf_keras

            print(f"loading {self.path.name} …", file=sys.stderr)
            model = tf_keras.models.load_model(self.path, compile=False)
            spec = tf.TensorSpec((None,) + tuple(model.input_shape[1:]), tf.float32, name="input")
            function = tf.function(lambda x: model(x, training=False), input_signature=[spec])
            options = ort.SessionOptions()
            self._loaded = {"keras": model, "function": function,
                            "onnx_ours": ort.InferenceSession(str(self.onnx_path), options, providers=["CPUExecutionProvider"])}
            if self.tf2onnx:
                proto, _ = tf2onnx.convert.from_function(function, input_signature=[spec], opset=17)
                session = ort.InferenceSession(proto.SerializeToString(), options, providers=["CPUExecutionProvider"])
                if len(session.get_inputs()) > 1:
                    # the function's export leaves EfficientNet's Normalization statistics as graph inputs; the
                    # Keras model's export freezes them
                    proto, _ = tf2onnx.convert.from_keras(model, input_signature=[spec], opset=17)
                    session = ort.InferenceSession(proto.SerializeToString(), options, providers=["CPUExecutionProvider"])
                self._loaded["onnx_tf2onnx"] = session
        return self._loaded

    @property
    def keras(self):
        return self._load()["keras"]

    @property
    def function(self) -> Callable:
        return self._load()["function"]

    @property
    def onnx_tf2onnx(self):
        return self._load()["onnx_tf2onnx"]

    @property
    def onnx_ours(self):
        return self._load()["onnx_ours"]

    def release(self) -> None:
        """Drops the loaded engines (a backbone's are hundreds of megabytes)."""
        self._loaded = None


def course_model(name: str, keraslens: str, scratch: Path, inputs: np.ndarray) -> Workload:
    path = SHARED / name if (SHARED / name).exists() else FIXTURES / name
    return Workload(path, keraslens, scratch, inputs)


def onnx_call(work: Workload, session: str, batch: np.ndarray) -> Callable[[], object]:
    """Runs `work`'s onnxruntime session `session` ("onnx_tf2onnx" or "onnx_ours") on `batch`."""
    def call():
        model = getattr(work, session)
        return model.run(None, {model.get_inputs()[0].name: batch})
    return call


def inference_row(label: str, work: Workload, keraslens_input: Path, samples: int, batch_size: int) -> Row:
    import tensorflow as tf

    batch = work.inputs[:samples]
    tensor = tf.constant(batch)
    others = {
        "TF predict": lambda: work.keras.predict(batch, batch_size=batch_size, verbose=0),
        "TF function": lambda: work.function(tensor).numpy(),
        "ORT (tf2onnx)": onnx_call(work, "onnx_tf2onnx", batch),
        "ORT (our .onnx)": onnx_call(work, "onnx_ours", batch),
    }
    if not work.tf2onnx:
        del others["ORT (tf2onnx)"]
    return Row(
        name=label,
        ours=[str(work.path), "--input", str(keraslens_input), "--samples", str(samples), "--batch-size", str(batch_size)],
        others=others,
        workload=work,
    )


def backbone_rows(keraslens: str, scratch: Path, selected: Callable[[str], bool]) -> list[Row]:
    """Per backbone of `backbones.NAMES` (224×224, generated on first use): one image, a batch of 32, Grad-CAM at the
    family's last spatial layer of one image and of 8 in one call (what `explain` does with a folder of images),
    saliency and integrated gradients of one image. Only backbones with a `selected` row are generated."""
    import backbones

    rows = []
    for name in backbones.NAMES:
        labels = [f"{name} 1 image", f"{name} batch of 32", f"{name} Grad-CAM, 1", f"{name} saliency, 1",
                  f"{name} integrated gradients ({IG_STEPS}), 1", f"{name} Grad-CAM, {CAM_BATCH}"]
        if not any(selected(label) for label in labels):
            continue
        inputs = backbones.inputs_path()
        work = Workload(backbones.model_path(name), keraslens, scratch, np.load(inputs), own_process=True)
        rows.append(inference_row(labels[0], work, inputs, 1, 1))
        rows.append(inference_row(labels[1], work, inputs, 32, 32))
        layer = backbones.LAST_SPATIAL[name]
        rows.append(Row(labels[2], [str(work.path), "--input", str(inputs), "--samples", "1", "--layer", layer,
                                    "--explain", "gradcam"],
                        {"TF GradientTape": gradcam_tape(work, layer)}, forward=labels[0], workload=work))
        rows.append(Row(labels[5], [str(work.path), "--input", str(inputs), "--samples", str(CAM_BATCH), "--batch-size",
                                    str(CAM_BATCH), "--layer", layer, "--explain", "gradcam"],
                        {"TF GradientTape": gradcam_tape(work, layer, CAM_BATCH)}, workload=work))
        sample = [str(work.path), "--input", str(inputs), "--samples", "1"]
        rows.append(Row(labels[3], sample + ["--explain", "saliency"], {"TF GradientTape": saliency_tape(work)},
                        forward=labels[0], workload=work))
        rows.append(Row(labels[4], sample + ["--explain", "integrated-gradients"],
                        {"TF GradientTape": integrated_gradients_tape(work, IG_STEPS)}, forward=labels[0], workload=work))
    return rows


def sequence_rows(keraslens: str, scratch: Path, selected: Callable[[str], bool]) -> list[Row]:
    """Recurrent models (issue 14): LSTM(128) and GRU(128) over 1,000 sequences of 100 steps (`sequences.NAMES`,
    generated on first use), and the MNIST-1D LSTM fixture on its 1,000 test samples, each in one batch; saliency,
    integrated gradients and Grad-CAM of 200 of those samples against `gradient_tape`."""
    import sequences

    rows = []
    for name in sequences.NAMES:
        label = f"{name}(128) 1000 × 100 steps"
        if selected(label):
            inputs = sequences.inputs_path()
            work = Workload(sequences.model_path(name), keraslens, scratch, np.load(inputs))
            rows.append(inference_row(label, work, inputs, sequences.COUNT, sequences.COUNT))
    label = "MNIST-1D LSTM 1000 samples"
    inputs = FIXTURES / "mnist1d_test_x.npy"
    lstm = Workload(FIXTURES / "sequence" / "mnist1d_lstm.k2.h5", keraslens, scratch, np.load(inputs))
    if selected(label):
        rows.append(inference_row(label, lstm, inputs, 1000, 1000))
    count = 200
    for method, label, layer in (("saliency", "saliency", None), ("integrated-gradients", "integrated gradients", None),
                                 ("gradcam", "Grad-CAM at lstm", "lstm")):
        label = f"MNIST-1D LSTM {label}, {count}"
        if selected(label):
            ours = [str(lstm.path), "--input", str(inputs), "--samples", str(count), "--explain", method]
            rows.append(Row(label, ours + (["--layer", layer] if layer else []),
                            {"TF GradientTape": gradient_tape(lstm, method, count, layer)}, workload=lstm))
    return rows


def gradient_tape(work: Workload, method: str, count: int, layer: str | None) -> Callable[[], object]:
    """`method`'s maps for the first `count` samples, each for its predicted class's probability, through
    `tf.GradientTape` in a `tf.function`, all samples in one batch (integrated gradients: 50 right-Riemann steps from a
    zero baseline, the samples' steps in one batch of `count` × 50, as ours takes them)."""
    built: dict[int, Callable] = {}
    steps = 50

    def normalized(maps):
        import tensorflow as tf
        return maps / tf.maximum(tf.reduce_max(maps, axis=1, keepdims=True), 1e-12)

    def explain_function() -> Callable:
        import tensorflow as tf
        import tf_keras

        keras = work.keras
        if id(keras) in built:
            return built[id(keras)]
        if method == "gradcam":
            grad_model = tf_keras.Model(keras.inputs, [keras.get_layer(layer).output, keras.output])

            @tf.function
            def explain(x):
                with tf.GradientTape() as tape:
                    activations, predictions = grad_model(x, training=False)
                    score = tf.reduce_sum(tf.reduce_max(predictions, axis=1))
                grads = tape.gradient(score, activations)
                weights = tf.reduce_mean(grads, axis=1, keepdims=True)
                return normalized(tf.nn.relu(tf.reduce_sum(activations * weights, axis=-1)))
        elif method == "saliency":
            @tf.function
            def explain(x):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    score = tf.reduce_sum(tf.reduce_max(keras(x, training=False), axis=1))
                return normalized(tf.reduce_max(tf.abs(tape.gradient(score, x)), axis=-1))
        else:
            alphas = tf.reshape(tf.range(1, steps + 1, dtype=tf.float32) / steps, (1, steps, 1, 1))

            @tf.function
            def explain(x):
                classes = tf.argmax(keras(x, training=False), axis=1)
                variants = tf.reshape(alphas * x[:, None], (-1,) + tuple(x.shape[1:]))
                with tf.GradientTape() as tape:
                    tape.watch(variants)
                    predictions = keras(variants, training=False)
                    score = tf.reduce_sum(tf.gather(predictions, tf.repeat(classes, steps), batch_dims=1))
                grads = tf.reshape(tape.gradient(score, variants), (-1, steps) + tuple(x.shape[1:]))
                integrated = tf.reduce_mean(grads, axis=1) * x
                return normalized(tf.nn.relu(tf.reduce_sum(integrated, axis=-1)))
        built.clear()
        built[id(keras)] = explain
        return explain

    def run():
        import tensorflow as tf
        return explain_function()(tf.constant(work.inputs[:count])).numpy()
    return run


def explanation_rows(keraslens: str, mnist: Workload, hmt: Workload, inputs: dict[str, Path]) -> list[Row]:
    """Explanation workloads, one sample each, ours timed by `keraslens bench --explain`; `forward` names the
    inference row whose time they are compared with (issue 6: Grad-CAM ≤ 3×, Ablation-CAM ≤ 5× our forward).
    Empty when the binary has no `--explain`."""
    help_text = subprocess.run([keraslens, "bench", "--help"], capture_output=True, text=True).stdout
    if "--explain" not in help_text:
        return []
    rows = []
    for label, work, layer in (("MNIST-1D", mnist, "conv1d_2"), ("HMT", hmt, "max_pooling2d_1")):
        base = [str(work.path), "--input", str(inputs[label]), "--samples", "1", "--layer", layer]
        forward = f"{label} 1 " + ("sample" if label == "MNIST-1D" else "image")
        rows.append(Row(f"{label} Grad-CAM, 1", base + ["--explain", "gradcam"],
                        {"TF GradientTape": gradcam_tape(work, layer)}, forward=forward, workload=work))
        rows.append(Row(f"{label} Ablation-CAM, 1", base + ["--explain", "ablationcam"], forward=forward))
    rows.append(Row("MNIST-1D LIME (300), 1", [str(mnist.path), "--input", str(inputs["MNIST-1D"]), "--samples", "1",
                                               "--explain", "lime"], forward="MNIST-1D 1 sample"))
    return rows


def tape_call(work: Workload, build: Callable, count: int = 1) -> Callable[[], object]:
    """Runs on `work`'s first `count` samples the `tf.function` that `build(keras_model)` makes, built for the loaded
    Keras model (again after a `release`)."""
    built: dict[int, Callable] = {}

    def function() -> Callable:
        keras = work.keras
        if id(keras) not in built:
            built.clear()
            built[id(keras)] = build(keras)
        return built[id(keras)]

    x = work.inputs[:count]
    return lambda: function()(x).numpy()


def gradcam_tape(work: Workload, layer: str, count: int = 1) -> Callable[[], object]:
    """Grad-CAM of each sample's predicted class for `count` samples in one call through `tf.GradientTape` in a
    `tf.function` (the map is the ReLU of the gradient-weighted channel sum at the layer's resolution; the gradient of
    the scores' sum is each sample's own)."""
    def build(keras):
        import tensorflow as tf
        import tf_keras

        grad_model = tf_keras.Model(keras.inputs, [keras.get_layer(layer).output, keras.output])

        @tf.function
        def cam(x):
            with tf.GradientTape() as tape:
                activations, predictions = grad_model(x, training=False)
                score = tf.reduce_sum(tf.gather(predictions, tf.argmax(predictions, axis=1), batch_dims=1))
            grads = tape.gradient(score, activations)
            axes = list(range(1, len(activations.shape) - 1))
            weights = tf.reduce_mean(grads, axis=axes, keepdims=True)
            return tf.nn.relu(tf.reduce_sum(activations * weights, axis=-1))
        return cam
    return tape_call(work, build, count)


def saliency_tape(work: Workload) -> Callable[[], object]:
    """Saliency of the predicted class for one sample: `max_ch |∂y/∂x|` through `tf.GradientTape` in a `tf.function`."""
    def build(keras):
        import tensorflow as tf

        @tf.function
        def saliency(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                predictions = keras(x, training=False)
                score = tf.gather(predictions[0], tf.argmax(predictions[0]))
            return tf.reduce_max(tf.abs(tape.gradient(score, x)), axis=-1)
        return saliency
    return tape_call(work, build)


def integrated_gradients_tape(work: Workload, steps: int) -> Callable[[], object]:
    """Integrated gradients of the predicted class for one sample from a zero baseline, `steps` points of the path
    in one batch (our method's right Riemann sum), through `tf.GradientTape` in a `tf.function`."""
    def build(keras):
        import tensorflow as tf

        alphas = tf.reshape(tf.range(1, steps + 1, dtype=tf.float32) / steps, (steps, 1, 1, 1))

        @tf.function
        def integrated(x):
            predicted = tf.argmax(keras(x, training=False)[0])
            path = alphas * x
            with tf.GradientTape() as tape:
                tape.watch(path)
                scores = tf.gather(keras(path, training=False), predicted, axis=1)
            gradients = tape.gradient(scores, path)
            return tf.nn.relu(tf.reduce_sum(x[0] * tf.reduce_mean(gradients, axis=0), axis=-1))
        return integrated
    return tape_call(work, build)


def ours(keraslens: str, arguments: list[str], repeats: int) -> Timing:
    result = subprocess.run([keraslens, "bench", *arguments, "--repeats", str(repeats), "--warmup", str(WARMUP),
                             "--json"],
                            check=True, capture_output=True, text=True)
    return Timing(json.loads(result.stdout)["seconds"])


def process_rows(keraslens: str, mnist: Workload, hmt: Workload, scratch: Path) -> list[Row]:
    """Whole commands, start to exit: start-up (issue 6: `keraslens predict` on MNIST1D.h5 for one sample ≤ 50 ms,
    against a Python process that imports onnxruntime and runs our .onnx on the same sample) and the full
    `evaluate` runs (ours only: no Python tool computes the same table)."""
    one = scratch / "mnist_one.npy"
    np.save(one, mnist.inputs[:1])
    onnx = mnist.onnx_path
    script = ("import numpy, onnxruntime; s = onnxruntime.InferenceSession(%r, providers=['CPUExecutionProvider']); "
              "s.run(None, {s.get_inputs()[0].name: numpy.load(%r)})" % (str(onnx), str(one)))
    python = [sys.executable, "-c", script]
    mnist_eval = [str(mnist.path), "--input", str(FIXTURES / "mnist1d_test_x.npy"), "--labels",
                  str(FIXTURES / "mnist1d_test_y.npy"), "--layer", "conv1d_2"]
    hmt_eval = [str(hmt.path), "--input", str(FIXTURES / "hmt_inputs.npy"), "--layer", "max_pooling2d_1",
                "--methods", "gradcam,gradcam++,ablationcam", "--no-curves"]
    return [
        Row("start-up: predict 1 MNIST-1D sample", ["predict", str(mnist.path), "--input", str(one)],
            {"ORT process": lambda: subprocess.run(python, check=True, stdout=subprocess.DEVNULL)}, process=True),
        Row("evaluate MNIST-1D 1000 × 4 methods", ["evaluate", *mnist_eval], process=True, repeats=2),
        Row("evaluate HMT 8 × 3 CAMs, no curves", ["evaluate", *hmt_eval], process=True, repeats=2),
    ]


def whole_process(keraslens: str, arguments: list[str]) -> Callable[[], object]:
    return lambda: subprocess.run([keraslens, *arguments], check=True, stdout=subprocess.DEVNULL)


def time_row(row: Row, keraslens: str, repeats: int, rounds: int) -> tuple[Timing, dict[str, Timing]]:
    """Times every engine of a row in `rounds` interleaved rounds of `repeats / rounds` runs each, so that the load
    of a shared machine, which drifts over seconds, falls on all columns alike."""
    repeats = row.repeats or repeats
    rounds = min(rounds, repeats)
    per_round = max(1, repeats // rounds)
    mine: list[float] = []
    others: dict[str, list[float]] = {name: [] for name in row.others}
    for _ in range(rounds):
        if row.process:  # one untimed run brings the binary and the files into the page cache
            mine += measure(whole_process(keraslens, row.ours), per_round, warmup=0).seconds
        else:
            mine += ours(keraslens, row.ours, per_round).seconds
        for name, body in row.others.items():
            others[name] += measure(body, per_round, warmup=0 if row.process else WARMUP).seconds
    return Timing(mine), {name: Timing(seconds) for name, seconds in others.items()}


def print_table(results: list[tuple[Row, Timing, dict[str, Timing]]]) -> None:
    columns = ["ours"] + sorted({name for _, _, others in results for name in others}, key=column_order)
    header = ["workload"] + columns + ["ours / best other", "ours / our forward"]
    forward = {row.name: mine.median for row, mine, _ in results}
    lines = []
    for row, mine, others in results:
        cells = [row.name, mine.cell()] + [others[c].cell() if c in others else "–" for c in columns[1:]]
        best = min(others.items(), key=lambda item: item[1].median) if others else None
        cells.append(f"{mine.median / best[1].median:.2f} (vs {best[0]})" if best else "–")
        cells.append(f"{mine.median / forward[row.forward]:.1f}×" if row.forward in forward else "–")
        lines.append(cells)
    widths = [max(len(str(cells[i])) for cells in lines + [header]) for i in range(len(header))]
    for cells in [header, ["-" * w for w in widths]] + lines:
        print(" | ".join(str(c).ljust(w) for c, w in zip(cells, widths)))


def column_order(name: str) -> int:
    order = ["TF predict", "TF function", "ORT (tf2onnx)", "ORT (our .onnx)", "TF GradientTape"]
    return order.index(name) if name in order else len(order)


def time_in_child(rows: list[Row], args: argparse.Namespace) -> list[tuple[Row, Timing, dict[str, Timing]]]:
    """Times one backbone's `rows` in a fresh Python process: TensorFlow and onnxruntime keep the memory of a model's
    largest batch until their process ends, and all six backbones in one process grew past the 24 GB here."""
    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder) / "results.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--keraslens", args.keraslens, "--repeats",
                   str(args.repeats), "--rounds", str(args.rounds), "--results", str(results)]
        for row in rows:
            command += ["--only", row.name]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        timings = json.loads(results.read_text())
    return [(row, Timing(timings[row.name]["ours"]),
             {name: Timing(seconds) for name, seconds in timings[row.name]["others"].items()}) for row in rows]


def cpu_model() -> str:
    """The CPU's model name (with family and model: a VM may say only "AMD EPYC"), core count and vector extension as
    `lscpu` gives them, and our kernels' instruction set when `KERASLENS_ISA` caps it (speed claims name the CPU)."""
    fields = {key.strip(): value.strip() for key, value in
              (line.split(":", 1) for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
               if ":" in line)}
    vector = "AVX-512" if "avx512f" in fields.get("Flags", "").split() else "AVX2"
    capped = f", ours on KERASLENS_ISA={os.environ['KERASLENS_ISA']}" if "KERASLENS_ISA" in os.environ else ""
    return (f"{fields.get('Model name', '?')} (family {fields.get('CPU family', '?')} model {fields.get('Model', '?')}), "
            f"{vector}, {os.cpu_count()} CPUs{capped}")


def repeated(array: np.ndarray, count: int) -> np.ndarray:
    return np.ascontiguousarray(np.resize(array, (count,) + array.shape[1:]).astype(np.float32))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keraslens", default=str(ROOT / ".build" / "release" / "keraslens"))
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per engine and row, over all rounds")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds the repeats are spread over")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON object")
    parser.add_argument("--only", action="append",
                        help="run only rows whose name contains this text (repeat for several; a row matching any runs)")
    parser.add_argument("--results", help=argparse.SUPPRESS)  # a child of `time_in_child`: write timings here, no table
    args = parser.parse_args()

    import tensorflow as tf
    import onnxruntime as ort

    print(f"TensorFlow {tf.__version__}, onnxruntime {ort.__version__}, {os.cpu_count()} CPUs", file=sys.stderr)
    def selected(name: str) -> bool:
        return args.only is None or any(text in name for text in args.only)

    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        mnist_x = repeated(np.load(FIXTURES / "mnist1d_test_x.npy"), 1000)
        hmt_x = repeated(np.load(FIXTURES / "hmt_inputs.npy"), 32)
        np.save(scratch / "mnist.npy", mnist_x)
        np.save(scratch / "hmt.npy", hmt_x)
        mnist = course_model("MNIST1D.h5", args.keraslens, scratch, mnist_x)
        hmt = course_model("HMT.h5", args.keraslens, scratch, hmt_x)
        rows = [
            inference_row("MNIST-1D 1 sample", mnist, scratch / "mnist.npy", 1, 1),
            inference_row("MNIST-1D 1000 samples", mnist, scratch / "mnist.npy", 1000, 1000),
            inference_row("HMT 1 image", hmt, scratch / "hmt.npy", 1, 1),
            inference_row("HMT batch of 32", hmt, scratch / "hmt.npy", 32, 32),
        ] + explanation_rows(args.keraslens, mnist, hmt, {"MNIST-1D": scratch / "mnist.npy", "HMT": scratch / "hmt.npy"}) \
          + process_rows(args.keraslens, mnist, hmt, scratch) + sequence_rows(args.keraslens, scratch, selected) \
          + backbone_rows(args.keraslens, scratch, selected)
        rows = [row for row in rows if selected(row.name)]
        results = []
        index = 0
        while index < len(rows):
            row = rows[index]
            if row.workload and row.workload.own_process and not args.results:
                group = [later for later in rows[index:] if later.workload is row.workload]
                results += time_in_child(group, args)
                index += len(group)
                continue
            print(f"timing {row.name} …", file=sys.stderr)
            mine, others = time_row(row, args.keraslens, args.repeats, args.rounds)
            results.append((row, mine, others))
            if row.workload and all(later.workload is not row.workload for later in rows[index + 1:]):
                row.workload.release()
            index += 1
        if args.results:
            Path(args.results).write_text(json.dumps({row.name: {"ours": mine.seconds, "others": {name: timing.seconds
                                                                  for name, timing in others.items()}}
                                                      for row, mine, others in results}))
            return
    print(f"models: {mnist.path}, {hmt.path}, backbones in {ROOT / '.build-bench-cache'}; {cpu_model()}; "
          f"median (min–max) of {args.repeats} runs in {args.rounds} interleaved rounds")
    print_table(results)
    if args.json:
        print(json.dumps([{"workload": row.name, "ours": mine.as_dict(),
                           **{name: timing.as_dict() for name, timing in others.items()}}
                          for row, mine, others in results]))


if __name__ == "__main__":
    main()
