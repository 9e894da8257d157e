"""Benchmark: training specs/iris.net with netspec against scikit-learn's MLPClassifier and torch float64.

    pip install -e '.[bench]'        # scikit-learn, torch (a CPU build: torch==2.13.0)
    python bench/bench_train.py              # 1,000 epochs each, 3 repeats
    python bench/bench_train.py --quick      # 200 epochs, 1 repeat

The same network for all three: 4 → 8 (bias, relu) → 3 (bias), cross-entropy on the
softmax of the outputs, Adam (lr 0.01, betas 0.9 and 0.999, eps 1e-8), full batch: one step
per epoch on the 120 rows of specs/iris_train.csv, accuracy on the 30 held-out rows of
specs/iris_test.csv (every fifth row of the Iris data). Each starts from its own random
weights (netspec --init random --seed 1, torch's nn.Linear with manual_seed(1),
MLPClassifier random_state=1); MLPClassifier has alpha=0 (no weight decay) and never stops
early. torch runs single-threaded in float64. A cell's time per epoch is the median over
the repeats of the whole run divided by its epochs. Nothing here asserts a time: the target
to compare against is netspec within 2x of torch's time per epoch.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import netspec  # noqa: E402
from netspec.train.data import read_data  # noqa: E402
from netspec.train.session import accuracy  # noqa: E402
from netspec.train.trainer import Settings, train  # noqa: E402

SPEC, TRAIN, TEST = REPO / "specs" / "iris.net", REPO / "specs" / "iris_train.csv", REPO / "specs" / "iris_test.csv"


def run_netspec(epochs: int):
    spec = netspec.load_spec(SPEC)
    plan = netspec.compile_plan(spec)
    data, test = read_data(spec, str(TRAIN)), read_data(spec, str(TEST))
    settings = Settings(loss="cross-entropy", optimizer="adam", lr=0.01, epochs=epochs, seed=1, init="random")
    start = time.perf_counter()
    result = train(plan, data, settings)
    seconds = time.perf_counter() - start
    return seconds, accuracy(plan, result.weights, test), data, test


def run_torch(epochs: int, data, test):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)).double()
    x, y = torch.from_numpy(data.inputs), torch.from_numpy(data.targets.argmax(axis=1))
    step = torch.optim.Adam(model.parameters(), lr=0.01)
    start = time.perf_counter()
    for _ in range(epochs):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        step.zero_grad()
        loss.backward()
        step.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        chosen = model(torch.from_numpy(test.inputs)).argmax(dim=1).numpy()
    return seconds, float(np.mean(chosen == test.targets.argmax(axis=1)))


def run_sklearn(epochs: int, data, test):
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=(8,), activation="relu", solver="adam", learning_rate_init=0.01,
                          batch_size=len(data.inputs), max_iter=epochs, alpha=0.0, tol=0.0,
                          n_iter_no_change=epochs + 1, shuffle=False, random_state=1)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "did not converge" after max_iter: the epochs were asked for
        model.fit(data.inputs, data.targets.argmax(axis=1))
    seconds = time.perf_counter() - start
    return seconds, float(np.mean(model.predict(test.inputs) == test.targets.argmax(axis=1)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    epochs, repeats = (200, 1) if args.quick else (1000, 3)
    found = {"netspec": [], "torch float64": [], "scikit-learn MLPClassifier": []}
    scores = {}
    for _ in range(repeats):
        seconds, scores["netspec"], data, test = run_netspec(epochs)
        found["netspec"].append(seconds)
        for name, runner in (("torch float64", run_torch), ("scikit-learn MLPClassifier", run_sklearn)):
            try:
                seconds, scores[name] = runner(epochs, data, test)
            except ImportError:
                continue
            found[name].append(seconds)
    base = statistics.median(found["torch float64"]) if found["torch float64"] else None
    print(f"Iris 4 → 8 → 3, Adam lr 0.01, full batch of {len(data.inputs)} rows, {epochs} epochs, "
          f"held-out {len(test.inputs)} rows; median of {repeats}")
    print("| trainer | held-out accuracy | ms per epoch | × torch |")
    print("|---|---:|---:|---:|")
    for name, times in found.items():
        if not times:
            print(f"| {name} | — | — | — |")
            continue
        per = statistics.median(times) / epochs * 1000
        ratio = f"{statistics.median(times) / base:.2f}" if base else "—"
        print(f"| {name} | {scores[name]:.1%} | {per:.3f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
