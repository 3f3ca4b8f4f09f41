"""Reference answers for the explainers' numerical building blocks (Sources/XAI/Support, Sources/XAI/Segmentation).

Only numpy, scipy and scikit-image: no TensorFlow. Run from the repository root with::

    Fixtures/.venv/bin/python Fixtures/generate_xai_support.py

It deletes ``Fixtures/xai_support/`` and writes it again (seeded, so reruns give the same bytes):

* ``resampling/`` -- maps (with zeros and a spike) and their resized versions:
  ``spline`` is ``scipy.ndimage.zoom(order=3)`` with its defaults; ``linear`` is
  ``scipy.ndimage.zoom(order=1, mode='nearest', grid_mode=True)``, which is PyTorch's half-pixel
  ``interpolate(mode='bilinear', align_corners=False)`` (src = (dst + 0.5) * in / out - 0.5, clamped to the
  edge samples) computed in float64; ``nearest`` is PyTorch's ``nearest_idx`` rule
  (``min(floor(dst * float32(in / out)), in - 1)`` in float32) applied with numpy indexing.
* ``otsu/`` -- float32 arrays and ``skimage.filters.threshold_otsu(x, nbins=256)``.
* ``lab/`` -- RGB pixels and ``skimage.color.rgb2lab`` (float64 in, stored as float32).
* ``quickshift/`` -- crops of ``skimage.data.immunohistochemistry()`` in [0, 1] (float32) and the labels of
  ``skimage.segmentation.quickshift(crop.astype(float64), kernel_size=4, max_dist=200, ratio=0.2)`` (int32).
  Each case also records how well skimage agrees with itself under other tie-breaking seeds (``rng``): that is
  the noise floor a seed-free reimplementation can be held to.

``manifest.json`` indexes every case (paths relative to ``Fixtures/xai_support/``). All ``.npy`` files are
little-endian float32 or int32, C order, no pickles.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import scipy
import scipy.ndimage
import skimage
import skimage.color
import skimage.data
import skimage.filters
import skimage.segmentation

OUT = Path(__file__).resolve().parent / "xai_support"
RNG = np.random.default_rng(20240611)


def save(relative: str, array: np.ndarray) -> str:
    """Writes a little-endian C-order float32/int32 .npy and returns its manifest path."""
    assert array.dtype in (np.float32, np.int32), array.dtype
    path = OUT / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.ascontiguousarray(array.astype(array.dtype.newbyteorder("<"))), allow_pickle=False)
    return relative


def spiky_map(shape: tuple[int, ...]) -> np.ndarray:
    """A CAM-like map: ReLU of noise (about half exact zeros), a zero border row and one large spike."""
    values = np.maximum(RNG.normal(size=shape), 0.0)
    values[(0,) * len(shape)] = 0.0
    index = tuple(s // 3 for s in shape)
    values[index] = 25.0
    if len(shape) == 2:
        values[-1, :] = 0.0
    return values.astype(np.float32)


def torch_nearest(values: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    """PyTorch's ``nearest_idx``: identity for equal sizes, ``dst >> 1`` for doubling, else float32 floor."""
    result = values
    for axis, (n_in, n_out) in enumerate(zip(values.shape, size)):
        dst = np.arange(n_out)
        if n_out == n_in:
            src = dst
        elif n_out == 2 * n_in:
            src = dst >> 1
        else:
            scale = np.float32(n_in) / np.float32(n_out)
            src = np.minimum(np.floor(dst.astype(np.float32) * scale).astype(np.int64), n_in - 1)
        result = np.take(result, src, axis=axis)
    return result


def resampling_cases() -> list[dict]:
    cases = []
    plan = [
        ("spline", (40,), (40,)),
        ("spline", (10,), (40,)),
        ("spline", (13,), (40,)),
        ("spline", (56, 56), (224, 224)),
        ("spline", (112, 112), (224, 224)),
        ("spline", (7, 9), (30, 20)),
        ("spline", (1, 6), (4, 15)),
        # (out - 1) * ((in - 1) / (out - 1)) rounds past in - 1 here, and scipy's constant mode writes 0 there.
        ("spline", (8,), (26,)),
        ("spline", (8, 8), (26, 42)),
        ("linear", (13,), (40,)),
        ("linear", (9, 7), (4, 5)),
        ("linear", (7, 9), (30, 20)),
        ("linear", (7, 7), (56, 56)),
        ("nearest", (13,), (40,)),
        ("nearest", (7, 9), (30, 20)),
        ("nearest", (9, 7), (4, 5)),
        ("nearest", (7, 7), (14, 14)),
    ]
    for method, shape, size in plan:
        values = spiky_map(shape)
        factors = [o / i for i, o in zip(shape, size)]
        if method == "spline":
            expected = scipy.ndimage.zoom(values, factors, order=3)
            reference = "scipy.ndimage.zoom(order=3)"
        elif method == "linear":
            expected = scipy.ndimage.zoom(values, factors, order=1, mode="nearest", grid_mode=True)
            reference = "scipy.ndimage.zoom(order=1, mode='nearest', grid_mode=True)"
        else:
            expected = torch_nearest(values, size)
            reference = "torch nearest_idx rule in numpy float32"
        assert expected.shape == size and expected.dtype == np.float32, (expected.shape, expected.dtype)
        name = f"{method}_{'x'.join(map(str, shape))}_to_{'x'.join(map(str, size))}"
        cases.append({
            "name": name,
            "input": save(f"resampling/{name}.input.npy", values),
            "shape": list(shape),
            "size": list(size),
            "method": method,
            "reference": reference,
            "expected": save(f"resampling/{name}.expected.npy", expected),
        })
    return cases


def otsu_cases() -> list[dict]:
    two_modes = np.concatenate([RNG.normal(0.2, 0.05, 1500), RNG.normal(0.7, 0.1, 500)])
    cam = scipy.ndimage.zoom(spiky_map((7, 7)), 8, order=3)
    inputs = {
        "uniform": RNG.uniform(size=(40, 40)),
        "bimodal": two_modes,
        "negative": RNG.normal(-3.0, 2.0, size=(50, 40)),
        "five_values": np.array([0.1, 0.1, 0.4, 0.9, 0.95]),
        "two_values": np.array([1.0, 3.0, 3.0, 1.0, 3.0]),
        "constant": np.full(17, 0.625),
        "cam_56": np.maximum(cam, 0.0) / cam.max(),
    }
    cases = []
    for name, values in inputs.items():
        values = np.asarray(values, dtype=np.float32)
        threshold = skimage.filters.threshold_otsu(values, nbins=256)
        assert np.asarray(threshold).dtype == np.float32
        cases.append({"name": name, "input": save(f"otsu/{name}.npy", values), "threshold": float(threshold)})
    return cases


def lab_case() -> dict:
    """Corners of the RGB cube, values around the sRGB (0.04045) and Lab (0.008856) breakpoints, and noise."""
    special = [
        [0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.5],
        [0.04045, 0.04045, 0.04045], [0.0405, 0.0404, 0.05], [0.09, 0.1, 0.11], [0.1, 0.099, 0.0985],
        [0.8, 0.3, 0.55], [0.02, 0.6, 0.9],
    ]
    rgb = np.concatenate([np.array(special), RNG.uniform(size=(20, 3))]).astype(np.float32)
    lab = skimage.color.rgb2lab(rgb.astype(np.float64)[None])[0]
    return {"rgb": save("lab/rgb.npy", rgb), "expected": save("lab/lab.npy", lab.astype(np.float32))}


def majority_agreement(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Fraction of pixels whose `theirs` label is the majority `theirs` label of their `ours` segment."""
    table = np.zeros((ours.max() + 1, theirs.max() + 1), dtype=np.int64)
    np.add.at(table, (ours.ravel(), theirs.ravel()), 1)
    return float(table.max(axis=1).sum() / ours.size)


def quickshift_cases() -> list[dict]:
    image = skimage.data.immunohistochemistry()
    crops = [("ihc_64_nuclei", 300, 100, 64), ("ihc_64_stroma", 40, 400, 64), ("ihc_224", 150, 180, 224)]
    parameters = {"kernel_size": 4.0, "max_dist": 200.0, "ratio": 0.2}
    cases = []
    for name, top, left, side in crops:
        crop = (image[top:top + side, left:left + side].astype(np.float64) / 255.0).astype(np.float32)
        run = lambda seed: skimage.segmentation.quickshift(crop.astype(np.float64), rng=seed, **parameters)
        labels = run(42)
        others = [run(seed) for seed in (1, 2, 3)]
        floor = min(min(majority_agreement(o, labels), majority_agreement(labels, o)) for o in others)
        cases.append({
            "name": name,
            "image": save(f"quickshift/{name}.image.npy", crop),
            "height": side, "width": side, "channels": 3,
            **parameters,
            "labels": save(f"quickshift/{name}.labels.npy", labels.astype(np.int32)),
            "segments": int(labels.max() + 1),
            "segments_other_seeds": [int(o.max() + 1) for o in others],
            "seed_agreement_min": floor,
        })
    return cases


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    manifest = {
        "generator": {"numpy": np.__version__, "scipy": scipy.__version__, "scikit-image": skimage.__version__},
        "resampling": resampling_cases(),
        "otsu": otsu_cases(),
        "lab": lab_case(),
        "quickshift": quickshift_cases(),
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {OUT} ({total / 1e6:.2f} MB)")
    for case in manifest["quickshift"]:
        print(case["name"], case["segments"], case["segments_other_seeds"], f"{case['seed_agreement_min']:.4f}")


if __name__ == "__main__":
    main()
