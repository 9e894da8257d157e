"""One training row in, one training step laid out for the printouts: forward, loss, chain rule, updates.

The forward pass is the ordinary trace (the explaining kernels). After it come steps that
no operation computes, each a LaidOut record the printers show like any other step:

    loss        the loss term by term: |0.8 − 0.6| + |0.2 − 0.4| = 0.2 + 0.2 = 0.4
    ∂L/∂out     how the loss moves with each output (the article's nudge, by the formula)
    ∂L/∂W2      the chain rule per weight: ∂L/∂W2[h1,Leaf] = ∂L/∂Leaf · h1 = (−1)·1 = −1
    ∂L/∂hidden  each neuron's gradient, the sum of what the layers after it send back
    W2′         each update: w − lr·g = w′

Every number is the trainer's own: the loss and its gradient from losses.py, the gradients
from backward.py (each operation's OpDef.gradient) on the traced values, the updates from
optimizers.py. A dense layer's gradients are written out as products and sums; another
operation's are given as the numbers its rule computed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from netspec.check.model import Step
from netspec.ops.worked import Chain, LaidOut, Num, Sum, Term
from netspec.run.plan import Plan, compile_plan
from netspec.run.runner import trace as trace_rows
from netspec.run.trace import Trace, TraceStep
from netspec.train.backward import backward
from netspec.train.data import Data
from netspec.train.losses import Loss
from netspec.train.optimizers import Adam, optimizer
from netspec.train.trainer import Settings, initial_weights, loss_for, trainable

SHORT = 8  # outputs up to which the loss is written in one line, as the article writes it


def train_step_trace(plan: Plan, data: Data, row: int, settings: Settings) -> Trace:
    """The trace of data row `row` (from 0), followed by its training step as a batch of one."""
    spec = plan.spec
    names = trainable(spec, settings.freeze)
    weights = initial_weights(plan, settings.init, np.random.default_rng(settings.seed))
    spec = replace(spec, params={n: replace(p, array=weights[n]) for n, p in spec.params.items()})
    plan = compile_plan(spec)
    traced = trace_rows(plan, data.inputs[row:row + 1], (data.ids[row],))
    values = {spec.input_value: traced.inputs, **{s.name: s.result for s in traced.steps}}
    targets = data.targets[row:row + 1]
    loss = loss_for(plan, settings.loss)
    outputs = values[spec.output]
    grad_output = loss.gradient(outputs, targets)
    grads, value_grads = backward(plan, weights, values, grad_output, set(names))
    updated = dict(weights)
    step = optimizer(settings.optimizer, settings.lr)
    step.step(updated, {name: grads[name] for name in names if name in grads})
    span = data.spans[row] if data.spans else None
    extra = [_loss_step(spec, loss, outputs[0], targets[0], span), _output_step(spec, loss, outputs[0], targets[0],
                                                                               grad_output[0], span)]
    extra += _backward_steps(plan, values, weights, grads, value_grads)
    extra += [_update_step(plan, name, weights[name], grads[name], updated[name], settings, step)
              for name in names if name in grads]
    return replace(traced, steps=traced.steps + tuple(extra))


def _pseudo(name: str, text: str, source: str, labels, result, preamble, items, span=None) -> TraceStep:
    step = Step(name, "", (source,), (), {}, span, text)
    return TraceStep(step, (), (), tuple(labels), LaidOut(((tuple(preamble), tuple(items)),)),
                     np.asarray(result, dtype=np.float64).reshape(1, -1))


def _loss_step(spec, loss: Loss, got, wanted, span) -> TraceStep:
    labels = spec.output_labels
    value = loss.value(got[None, :], wanted[None, :])
    if loss.name == "l1":
        terms = np.abs(wanted - got)
        items = _l1_items(labels, got, wanted, terms, value)
        words = "the article's loss: for each output, wanted − got without its sign, added up"
    elif loss.name == "mse":
        terms = (wanted - got) ** 2
        items = [Chain(f"loss.({label})²", f"(wanted − got)² ({label})",
                       (("(", Num(w), " − ", Num(g), ")²"), (Num(t),))) for label, w, g, t in zip(labels, wanted, got, terms)]
        items.append(_total("loss.L", "L", terms, value, mean=len(terms)))
        words = "mse: the mean of (wanted − got)² over the outputs"
    else:
        items, words = _cross_entropy_items(loss, labels, got, wanted, value)
    return _pseudo("loss", f"{loss.name}(wanted, {spec.output})", spec.output, ("L",), [value], [(words,)], items, span)


def _l1_items(labels, got, wanted, terms, value) -> list[Chain]:
    if len(labels) <= SHORT:  # |0.8 − 0.6| + |0.2 − 0.4| = 0.2 + 0.2 = 0.4, as the article writes it
        first = []
        for j, (w, g) in enumerate(zip(wanted, got)):
            first += ([" + "] if j else []) + ["|", Num(w), " − ", Num(g), "|"]
        return [Chain("loss.L", "L", (tuple(first), tuple(_joined(terms)), (Num(value),)))]
    items = [Chain(f"loss.|{label}|", f"|wanted − got| ({label})", (("|", Num(w), " − ", Num(g), "|"), (Num(t),)))
             for label, w, g, t in zip(labels, wanted, got, terms)]
    return items + [_total("loss.L", "L", terms, value)]


def _joined(numbers) -> list:
    pieces = []
    for j, x in enumerate(numbers):
        pieces += ([" + "] if j else []) + [Num(x)]
    return pieces


def _total(address, label, terms, value, mean: int | None = None) -> Chain:
    if mean is None:
        return Chain(address, label, (tuple(_joined(terms)), (Num(value),)))
    return Chain(address, label, (("(", *_joined(terms), ") / ", Num(mean)), (Num(value),)))


def _cross_entropy_items(loss: Loss, labels, got, wanted, value):
    p = np.exp(loss.log_probabilities(got[None, :]))[0]
    items = [] if loss.on_probabilities else [
        Chain(f"loss.p({label})", f"p({label})", (("softmax: ", Num(q)),)) for label, q in zip(labels, p)]
    pieces = ["−("]
    shown = [j for j in range(len(labels)) if wanted[j] != 0]
    for n, j in enumerate(shown):
        pieces += ([" + "] if n else []) + [Num(wanted[j]), "·ln ", Num(p[j])]
    items.append(Chain("loss.L", "L", ((*pieces, ")"), (Num(value),))))
    source = "the outputs are already probabilities" if loss.on_probabilities else "p = the softmax of the outputs"
    return items, f"cross-entropy: −Σ wanted·ln p, {source}; outputs wanted 0 add nothing"


def _output_step(spec, loss: Loss, got, wanted, grad, span) -> TraceStep:
    labels = spec.output_labels
    items = []
    for j, label in enumerate(labels):
        if loss.name == "l1":
            stage = ("sign(", Num(got[j]), " − ", Num(wanted[j]), ")")
        elif loss.name == "mse":
            stage = ("2·(", Num(got[j]), " − ", Num(wanted[j]), ") / ", Num(len(labels)))
        elif loss.on_probabilities:
            stage = ("−", Num(wanted[j]), " / ", Num(got[j]))
        else:
            p = np.exp(loss.log_probabilities(got[None, :]))[0]
            stage = (Num(p[j]), " − ", Num(wanted[j]))
        items.append(Chain(f"∂L/∂{spec.output}.{label}", f"∂L/∂{label}", (stage, (Num(grad[j]),))))
    words = {"l1": "|wanted − got| grows by 1 for each 1 that got moves away from wanted: the slope is ±1",
             "mse": "the slope of (got − wanted)² is 2·(got − wanted), over the mean's count",
             "cross-entropy": "the slope of −Σ wanted·ln p with respect to each output"}[loss.name]
    return _pseudo(f"∂L/∂{spec.output}", f"how the loss moves with each output of {spec.output}", "loss", labels, grad, [(words,)], items, span)


def _backward_steps(plan: Plan, values, weights, grads, value_grads) -> list[TraceStep]:
    """Last step to first: each value's gradient once complete (every reader done), then its tables'."""
    spec, found = plan.spec, []
    readers = {}
    for step in plan.steps:
        for name in step.step.inputs:
            readers.setdefault(name, []).append(step)
    for step in reversed(plan.steps):
        output = step.step.output
        if output != spec.output and output in value_grads:
            found.append(_value_step(spec, output, readers.get(output, []), values, weights, value_grads))
        for name in step.step.params:
            if name in grads:
                found.append(_param_step(spec, step, name, values, value_grads, grads[name]))
    return found


def _dense(step) -> bool:
    """A weighted sum over one vector (not at each position of a sequence): its chain rule is written out."""
    return step.op.weighted_sum and "positions" not in step.step.options


def _value_step(spec, name, readers, values, weights, value_grads) -> TraceStep:
    labels = spec.values[name].labels
    grad = value_grads[name][0]
    if len(readers) == 1 and _dense(readers[0]):
        reader = readers[0]
        table = reader.step.params[0]
        w, gy = weights[table], value_grads[reader.step.output][0]
        outs = spec.values[reader.step.output].labels
        items = [Sum(f"∂L/∂{name}.{label}", f"∂L/∂{label}",
                     tuple(Term(f"∂L/∂{o}", float(gy[j]), f"{table}[{label},{o}]", float(w[i, j]),
                                float(gy[j] * w[i, j])) for j, o in enumerate(outs)), None, float(grad[i]))
                 for i, label in enumerate(labels)]
        words = (f"each neuron of {name} reaches every output of {reader.step.output} through its weight: "
                 f"∂L/∂{labels[0]} = Σ ∂L/∂(output) · {table}[{labels[0]},output]",)
    else:
        items = [Chain(f"∂L/∂{name}.{label}", f"∂L/∂{label}", ((Num(g),),)) for label, g in zip(labels, grad)]
        how = "; ".join(f"{r.step.formula} by its rule" for r in readers)
        words = (f"what the steps that read {name} send back, added up: {how}",)
    span = readers[0].step.span if readers else None
    back = " and ".join(r.step.formula for r in readers)
    return _pseudo(f"∂L/∂{name}", f"the chain rule back through {back}", name, labels, grad, [words], items, span)


def _param_step(spec, step, name, values, value_grads, grad) -> TraceStep:
    param = spec.params[name]
    rows, columns = _table_labels(step, param)
    addresses = [f"{name}[{c}]" for c in columns] if grad.ndim == 1 else \
        [f"{name}[{r},{c}]" for r in rows for c in columns]
    flat = grad.reshape(-1)
    if _dense(step):
        x_name = step.step.inputs[0]
        x, gy = values[x_name][0], value_grads[step.step.output][0]
        xs, ys = spec.values[x_name].labels, spec.values[step.step.output].labels
        if grad.ndim == 2:
            items = [Chain(f"∂L/∂{name}.{addresses[i * len(ys) + j]}", f"∂L/∂{addresses[i * len(ys) + j]}",
                           ((f"∂L/∂{ys[j]} · {xs[i]}",), (Num(gy[j]), "·", Num(x[i])), (Num(grad[i, j]),)))
                     for i in range(len(xs)) for j in range(len(ys))]
            words = f"∂L/∂{name}[input,output] = ∂L/∂output · input: the weight's input is what it multiplied"
        else:
            items = [Chain(f"∂L/∂{name}.{a}", f"∂L/∂{a}", ((f"∂L/∂{ys[j]}",), (Num(grad[j]),)))
                     for j, a in enumerate(addresses)]
            words = f"a bias is added once: ∂L/∂{name}[output] = ∂L/∂output"
    else:
        items = [Chain(f"∂L/∂{name}.{a}", f"∂L/∂{a}", ((Num(g),),)) for a, g in zip(addresses, flat)]
        words = f"by the rule of {step.step.formula}"
    return _pseudo(f"∂L/∂{name}", f"the chain rule at {step.step.formula}", step.step.output, addresses, flat,
                   [(words,)], items,
                   step.step.span)


def _table_labels(step, param):
    own = step.op.table_labels
    rows, columns = own(step.step, param) if own is not None else (param.row_labels, param.col_labels)
    rows = tuple(r or str(k + 1) for k, r in enumerate(rows)) or tuple(str(k + 1) for k in range(len(param.array)))
    columns = tuple(c or str(k + 1) for k, c in enumerate(columns))
    return rows, columns


def _update_step(plan, name, before, grad, after, settings: Settings, step) -> TraceStep:
    spec = plan.spec
    reader = next(s for s in plan.steps if name in s.step.params)
    rows, columns = _table_labels(reader, spec.params[name])
    addresses = [f"{name}[{c}]" for c in columns] if before.ndim == 1 else \
        [f"{name}[{r},{c}]" for r in rows for c in columns]
    lr = settings.lr
    b, g, a = before.reshape(-1), grad.reshape(-1), after.reshape(-1)
    if isinstance(step, Adam):
        beta1, beta2 = step.betas
        t = step.t[name]
        m_hat = step.m[name].reshape(-1) / (1.0 - beta1 ** t)
        v_hat = step.v[name].reshape(-1) / (1.0 - beta2 ** t)
        items = [Chain(f"{name}′.{address}", f"{address}′", (
            (Num(b[k]), " − ", Num(lr), "·", Num(m_hat[k]), " / (√", Num(v_hat[k]), " + ", Num(step.eps), ")"),
            (Num(a[k]),))) for k, address in enumerate(addresses)]
        words = (f"Adam, step {t}: w − lr·m / (√v + eps), m and v the running averages of g and g·g, each divided by "
                 f"1 − β^{t} (β = {beta1:g} and {beta2:g})",)
    else:
        items = [Chain(f"{name}′.{address}", f"{address}′", ((Num(b[k]), " − ", Num(lr), "·", Num(g[k])), (Num(a[k]),)))
                 for k, address in enumerate(addresses)]
        words = (f"each number moves against its gradient: w − lr·g, lr = {lr:g}",)
    return _pseudo(f"{name}′", f"{name} − lr·∂L/∂{name}" if not isinstance(step, Adam) else f"Adam's step on {name}", f"∂L/∂{name}", addresses, a, [words], items,
                   spec.params[name].span)
