"""The recurrent models the benchmark times (issue 14), generated on first use into the ignored cache
`.build-bench-cache/sequences/`: one LSTM(128) and one GRU(128) layer over 1,000 seeded sequences of 100 steps with
32 features, each followed by a Dense(10) classifier (tf-keras, seeded initialisers).

    .build-bench-venv/bin/python Benchmarks/sequences.py [NAME …]    # generate now (compare.py does it on demand)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".build-bench-cache" / "sequences"
STEPS, FEATURES, UNITS, COUNT = 100, 32, 128, 1000
SEED = 2027
NAMES = ["LSTM", "GRU"]


def model_path(name: str) -> Path:
    """The cached model file, generated first when missing."""
    path = CACHE / f"{name}{UNITS}_{STEPS}x{FEATURES}.h5"
    if not path.exists():
        generate(name, path)
    return path


def inputs_path() -> Path:
    """COUNT seeded sequences (COUNT, STEPS, FEATURES) from a standard normal, generated first when missing."""
    path = CACHE / f"inputs_{COUNT}x{STEPS}x{FEATURES}.npy"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, np.random.default_rng(SEED).normal(size=(COUNT, STEPS, FEATURES)).astype(np.float32))
    return path


def generate(name: str, path: Path) -> None:
    import tf_keras

    tf_keras.utils.set_random_seed(SEED)
    layers = tf_keras.layers
    inputs = tf_keras.Input((STEPS, FEATURES), name="input")
    recurrent = getattr(layers, name)(UNITS, name=name.lower())(inputs)
    model = tf_keras.Model(inputs, layers.Dense(10, activation="softmax", name="dense")(recurrent))
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.h5")
    model.save(partial)
    partial.rename(path)


if __name__ == "__main__":
    for name in sys.argv[1:] or NAMES:
        print(model_path(name))
    print(inputs_path())
