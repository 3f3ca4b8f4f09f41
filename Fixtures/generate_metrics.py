"""scikit-learn's classification metrics for the recorded Keras outputs (Sources/XAI/Metrics).

Only numpy and scikit-learn: no TensorFlow. Run from the repository root with::

    Fixtures/.venv/bin/python Fixtures/generate_metrics.py

It deletes ``Fixtures/metrics/`` and writes it again (seeded, so reruns give the same bytes). One JSON file per
case, each from a (N, C) float32 score array and N int64 class ids:

* ``mnist1d_fixture`` and ``course_MNIST1D`` -- the probabilities Keras recorded in ``expected/*.output.npy`` for
  the MNIST-1D test set ``mnist1d_test_x.npy`` with labels ``mnist1d_test_y.npy`` (both with exact 0/1 ties);
* ``synthetic_ties`` -- 40 samples, 4 classes, scores on a coarse grid (many tied scores, tied argmaxes that go to
  the first class) and a class that is never predicted (precision 0/0);
* ``synthetic_empty_class`` -- 30 samples, 3 classes, class ``b`` predicted but never true (recall 0/0, a zero
  row in the normalised confusion matrix, a NaN ROC curve and AUC).

Predictions are ``argmax(scores, axis=1)``, and every metric is given ``labels=range(C)`` so absent classes keep
their row. Non-finite numbers are written as the strings ``"Infinity"`` and ``"NaN"`` (JSON has no literal for
them). See ``Fixtures/README.md`` for the layout of a case.
"""

from __future__ import annotations

import json
import math
import shutil
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import auc, classification_report, confusion_matrix, roc_auc_score, roc_curve

FIXTURES = Path(__file__).resolve().parent
OUT = FIXTURES / "metrics"
RNG = np.random.default_rng(20240612)


def finite_or_name(value: float) -> float | str:
    """JSON has no infinity or NaN; the Swift tests decode these strings back into them."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def floats(values) -> list:
    return [finite_or_name(float(v)) for v in np.asarray(values).ravel()]


def save(relative: str, array: np.ndarray) -> str:
    """Writes a little-endian C-order float32/int64 .npy under metrics/ and returns its path relative to Fixtures/."""
    assert array.dtype in (np.float32, np.int64), array.dtype
    path = OUT / relative
    np.save(path, np.ascontiguousarray(array.astype(array.dtype.newbyteorder("<"))), allow_pickle=False)
    return str(path.relative_to(FIXTURES))


def case(name: str, scores_path: str, labels_path: str, target_names: list[str]) -> dict:
    scores = np.load(FIXTURES / scores_path)
    labels = np.load(FIXTURES / labels_path)
    assert scores.dtype == np.float32 and scores.ndim == 2, (scores.dtype, scores.shape)
    assert labels.dtype == np.int64 and labels.shape == (scores.shape[0],), (labels.dtype, labels.shape)
    classes = scores.shape[1]
    assert len(target_names) == classes
    assert np.allclose(scores.sum(axis=1), 1.0), "roc_auc_score(multi_class='ovr') needs probabilities"
    ids = list(range(classes))
    predicted = scores.argmax(axis=1)

    with warnings.catch_warnings():
        # Undefined precision/recall/ROC for absent classes are part of what the cases test.
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        curves = []
        for k in ids:
            fpr, tpr, thresholds = roc_curve(labels == k, scores[:, k])
            curves.append({"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(thresholds),
                           "auc": finite_or_name(auc(fpr, tpr))})
        macro_auc = roc_auc_score(labels, scores, multi_class="ovr", average="macro", labels=ids)
        report = classification_report(labels, predicted, labels=ids, target_names=target_names,
                                       digits=4, output_dict=True)
        text = classification_report(labels, predicted, labels=ids, target_names=target_names, digits=4)

    return {
        "name": name,
        "scores": scores_path,
        "labels": labels_path,
        "target_names": target_names,
        "predicted": predicted.tolist(),
        "confusion_matrix": confusion_matrix(labels, predicted, labels=ids).tolist(),
        "confusion_matrix_normalized": [floats(row) for row in
                                        confusion_matrix(labels, predicted, labels=ids, normalize="true")],
        "roc": curves,
        "roc_auc_macro": finite_or_name(float(macro_auc)),
        "report": {key: (finite_or_name(value) if isinstance(value, float)
                         else {k: finite_or_name(v) for k, v in value.items()})
                   for key, value in report.items()},
        "report_text": text,
    }


def synthetic_ties() -> tuple[np.ndarray, np.ndarray]:
    """Scores in quarters of a small integer grid: ties within every column and between a row's top classes."""
    n = 40
    raw = np.concatenate([RNG.integers(1, 5, size=(n, 3)), RNG.integers(0, 2, size=(n, 1))], axis=1)
    scores = (raw / raw.sum(axis=1, keepdims=True)).astype(np.float32)
    labels = RNG.permutation(np.arange(n) % 4).astype(np.int64)
    assert not (scores.argmax(axis=1) == 3).any()
    return scores, labels


def synthetic_empty_class() -> tuple[np.ndarray, np.ndarray]:
    n = 30
    logits = RNG.normal(size=(n, 3))
    scores = (np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)).astype(np.float32)
    labels = RNG.choice(np.array([0, 2]), size=n).astype(np.int64)
    assert (scores.argmax(axis=1) == 1).any()
    return scores, labels


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    digits = [str(k) for k in range(10)]
    cases = [
        case("mnist1d_fixture", "expected/mnist1d_fixture.output.npy", "mnist1d_test_y.npy", digits),
        case("course_MNIST1D", "expected/course_MNIST1D.output.npy", "mnist1d_test_y.npy", digits),
    ]
    scores, labels = synthetic_ties()
    cases.append(case("synthetic_ties", save("synthetic_ties.scores.npy", scores),
                      save("synthetic_ties.labels.npy", labels), ["cat", "dog", "<bird>", "a rather long class name"]))
    scores, labels = synthetic_empty_class()
    cases.append(case("synthetic_empty_class", save("synthetic_empty_class.scores.npy", scores),
                      save("synthetic_empty_class.labels.npy", labels), ["a", "b", "c"]))
    for entry in cases:
        (OUT / f"{entry['name']}.json").write_text(json.dumps(entry, indent=1, allow_nan=False) + "\n")
    print(f"wrote {len(cases)} cases to {OUT} (scikit-learn {sklearn.__version__}, numpy {np.__version__})")


if __name__ == "__main__":
    main()
