"""Generate keras.applications backbones (weights=None, seeded) and Keras's answers into .build-zoo-cache/.

These files are too large to commit (megabytes each), so scripts/test.sh runs this generator (pinned venv,
Fixtures/requirements.txt) and the Swift tests (ApplicationsParityTests) and scripts/check-onnx.sh read
``.build-zoo-cache/manifest.json`` when it is there. Each backbone is built at a small input size with seeded
random weights and randomised BatchNormalization statistics, saved by tf_keras as ``.h5`` and by Keras 3 as
``.keras``, reloaded and checked by the Keras that wrote it. Paths in the manifest are relative to Fixtures/, as in
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

# (name, builder name in keras.applications, input size, Kerases, keyword arguments); classifiers without their
# softmax, so that the logits are compared.
BACKBONES = [
    ("MobileNetV3Small", "MobileNetV3Small", 64, ("k2", "keras"), {"minimalistic": False, "classifier_activation": None}),
    ("MobileNetV3Large", "MobileNetV3Large", 64, ("k2", "keras"), {"minimalistic": False, "classifier_activation": None}),
    ("ConvNeXtTiny", "ConvNeXtTiny", 32, ("k2", "keras"), {"classifier_activation": None}),
    ("EfficientNetB0", "EfficientNetB0", 32, ("k2", "keras"), {"classifier_activation": None}),
    ("EfficientNetV2B0", "EfficientNetV2B0", 32, ("k2", "keras"), {"classifier_activation": None}),
    # Keras 3.15 has no RegNet.
    ("RegNetX002", "RegNetX002", 32, ("k2",), {"classifier_activation": None}),
    # 75×75 is the smallest input InceptionResNetV2 accepts.
    ("InceptionResNetV2", "InceptionResNetV2", 75, ("k2", "keras"), {"classifier_activation": None}),
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


def relative(path: Path) -> str:
    return os.path.relpath(path, ROOT / "Fixtures")


def generate(name: str, builder: str, size: int, kind: str, options: dict) -> dict:
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
    return entry


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(SEED)
    tf_keras.utils.set_random_seed(SEED)
    models = [generate(name, builder, size, kind, options)
              for name, builder, size, kinds, options in BACKBONES for kind in kinds]
    manifest = {"generator": {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__,
                              "keras": keras.__version__, "numpy": np.__version__},
                "models": models}
    with open(CACHE / "manifest.json", "w") as handle:
        json.dump(manifest, handle, indent=1)
    print(f"{len(models)} applications written to {CACHE}")


if __name__ == "__main__":
    main()
