"""Trace in, worked steps out: the calculation of one row laid out as sums and chains.

This is the format-free middle of every printout: it decides *what* is shown (which
terms, in which order, where the ≈ goes) from the numbers the runner recorded, and the
text, Markdown and JSON renderers decide *how*. It never computes a number of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

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
    group: str | None = None  # the sequence position it belongs to; --focus on a position shows its group


@dataclass(frozen=True)
class Chain:
    """label = stage = stage = ... ; each stage is a list of text pieces and numbers."""

    address: str
    label: str
    stages: tuple[tuple, ...]
    note: str | None = None
    group: str | None = None  # the sequence position it belongs to; --focus on a position shows its group


@dataclass(frozen=True)
class WorkedStep:
    """One step of one row. Its working (items, preamble) is laid out only when a printout asks for it,
    so a trace that shows most steps in short does not lay out thousands of sums it never prints."""

    number: int
    trace_step: TraceStep
    row: int = 0

    @cached_property
    def _worked(self) -> tuple[tuple, tuple]:
        explain = EXPLAINERS.get(self.trace_step.step.op)
        if explain is None:
            raise NotImplementedError(f"no worked form for the operation {self.trace_step.step.op!r}")
        preamble, items = explain(self.trace_step, self.row)
        return tuple(preamble), tuple(items)

    @property
    def items(self) -> tuple:
        return self._worked[1]

    @property
    def preamble(self) -> tuple:
        return self._worked[0]

    def results(self) -> tuple[Chain, ...]:
        """`label = number` for each of the step's own numbers, without their working."""
        step, values = self.trace_step, self.trace_step.result[self.row]
        return tuple(Chain(_address(step, label), label, ((Num(value),),)) for label, value in zip(step.labels, values))

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
    return WorkedStep(number, step, row)


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


def _dense_each(step: TraceStep, r: int):
    """One sum per position and output feature, over that position's features only."""
    rec, weights = step.record, step.params[0]
    x, products = rec["x"][r], rec["products"][r]  # (n, d), (n, d, out)
    n, d = x.shape
    out = products.shape[-1]
    preamble = [(f"the same weights {weights.name} ({d} × {out}) at each of the {n} positions",)]
    items = []
    for p in range(n):
        inputs, position = step.input_labels[p * d:(p + 1) * d], step.positions[p]
        for o in range(out):
            j = p * out + o
            label = step.labels[j]
            terms = tuple(Term(inputs[f], float(x[p, f]), f"{weights.name}[{weights.row_labels[f]},{weights.col_labels[o]}]",
                               float(weights.array[f, o]), float(products[p, f, o])) for f in range(d))
            bias = (f"{step.params[1].name}[{weights.col_labels[o]}]", float(rec["bias"][o])) if "bias" in rec else None
            items.append(Sum(_address(step, label), label, terms, bias, float(step.result[r, j]), group=position))
    return preamble, items


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


def _positions(step: TraceStep, r: int, *names):
    """Each position of a sequence (one group for a vector): its label, its slice of labels and its records."""
    n = max(len(step.positions), 1)
    labels = step.labels
    d = len(labels) // n
    for p in range(n):
        group = step.positions[p] if step.positions else None
        records = [np.asarray(step.record[name][r]).reshape(n, -1)[p] for name in names]
        yield group, p * d, labels[p * d:(p + 1) * d], records


def _softmax(step: TraceStep, r: int):
    preamble = [("subtracting the largest number first keeps e^x from overflowing and does not change the result"
                 + ("; each position adds up to 1 on its own" if step.positions else ""),)]
    items = []
    for group, offset, labels, (x, largest, shifted, exps, total) in _positions(
            step, r, "x", "largest", "shifted", "exps", "total"):
        items.append(_largest_chain(step, group, x, largest[0]))
        items += [Chain(f"{step.name}.e^{label}", f"e^{label}",
                        (("e^(", Arg(x[j]), " − ", Num(largest[0]), ")"), ("e^", Num(shifted[j])), (Num(exps[j]),)),
                        group=group)
                  for j, label in enumerate(labels)]
        items.append(_total_chain(step, _grouped("sum", group), exps, total[0], group))
        items += [Chain(_address(step, label), label, ((Num(exps[j]), " / ", Num(total[0])),
                                                       (Num(step.result[r, offset + j]),)), group=group)
                  for j, label in enumerate(labels)]
    return preamble, items


def _grouped(name: str, group: str | None) -> str:
    """`sum`, or `sum(sat)` for one position of a sequence."""
    return f"{name}({group})" if group else name


def _largest_chain(step: TraceStep, group, parts, largest) -> Chain:
    """`largest = max(a, b, c) = b`: the number softmax subtracts first."""
    pieces = ["max("]
    for i, part in enumerate(parts):
        pieces += ([", "] if i else []) + [Arg(part)]
    label = _grouped("largest", group)
    return Chain(f"{step.name}.{label}", label, ((*pieces, ")"), (Num(largest),)), group=group)


def _divide_by_sum(step: TraceStep, r: int):
    items = []
    for group, offset, labels, (x, total) in _positions(step, r, "x", "total"):
        items.append(_total_chain(step, _grouped("sum", group), x, total[0], group))
        items += [Chain(_address(step, label), label, ((Num(x[j]), " / ", Num(total[0])),
                                                       (Num(step.result[r, offset + j]),)), group=group)
                  for j, label in enumerate(labels)]
    return (), items


def _total_chain(step: TraceStep, label: str, parts: np.ndarray, total: float, group: str | None = None) -> Chain:
    pieces = []
    for i, part in enumerate(parts):
        pieces += ([" + "] if i else []) + [Num(part)]
    return Chain(f"{step.name}.{label}", label, (tuple(pieces), (Num(total),)), group=group)


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
    items = []
    for group, offset, labels, (x, deviation, squared, normed, total, mean, squared_total, variance,
                                variance_eps, std) in _positions(
            step, r, "x", "deviation", "squared", "normed", "total", "mean", "squared_total", "variance",
            "variance_eps", "std"):
        items += _layer_norm_position(step, r, group, offset, labels, x, deviation, squared, normed, total[0],
                                      mean[0], squared_total[0], variance[0], variance_eps[0], std[0])
    return [_layer_norm_preamble(step)], items


def _layer_norm_position(step, r, group, offset, labels, x, deviation, squared, normed, total, mean, squared_total,
                         variance, variance_eps, std) -> list:
    """The statistics of one position (of the whole layer, for a vector), then each of its numbers."""
    rec, n = step.record, step.record["n"]
    items = [_mean_chain(step, _grouped("mean", group), x, total, n, mean, group)]
    items += [Chain(f"{step.name}.({label} − mean)²", f"({label} − mean)²", (
        ("(", Num(x[j]), " − ", Num(mean), ")²"), (Num(deviation[j]), "·", Num(deviation[j])), (Num(squared[j]),)),
        group=group) for j, label in enumerate(labels)]
    items.append(_mean_chain(step, _grouped("variance", group), squared, squared_total, n, variance, group))
    std_label = _grouped("std", group)
    items.append(Chain(f"{step.name}.{std_label}", std_label, (
        ("√(", Num(variance), " + ", Num(rec["eps"]), ")"), ("√", Num(variance_eps)), (Num(std),)), group=group))
    for j, label in enumerate(labels):
        items += _normalised(step, r, offset + j, j, label, deviation[j], std, normed[j], group)
    return items


def _layer_norm_preamble(step: TraceStep) -> tuple:
    eps = step.record["eps"]
    source = {0.0: " (the article's form)", 1e-5: " (as nanoGPT and PyTorch)"}.get(float(eps), "")
    return ("mean and variance (÷", Num(step.record["n"]), ") over the layer; eps = ", Num(eps), source,
            "; each number becomes (x − mean) / std" + (", then × scale + shift" if step.params else ""))


def _normalised(step: TraceStep, r: int, j: int, f: int, label: str, deviation, std, normed, group) -> list[Chain]:
    """`h1 = (x − mean) / std`, or with a scale and shift `h1 normalised = …` then `h1 = n·scale + shift`.

    j counts the value's numbers, f the numbers of one position (the scale's and shift's columns).
    """
    divided = (Num(deviation), " / ", Num(std))
    if not step.params:
        return [Chain(_address(step, label), label, (divided, (Num(step.result[r, j]),)), group=group)]
    scale, shift = (float(a[f]) for a in (step.record["scale"], step.record["shift"]))
    scaled = np.asarray(step.record["scaled"][r]).reshape(-1)[j]
    return [Chain(f"{step.name}.{label} normalised", f"{label} normalised", (divided, (Num(normed),)), group=group),
            Chain(_address(step, label), label, ((Num(normed), "·", Num(scale), " + ", Num(shift)),
                                                 (Num(scaled), " + ", Num(shift)), (Num(step.result[r, j]),)),
                  group=group)]


def _mean_chain(step: TraceStep, label: str, parts, total: float, n: float, mean: float, group=None) -> Chain:
    """`mean = (a + b + c) / 3 = total / 3 = mean`."""
    pieces = ["("]
    for i, part in enumerate(parts):
        pieces += ([" + "] if i else []) + [Num(part)]
    return Chain(f"{step.name}.{label}", label, ((*pieces, ") / ", Num(n)), (Num(total), " / ", Num(n)), (Num(mean),)),
                 group=group)


def _add_one(step, r, j, label):
    rec = step.record
    first, second = step.step.inputs
    theirs = step.step.options.get("second_labels")  # y added by position: its neurons have their own labels
    return Chain(_address(step, label), label, ((f"{first}.{label} + {second}.{theirs[j] if theirs else label}",),
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


def _attention(step: TraceStep, r: int):
    """Per head and query: each score q·k, (÷ √d), the softmax weights, then each output as Σ weight·v."""
    rec, options = step.record, step.step.options
    q_name, k_name, v_name = step.step.inputs
    queries, keys = options["query_positions"], options["key_positions"]
    heads, first = options["heads"], rec["first"]
    items = []
    for h in range(heads):
        for qi in range(rec["scores"].shape[2]):
            items += _attention_query(step, r, h, qi, queries[first + qi], keys, (q_name, k_name, v_name))
    return [_attention_preamble(step)], items


def _attention_preamble(step: TraceStep) -> tuple:
    options, rec = step.step.options, step.record
    asks = (f"one query, from the last position {options['query_positions'][-1]} (the article's form)"
            if options["query"] == "last" else "every position asks its own query")
    scale = (("each score is divided by ", Num(rec["root"]), ", the square root of the features per head")
             if options["scale"] == "sqrt" else ("no scaling (the article's form)",))
    mask = ("causal mask: a position sees itself and the positions before it" if options["mask"] == "causal"
            else "no mask: every key is seen")
    heads = f"; {options['heads']} heads, each on its own slice of the features" if options["heads"] > 1 else ""
    return (f"{asks}; score = q · k; ", *scale, f"; {mask}; the weights are the softmax of the scores; "
            f"each output = Σ weight · v{heads}")


def _attention_query(step: TraceStep, r, h, qi, query, keys, inputs) -> list:
    rec, (q_name, k_name, v_name) = step.record, inputs
    heads = step.step.options["heads"]
    head = f"h{h + 1}." if heads > 1 else ""
    dh, dv = rec["q"].shape[-1], rec["v"].shape[-1]
    q, k, v = rec["q"][r, h, qi], rec["k"][r, h], rec["v"][r, h]  # (dh,), (nk, dh), (nk, dvh)
    features = step.step.options["features_of"]  # the feature names of q, k and v
    visible = rec["visible"][qi]
    items = []
    for ki, key in enumerate(keys):
        label = f"{head}score({query}, {key})"
        if not visible[ki]:
            items.append(Chain(f"{step.name}.{label}", label, ((f"{key} comes after {query}: masked, weight ",
                                                               Num(rec["weights"][r, h, qi, ki])),), group=f"{head}{query}"))
            continue
        terms = tuple(Term(f"{q_name}.{query}_{features[0][h * dh + f]}", float(q[f]),
                           f"{k_name}.{key}_{features[1][h * dh + f]}", float(k[ki, f]),
                           float(rec["score_terms"][r, h, qi, ki, f])) for f in range(dh))
        items.append(Sum(f"{step.name}.{label}", label, terms, None, float(rec["scores"][r, h, qi, ki]), group=f"{head}{query}"))
        if step.step.options["scale"] == "sqrt":
            items.append(Chain(f"{step.name}.{label} scaled", f"{label} scaled", (
                (Num(rec["scores"][r, h, qi, ki]), " / ", Num(rec["root"])), (Num(rec["scaled"][r, h, qi, ki]),)),
                group=f"{head}{query}"))
    items += _attention_softmax(step, r, h, qi, query, keys, head, visible)
    for f in range(dv):
        j = (qi if step.positions else 0) * dv * heads + h * dv + f
        label = step.labels[j]
        terms = tuple(Term(f"{head}weight({query}, {key})", float(rec["weights"][r, h, qi, ki]),
                           f"{v_name}.{key}_{features[2][h * dv + f]}",
                           float(v[ki, f]), float(rec["value_terms"][r, h, qi, ki, f])) for ki, key in enumerate(keys))
        items.append(Sum(_address(step, label), label, terms, None, float(step.result[r, j]), group=f"{head}{query}"))
    return items


def _attention_softmax(step: TraceStep, r, h, qi, query, keys, head, visible) -> list:
    """The softmax of one query's scores: the largest, each e^(s − largest), their sum, each weight."""
    rec = step.record
    scaled, exps = rec["scaled"][r, h, qi], rec["exps"][r, h, qi]
    largest, total = rec["largest"][r, h, qi, 0], rec["total"][r, h, qi, 0]
    seen = [ki for ki in range(len(keys)) if visible[ki]]
    pieces = ["max("]
    for n, ki in enumerate(seen):
        pieces += ([", "] if n else []) + [Arg(scaled[ki])]
    items = [Chain(f"{step.name}.{head}largest({query})", f"{head}largest({query})", ((*pieces, ")"), (Num(largest),)),
                   group=f"{head}{query}")]
    for ki in seen:
        label = f"{head}e({query}, {keys[ki]})"
        items.append(Chain(f"{step.name}.{label}", label, (("e^(", Arg(scaled[ki]), " − ", Num(largest), ")"),
                                                           ("e^", Num(rec["shifted"][r, h, qi, ki])), (Num(exps[ki]),)),
                           group=f"{head}{query}"))
    items.append(_total_chain(step, f"{head}sum({query})", exps[seen], total, f"{head}{query}"))
    for ki in seen:
        label = f"{head}weight({query}, {keys[ki]})"
        items.append(Chain(f"{step.name}.{label}", label, ((Num(exps[ki]), " / ", Num(total)),
                                                           (Num(rec["weights"][r, h, qi, ki]),)), group=f"{head}{query}"))
    return items


def _concat(step: TraceStep, r: int):
    """Each number taken over from the value it comes from."""
    widths, inputs = step.step.options["widths"], step.step.inputs
    n = max(len(step.positions), 1)
    items = []
    for p in range(n):
        offset = p * sum(widths)
        for source, width, start in zip(inputs, widths, np.cumsum((0,) + tuple(widths[:-1]))):
            for f in range(width):
                j = offset + int(start) + f
                label = step.labels[j]
                where = f"{source}.{step.step.options['sources'][inputs.index(source)][p * width + f]}"
                items.append(Chain(_address(step, label), label, ((where,), (Num(step.result[r, j]),)),
                                   group=step.positions[p] if step.positions else None))
    count = " at each position" if step.positions else ""
    return [(f"{', '.join(inputs)} set side by side{count}",)], items


def _positional_encoding(step: TraceStep, r: int):
    rec, options = step.record, step.step.options
    form = options["form"]
    n, d = options["shape"]
    items = []
    for p in range(n):
        group = step.positions[p]
        for i in range(d):
            j = p * d + i
            items.append(Chain(_address(step, step.labels[j]), step.labels[j], _encoding_stages(rec, form, p, i, j,
                                                                                                  step.result[r, j]),
                               group=group))
    return [_ENCODING_WORDS[form](options, n, d)], items


def _encoding_stages(rec, form, p, i, j, result) -> tuple:
    position = Num(rec["p"][p, 0])
    if form == "count":
        return (("position ", position), (Num(result),))
    if form == "fraction":
        return ((position, " / ", Num(rec["count"])), (Num(result),))
    function = "cos" if rec["use_cos"][i] else "sin"
    return ((f"{function}(", position, " / ", Num(rec["base"]), "^", Num(rec["exponent"][i]), ")"),
            (f"{function}(", position, " / ", Num(rec["power"][i]), ")"),
            (f"{function}(", Arg(rec["angle"][p, i]), ")"), (Num(result),))


_ENCODING_WORDS = {
    "count": lambda o, n, d: ("form=count (the article's first try): every number of position p is p; positions "
                              f"from {o['start']:g}",),
    "fraction": lambda o, n, d: (f"form=fraction (the article's second try): p / {n}, the number of positions",),
    "article_sin": lambda o, n, d: (f"form=article_sin (the article's formula): sin(p / 10000^(i/{n})), feature i "
                                    f"from 1, {n} = the context length; positions from {o['start']:g}",),
    "article_sincos": lambda o, n, d: (f"form=article_sincos (the article): sin(p / 10000^(i/{n})) when i is even, cos "
                                       f"when i is odd, feature i from 1; positions from {o['start']:g}",),
    "paper": lambda o, n, d: (f"form=paper (Vaswani et al., the original transformer): sin(p / 10000^(2k/{d})) at feature 2k, cos at "
                              f"2k + 1, features from 0, {d} = the vector length; positions from {o['start']:g}",),
}


def _positional_embedding(step: TraceStep, r: int):
    rec, table = step.record, step.params[0]
    n = len(step.positions)
    d = len(step.labels) // n
    rows = [label or str(p + 1) for p, label in enumerate(table.row_labels[:n])]  # a file's rows: by number
    x = rec["x"][r]
    items = []
    for p in range(n):
        for f in range(d):
            j = p * d + f
            label = step.labels[j]
            items.append(Chain(_address(step, label), label, (
                (f"{step.step.inputs[0]}.{step.input_labels[j]} + {table.name}[{rows[p]},{table.col_labels[f]}]",),
                (Num(x[j]), " + ", Num(rec["rows"][p, f])), (Num(step.result[r, j]),)), group=step.positions[p]))
    return [(f"row p of {table.name} is added to position p ({table.name} has {table.array.shape[0]} rows: the "
             "context limit)",)], items


def _pick(step: TraceStep, r: int):
    indices = step.step.options["indices"]
    source = step.step.inputs[0]
    items = [Chain(_address(step, label), label, ((f"{source}.{step.input_labels[i]}",), (Num(step.result[r, j]),)))
             for j, (label, i) in enumerate(zip(step.labels, indices))]
    return (), items


EXPLAINERS = {
    "pick": _pick,
    "last": _pick,
    "dense": _dense,
    "dense_each": _dense_each,
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
    "attention": _attention,
    "concat": _concat,
    "positional_encoding": _positional_encoding,
    "positional_embedding": _positional_embedding,
}
