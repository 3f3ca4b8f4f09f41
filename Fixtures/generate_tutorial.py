"""Record the keras.io Grad-CAM tutorial's whole pipeline on a small Xception into .build-zoo-cache/tutorial/.

The tutorial (keras-io examples/vision/grad_cam.py) goes from an image file to the overlay it saves as cam.jpg:
``load_img(target_size)`` → ``img_to_array`` → ``xception.preprocess_input`` → the model's logits → Grad-CAM at
``block14_sepconv2_act`` for the top class (``make_gradcam_heatmap``) → ``save_and_display_gradcam`` (the map in
8-bit jet colours, ``array_to_img``, resized to the picture by PIL's default filter, ``0.4 · jet + picture``,
``array_to_img``). This generator runs those steps with Keras 3 on keras.applications' Xception (weights=None,
seeded, at 160×160 (a 5×5 map) so that the debug-built tests stay quick; the file is ~90 MB, so it is not committed) for committed
pictures of Fixtures/images/, and records each step's array. ``TutorialPipelineCommandTests`` runs ``keraslens
explain`` on the same files and compares. scripts/test.sh runs it when the cache lacks it or this file changed::

    Fixtures/.venv/bin/python Fixtures/generate_tutorial.py
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import json
import sys
from pathlib import Path

import matplotlib as mpl
import numpy as np
import tensorflow as tf
import keras

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_applications import randomise  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".build-zoo-cache" / "tutorial"
SEED = 2104
SIZE = 160
LAYER = "block14_sepconv2_act"
ALPHA = 0.4
# Committed pictures of other sizes and kinds than the model's input: a 4:2:0 JPEG, an RGB PNG, a grey PNG (load_img
# converts it to RGB).
PICTURES = ["rgb_41x27.jpg", "rgb_37x23.png", "gray_29x17.png"]


def picture_batch(path: Path) -> np.ndarray:
    """The tutorial's get_img_array."""
    image = keras.utils.load_img(path, target_size=(SIZE, SIZE))
    return np.expand_dims(keras.utils.img_to_array(image), axis=0)


def gradcam_heatmap(batch: np.ndarray, model, pred_index: int | None = None) -> tuple[np.ndarray, int]:
    """The tutorial's make_gradcam_heatmap (the top predicted class unless `pred_index` is given), and the class."""
    grad_model = keras.models.Model(model.inputs, [model.get_layer(LAYER).output, model.output])
    with tf.GradientTape() as tape:
        layer_output, predictions = grad_model(batch)
        if pred_index is None:
            pred_index = int(tf.argmax(predictions[0]))
        score = predictions[:, pred_index]
    gradients = tape.gradient(score, layer_output)
    pooled = tf.reduce_mean(gradients, axis=(0, 1, 2))
    heatmap = tf.squeeze(layer_output[0] @ pooled[..., tf.newaxis])
    heatmap = tf.maximum(heatmap, 0) / tf.math.reduce_max(heatmap)
    return heatmap.numpy(), pred_index


def varied_class(batch: np.ndarray, model) -> int:
    """A class whose map takes many levels of [0, 1], as the tutorial's second part explains a chosen class
    (`pred_index`): seeded random weights give the top class a nearly flat map, which would leave most of the colour
    map untested. Xception's head is global average pooling and a dense layer, so every class's map is
    `A · kernel[:, c] / positions` at once; the chosen class's recorded map comes from the tutorial's own code."""
    activations = keras.models.Model(model.inputs, model.get_layer(LAYER).output)(batch).numpy()[0]
    kernel = model.get_layer("predictions").get_weights()[0]
    maps = np.maximum(activations.reshape(-1, activations.shape[-1]) @ kernel, 0)
    tops = maps.max(axis=0)
    spread = np.where(tops > 0, (maps / np.where(tops > 0, tops, 1)).std(axis=0), 0)
    return int(np.argmax(spread))


def overlay(path: Path, heatmap: np.ndarray) -> np.ndarray:
    """The tutorial's save_and_display_gradcam, up to the image it saves (as an array, before JPEG compression)."""
    picture = keras.utils.img_to_array(keras.utils.load_img(path))
    levels = np.uint8(255 * heatmap)
    jet = mpl.colormaps["jet"](np.arange(256))[:, :3][levels]
    jet = keras.utils.array_to_img(jet).resize((picture.shape[1], picture.shape[0]))
    superimposed = keras.utils.img_to_array(jet) * ALPHA + picture
    return np.asarray(keras.utils.array_to_img(superimposed))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(SEED)
    model = keras.applications.Xception(weights=None, input_shape=(SIZE, SIZE, 3), classifier_activation=None)
    randomise(model, np.random.default_rng(SEED))
    model_file = OUT / "xception.keras"
    model.save(model_file)
    cases = []
    for name in PICTURES:
        picture = ROOT / "Fixtures" / "images" / name
        batch = keras.applications.xception.preprocess_input(picture_batch(picture))
        stem = OUT / Path(name).stem
        np.save(f"{stem}.input.npy", batch.astype(np.float32))
        np.save(f"{stem}.logits.npy", model(batch, training=False).numpy().astype(np.float32))
        for chosen in (None, varied_class(batch, model)):
            heatmap, index = gradcam_heatmap(batch, model, chosen)
            assert np.isfinite(heatmap).all() and heatmap.max() > 0, f"{name}: an all-zero Grad-CAM map tests nothing"
            case = f"{stem.name}.{'top' if chosen is None else index}"
            np.save(OUT / f"{case}.heatmap.npy", heatmap.astype(np.float32))
            np.save(OUT / f"{case}.overlay.npy", overlay(picture, heatmap))
            cases.append({"picture": f"images/{name}", "stem": stem.name, "case": case, "class": index,
                          "class_given": chosen is not None})
    manifest = {"generator": {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
                              "matplotlib": mpl.__version__},
                "model": "xception.keras", "size": SIZE, "layer": LAYER, "alpha": ALPHA, "cases": cases}
    with open(OUT / "manifest.json", "w") as handle:
        json.dump(manifest, handle, indent=1)
    print(f"{len(cases)} tutorial cases written to {OUT}")


if __name__ == "__main__":
    main()
