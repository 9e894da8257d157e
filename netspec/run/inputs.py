"""Input values in (`--input NAME=VALUE`, a CSV file, or the spec's examples), rows out.

Every value is checked before the network runs: a number, finite, and inside the
input's declared range (netspec/run/fields.py, shared with csvinput.py). Errors name the row
and the column.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from netspec.errors import InputError
from netspec.run.fields import Rows, did_you_mean, field_values, parse_number
from netspec.check.model import CheckedSpec
from netspec.source import Span

__all__ = ["Rows", "from_assignments", "from_csv", "from_examples", "parse_number"]


def from_assignments(spec: CheckedSpec, assignments: list[str]) -> Rows:
    """`--input R=32 --input G=107 ...` or `--input text="humpty dumpt"`: one row, every input given once."""
    by_label = {info.label: info for info in spec.inputs}
    given: dict[str, float] = {}
    seen: set[str] = set()
    for text in assignments:
        name, sep, value = text.partition("=")
        name = name.strip()
        if not sep:
            raise InputError(f"--input {text}: expected NAME=VALUE, like R=32", code="NS315")
        if name not in spec.fields:
            raise InputError(f"--input {text}: unknown input `{name}`", hint=did_you_mean(name, spec.fields, "the inputs are"), code="NS305")
        if name in seen:
            raise InputError(f"--input {text}: `{name}` is given twice", code="NS307")
        seen.add(name)
        given.update(field_values(spec, name, value, f"--input {name}"))
    missing = [field for field in spec.fields if field not in seen]
    if missing:
        raise InputError(f"no value given for {', '.join(missing)}",
                         hint="add " + " ".join(f"--input {m}=..." for m in missing), code="NS306")
    return Rows(np.array([[given[label] for label in by_label]]), ("the given input",))


def from_examples(spec: CheckedSpec, only: str | Sequence[str] | None = None) -> Rows:
    """The spec's own examples, or the one or several named in `only`, in the order named."""
    names = [only] if isinstance(only, str) else list(only or ())
    known = {e.name: e for e in spec.examples}
    for name in names:
        if name not in known:
            raise InputError(f"the spec has no example called `{name}`",
                             hint=did_you_mean(name, list(known), "the examples are"), code="NS312")
    examples = [known[name] for name in names] if names else list(spec.examples)
    if not examples:
        whole_file = Span(spec.sources[-1], 1, 1, 1, 1)  # the diagnostic starts with the spec's path
        raise InputError("the spec has no examples, so there is nothing to run", whole_file,
                         hint="give inputs with --input NAME=VALUE or --csv FILE, or add an `example` line", code="NS312")
    values = np.stack([e.inputs for e in examples])
    return Rows(values, tuple(f"example {e.name}" for e in examples), tuple(e.name for e in examples))


def from_csv(spec: CheckedSpec, path: str) -> Rows:
    """A whole CSV file as one batch (see csvinput.read_chunks to stream a large one)."""
    from netspec.run.csvinput import read_chunks  # imported here: a run of --input or examples reads no CSV

    chunks = list(read_chunks(spec, path))
    return Rows(np.concatenate([c.values for c in chunks]), tuple(i for c in chunks for i in c.ids))


