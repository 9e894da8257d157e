"""`--set NAME=VALUE` in, a changed spec and changed rows out: "what if" without editing the file.

`--set W1[G,h1]=0.3` changes one weight (a bias: `--set b1[h1]=0.1`) through
CheckedSpec.with_weight (netspec/check/whatif.py); `--set R=40` gives input R that value in
every row (the spec's examples, `--input`, or a traced `--csv` row), checked against its range
like any input. A name that is neither is an error with the closest names as the hint.
"""

from __future__ import annotations

from dataclasses import replace

from netspec.check.model import CheckedSpec
from netspec.errors import InputError, close_matches
from netspec.run.fields import Rows, field_values


def apply_sets(spec: CheckedSpec, sets: list[str]) -> tuple[CheckedSpec, dict[str, str]]:
    """The spec with every weight --set applied, and the inputs set (field → value text)."""
    inputs: dict[str, str] = {}
    for text in sets:
        name, sep, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            raise InputError(f"--set {text}: expected NAME=VALUE, like W1[G,h1]=0.3 or R=40", code="NS324")
        if "[" in name:
            spec = spec.with_weight(name, value)
        elif name in spec.fields:
            if name in inputs:
                raise InputError(f"--set {text}: `{name}` is set twice", code="NS324")
            field_values(spec, name, value, f"--set {name}")  # checked now: a number in its range, or a text
            inputs[name] = value
        else:
            raise _unknown(spec, name, text)
    return spec, inputs


def set_inputs(spec: CheckedSpec, rows: Rows, inputs: dict[str, str]) -> Rows:
    """`rows` with each set input's neurons given its value in every row."""
    if not inputs:
        return rows
    values = rows.values.copy()
    where = {label: j for j, label in enumerate(spec.input_labels)}
    for field, text in inputs.items():
        for label, number in field_values(spec, field, text, f"--set {field}").items():
            values[:, where[label]] = number
    return replace(rows, values=values)


def _unknown(spec: CheckedSpec, name: str, text: str) -> InputError:
    choices = [*spec.fields, *spec.params]
    close = close_matches(name, choices, n=1, cutoff=0.5)
    same = [c for c in choices if c.lower() == name.lower()]
    hint = f"did you mean `{(same or close)[0]}`?" if same or close else (
        f"set an input ({', '.join(spec.fields[:8])}) or a weight as TABLE[ROW,COLUMN], like "
        f"{next(iter(spec.params), 'W1')}[…]")
    if name in spec.params:
        hint = f"name one number of {name}: {name}[ROW,COLUMN] (a bias: {name}[COLUMN])"
    return InputError(f"--set {text}: the spec has no input or weight called `{name}`", hint=hint, code="NS324")
