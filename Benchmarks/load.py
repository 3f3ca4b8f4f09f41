"""Load check (issue 7): `keraslens evaluate` on 10,000 MNIST-1D samples and 1,000 HMT-sized images, with the peak
resident memory of each run and the same metrics whether the model sees batches of 64 or of 1.

Data: a fresh MNIST-1D set drawn with the `mnist1d` package (seed 2026, its standard generator arguments, all
samples as the test split) and random 224x224 crops, flipped and rotated, of scikit-image's IHC histology image in
[0, 1]. Models: the course files in ``../shared/models`` when present, else the bundled fixtures. Each dataset also
runs on a tenth of its samples, so the table shows whether memory grows with the set. Run through
``Benchmarks/load.sh`` (which builds the release binary and the virtual environment), or::

    .build-load-venv/bin/python Benchmarks/load.py --keraslens .build/release/keraslens [--json]

Exit status 1 when the batch-of-1 run differs from the batch-of-64 run in any metric by more than --tolerance.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "models"
WORK = ROOT / ".build-load"


@dataclass
class Dataset:
    name: str
    model: Path
    inputs: Path
    labels: Path | None
    arguments: list[str]


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    result: dict


def model_file(name: str) -> Path:
    shared = SHARED / name
    return shared if shared.exists() else ROOT / "Fixtures" / name


def mnist1d_set(count: int) -> tuple[Path, Path]:
    from mnist1d.data import get_dataset_args, make_dataset

    x_path, y_path = WORK / f"mnist1d_{count}_x.npy", WORK / f"mnist1d_{count}_y.npy"
    if not x_path.exists():
        args = get_dataset_args()
        args.num_samples, args.train_split, args.seed = count, 0.0, 2026
        data = make_dataset(args)
        np.save(x_path, data["x_test"].astype("<f4").reshape(-1, 40, 1))
        np.save(y_path, data["y_test"].astype("<i8"))
    return x_path, y_path


def hmt_set(count: int) -> Path:
    import skimage.data

    path = WORK / f"hmt_{count}_x.npy"
    if not path.exists():
        image = skimage.data.immunohistochemistry().astype(np.float32) / 255.0
        rng = np.random.default_rng(2026)
        crops = np.empty((count, 224, 224, 3), dtype="<f4")
        for i in range(count):
            y, x = rng.integers(0, image.shape[0] - 224 + 1), rng.integers(0, image.shape[1] - 224 + 1)
            crop = np.rot90(image[y:y + 224, x:x + 224], k=int(rng.integers(4)))
            crops[i] = crop[:, ::-1] if rng.random() < 0.5 else crop
        np.save(path, crops)
    return path


def run(keraslens: str, dataset: Dataset, batch_size: int, samples: int | None) -> Run:
    """One `evaluate` run; its peak resident memory is the child's own, from wait4."""
    command = [keraslens, "evaluate", str(dataset.model), "--input", str(dataset.inputs),
               "--batch-size", str(batch_size), "--json", *dataset.arguments]
    if dataset.labels:
        command += ["--labels", str(dataset.labels)]
    if samples:
        command += ["--samples", str(samples)]
    with tempfile.TemporaryFile("w+") as output, tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=errors, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        errors.seek(0)
        if process.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{errors.read()}")
        return Run(seconds, usage.ru_maxrss / 1024, json.loads(output.read()))


def differences(a, b, path: str = "") -> list[tuple[str, float]]:
    """Absolute differences between the numbers of two results (timings left out)."""
    if isinstance(a, dict):
        return [d for key in a if key != "seconds" for d in differences(a[key], b.get(key), f"{path}.{key}")]
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return [(path, float("inf"))]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        return [(path, abs(a - b) if isinstance(b, (int, float)) else float("inf"))]
    return [] if a == b else [(path, float("inf"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keraslens", default=str(ROOT / ".build" / "release" / "keraslens"))
    parser.add_argument("--mnist-samples", type=int, default=10_000)
    parser.add_argument("--hmt-images", type=int, default=1_000)
    parser.add_argument("--tolerance", type=float, default=1e-6, help="largest metric difference between batch sizes")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON object")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)

    mnist_x, mnist_y = mnist1d_set(args.mnist_samples)
    datasets = [
        Dataset("MNIST-1D", model_file("MNIST1D.h5"), mnist_x, mnist_y,
                ["--layer", "conv1d_2", "--methods", "gradcam,gradcam++,ablationcam,lime"]),
        Dataset("HMT", model_file("HMT.h5"), hmt_set(args.hmt_images), None,
                ["--layer", "max_pooling2d_1", "--methods", "gradcam,gradcam++,ablationcam", "--no-curves"]),
    ]
    rows, worst = [], 0.0
    for dataset in datasets:
        total = int(np.load(dataset.inputs, mmap_mode="r").shape[0])
        for samples in (total // 10, total):
            print(f"{dataset.name}: {samples} samples, batches of 64 and of 1 …", file=sys.stderr, flush=True)
            wide = run(args.keraslens, dataset, 64, samples)
            single = run(args.keraslens, dataset, 1, samples)
            diff = differences(wide.result, single.result)
            largest = max(diff, key=lambda d: d[1], default=("", 0.0))
            worst = max(worst, largest[1])
            rows.append({"dataset": dataset.name, "samples": samples, "file_samples": total,
                         "batch64": {"seconds": wide.seconds, "peak_rss_mb": wide.peak_rss_mb},
                         "batch1": {"seconds": single.seconds, "peak_rss_mb": single.peak_rss_mb},
                         "max_difference": largest[1], "max_difference_at": largest[0],
                         "accuracy": wide.result.get("accuracy"),
                         "metrics": {m: {k: v for k, v in r.items() if k in ("drop_rate", "increase_rate", "average_drop",
                                                                            "increase_in_confidence", "deletion_auc")}
                                     for m, r in wide.result["explanations"].items()}})

    print(f"models: {datasets[0].model}, {datasets[1].model}")
    header = f"{'dataset':<9} {'explained':>9} {'batch 64 s':>10} {'peak MB':>8} {'batch 1 s':>10} {'peak MB':>8}  largest difference"
    print(header)
    print("-" * len(header))
    for row in rows:
        where = f" ({row['max_difference_at']})" if row["max_difference"] else ""
        print(f"{row['dataset']:<9} {row['samples']:>9} {row['batch64']['seconds']:>10.1f} {row['batch64']['peak_rss_mb']:>8.0f}"
              f" {row['batch1']['seconds']:>10.1f} {row['batch1']['peak_rss_mb']:>8.0f}  {row['max_difference']:.3g}{where}")
    if args.json:
        print(json.dumps({"rows": rows}, indent=2))
    if worst > args.tolerance:
        sys.exit(f"batch size changed a result by {worst:.3g} (> {args.tolerance})")


if __name__ == "__main__":
    main()
