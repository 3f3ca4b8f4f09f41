"""Checks KerasLens's exports against other runtimes, model by model over Fixtures/manifest.json (and the
keras.applications backbones in .build-zoo-cache/manifest.json when Fixtures/generate_applications.py wrote them).

For each model: `keraslens convert` to ONNX, `onnx.checker` (full check), onnxruntime on the recorded inputs
compared with Keras's recorded outputs (|a - e| <= atol + rtol * |e|); and `keraslens convert` to the native
format, opened with the Python `safetensors` package to show that a plain safetensors reader reads it. Prints a
table and exits 1 on any failure. Run through scripts/check-onnx.sh, which sets up the virtual environment.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from safetensors import safe_open

ATOL = 1e-5
RTOL = 1e-4


def resolve(root, file):
    """A manifest path: `shared:X` is ../shared/models/X beside the checkout, anything else is under Fixtures/."""
    if file.startswith("shared:"):
        return os.path.join(os.path.dirname(root), "shared", "models", file[len("shared:"):])
    return os.path.join(root, "Fixtures", file)


def compare(actual, expected):
    """Largest absolute and relative error (relative over nonzero expected values) and the failing count."""
    if actual.shape != expected.shape:
        raise ValueError(f"output shape {actual.shape}, expected {expected.shape}")
    difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    failing = int(np.count_nonzero(~(difference <= ATOL + RTOL * np.abs(expected.astype(np.float64)))))
    nonzero = expected != 0
    relative = float(np.max(difference[nonzero] / np.abs(expected[nonzero]))) if nonzero.any() else 0.0
    return float(difference.max(initial=0.0)), relative, failing


def convert(keraslens, model, output):
    result = subprocess.run([keraslens, "convert", model, "-o", output], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"keraslens exited {result.returncode}")


def check_onnx(keraslens, root, record, folder):
    path = os.path.join(folder, record["name"] + ".onnx")
    convert(keraslens, resolve(root, record["file"]), path)
    onnx.checker.check_model(path, full_check=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    feeds = {port.name: np.load(resolve(root, file)).astype(np.float32)
             for port, file in zip(session.get_inputs(), record["inputs"])}
    outputs = session.run(None, feeds)
    expected = [np.load(resolve(root, file)) for file in (record.get("outputs") or [record["output"]])]
    if len(outputs) != len(expected):
        raise ValueError(f"{len(outputs)} outputs, {len(expected)} recorded")
    results = [compare(a, e) for a, e in zip(outputs, expected)]
    return max(r[0] for r in results), max(r[1] for r in results), sum(r[2] for r in results)


def check_safetensors(keraslens, root, record, folder):
    """The native file opened by the reference safetensors reader: KerasLens metadata and float32 tensors."""
    path = os.path.join(folder, record["name"] + ".safetensors")
    convert(keraslens, resolve(root, record["file"]), path)
    with safe_open(path, framework="numpy") as handle:
        metadata = handle.metadata()
        if metadata.get("format") != "keraslens":
            raise ValueError(f"metadata format {metadata.get('format')!r}")
        graph = json.loads(metadata["keraslens.graph"])
        names = set(handle.keys())
        for node in graph["nodes"]:
            for tensor in node["weights"].values():
                if tensor not in names or handle.get_tensor(tensor).dtype != np.float32:
                    raise ValueError(f"tensor {tensor} missing or not float32")
    return len(names)


def synthetic_native(path):
    """A native file written from docs/FORMAT.md alone with the reference safetensors writer: every activation and
    parameter form the zoo's Keras files cannot express (gelu's tanh form, ReLU variants, softmax on each axis,
    both hard_sigmoids) and ops on axes other than the last, each a branch from one input, concatenated."""
    from safetensors.numpy import save_file

    rng = np.random.default_rng(7)
    shape = [4, 6, 3]
    activations = [
        {"type": "linear"}, {"type": "relu"}, {"type": "relu6"}, {"type": "sigmoid"}, {"type": "tanh"},
        {"type": "hard_sigmoid_keras2"}, {"type": "hard_sigmoid_keras3"}, {"type": "softplus"}, {"type": "softsign"},
        {"type": "elu", "alpha": 0.7}, {"type": "selu"}, {"type": "swish"}, {"type": "gelu", "approximate": False},
        {"type": "gelu", "approximate": True}, {"type": "exponential"}, {"type": "leaky_relu", "alpha": 0.15},
        {"type": "mish"}, {"type": "softmax", "axis": 1}, {"type": "softmax", "axis": 2}, {"type": "softmax", "axis": 3},
        {"type": "softmax", "axis": -1},
        {"type": "clipped_relu", "max_value": 0.5, "negative_slope": 0.1, "threshold": -0.25},
        {"type": "clipped_relu", "negative_slope": 0.0, "threshold": 0.3},
        {"type": "clipped_relu", "max_value": 0.7, "negative_slope": 0.2, "threshold": 0.0},
    ]
    nodes = [{"name": "x", "class": "InputLayer", "op": {"type": "input"}, "inputs": [], "output_shape": shape, "weights": {}}]
    tensors = {}

    def branch(name, kind, op, channels, weights=None, inputs=("x",), spatial=(4, 6)):
        for weight, value in (weights or {}).items():
            tensors[f"{name}/{weight}"] = value.astype(np.float32)
        nodes.append({"name": name, "class": kind, "op": op, "inputs": list(inputs),
                      "output_shape": list(spatial) + [channels],
                      "weights": {weight: f"{name}/{weight}" for weight in (weights or {})}})
        return name

    branches = [branch(f"act_{i}", "Activation", {"type": "activation", "activation": a}, 3) for i, a in enumerate(activations)]
    window = {"size": [3, 2], "strides": [1, 1], "dilations": [1, 1], "padding": "same"}
    branches += [
        branch("dense_rank3", "Dense", {"type": "dense", "activation": {"type": "gelu", "approximate": True}}, 2,
               {"kernel": rng.normal(size=(3, 2)), "bias": rng.normal(size=2)}),
        branch("prelu_shared", "PReLU", {"type": "prelu"}, 3, {"alpha": rng.normal(size=(1, 1, 3))}),
        branch("bn_axis1", "BatchNormalization", {"type": "batch_normalization", "axis": 1, "epsilon": 0.01}, 3,
               {"gamma": rng.normal(size=4), "beta": rng.normal(size=4), "moving_mean": rng.normal(size=4),
                "moving_variance": rng.uniform(0.5, 2, size=4)}),
        branch("norm_axes_1_3", "Normalization", {"type": "normalization", "axes": [1, 3], "epsilon": 1e-7, "invert": False}, 3,
               {"mean": rng.normal(size=(4, 3)), "variance": rng.uniform(0.5, 2, size=(4, 3))}),
        branch("norm_invert", "Normalization", {"type": "normalization", "axes": [3], "epsilon": 1e-7, "invert": True}, 3,
               {"mean": rng.normal(size=3), "variance": rng.uniform(0.5, 2, size=3)}),
        branch("depthwise_dilated", "DepthwiseConv2D",
               {"type": "depthwise_convolution", "multiplier": 2, "activation": {"type": "softmax", "axis": -1},
                "window": {"size": [2, 3], "strides": [1, 1], "dilations": [2, 1], "padding": "same"}}, 6,
               {"depthwise_kernel": rng.normal(size=(2, 3, 3, 2)), "bias": rng.normal(size=6)}),
        branch("max_same", "MaxPooling2D", {"type": "pool", "kind": "max", "window": window}, 3),
        branch("average_same", "AveragePooling2D", {"type": "pool", "kind": "average", "window": window}, 3),
        branch("rescale", "Rescaling", {"type": "rescaling", "scale": [0.5, -2, 3], "offset": [0.25]}, 3),
    ]
    upsampled = branch("up", "UpSampling2D", {"type": "upsampling", "size": [2, 1]}, 3, spatial=(8, 6))
    branches.append(branch("down", "AveragePooling2D",
                           {"type": "pool", "kind": "average", "window": {"size": [2, 1], "strides": [2, 1], "dilations": [1, 1], "padding": "valid"}},
                           3, inputs=(upsampled,)))
    channels = sum(node["output_shape"][-1] for node in nodes if node["name"] in branches)
    nodes.append({"name": "concat", "class": "Concatenate", "op": {"type": "concatenate", "axis": 3}, "inputs": branches,
                  "output_shape": [4, 6, channels], "weights": {}})
    graph = {"source": {"format": "h5", "keras_version": "3.0.0"}, "inputs": ["x"], "outputs": ["concat"], "nodes": nodes}
    save_file(tensors, path, metadata={"format": "keraslens", "format_version": "1", "keraslens.graph": json.dumps(graph)})


def check_synthetic(keraslens, folder):
    """The synthetic graph in onnxruntime against KerasLens's own output, stored as the native file's self-test."""
    source = os.path.join(folder, "synthetic_source.safetensors")
    native = os.path.join(folder, "synthetic.safetensors")
    exported = os.path.join(folder, "synthetic.onnx")
    synthetic_native(source)
    convert(keraslens, source, native)
    convert(keraslens, native, exported)
    onnx.checker.check_model(exported, full_check=True)
    with safe_open(native, framework="numpy") as handle:
        feeds = {"x": handle.get_tensor("__selftest__/input/x")}
        expected = handle.get_tensor("__selftest__/output/concat")
    session = ort.InferenceSession(exported, providers=["CPUExecutionProvider"])
    return compare(session.run(None, feeds)[0], expected)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keraslens", required=True, help="the built keraslens executable")
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("names", nargs="*", help="check only the models whose names start with one of these")
    arguments = parser.parse_args()

    with open(os.path.join(arguments.root, "Fixtures", "manifest.json")) as handle:
        manifest = json.load(handle)
    # The keras.applications backbones Fixtures/generate_applications.py writes, when they have been generated.
    applications = os.path.join(arguments.root, ".build-zoo-cache", "manifest.json")
    if os.path.exists(applications):
        with open(applications) as handle:
            manifest["models"] += json.load(handle)["models"]
    if arguments.names:
        manifest["models"] = [m for m in manifest["models"] if any(m["name"].startswith(n) for n in arguments.names)]
    print(f"onnxruntime {ort.__version__}, onnx {onnx.__version__}, numpy {np.__version__}; "
          f"pass: |a - e| <= {ATOL} + {RTOL} * |e|")
    header = f"{'model':<28} {'max abs err':>12} {'max rel err':>12} {'failing':>8} {'safetensors':>12}  status"
    print(header)
    print("-" * len(header))
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="keraslens-onnx-") as folder:
        for record in manifest["models"]:
            if not os.path.exists(resolve(arguments.root, record["file"])):
                print(f"{record['name']:<28} skipped: {record['file']} is not here (../shared/models absent)")
                continue
            try:
                absolute, relative, failing = check_onnx(arguments.keraslens, arguments.root, record, folder)
                tensors = check_safetensors(arguments.keraslens, arguments.root, record, folder)
            except Exception as error:  # a failed conversion, checker or session is one failing row, not a crash
                failed += 1
                print(f"{record['name']:<28} FAILED: {error}")
                continue
            ok = failing == 0
            passed += ok
            failed += not ok
            print(f"{record['name']:<28} {absolute:>12.3e} {relative:>12.3e} {failing:>8} {f'{tensors} tensors':>12}  "
                  f"{'ok' if ok else 'MISMATCH'}")
        try:
            absolute, relative, failing = check_synthetic(arguments.keraslens, folder)
            ok = failing == 0
            passed += ok
            failed += not ok
            print(f"{'synthetic (vs KerasLens)':<28} {absolute:>12.3e} {relative:>12.3e} {failing:>8} {'written here':>12}  "
                  f"{'ok' if ok else 'MISMATCH'}")
        except Exception as error:
            failed += 1
            print(f"{'synthetic (vs KerasLens)':<28} FAILED: {error}")
    print(f"onnx: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
