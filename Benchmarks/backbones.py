"""The keras.applications backbones the benchmark times (issue 15), generated on first use into the ignored cache
`.build-bench-cache/backbones/` and never committed (VGG16 alone is over 500 MB).

Each is `tf_keras.applications.<Name>(weights=None)` at 224×224 with tf-keras's seeded initialisers, and its
BatchNormalization statistics and scales drawn from a seeded generator too: the default ones (mean 0, variance 1,
scale 1, offset 0) would let a runtime that dropped or misfolded a batch normalisation still give Keras's answer.
The inputs are 32 seeded uniform images in [-1, 1) (the range of the "tf" preprocessing), one file for every model.

    .build-bench-venv/bin/python Benchmarks/backbones.py [NAME …]    # generate now (compare.py does it on demand)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".build-bench-cache" / "backbones"
SIZE = 224
SEED = 2026
#: The backbones of issue 15.
NAMES = ["ResNet50", "MobileNetV2", "Xception", "DenseNet121", "VGG16", "InceptionV3", "ResNet50V2", "EfficientNetB0",
         "MobileNetV3Small"]
#: The last spatial layer of each family: where Grad-CAM reads.
LAST_SPATIAL = {"ResNet50": "conv5_block3_out", "MobileNetV2": "out_relu", "Xception": "block14_sepconv2_act",
                "DenseNet121": "relu", "VGG16": "block5_conv3", "InceptionV3": "mixed10", "ResNet50V2": "post_relu",
                "EfficientNetB0": "top_activation",
                # hard-swish's Multiply, auto-named: `generate` clears the session first, so the count starts at 0
                "MobileNetV3Small": "multiply_17"}


def model_path(name: str) -> Path:
    """The cached model file, generated first when missing."""
    path = CACHE / f"{name}_{SIZE}.h5"
    if not path.exists():
        generate(name, path)
    return path


def inputs_path(count: int = 32) -> Path:
    """`count` seeded images (count, 224, 224, 3) in [-1, 1), generated first when missing."""
    path = CACHE / f"inputs_{SIZE}_{count}.npy"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        images = np.random.default_rng(SEED).uniform(-1, 1, size=(count, SIZE, SIZE, 3)).astype(np.float32)
        np.save(path, images)
    return path


def generate(name: str, path: Path) -> None:
    import tf_keras

    tf_keras.backend.clear_session()  # layer names counted from 0, whatever this process made before
    tf_keras.utils.set_random_seed(SEED)
    model = getattr(tf_keras.applications, name)(weights=None, input_shape=(SIZE, SIZE, 3))
    rng = np.random.default_rng(SEED)
    for layer in model.layers:
        if isinstance(layer, tf_keras.layers.BatchNormalization):
            layer.set_weights([randomised(rng, weight.name, value) for weight, value in zip(layer.weights, layer.get_weights())])
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.h5")
    model.save(partial)
    partial.rename(path)


def randomised(rng: np.random.Generator, name: str, value: np.ndarray) -> np.ndarray:
    """A batch normalisation weight drawn near its usual trained range, by its Keras name."""
    shape = value.shape
    if "gamma" in name:
        return rng.uniform(0.5, 1.5, shape).astype(np.float32)
    if "beta" in name or "moving_mean" in name:
        return rng.normal(0, 0.1, shape).astype(np.float32)
    if "moving_variance" in name:
        return rng.uniform(0.5, 1.5, shape).astype(np.float32)
    raise ValueError(f"unexpected BatchNormalization weight {name}")


if __name__ == "__main__":
    for name in sys.argv[1:] or NAMES:
        print(model_path(name))
    print(inputs_path())
