"""Trace in, worked steps out: the calculation of one row laid out as sums and chains.

This is the format-free middle of every printout: it decides *what* is shown (which
terms, in which order, where the ≈ goes) from the numbers the runner recorded, and the
text, Markdown and JSON renderers decide *how*. It never computes a number of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from netspec.trace import Trace, TraceStep


@dataclass(frozen=True)
class Term:
    """One product of a weighted sum: input value × weight = product."""

    input: str
    x: float
    weight: str
    w: float
    product: float


@dataclass(frozen=True)
class Sum:
    """neuron = Σ input·weight (+ bias): every term, the bias and the total the plan used."""

    address: str
    label: str
    terms: tuple[Term, ...]
    bias: tuple[str, float] | None
    total: float


@dataclass(frozen=True)
class Chain:
    """label = stage = stage = ... ; each stage is a list of text pieces and numbers."""

    address: str
    label: str
    stages: tuple[tuple, ...]
    note: str | None = None


@dataclass(frozen=True)
class WorkedStep:
    number: int
    trace_step: TraceStep
    items: tuple = ()
    preamble: tuple = ()

    @property
    def title(self) -> str:
        return self.trace_step.step.formula

    @property
    def where(self) -> str:
        span = self.trace_step.step.span
        return span.short if span else ""


@dataclass(frozen=True)
class WorkedRow:
    row_id: str
    inputs: tuple[tuple[str, float], ...]
    steps: tuple[WorkedStep, ...]
    outputs: tuple[tuple[str, float], ...]
    decision: str
    sentence: str
    extra: dict = field(default_factory=dict)


class Num(float):
    """A number that came from the plan, marked so renderers format it (and may mark it ≈)."""


class Arg(Num):
    """A Num that stands alone as a function argument, so a negative one needs no parentheses."""


def elided_terms(terms: tuple, max_terms: int) -> tuple[tuple, int]:
    """A sum's terms → the terms a printout shows and how many it leaves out.

    The one elision rule of every printout: a sum of more than `max_terms` terms (0: no
    limit) shows its first three terms, None for the gap ("… n more …"), and its last
    term; the total shown is still the one the plan computed.
    """
    terms = tuple(terms)
    if max_terms and len(terms) > max(max_terms, 4):  # 3 terms, the gap and the last: shorter sums stay whole
        return terms[:3] + (None,) + terms[-1:], len(terms) - 4
    return terms, 0


def worked_rows(trace: Trace) -> list[WorkedRow]:
    from netspec.decision import sentence

    spec = trace.spec
    rows = []
    for r, row_id in enumerate(trace.row_ids):
        steps = tuple(_worked_step(i, step, r) for i, step in enumerate(trace.steps, 1))
        outputs = tuple(zip(spec.output_labels, (float(v) for v in trace.outputs[r])))
        inputs = tuple(zip(spec.input_labels, (float(v) for v in trace.inputs[r])))
        decision = trace.decisions[r]
        rows.append(WorkedRow(row_id, inputs, steps, outputs, decision, sentence(spec.decision, decision)))
    return rows


def _worked_step(number: int, step: TraceStep, row: int) -> WorkedStep:
    explain = EXPLAINERS.get(step.step.op)
    if explain is None:
        raise NotImplementedError(f"no worked form for the operation {step.step.op!r}")
    preamble, items = explain(step, row)
    return WorkedStep(number, step, tuple(items), tuple(preamble))


def _address(step: TraceStep, label: str) -> str:
    return f"{step.name}.{label}"


def _dense(step: TraceStep, r: int):
    rec = step.record
    weights = step.params[0]
    x, products, result = rec["x"][r], rec["products"][r], step.result[r]  # (n_in,), (n_in, n_out), (n_out,)
    items = []
    for j, label in enumerate(step.labels):
        terms = tuple(Term(step.input_labels[i], float(x[i]), f"{weights.name}[{step.input_labels[i]},{label}]",
                           float(weights.array[i, j]), float(products[i, j])) for i in range(len(x)))
        bias = (f"{step.params[1].name}[{label}]", float(rec["bias"][j])) if "bias" in rec else None
        items.append(Sum(_address(step, label), label, terms, bias, float(result[j])))
    return (), items


def _per_neuron(render_one):
    def explain(step: TraceStep, r: int):
        return (), [render_one(step, r, j, label) for j, label in enumerate(step.labels)]

    return explain


def _identity_one(step, r, j, label):
    return Chain(_address(step, label), label, ((Num(step.result[r, j]),),))


def _relu_one(step, r, j, label):
    x = step.record["x"][r, j]
    return Chain(_address(step, label), label, (("max(0, ", Arg(x), ")"), (Num(step.result[r, j]),)))


def _logistic_one(step, r, j, label):
    rec = step.record
    x, e, d = rec["x"][r, j], rec["exp_neg"][r, j], rec["denominator"][r, j]
    return Chain(_address(step, label), label, (
        ("1 / (1 + e^(−", Num(x), "))"),
        ("1 / (1 + ", Num(e), ")"),
        ("1 / ", Num(d)),
        (Num(step.result[r, j]),),
    ))


def _tanh_one(step, r, j, label):
    x = step.record["x"][r, j]
    return Chain(_address(step, label), label, (("tanh(", Arg(x), ")"), (Num(step.result[r, j]),)))


def _softmax(step: TraceStep, r: int):
    rec = step.record
    x, shifted, exps = rec["x"][r], rec["shifted"][r], rec["exps"][r]  # (n,) each
    largest, total = rec["largest"][r, 0], rec["total"][r, 0]
    preamble = [("the largest number is ", Num(largest),
                 "; subtracting it first keeps e^x from overflowing and does not change the result")]
    items = [Chain(f"{step.name}.e^{label}", f"e^{label}",
                   (("e^(", Arg(x[j]), " − ", Num(largest), ")"), ("e^", Num(shifted[j])), (Num(exps[j]),)))
             for j, label in enumerate(step.labels)]
    items.append(_total_chain(step, "sum", exps, total))
    items += [Chain(_address(step, label), label, ((Num(exps[j]), " / ", Num(total)), (Num(step.result[r, j]),)))
              for j, label in enumerate(step.labels)]
    return preamble, items


def _divide_by_sum(step: TraceStep, r: int):
    rec = step.record
    x, total = rec["x"][r], rec["total"][r, 0]
    items = [_total_chain(step, "sum", x, total)]
    items += [Chain(_address(step, label), label, ((Num(x[j]), " / ", Num(total)), (Num(step.result[r, j]),)))
              for j, label in enumerate(step.labels)]
    return (), items


def _total_chain(step: TraceStep, label: str, parts: np.ndarray, total: float) -> Chain:
    pieces = []
    for i, part in enumerate(parts):
        pieces += ([" + "] if i else []) + [Num(part)]
    return Chain(f"{step.name}.{label}", label, (tuple(pieces), (Num(total),)))


def _gelu(step: TraceStep, r: int):
    rec = step.record
    preamble = [("the exact GELU: x·Φ(x), where Φ(x) = (1 + erf(x / √2)) / 2 is the share of x that passes",)]
    items = []
    for j, label in enumerate(step.labels):
        x, phi = rec["x"][r, j], rec["phi"][r, j]
        items.append(Chain(f"{step.name}.Φ({label})", f"Φ({label})", (
            ("(1 + erf(", Arg(x), " / √2)) / 2"), ("(1 + erf(", Arg(rec["scaled"][r, j]), ")) / 2"),
            ("(1 + ", Num(rec["erf"][r, j]), ") / 2"), (Num(phi),))))
        items.append(Chain(_address(step, label), label, ((Num(x), "·", Num(phi)), (Num(step.result[r, j]),))))
    return preamble, items


def _gelu_tanh(step: TraceStep, r: int):
    rec = step.record
    preamble = [("GELU's tanh approximation: x·(1 + tanh(inner)) / 2, where inner = √(2/π)·(x + 0.044715·x·x·x)",)]
    items = []
    for j, label in enumerate(step.labels):
        x, inner, tanh = rec["x"][r, j], rec["inner"][r, j], rec["tanh"][r, j]
        items.append(Chain(f"{step.name}.inner({label})", f"inner({label})", (
            ("√(2/π)·(", Num(x), " + 0.044715·", Num(x), "·", Num(x), "·", Num(x), ")"),
            (Num(rec["c"]), "·(", Num(x), " + ", Num(rec["k_cube"][r, j]), ")"),
            (Num(rec["c"]), "·", Num(rec["sum"][r, j])), (Num(inner),))))
        items.append(Chain(f"{step.name}.tanh({label})", f"tanh({label})", (("tanh(", Arg(inner), ")"), (Num(tanh),))))
        items.append(Chain(_address(step, label), label, ((Num(x), "·(1 + ", Num(tanh), ") / 2"),
                                                          (Num(step.result[r, j]),))))
    return preamble, items


def _layer_norm(step: TraceStep, r: int):
    rec = step.record
    x, deviation, squared, normed = rec["x"][r], rec["deviation"][r], rec["squared"][r], rec["normed"][r]  # (n,)
    n, mean, std = rec["n"], rec["mean"][r, 0], rec["std"][r, 0]
    items = [_mean_chain(step, "mean", x, rec["total"][r, 0], n, mean)]
    items += [Chain(f"{step.name}.({label} − mean)²", f"({label} − mean)²", (
        ("(", Num(x[j]), " − ", Num(mean), ")²"), (Num(deviation[j]), "·", Num(deviation[j])), (Num(squared[j]),)))
        for j, label in enumerate(step.labels)]
    items.append(_mean_chain(step, "variance", squared, rec["squared_total"][r, 0], n, rec["variance"][r, 0]))
    items.append(Chain(f"{step.name}.std", "std", (
        ("√(", Num(rec["variance"][r, 0]), " + ", Num(rec["eps"]), ")"), ("√", Num(rec["variance_eps"][r, 0])),
        (Num(std),))))
    for j, label in enumerate(step.labels):
        items += _normalised(step, r, j, label, deviation[j], std, normed[j])
    return [_layer_norm_preamble(step)], items


def _layer_norm_preamble(step: TraceStep) -> tuple:
    eps = step.record["eps"]
    source = {0.0: " (the article's form)", 1e-5: " (as nanoGPT and PyTorch)"}.get(float(eps), "")
    return ("mean and variance (÷", Num(step.record["n"]), ") over the layer; eps = ", Num(eps), source,
            "; each number becomes (x − mean) / std" + (", then × scale + shift" if step.params else ""))


def _normalised(step: TraceStep, r: int, j: int, label: str, deviation, std, normed) -> list[Chain]:
    """`h1 = (x − mean) / std`, or with a scale and shift `h1 normalised = …` then `h1 = n·scale + shift`."""
    divided = (Num(deviation), " / ", Num(std))
    if not step.params:
        return [Chain(_address(step, label), label, (divided, (Num(step.result[r, j]),)))]
    scale, shift = (float(a[j]) for a in (step.record["scale"], step.record["shift"]))
    scaled = step.record["scaled"][r, j]
    return [Chain(f"{step.name}.{label} normalised", f"{label} normalised", (divided, (Num(normed),))),
            Chain(_address(step, label), label, ((Num(normed), "·", Num(scale), " + ", Num(shift)),
                                                 (Num(scaled), " + ", Num(shift)), (Num(step.result[r, j]),)))]


def _mean_chain(step: TraceStep, label: str, parts, total: float, n: float, mean: float) -> Chain:
    """`mean = (a + b + c) / 3 = total / 3 = mean`."""
    pieces = ["("]
    for i, part in enumerate(parts):
        pieces += ([" + "] if i else []) + [Num(part)]
    return Chain(f"{step.name}.{label}", label, ((*pieces, ") / ", Num(n)), (Num(total), " / ", Num(n)), (Num(mean),)))


def _add_one(step, r, j, label):
    rec = step.record
    first, second = step.step.inputs
    return Chain(_address(step, label), label, ((f"{first}.{label} + {second}.{label}",),
                                                (Num(rec["x"][r, j]), " + ", Num(rec["y"][r, j])),
                                                (Num(step.result[r, j]),)))


def _dropout(step: TraceStep, r: int):
    rec = step.record
    if "keep" not in rec:  # mode=inverted
        preamble = ("mode=inverted (PyTorch, nanoGPT): training divides by 1 − p, so at inference dropout changes "
                    "nothing; p = ", Num(rec["p"]))
        source = step.step.inputs[0]
        items = [Chain(_address(step, label), label, ((f"{source}.{label}",), (Num(step.result[r, j]),)))
                 for j, label in enumerate(step.labels)]
        return [preamble], items
    preamble = ("mode=article: at inference every weight is used, multiplied by 1 − p = 1 − ", Num(rec["p"]),
                " = ", Num(rec["keep"]), "; so is every number the layer passes on")
    items = [Chain(_address(step, label), label, ((Num(rec["x"][r, j]), "·", Num(rec["keep"])),
                                                  (Num(step.result[r, j]),)))
             for j, label in enumerate(step.labels)]
    return [preamble], items


def _embed(step: TraceStep, r: int):
    """One line per token (its number picks a row of the table), then each number as `E[h,e1]`."""
    rec, table = step.record, step.params[0]
    ids, rows, vectors = rec["ids"][r], rec["rows"][r], rec["vectors"][r]  # (n,), (n,), (n, d)
    columns = step.step.options["columns"]
    n, d = vectors.shape
    preamble = [(f"each token number picks its row of {table.name} (one row per token of "
                 f"{step.step.options['vocabulary']}: {table.row_labels[0]} is row 1); the {n} rows of {d} numbers "
                 f"are set side by side: {n} × {d} = ", Num(n * d), " numbers",)]
    items = []
    for k, position in enumerate(step.input_labels):
        token = table.row_labels[rows[k]]
        pieces = [f"{position} = ", Arg(ids[k]), f" → row {token} of {table.name}: "]
        for c in range(d):
            pieces += ([", "] if c else []) + [Arg(vectors[k, c])]
        preamble.append((*pieces, f" → {position}_{columns[0]} … {position}_{columns[-1]}"))
        items += [Chain(_address(step, f"{position}_{column}"), f"{position}_{column}",
                        ((f"{table.name}[{token},{column}]",), (Num(vectors[k, c]),)))
                  for c, column in enumerate(columns)]
    return preamble, items


EXPLAINERS = {
    "dense": _dense,
    "identity": _per_neuron(_identity_one),
    "relu": _per_neuron(_relu_one),
    "logistic": _per_neuron(_logistic_one),
    "tanh": _per_neuron(_tanh_one),
    "softmax": _softmax,
    "divide_by_sum": _divide_by_sum,
    "gelu": _gelu,
    "gelu_tanh": _gelu_tanh,
    "layer_norm": _layer_norm,
    "add": _per_neuron(_add_one),
    "dropout": _dropout,
    "embed": _embed,
}
