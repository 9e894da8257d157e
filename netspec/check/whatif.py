"""A checked spec and one changed number in, a new checked spec out: "what if W1[G,h1] were 0.3?".

`CheckedSpec.with_weight` (the Python API) and `--set W1[G,h1]=0.3` (run, trace, draw) both
come here. The spec's own arrays are never touched: the changed table is a copy, so the
original spec and every plan compiled from it still give their old answers. A weight is
named by its table and the labels of its row and column, exactly as the printouts address it
(`W1[G,h1]`, a bias `b1[h1]`); a table whose rows have no labels takes row numbers from 1.
This module does not import check/model.py (model.py calls it), so it works on the spec's fields.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from netspec.errors import InputError, close_matches
from netspec.records import record


@record
class Change:
    """One number set by hand: where, what it was, what it is now."""

    address: str
    old: float
    new: float

    def __str__(self) -> str:
        return f"{self.address} = {self.new:g} (was {self.old:g})"


def split_address(spec, address: str) -> tuple[str, list[str]]:
    """`W1[G,h1]` → ("W1", ["G", "h1"]); a table whose name holds brackets (`Wq[1]`) is found whole."""
    text = address.strip()
    if not text.endswith("]") or "[" not in text:
        raise _unknown(spec, text, f"`{text}` is not a weight's address",
                       hint="write a weight as TABLE[ROW,COLUMN], like W1[G,h1], or a bias as b1[h1]")
    for start in [i for i, char in enumerate(text) if char == "["][::-1]:
        if text[:start] in spec.params:
            return text[:start], [part.strip() for part in text[start + 1:-1].split(",")]
    name = text[:text.index("[")]
    raise _unknown(spec, name, f"the spec has no weights or bias called `{name}`", list(spec.params))


def with_weight(spec, name: str, where: list[str], value: float):
    """A copy of `spec` with one number of table `name` set to `value`; the change is remembered."""
    param = spec.params.get(name)
    if param is None:
        raise _unknown(spec, name, f"the spec has no weights or bias called `{name}`", list(spec.params))
    number = _number(value, f"{name}[{','.join(where)}]")
    index = _index(param, where)
    array = np.array(param.array, dtype=np.float64, copy=True)
    old = float(array[index])
    array[index] = number
    array.setflags(write=False)
    changed = replace(param, array=array)
    change = Change(f"{name}[{','.join(where)}]", old, number)
    return replace(spec, params={**spec.params, name: changed}, changes=(*spec.changes, change))


def _index(param, where: list[str]) -> tuple:
    """The array index of a weight named by its labels (or 1-based numbers where a table has no labels)."""
    axes = [param.col_labels] if param.array.ndim == 1 else [param.row_labels, param.col_labels]
    if len(where) != len(axes):
        form = f"{param.name}[COLUMN]" if len(axes) == 1 else f"{param.name}[ROW,COLUMN]"
        raise InputError(f"{param.name} is a {param.kind} table of {'one' if len(axes) == 1 else 'two'} "
                         f"dimension{'s' * (len(axes) > 1)}: name one number as {form}", code="NS324",
                         hint=f"for example {param.name}[{','.join(_first(a) for a in axes)}]")
    return tuple(_position(param, labels, label, axis) for axis, (labels, label) in enumerate(zip(axes, where)))


def _position(param, labels: tuple, label: str, axis: int) -> int:
    size = param.array.shape[axis]
    if label in labels:
        if labels.count(label) > 1:
            raise InputError(f"{param.name} has several {'rows' if axis == 0 and len(param.array.shape) == 2 else 'columns'} "
                             f"labelled `{label}`", code="NS324", hint="name it by its number, counted from 1")
        return labels.index(label)
    if label.isascii() and label.isdigit() and 1 <= int(label) <= size:
        return int(label) - 1
    what = "row" if axis == 0 and param.array.ndim == 2 else "column"
    named = [x for x in labels if x]
    close = _close(label, named)
    hint = f"did you mean `{close[0]}`?" if close else (
        f"the {what}s of {param.name} are {', '.join(named[:10])}{' …' if len(named) > 10 else ''}" if named
        else f"its {what}s are numbered 1 to {size}")
    raise InputError(f"{param.name} has no {what} `{label}`", hint=hint, code="NS324")


def _first(labels: tuple) -> str:
    return labels[0] if labels and labels[0] else "1"


def _number(value, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {value!r} is not a number", hint="give a plain decimal like 0.3",
                         code="NS324") from None
    if not math.isfinite(number):
        raise InputError(f"{where}: {value!r} is not a finite number", hint="give a plain decimal like 0.3",
                         code="NS324")
    return number


def _unknown(spec, name: str, message: str, choices: list[str] | None = None, hint: str | None = None):
    close = _close(name, choices or [])
    if close:
        hint = f"did you mean `{close[0]}`?"
    elif choices and hint is None:
        hint = "its weights and biases are " + ", ".join(choices[:12]) + (" …" if len(choices) > 12 else "")
    return InputError(message, hint=hint, code="NS324")


def _close(name: str, choices: list[str]) -> list[str]:
    """The one choice `name` was most likely meant to be: the same but for capitals, else the closest."""
    same = [c for c in choices if c.lower() == name.lower()]
    return same[:1] or close_matches(name, choices, n=1, cutoff=0.5)
