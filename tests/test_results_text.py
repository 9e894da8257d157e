"""The text table of `netspec run`, written a column at a time: the same text as one num() per number."""

from __future__ import annotations

import numpy as np
import pytest

from netspec.render.numbers import NumberStyle, num
from netspec.render.results import _aligned, column
from netspec.render.summary import table

EDGES = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e15, -1e15, 9.99e14, 1e-5, -1e-5, 0.5e-5, 0.000015, 3.2, 32 * 0.1,
         1.5, -1.5, 0.79584, -0.25122, 2.2163, 1e300, 5e-324]


@pytest.mark.parametrize("digits", [1, 2, 5, 10, 15])
@pytest.mark.parametrize("ascii", [False, True], ids=["unicode", "ascii"])
def test_a_column_reads_as_num_of_each_number(digits, ascii):
    """20,000 numbers from 1e-20 to 1e20, a rounded few and the edge cases: each cell is num()'s text."""
    rng = np.random.default_rng(digits)
    values = np.concatenate([rng.standard_normal(20_000) * 10.0 ** rng.integers(-20, 20, 20_000), EDGES,
                             np.round(rng.standard_normal(2_000), 3)])
    style = NumberStyle(digits, ascii)
    assert column(values, style) == [num(float(x), style) for x in values]


def test_a_column_marks_rounding_and_signs_as_num_does():
    """Hand-written: 0.79584 is exact at 5 places, 2/3 is rounded, −1.5 takes the true minus sign."""
    assert column(np.array([0.79584, 2 / 3, -1.5, 0.0]), NumberStyle()) == ["0.79584", "≈ 0.66667", "−1.5", "0"]


def test_columns_are_laid_out_as_summary_table_does():
    """Ragged widths, a header wider than its cells and an empty last column: the same lines as table()."""
    header = ("row", "R", "│", "decision", "")
    rows = [("1", "0.5", "│", "Leaf", ""), ("10", "≈ 0.33333", "│", "Flower", ""), ("100", "−2", "│", "x", "")]
    assert _aligned(header, [list(c) for c in zip(*rows)]) == table(rows, header, indent="")
