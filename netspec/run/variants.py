"""A count and a seed in, that many rows of inputs out, each drawn from the inputs' declared ranges.

For `netspec trace --audience learner --variants N --seed S`: N worksheets, each learner
with their own numbers, the same N again for the same seed on every machine (NumPy's
PCG64 generator, which NumPy keeps stable across versions for a given seed).

How a number is drawn, uniformly:
  `range LOW to HIGH`   between LOW and HIGH
  `at least LOW`        between LOW and LOW + SPAN
  `at most HIGH`        between HIGH − SPAN and HIGH
  no range              between 0 and SPAN
where SPAN is twice the largest size the spec's examples give that input (10 without
examples). A whole number is drawn when both ends are whole and at least 20 apart (a
colour 0–255), else a number with one decimal place (a volume 11.2), so a learner
multiplies numbers of the kind the article uses.
"""

from __future__ import annotations

import math

import numpy as np

from netspec.check.model import CheckedSpec
from netspec.errors import InputError
from netspec.run.fields import Rows

DEFAULT_SPAN = 10.0
MOST = 200  # worksheets in one printout


def variant_rows(spec: CheckedSpec, count: int, seed: int) -> Rows:
    """`count` rows named `sheet 1`, `sheet 2`, …; an InputError when the spec's inputs are words, not numbers."""
    if not 1 <= count <= MOST:
        raise InputError(f"--variants {count}: give between 1 and {MOST} worksheets", code="NS323")
    texts = [info.text for info in spec.inputs if info.text]
    if texts:
        raise InputError(f"--variants draws numbers, but the input `{texts[0]}` is a text",
                         hint="give the words with --input, or use --example", code="NS323")
    rng = np.random.default_rng(seed)
    columns = [_draw(rng, *_bounds(spec, i, info), count) for i, info in enumerate(spec.inputs)]
    values = np.stack(columns, axis=1) if columns else np.zeros((count, 0))
    ids = tuple(f"sheet {n}" for n in range(1, count + 1))
    return Rows(values, ids)


def _bounds(spec: CheckedSpec, index: int, info) -> tuple[float, float]:
    seen = [abs(float(example.inputs[index])) for example in spec.examples]
    span = 2 * max(seen) if seen and max(seen) > 0 else DEFAULT_SPAN
    low, high = info.low, info.high
    if low is not None and high is not None:
        return low, high
    if low is not None:
        return low, low + span
    if high is not None:
        return high - span, high
    return 0.0, span


def _draw(rng, low: float, high: float, count: int) -> np.ndarray:
    drawn = rng.uniform(low, high, count)
    whole = float(low).is_integer() and float(high).is_integer() and high - low >= 20
    if whole:
        return np.clip(np.floor(drawn + 0.5), low, high)
    rounded = np.round(drawn, 1)
    return np.clip(rounded, math.ceil(low * 10) / 10, math.floor(high * 10) / 10)
