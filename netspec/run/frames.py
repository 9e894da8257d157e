"""Python data in (dicts, lists of dicts, NumPy arrays, pandas DataFrames and Series), checked Rows out.

The Python API's counterpart of `--input` and `--csv`: a column is matched to an input by its
NAME whenever the data has names (a dict's keys, a DataFrame's columns, a structured array's
fields), never by position, so a DataFrame whose columns are in another order gives the same
answers. Only data without names (a list of lists, a plain 2-D array) is read by position.
Every number passes the checks a CSV cell passes (netspec/run/fields.py): finite, inside its
input's range. pandas is never imported: a DataFrame is recognised by what it has.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from netspec.check.model import CheckedSpec
from netspec.errors import InputError
from netspec.run.fields import Rows, check_range, did_you_mean, field_values


def rows_of(spec: CheckedSpec, data) -> Rows:
    """`data` as Rows for the plan of `spec`; an InputError names what does not fit."""
    if isinstance(data, Rows):
        return data
    if _is_frame(data):
        return _by_name(spec, {str(c): data[c].to_numpy() for c in data.columns}, len(data), "DataFrame",
                        list(map(str, data.columns)))
    if _is_series(data):
        return rows_of(spec, {str(k): v for k, v in data.items()})
    if isinstance(data, Mapping):
        return _mapping(spec, data)
    if isinstance(data, np.ndarray) and data.dtype.names:
        return _by_name(spec, {name: data[name] for name in data.dtype.names}, len(data), "array",
                        list(data.dtype.names))
    if isinstance(data, (list, tuple)) and data and all(isinstance(row, Mapping) for row in data):
        return _list_of_mappings(spec, data)
    return _by_position(spec, data)


def _is_frame(data) -> bool:
    return hasattr(data, "columns") and hasattr(data, "to_numpy") and hasattr(data, "iloc") and data.ndim == 2


def _is_series(data) -> bool:
    return hasattr(data, "index") and hasattr(data, "to_numpy") and hasattr(data, "iloc") and data.ndim == 1


def _mapping(spec: CheckedSpec, data: Mapping) -> Rows:
    """{"R": 32, ...} is one row; {"R": [32, 241], ...} (every value a list or array) is a column each."""
    columns = {str(k): v for k, v in data.items()}
    single = all(np.ndim(v) == 0 for v in columns.values())
    if single:
        columns = {k: [v] for k, v in columns.items()}
    lengths = {len(v) if np.ndim(v) else 1 for v in columns.values()}
    if len(lengths) > 1:
        raise InputError(f"the columns have different lengths ({', '.join(map(str, sorted(lengths)))})",
                         hint="give every input the same number of values, one per row", code="NS318")
    count = lengths.pop() if lengths else 0
    rows = _by_name(spec, columns, count, "dict", list(columns))
    return Rows(rows.values, ("the given input",)) if single else rows


def _list_of_mappings(spec: CheckedSpec, data) -> Rows:
    keys = list(dict.fromkeys(str(k) for row in data for k in row))
    for number, row in enumerate(data, 1):
        absent = [k for k in keys if k not in map(str, row)]
        if absent:
            raise InputError(f"row {number}: no value given for {', '.join(absent)}",
                             hint="give every row a value for each input", code="NS306")
    columns = {k: [next(v for key, v in row.items() if str(key) == k) for row in data] for k in keys}
    return _by_name(spec, columns, len(data), "rows", keys)


def _by_name(spec: CheckedSpec, columns: dict, count: int, kind: str, names: list[str]) -> Rows:
    """One column per field, taken by name; missing, unknown and repeated names are errors."""
    _names_fit(spec, kind, names)
    if count == 0:
        raise InputError(f"the {kind} has no rows", hint="give at least one row of inputs", code="NS318")
    values = np.empty((count, len(spec.inputs)), dtype=np.float64)
    where = {label: j for j, label in enumerate(spec.input_labels)}
    for field in spec.fields:
        if field in spec.texts:
            for row, text in enumerate(_texts(field, columns[field])):
                for label, number in field_values(spec, field, text, f"row {row + 1}, column {field}").items():
                    values[row, where[label]] = number
        else:
            values[:, where[field]] = _numbers(spec, field, columns[field])
    return Rows(values, tuple(f"row {i}" for i in range(1, count + 1)))


def _names_fit(spec: CheckedSpec, kind: str, names: list[str]) -> None:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"the {kind} names the column {repeated[0]} more than once", hint="name each input once",
                         code="NS308")
    missing = [f for f in spec.fields if f not in names]
    extra = [n for n in names if n not in spec.fields]
    if not (missing or extra):
        return
    parts = ([f"missing column{'s' * (len(missing) > 1)} {', '.join(missing)}"] if missing else []) + \
            ([f"unknown column{'s' * (len(extra) > 1)} {', '.join(extra)}"] if extra else [])
    hint = did_you_mean(extra[0], missing) if extra and missing else None
    if extra and not missing and kind == "DataFrame":
        hint = f"pick the inputs first: df[{list(spec.fields)!r}]"
    raise InputError(f"the {kind} has {' and '.join(parts)}",
                     hint=hint or "the columns must be exactly the inputs: " + ", ".join(spec.fields), code="NS308")


def _numbers(spec: CheckedSpec, field: str, column) -> np.ndarray:
    """A column as float64, every value a finite number inside the input's range."""
    info = next(i for i in spec.inputs if i.label == field)
    try:
        numbers = np.asarray(column, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        bad = next((v for v in np.asarray(column, dtype=object).reshape(-1) if not _is_number(v)), None)
        raise InputError(f"column {field}: {bad!r} is not a number", hint="inputs must be numbers like 11.2",
                         code="NS301") from None
    not_finite = np.flatnonzero(~np.isfinite(numbers))
    if not_finite.size:
        row = int(not_finite[0])
        raise InputError(f"row {row + 1}, column {field}: {float(numbers[row])!r} is not a finite number",
                         hint="inputs must be ordinary numbers; NaN (a missing value) and infinity cannot be "
                              "computed with: drop or fill those rows first", code="NS302")
    check_range(info, numbers, lambda row: f"row {row + 1}, column {field}")
    return numbers


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, str)


def _texts(field: str, column) -> list[str]:
    texts = list(np.asarray(column, dtype=object).reshape(-1))
    for row, text in enumerate(texts, 1):
        if not isinstance(text, str):
            raise InputError(f"row {row}, column {field}: {text!r} is not a text", code="NS301",
                             hint=f"{field} is a text input: give it a string such as \"humpty dumpt\"")
    return texts


def _by_position(spec: CheckedSpec, data) -> Rows:
    """A list of lists or a plain array: one number per input neuron, in the spec's order."""
    try:
        array = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("rows must be numbers: a dict, a list of dicts, a DataFrame, or rows of numbers",
                         code="NS318") from None
    width = len(spec.inputs)
    if array.ndim == 1 and array.size == width:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != width:
        raise InputError(f"rows must have {width} numbers each ({', '.join(spec.input_labels)}); "
                         f"got an array of shape {array.shape}", code="NS318",
                         hint="a dict or a DataFrame is matched to the inputs by name")
    for j, info in enumerate(spec.inputs):
        if info.text is None:  # a text input's token numbers are the tokenizer's to check
            _numbers(spec, info.label, array[:, j])
    return Rows(array, tuple(f"row {i}" for i in range(1, len(array) + 1)))
