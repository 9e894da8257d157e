"""PyTorch in, tests/reference/training.json out: training runs of specs/leaf.net and specs/tiny_gpt.net.

    pip install torch==2.13.0        # a CPU build; torch is a recording tool, never a dependency
    python scripts/record_training.py

Each run starts from the spec's own weights and trains in torch, float64, with torch.optim.SGD
or torch.optim.Adam (its default betas and eps), full-batch or in mini-batches taken in the
order of numpy.random.default_rng(seed).permutation each epoch (netspec/train/trainer.py's
order). It records every epoch's loss (the mean of its batches' losses before their updates)
and the final weights. tests/test_train_torch.py trains the same runs with netspec and holds
them to 1e-9 relative, without torch.

The leaf network is x·W1·W2; the GPT is scripts/make_tiny_gpt.py's model with the spec's
weights put back, trained on the cross-entropy of its last position's next character.
The training rows are specs/leaf_train.csv and specs/humpty_windows.csv, read here with csv.
"""

from __future__ import annotations

import csv
import json
import platform
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
OUT = ROOT / "tests" / "reference" / "training.json"
LEAF_W1 = [[0.10, 0.12, -0.36], [-0.29, -0.05, -0.21], [-0.07, 0.04, -0.27], [0.46, 0.16, 0.18]]  # specs/leaf.net
LEAF_W2 = [[-0.17, 0.05], [0.39, -0.12], [0.10, -0.04]]

RUNS = [  # spec, loss, optimizer, lr, epochs, batch size (None: all rows), seed
    ("leaf", "l1", "sgd", 1e-5, 20, None, 0),
    ("leaf", "mse", "sgd", 1e-6, 8, 5, 3),
    ("leaf", "cross-entropy", "adam", 0.01, 20, None, 0),
    ("leaf", "l1", "adam", 0.01, 6, 7, 11),
    ("tiny_gpt", "cross-entropy", "adam", 0.01, 4, None, 0),
    ("tiny_gpt", "cross-entropy", "sgd", 0.1, 2, 4, 5),
]


def _rows(name: str):
    with open(ROOT / "specs" / name, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(line for line in stream if not line.startswith("#")))


def leaf(torch):
    rows = _rows("leaf_train.csv")
    x = torch.tensor([[float(r[c]) for c in ("R", "G", "B", "Vol")] for r in rows])
    y = torch.tensor([[1.0, 0.0] if r["label"] == "Leaf" else [0.0, 1.0] for r in rows])
    params = {"W1": torch.tensor(LEAF_W1, requires_grad=True), "W2": torch.tensor(LEAF_W2, requires_grad=True)}
    return x, y, params, lambda batch: batch @ params["W1"] @ params["W2"]


def tiny_gpt(torch):
    from make_tiny_gpt import CHARS, build

    rows = _rows("humpty_windows.csv")
    x = torch.tensor([[CHARS.index(c) for c in r["text"]] for r in rows])
    y = torch.nn.functional.one_hot(torch.tensor([CHARS.index(" " if r["label"] == "space" else r["label"])
                                                  for r in rows]), len(CHARS)).double()
    model = build(torch)
    stored = np.load(ROOT / "specs" / "weights" / "tiny_gpt.npz")
    names = {"E": model.wte.weight, "P": model.wpe.weight, "lnf_scale": model.ln_f.weight,
             "lnf_shift": model.ln_f.bias, "head": model.head.weight}
    keys = {"E": "wte", "P": "wpe", "lnf_scale": "ln_f.weight", "lnf_shift": "ln_f.bias", "head": "head"}
    for i, block in enumerate(model.blocks):
        for spec_name, part, kind in (("ln1_scale", "ln_1", "weight"), ("ln1_shift", "ln_1", "bias"),
                                      ("ln2_scale", "ln_2", "weight"), ("ln2_shift", "ln_2", "bias"),
                                      ("Wq", "q", "weight"), ("bq", "q", "bias"), ("Wk", "k", "weight"),
                                      ("bk", "k", "bias"), ("Wv", "v", "weight"), ("bv", "v", "bias"),
                                      ("WO", "proj", "weight"), ("bO", "proj", "bias"), ("W1", "up", "weight"),
                                      ("b1", "up", "bias"), ("W2", "down", "weight"), ("b2", "down", "bias")):
            label = f"{spec_name}[{i + 1}]"
            names[label] = getattr(getattr(block, part), kind)
            keys[label] = f"h{i}.{part}.{kind}"
    with torch.no_grad():
        for label, tensor in names.items():
            array = stored[keys[label]]
            tensor.copy_(torch.from_numpy(array.T.copy() if tensor.dim() == 2 and label not in ("E", "P") else array))

    def spec_view(tensor, label):  # netspec's tables are x·W: a Linear's weight transposed
        return tensor.T if tensor.dim() == 2 and label not in ("E", "P") else tensor
    params = {label: tensor for label, tensor in names.items()}
    return x, y, params, lambda batch: model(batch)[:, -1, :], spec_view


def loss_of(torch, name, out, target):
    if name == "l1":
        return (target - out).abs().sum(dim=1).mean()
    if name == "mse":
        return torch.nn.functional.mse_loss(out, target)
    return torch.nn.functional.cross_entropy(out, target)


def run(torch, spec, loss, optimizer, lr, epochs, batch, seed) -> dict:
    made = leaf(torch) if spec == "leaf" else tiny_gpt(torch)
    x, y, params, model = made[:4]
    view = made[4] if len(made) > 4 else (lambda tensor, label: tensor)
    tensors = list(params.values())
    step = torch.optim.SGD(tensors, lr=lr) if optimizer == "sgd" else torch.optim.Adam(tensors, lr=lr)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = np.arange(len(x)) if batch is None or batch >= len(x) else rng.permutation(len(x))
        found = []
        for start in range(0, len(x), batch or len(x)):
            rows = torch.from_numpy(order[start:start + (batch or len(x))])
            value = loss_of(torch, loss, model(x[rows]), y[rows])
            step.zero_grad()
            value.backward()
            step.step()
            found.append(value.item())
        losses.append(float(np.mean(found)))
    weights = {label: view(tensor, label).detach().numpy().tolist() for label, tensor in params.items()}
    return {"spec": f"specs/{spec}.net", "data": "specs/leaf_train.csv" if spec == "leaf" else "specs/humpty_windows.csv",
            "loss": loss, "optimizer": optimizer, "lr": lr, "epochs": epochs, "batch_size": batch, "seed": seed,
            "losses": losses, "weights": weights}


def main():
    import torch

    torch.set_default_dtype(torch.float64)
    document = {"recorded_by": f"torch {torch.__version__}, Python {platform.python_version()}",
                "script": "scripts/record_training.py", "runs": [run(torch, *settings) for settings in RUNS]}
    OUT.write_text(json.dumps(document) + "\n", encoding="utf-8")
    for r in document["runs"]:
        print(r["spec"], r["loss"], r["optimizer"], r["batch_size"], [round(v, 6) for v in r["losses"][:3]], "…",
              r["losses"][-1])


if __name__ == "__main__":
    main()
