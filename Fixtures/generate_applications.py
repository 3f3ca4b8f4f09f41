"""Generate keras.applications backbones (weights=None, seeded) and Keras's answers into .build-zoo-cache/.

These files are too large to commit (megabytes each), so scripts/test.sh runs this generator (pinned venv,
Fixtures/requirements.txt) and the Swift tests (ApplicationsParityTests) and scripts/check-onnx.sh read
``.build-zoo-cache/manifest.json`` when it is there. Each backbone is built at a small input size with seeded
random weights and randomised BatchNormalization statistics, saved by tf_keras as ``.h5`` and by Keras 3 as
``.keras``, reloaded and checked by the Keras that wrote it. For each file it also records the keras.io Grad-CAM
tutorial's heatmap at the last spatial layer (logit target, one image at a time) and the explained class score's
gradient with respect to the input, both computed with GradientTape on the reloaded model, for one file per family. Paths in the manifest are relative to Fixtures/, as in
Fixtures/manifest.json. Run from the repository root::

    Fixtures/.venv/bin/python Fixtures/generate_applications.py
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import json
import sys
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
import tf_keras
import keras

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import assert_close, load_k3, model_entry, predict, RELOAD_TOL  # noqa: E402
from tf_keras.src.applications.convnext import LayerScale  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".build-zoo-cache"
SEED = 1512
BATCH = 2
#: The relative input perturbation whose effect on saliency stands for float32 rounding (saliency_sensitivity).
SALIENCY_PERTURBATION = 1e-6

# (name, builder name in keras.applications, input size, Kerases, keyword arguments): every keras.applications family
# at the smallest input that leaves its last spatial layer at least 2×2 (so that a Grad-CAM map has a shape to
# compare), classifiers without their softmax, so that the logits are compared.
NO_SOFTMAX = {"classifier_activation": None}
BOTH = ("k2", "keras")
BACKBONES = [
    ("VGG16", "VGG16", 64, BOTH, NO_SOFTMAX),
    ("VGG19", "VGG19", 64, BOTH, NO_SOFTMAX),
    ("ResNet50", "ResNet50", 64, BOTH, NO_SOFTMAX),
    ("ResNet101", "ResNet101", 64, BOTH, NO_SOFTMAX),
    ("ResNet152", "ResNet152", 64, BOTH, NO_SOFTMAX),
    ("ResNet50V2", "ResNet50V2", 64, BOTH, NO_SOFTMAX),
    ("ResNet101V2", "ResNet101V2", 64, BOTH, NO_SOFTMAX),
    ("ResNet152V2", "ResNet152V2", 64, BOTH, NO_SOFTMAX),
    ("MobileNet", "MobileNet", 64, BOTH, NO_SOFTMAX),
    ("MobileNetV2", "MobileNetV2", 64, BOTH, NO_SOFTMAX),
    ("MobileNetV3Small", "MobileNetV3Small", 64, BOTH, {"minimalistic": False, **NO_SOFTMAX}),
    ("MobileNetV3Large", "MobileNetV3Large", 64, BOTH, {"minimalistic": False, **NO_SOFTMAX}),
    ("EfficientNetB0", "EfficientNetB0", 64, BOTH, NO_SOFTMAX),
    ("EfficientNetB1", "EfficientNetB1", 64, BOTH, NO_SOFTMAX),
    ("EfficientNetV2B0", "EfficientNetV2B0", 64, BOTH, NO_SOFTMAX),
    ("DenseNet121", "DenseNet121", 64, BOTH, NO_SOFTMAX),
    # The Inception family shrinks 299 to 8: 107 leaves 2×2.
    ("InceptionV3", "InceptionV3", 107, BOTH, NO_SOFTMAX),
    ("InceptionResNetV2", "InceptionResNetV2", 107, BOTH, NO_SOFTMAX),
    ("Xception", "Xception", 71, BOTH, NO_SOFTMAX),
    ("NASNetMobile", "NASNetMobile", 64, BOTH, NO_SOFTMAX),
    ("ConvNeXtTiny", "ConvNeXtTiny", 64, BOTH, NO_SOFTMAX),
    # Keras 3.15 has no RegNet.
    ("RegNetX002", "RegNetX002", 64, ("k2",), NO_SOFTMAX),
    ("RegNetY002", "RegNetY002", 64, ("k2",), NO_SOFTMAX),
    # At 128 their first inverted residual blocks are wide enough for the runtime to fuse (ExpandedDepthwiseKernel).
    ("MobileNetV2_128", "MobileNetV2", 128, ("k2",), NO_SOFTMAX),
    ("EfficientNetB0_128", "EfficientNetB0", 128, ("keras",), NO_SOFTMAX),
]


def randomise(model, rng: np.random.Generator) -> None:
    """Seeded weights for every variable; BatchNormalization (and EfficientNet's Normalization) statistics away
    from (0, 1)."""
    for layer in model.layers:
        arrays = []
        for variable in layer.weights:
            shape = tuple(variable.shape)
            name = variable.name.split("/")[-1].split(":")[0]
            if name == "count":  # EfficientNet's Normalization: how many samples it adapted to, an integer
                arrays.append(variable.numpy())
            elif name in ("moving_variance", "variance"):
                arrays.append(rng.uniform(0.5, 1.5, shape))
            elif name in ("moving_mean", "mean"):
                arrays.append(rng.normal(0.0, 0.1, shape))
            elif name in ("gamma", "beta", "bias"):
                arrays.append(rng.normal(1.0 if name == "gamma" else 0.0, 0.1, shape))
            else:
                fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
                arrays.append(rng.normal(0.0, (2.0 / max(fan_in, 1)) ** 0.5, shape))
        if arrays:
            layer.set_weights([a.astype(getattr(v.dtype, "name", v.dtype)) for a, v in zip(arrays, layer.weights)])


def unit_logits(model, logits: np.ndarray) -> None:
    """Scales the classifier so that the logits have unit standard deviation, as a trained classifier's have.
    Random BatchNormalization statistics let residual stages grow the features (RegNetX002's logits reach a standard
    deviation of 20), and float32 rounding over values that large exceeds atol 1e-5 in any runtime: TensorFlow and
    onnxruntime differ by 5e-5 on them. The scale is a power of two, so it changes no rounding of its own."""
    head = next(layer for layer in reversed(model.layers) if layer.weights)  # the Dense or 1×1 Conv2D classifier
    scale = 2.0 ** -np.round(np.log2(logits.std()))
    head.set_weights([w * np.float32(scale) for w in head.get_weights()])


def load_k2(path):
    """tf_keras does not register ConvNeXt's LayerScale, so its own file needs it named to reload."""
    return tf_keras.models.load_model(path, compile=False, custom_objects={"LayerScale": LayerScale})


def parent_layers(layer) -> list:
    node = layer._inbound_nodes[0]
    if hasattr(node, "inbound_layers"):  # tf_keras
        parents = node.inbound_layers
        return parents if isinstance(parents, list) else [parents]
    return [parent.operation for parent in node.parent_nodes]  # Keras 3


def last_spatial_layer(model) -> str:
    """The layer the keras.io tutorial reads: the last one whose output still has the image's two spatial axes, not
    counting those after a global pooling (MobileNet's keeps the axes at size 1 before its 1×1 convolution head)."""
    pooled = set()
    for layer in model.layers:
        parents = parent_layers(layer)  # a squeeze-and-excitation product with its pooled scale keeps the axes
        if layer.__class__.__name__.startswith("Global") or (parents and all(p.name in pooled for p in parents)):
            pooled.add(layer.name)
    return next(layer.name for layer in reversed(model.layers)
                if len(layer.output.shape) == 4 and layer.__class__.__name__ != "InputLayer" and layer.name not in pooled)


class TutorialGradCAM:
    """The keras.io tutorial's make_gradcam_heatmap (logit target, the layer's resolution) for one image and class at
    a time, and the class score's gradient with respect to the input (saliency's raw material)."""

    def __init__(self, K, model, layer: str):
        self.grad_model = K.models.Model(model.inputs, [model.get_layer(layer).output, model.output])

    def __call__(self, image: np.ndarray, index: int) -> tuple[np.ndarray, np.ndarray]:
        pixels = tf.constant(image[np.newaxis])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(pixels)
            layer_output, predictions = self.grad_model(pixels)
            score = predictions[:, index]
        gradients = tape.gradient(score, layer_output)
        input_gradient = tape.gradient(score, pixels)
        pooled = tf.reduce_mean(gradients, axis=(0, 1, 2))
        heatmap = tf.squeeze(layer_output[0] @ pooled[..., tf.newaxis], axis=-1)
        heatmap = tf.maximum(heatmap, 0) / tf.math.reduce_max(heatmap)
        return heatmap.numpy(), input_gradient.numpy()[0]

    def candidate_maps(self, image: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """The same maps for many classes in one pass (row i of a batch of copies explains classes[i]), to choose
        which class to record; the recorded map itself comes from the tutorial's one-image code above."""
        pixels = tf.constant(np.repeat(image[np.newaxis], len(classes), axis=0))
        with tf.GradientTape() as tape:
            layer_output, predictions = self.grad_model(pixels)
            score = tf.reduce_sum(predictions * tf.one_hot(classes, predictions.shape[-1]))
        pooled = tf.reduce_mean(tape.gradient(score, layer_output), axis=(1, 2))
        maps = tf.maximum(tf.einsum("bhwc,bc->bhw", layer_output, pooled), 0).numpy()
        return maps / np.maximum(maps.max(axis=(1, 2), keepdims=True), np.finfo(np.float32).tiny)


def explained_class(gradcam: TutorialGradCAM, image: np.ndarray, logits: np.ndarray):
    """The top class, or, when its map is flat or all zero (seeded random weights make that common), the next class
    by score whose map spans [0, 1]: a flat map tests less. Where no class's map varies (MobileNet's ReLU6 saturates
    on random weights, so every position reads the same), the first class whose map is not all zero. Returns the
    class, and its map and input gradient from the tutorial's code."""
    candidates = np.argsort(-logits)[:50]
    maps = gradcam.candidate_maps(image, candidates)
    usable = [index for index, heatmap in zip(candidates, maps) if np.isfinite(heatmap).all() and heatmap.max() > 0]
    assert usable, "every one of the top 50 classes has an all-zero Grad-CAM map"
    varied = [index for index, heatmap in zip(candidates, maps) if index in usable and heatmap.std() > 0.05]
    if not varied:
        print(f"  no class's map varies; class {usable[0]}'s is flat", flush=True)
    index = int((varied or usable)[0])
    return (index, *gradcam(image, index))


def saliency_map(gradient: np.ndarray) -> np.ndarray:
    """Saliency as KerasLens computes it: the largest |∂score/∂x| over channels, scaled to a maximum of 1."""
    magnitude = np.abs(gradient).max(axis=-1)
    return magnitude / magnitude.max()


def saliency_sensitivity(gradcam: TutorialGradCAM, inputs: np.ndarray, cases: list) -> float:
    """How far float32 rounding alone moves this family's saliency maps: the largest change of TensorFlow's own map
    when each pixel is scaled by 1 + SALIENCY_PERTURBATION · N(0, 1) (two draws per image). A deep ReLU network may
    hold a pre-activation within rounding of zero, where two engines (or two CPUs) take different sides of the kink
    and the input gradients differ from there down; measured on ResNet101V2 (Keras 3) on a Zen 4, TensorFlow's own
    map moves by 1.2e-2, and KerasLens's differs from it by as much."""
    rng = np.random.default_rng(SEED + 2)
    worst = 0.0
    for image, (index, _, gradient) in zip(inputs, cases):
        for _ in range(2):
            moved = (image * (1 + SALIENCY_PERTURBATION * rng.standard_normal(image.shape))).astype(np.float32)
            worst = max(worst, float(np.abs(saliency_map(gradcam(moved, index)[1]) - saliency_map(gradient)).max()))
    return worst


def record_gradcam(K, model, stem: Path, inputs: np.ndarray, logits: np.ndarray) -> dict:
    """Grad-CAM as the keras.io tutorial computes it, one image at a time, at the last spatial layer."""
    layer = last_spatial_layer(model)
    gradcam = TutorialGradCAM(K, model, layer)
    cases = [explained_class(gradcam, image, row) for image, row in zip(inputs, logits)]
    assert min(cases[0][1].shape) >= 2, f"{model.name}: {layer} is {cases[0][1].shape}, too small to compare maps"
    np.save(f"{stem}.gradcam.npy", np.stack([heatmap for _, heatmap, _ in cases]).astype(np.float32))
    np.save(f"{stem}.input_gradient.npy", np.stack([gradient for _, _, gradient in cases]).astype(np.float32))
    return {"layer": layer, "classes": [index for index, _, _ in cases],
            "maps": relative(Path(f"{stem}.gradcam.npy")), "input_gradients": relative(Path(f"{stem}.input_gradient.npy")),
            "saliency_sensitivity": saliency_sensitivity(gradcam, inputs, cases)}


def relative(path: Path) -> str:
    return os.path.relpath(path, ROOT / "Fixtures")


def generate(name: str, builder: str, size: int, kind: str, options: dict, explained: bool) -> dict:
    start = time.time()
    K, loader, major = (tf_keras, load_k2, 2) if kind == "k2" else (keras, load_k3, 3)
    model = getattr(K.applications, builder)(weights=None, input_shape=(size, size, 3), **options)
    randomise(model, np.random.default_rng(SEED))
    inputs = [np.random.default_rng(SEED + 1).uniform(0, 255, (BATCH, size, size, 3)).astype(np.float32)]
    unit_logits(model, predict(model, inputs)[0])
    outputs = predict(model, inputs)
    file = CACHE / f"{name}.{'k2.h5' if kind == 'k2' else 'keras'}"
    model.save(file)
    reloaded = loader(file)
    assert_close(predict(reloaded, inputs), outputs, file.name, RELOAD_TOL)
    stem = CACHE / f"{name}.{kind}"
    np.save(f"{stem}.input.npy", inputs[0])
    np.save(f"{stem}.output.npy", outputs[0])
    entry = model_entry(f"{name}.{kind}", relative(file), major, reloaded,
                        [relative(Path(f"{stem}.input.npy"))], [relative(Path(f"{stem}.output.npy"))])
    if explained:
        entry["gradcam"] = record_gradcam(K, reloaded, stem, inputs[0], outputs[0])
    print(f"{file.name}: {entry['params']} parameters, {time.time() - start:.1f} s", flush=True)
    K.backend.clear_session()  # one model's graph state at a time: otherwise each build is slower than the last
    return entry


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(SEED)
    tf_keras.utils.set_random_seed(SEED)
    # Each family's explanations are recorded on one of its files: the Keras 3 archive where there is one.
    models = [generate(name, builder, size, kind, options, explained=kind == kinds[-1])
              for name, builder, size, kinds, options in BACKBONES for kind in kinds]
    manifest = {"generator": {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__,
                              "keras": keras.__version__, "numpy": np.__version__},
                "models": models}
    with open(CACHE / "manifest.json", "w") as handle:
        json.dump(manifest, handle, indent=1)
    print(f"{len(models)} applications written to {CACHE}")


if __name__ == "__main__":
    main()
