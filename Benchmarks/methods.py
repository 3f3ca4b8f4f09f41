"""Time every explanation method on one 224×224 ResNet50 image: ours against the Python reference (issue 15).

Issue 15 asks each method to take at most 0.5 × "the same method in TensorFlow", that is the NumPy/TensorFlow
reference functions of ``Fixtures/generate_xai.py`` (the ones the parity fixtures come from), run on the same machine
with the same options. Ours is ``keraslens bench MODEL --explain METHOD`` (timed inside its process, model loaded
once, its default batch of 64); the reference is one call of what ``generate_xai.record_map`` does for a case
(predicted class, random draws, ``compute_maps``), without writing files, after one untimed call. Both use our
defaults for a 2-D input: CAMs at ``conv5_block3_out`` with spline upsampling, SmoothGrad 50 samples, integrated
gradients 50 steps, occlusion window 32 / stride 16, RISE 4000 masks on an 8×8 grid, LIME 300 perturbations of
quickshift segments, SISE at its default layers (``pool1_pool``, ``conv5_block3_out``). The model and images are
``backbones.py``'s (made on first use).

Needs scikit-image, scikit-learn and SciPy besides TensorFlow, so it runs in the fixtures' environment::

    Fixtures/.venv/bin/python Benchmarks/methods.py --keraslens .build/release/keraslens [--only rise] [--repeats 3]

TensorFlow runs with its own default (oneDNN on) unless ``TF_ENABLE_ONEDNN_OPTS`` is set; ``generate_xai`` alone
turns oneDNN off for reproducible fixtures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

import numpy as np

import backbones
import compare

sys.path.insert(0, str(compare.FIXTURES))
import generate_xai as reference  # noqa: E402  (after the path and environment above)

BACKBONE = "ResNet50"
LAYER = backbones.LAST_SPATIAL[BACKBONE]
#: `ExplanationMethod`'s cases, in its order.
METHODS = ["gradcam", "gradcam++", "ablationcam", "scorecam", "layercam", "xgradcam", "hirescam", "eigencam",
           "saliency", "smoothgrad", "integrated-gradients", "occlusion", "rise", "lime", "sise"]
#: Our defaults for 2-D inputs where they differ from `generate_xai.DEFAULT_OPTIONS` (its 1-D ones).
OPTIONS_2D = {"occlusion": {"window": 32, "stride": 16}, "rise": {"masks_count": 4000}, "lime": reference.LIME_2D}
#: Minutes per call on each side: one timed run each (after the warm-up).
SLOW = {"scorecam", "rise", "sise"}


def functional_tail(net, layer_name: str):
    """The model from `layer_name`'s output on: `generate_xai.tail_model` rebuilds Sequential models only, and
    ResNet50 is functional."""
    import tf_keras

    return tf_keras.Model(net.get_layer(layer_name).output, net.output)


def options(method: str) -> dict:
    merged = {**reference.DEFAULT_OPTIONS.get(method, {}), **OPTIONS_2D.get(method, {})}
    if "kernel_size" in merged:  # 2-D LIME: quickshift segments, as `record_map` does
        merged.pop("segment_size", None)
    return merged


def reference_call(sub, x: np.ndarray, method: str):
    """One explanation as `generate_xai.record_map` computes it: class, draws, maps (no files written)."""
    case = reference.MapCase(f"bench.{method}", str(sub.ref), "bench", len(x), method,
                             layer=LAYER if method in reference.CAM_METHODS else None,
                             upsample="spline" if method in reference.CAM_METHODS else None)
    chosen = options(method)
    if method == "sise":
        case.layers = reference.sise_default_layers(sub.net)

    def body():
        ctx = reference.Context(sub, x, sub.predicted([x]), "probability", chosen)
        reference.random_draws(case, ctx, chosen)
        return reference.compute_maps(case, ctx, chosen)
    return body


def keep_in_memory(rel: str, array, dtype: str = "<f4") -> str:
    """Stands in for `generate_xai.save_npy`: the draws stay on the context, nothing is written under Fixtures/."""
    return rel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keraslens", default=str(compare.ROOT / ".build" / "release" / "keraslens"))
    parser.add_argument("--repeats", type=int, default=3, help=f"timed runs per side ({', '.join(sorted(SLOW))}: 1)")
    parser.add_argument("--only", action="append", choices=METHODS, help="time only this method (repeatable)")
    args = parser.parse_args()
    reference.tail_model = functional_tail
    reference.save_npy = keep_in_memory

    model = backbones.model_path(BACKBONE)
    x = np.load(backbones.inputs_path())[:1]
    sub = reference.subject(str(model))
    print(f"SISE layers: {reference.sise_default_layers(sub.net)}", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "one.npy"
        np.save(one, x)
        base = [str(model), "--input", str(one), "--samples", "1"]
        forward = compare.ours(args.keraslens, base, max(args.repeats, 5))
        rows.append(("forward (1 image)", forward, compare.measure(lambda: sub.outputs([x]), max(args.repeats, 5), 0),
                     os.getloadavg()[0], max(args.repeats, 5)))
        for method in args.only or METHODS:
            repeats = 1 if method in SLOW else args.repeats
            layer = ["--layer", LAYER] if method in reference.CAM_METHODS else []
            print(f"timing {method} …", file=sys.stderr)
            mine = compare.ours(args.keraslens, base + ["--explain", method] + layer, repeats)
            theirs = compare.measure(reference_call(sub, x, method), repeats, warmup=0)
            rows.append((method, mine, theirs, os.getloadavg()[0], repeats))
            print_table(rows, forward.median, sys.stderr)
    print(f"{model.name}, one image; {compare.cpu_model()}; median (min–max) of the runs given, each side after one "
          f"untimed call; load = 1-minute load average after the row")
    print_table(rows, forward.median, sys.stdout)


def print_table(rows: list, forward: float, file) -> None:
    header = ["method", "runs", "ours", "TF reference", "ours / TF", "ours / our forward", "load"]
    lines = [[name, str(runs), mine.cell(), theirs.cell(), f"{mine.median / theirs.median:.2f}",
              f"{mine.median / forward:.1f}×", f"{load:.2f}"] for name, mine, theirs, load, runs in rows]
    widths = [max(len(cells[i]) for cells in lines + [header]) for i in range(len(header))]
    for cells in [header, ["-" * w for w in widths]] + lines:
        print(" | ".join(c.ljust(w) for c, w in zip(cells, widths)), file=file)


if __name__ == "__main__":
    main()
