"""Inputs for specs/leaf.net (R, G, B in 0..255, Vol at least 0) from --input and CSV files.

Every bad value is an InputError that says which row and which column, and points at the
cell in the file; good files are read by column name, whatever the order, BOM or line ends.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import netspec
from netspec.run import inputs
from netspec.diagnostics import format_error
from netspec.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
CSV = Path(__file__).resolve().parent / "cases" / "csv"
# The leaf and the sunflower of leaf.net's examples, in the spec's input order R, G, B, Vol.
LEAF_ROWS = [[32, 107, 56, 11.2], [241, 200, 4, 59.5]]


@pytest.fixture(scope="module")
def leaf():
    return netspec.load_spec(ROOT / "specs" / "leaf.net")


def decisions(spec, values):
    return netspec.run_plan(netspec.compile_plan(spec), values).decisions


# ---- CSV files that are read ----

@pytest.mark.parametrize("name", ["leaf_rows", "reordered_columns", "bom_crlf"])
def test_good_csv_rows_are_mapped_by_column_name(leaf, name):
    """Columns Vol,B,R,G (any order) land on the inputs of the same name; Leaf, then Flower."""
    rows = inputs.from_csv(leaf, str(CSV / f"{name}.csv"))
    np.testing.assert_array_equal(rows.values, LEAF_ROWS)
    assert rows.ids == ("CSV row 1 (line 2)", "CSV row 2 (line 3)")
    assert decisions(leaf, rows.values) == ["Leaf", "Flower"]


def test_bom_crlf_case_really_has_a_bom_and_crlf():
    """Guards the case above against an editor or git quietly normalising the file."""
    data = (CSV / "bom_crlf.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfR,G,B,Vol\r\n") and data.count(b"\r\n") == 3


# ---- CSV files that are refused: (file, line, column, words in the message, words in the hint) ----

CSV_ERRORS = {
    "missing_column": (1, 1, "the CSV header has missing column Vol", "exactly the inputs: R,G,B,Vol"),
    "misspelt_column": (1, 7, "missing column Vol and unknown column Volume", "did you mean `Vol`?"),
    "extra_column": (1, 11, "unknown column Weight", "exactly the inputs: R,G,B,Vol"),
    "duplicate_column": (1, 11, "the column G appears more than once in the header", None),
    "header_only": (1, 1, "has a header but no rows of numbers", None),
    "not_a_number": (3, 9, "row 2, column B: 'four' is not a number", "plain decimals"),
    "nan": (3, 5, "row 2, column G: 'NaN' is not a finite number", "NaN and infinity"),
    "inf": (2, 11, "row 1, column Vol: 'inf' is not a finite number", "NaN and infinity"),
    "too_large": (2, 11, "row 1, column Vol: 1e400 is too large", "1.8e308"),
    "out_of_range": (3, 1, "row 2, column R: R=300 is outside its range (red part of the colour, 0 to 255)",
                     "R must be between 0 and 255"),
    "short_row": (3, 1, "row 2 has 3 cells but the header has 4", None),
    "empty_cell": (2, 4, "row 1, column G: no number given", None),
    "unclosed_quote": (3, 5, "the quote that opens this cell is not closed on its line", "closing"),
    "fullwidth_digit": (2, 5, "row 1, column G: '1０7' is written with the digit '０' (FULLWIDTH DIGIT ZERO), "
                              "which is not one of 0-9", "write 107"),
    "blank_line_then_bad": (4, 11, "row 2, column Vol: Vol=-1 is outside its range (volume in ml, at least 0)",
                            "Vol must be at least 0"),
}


@pytest.mark.parametrize("name", sorted(CSV_ERRORS), ids=sorted(CSV_ERRORS))
def test_bad_csv_is_refused_at_the_cell(leaf, name):
    """The error points at the file, line and column of the offending header or cell."""
    line, col, message, hint = CSV_ERRORS[name]
    path = CSV / f"{name}.csv"
    with pytest.raises(InputError) as caught:
        inputs.from_csv(leaf, str(path))
    error = caught.value
    assert (error.span.source.path, error.span.line, error.span.column) == (str(path), line, col)
    assert message in error.message
    if hint:
        assert hint in error.hint
    assert format_error(error).startswith(f"{path}:{line}:{col}: error: ")


def test_empty_csv(leaf):
    """An empty file has nothing to point at; the hint says what the header should be."""
    with pytest.raises(InputError) as caught:
        inputs.from_csv(leaf, str(CSV / "empty.csv"))
    assert caught.value.message == f"{CSV / 'empty.csv'} is empty"
    assert caught.value.hint == "the first line names the inputs: R,G,B,Vol"


def test_missing_csv_file(leaf, tmp_path):
    with pytest.raises(InputError, match="no such CSV file"):
        inputs.from_csv(leaf, str(tmp_path / "absent.csv"))


def test_csv_that_is_not_utf8(leaf, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("R,G,B,Vol\n32,107,56,11.2 \xb5l\n".encode("latin-1"))
    with pytest.raises(InputError, match="is not UTF-8 text"):
        inputs.from_csv(leaf, str(path))


# ---- --input NAME=VALUE ----

GOOD = ["R=32", "G=107", "B=56", "Vol=11.2"]


def test_assignments_in_any_order(leaf):
    rows = inputs.from_assignments(leaf, ["Vol=11.2", "B=56", "R=32", "G=107"])
    np.testing.assert_array_equal(rows.values, [LEAF_ROWS[0]])
    assert decisions(leaf, rows.values) == ["Leaf"]


INPUT_ERRORS = {
    "unknown-name": (["Rd=32", "G=107", "B=56", "Vol=11.2"], "--input Rd=32: unknown input `Rd`", "did you mean `R`?"),
    "missing": (["R=32", "G=107", "B=56"], "no value given for Vol", "--input Vol=..."),
    "bad-number": (["R=32", "G=107", "B=56", "Vol=11,2"], "--input Vol: '11,2' is not a number", "plain decimals"),
    "unit-in-number": (["R=32", "G=107", "B=56", "Vol=11.2ml"], "--input Vol: '11.2ml' is not a number", None),
    "duplicate": (["R=32", "R=33", "G=107", "B=56", "Vol=11.2"], "--input R=33: `R` is given twice", None),
    "no-equals": (["R32"], "--input R32: expected NAME=VALUE", None),
    "empty-value": (["R=", "G=107", "B=56", "Vol=11.2"], "--input R: no number given", None),
    "nan": (["R=32", "G=nan", "B=56", "Vol=11.2"], "--input G: 'nan' is not a finite number", None),
    "out-of-range": (["R=300", "G=107", "B=56", "Vol=11.2"],
                     "--input R: R=300 is outside its range (red part of the colour, 0 to 255)",
                     "R must be between 0 and 255"),
    "negative-volume": (["R=32", "G=107", "B=56", "Vol=-1"], "Vol=-1 is outside its range", "at least 0"),
}


@pytest.mark.parametrize("case", sorted(INPUT_ERRORS), ids=sorted(INPUT_ERRORS))
def test_bad_assignments_are_refused(leaf, case):
    given, message, hint = INPUT_ERRORS[case]
    with pytest.raises(InputError) as caught:
        inputs.from_assignments(leaf, given)
    assert message in caught.value.message
    if hint:
        assert hint in caught.value.hint


def test_an_example_name_far_from_any_lists_the_examples(leaf):
    with pytest.raises(InputError) as caught:
        inputs.from_examples(leaf, "tulip")
    assert caught.value.hint == "the examples are `leaf`, `sunflower`"


def test_several_examples_run_in_the_order_named(leaf):
    rows = inputs.from_examples(leaf, ["sunflower", "leaf"])
    assert rows.ids == ("example sunflower", "example leaf")
    np.testing.assert_array_equal(rows.values, LEAF_ROWS[::-1])


def test_an_input_name_in_the_wrong_case_is_suggested(leaf):
    with pytest.raises(InputError) as caught:
        inputs.from_assignments(leaf, ["r=32", "G=107", "B=56", "Vol=11.2"])
    assert caught.value.hint == "did you mean `R`?"
    with pytest.raises(InputError) as caught:
        inputs.from_assignments(leaf, ["xx=32"])
    assert caught.value.hint == "the inputs are `R`, `G`, `B`, `Vol`"


@pytest.mark.parametrize("separator, named", [(";", "`;`"), ("\t", "tabs")])
def test_a_csv_separated_by_something_else_says_so(leaf, tmp_path, separator, named):
    path = tmp_path / "rows.csv"
    path.write_text(separator.join(["R", "G", "B", "Vol"]) + "\n" + separator.join(["1", "2", "3", "4"]) + "\n")
    with pytest.raises(InputError) as caught:
        inputs.from_csv(leaf, str(path))
    assert caught.value.hint == f"separate the columns with commas: this header uses {named}"


def test_unknown_example(leaf):
    with pytest.raises(InputError) as caught:
        inputs.from_examples(leaf, "sunflwer")
    assert caught.value.message == "the spec has no example called `sunflwer`"
    assert caught.value.hint == "did you mean `sunflower`?"


@pytest.mark.parametrize("value, shown, digit", [("３２", "３２", "３ (FULLWIDTH DIGIT THREE)"), ("৪", "৪", "৪ (BENGALI DIGIT FOUR)"),
                                                 ("1²", "1²", "² (SUPERSCRIPT TWO)")], ids=["fullwidth", "bengali", "superscript"])
def test_an_input_with_digits_other_than_0_to_9_is_refused(leaf, value, shown, digit):
    """Python's float() reads ３２ as 32 and ৪ as 4; an input is written with the digits 0 to 9 only."""
    with pytest.raises(InputError) as caught:
        inputs.from_assignments(leaf, [f"R={value}", "G=1", "B=1", "Vol=1"])
    char, name = digit.split(" ", 1)
    assert caught.value.message == f"--input R: {shown!r} is written with the digit {char!r} {name}, which is not one of 0-9"
    assert caught.value.code == "NS320"
    assert "0 to 9" in caught.value.hint


# ---- CSV files beyond the stated limits (netspec/limits.py) ----

def test_a_header_of_many_columns_is_checked_in_linear_time(leaf, tmp_path):
    """80,000 unknown columns: comparing each with every one before it took 49 s."""
    import time

    path = tmp_path / "wide.csv"
    path.write_text("R,G,B,Vol," + ",".join(f"x{k}" for k in range(80_000)) + "\n1,2,3,4\n")
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        inputs.from_csv(leaf, str(path))
    assert time.perf_counter() - started < 5
    assert caught.value.code == "NS308" and "unknown columns x0, x1" in caught.value.message


def test_a_line_longer_than_the_limit_is_refused_in_bounded_memory(leaf, tmp_path):
    """A line past MAX_CSV_LINE_CHARS is refused at its line, without reading the whole of it."""
    import tracemalloc

    from netspec.limits import MAX_CSV_LINE_CHARS

    path = tmp_path / "long.csv"
    with path.open("w") as stream:
        stream.write("R,G,B,Vol\n1,2,3,4\n")
        stream.write("1," * (3 * MAX_CSV_LINE_CHARS // 2) + "4\n")
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as caught:
            inputs.from_csv(leaf, str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.code == "NS321"
    assert caught.value.message == f"{path}:3: the line is longer than {MAX_CSV_LINE_CHARS:,} characters"
    assert peak < 6 * MAX_CSV_LINE_CHARS  # the line is 3 times the limit; its cells would take 40 times


def test_a_header_with_more_columns_than_the_limit_is_refused(leaf, tmp_path):
    from netspec.limits import MAX_CSV_COLUMNS

    path = tmp_path / "wide.csv"
    path.write_text(",".join(["R", "G", "B", "Vol"] + ["x"] * MAX_CSV_COLUMNS) + "\n1,2,3,4\n")
    with pytest.raises(InputError) as caught:
        inputs.from_csv(leaf, str(path))
    assert caught.value.code == "NS321"
    assert caught.value.message == f"{path}:1: the line has {MAX_CSV_COLUMNS + 4:,} cells, more than the {MAX_CSV_COLUMNS:,} a CSV may have"


def test_a_quote_inside_a_cell_is_refused_at_its_line(leaf, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('R,G,B,Vol\n"32",107,56,11.2\n"3"2,1,1,1\n')
    with pytest.raises(InputError) as caught:
        inputs.from_csv(leaf, str(path))
    assert (caught.value.span.line, caught.value.code) == (3, "NS309")
    assert caught.value.message == "the CSV is malformed on this line (',' expected after '\"')"
