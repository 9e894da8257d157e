"""Plain table rows read by NumPy before the grammar: the same nodes, positions and errors as Lark's own reading."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import netspec.lang.parser as parser
from netspec.errors import NetspecError
from netspec.lang.grammar import keywords
from netspec.source import Source, Span
from netspec.lang.tablerows import ReadRows, read_plain_rows

from conftest import SPECS

CASES = Path(__file__).parent / "cases"
ALL_SPECS = sorted(SPECS.glob("*.net")) + sorted(CASES.glob("*/*.net"))


def _unread(text, _keywords):
    return ReadRows(text, {})  # what the parser read before: the spec and a final line break


def _parsed(path: Path, monkeypatch, fast: bool):
    """The nodes (and every span in them) of one spec, or the error it gives."""
    source = Source(str(path), path.read_text(encoding="utf-8"))
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(parser, "read_plain_rows", _unread)
        try:
            spec = parser.parse(source)
        except NetspecError as error:
            span = error.span
            return ("error", type(error).__name__, error.message, error.hint,
                    span and (span.line, span.column, span.end_line, span.end_column))
    return spec, _spans(spec)


def _spans(node) -> list:
    if isinstance(node, Span):
        return [(node.line, node.column, node.end_line, node.end_column)]
    if dataclasses.is_dataclass(node):
        return [s for f in dataclasses.fields(node) for s in _spans(getattr(node, f.name))]
    if isinstance(node, (tuple, list)):
        return [s for item in node for s in _spans(item)]
    return []


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_spec_parses_to_the_same_nodes_and_positions(path, monkeypatch):
    """Every spec of specs/ and every error case: reading plain rows first changes nothing a user can see."""
    assert _parsed(path, monkeypatch, fast=True) == _parsed(path, monkeypatch, fast=False)


def test_plain_rows_are_read_and_blanked_in_place():
    """Lines 3 and 6 are plain rows; line 4 has `1,5` and line 5 a keyword for a label: those are left to the grammar."""
    text = "weights W:\n   a  b  c\n  x 0.1 −2 3e4 # note\n  y 1,5 2 3\n  to 1 2 3\n  z 7\n"
    read = read_plain_rows(text, keywords())
    assert {line: list(numbers) for line, numbers in read.numbers.items()} == {3: [0.1, -2.0, 30000.0], 6: [7.0]}
    assert read.text.split("\n")[2] == "  x 0.1" + " " * len(" −2 3e4 ") + "# note"
    lines, before = read.text.split("\n"), text.split("\n")
    assert lines[:2] + lines[3:] == before[:2] + before[3:] + [""]  # the other lines as written, and a last line break


def test_numbers_read_back_as_python_reads_them():
    """NumPy's reading of every row gives exactly float() of each number (correct rounding), for 20,000 of them."""
    rng = np.random.default_rng(1)
    values = rng.standard_normal(20_000) * 10.0 ** rng.integers(-30, 30, 20_000)
    written = [f"{v:.17g}" for v in values[:10_000]] + [f"{v:.6e}" for v in values[10_000:]]
    rows = "\n".join("  r " + " ".join(written[i:i + 100]) for i in range(0, len(written), 100))
    read = read_plain_rows(rows, keywords())
    assert [x for line in sorted(read.numbers) for x in read.numbers[line]] == [float(w) for w in written]


@pytest.mark.parametrize("bad", ["1e", "1-2", ".", "inf", "1\f2"])
def test_a_table_read_as_one_block_falls_back_for_a_row_that_is_not_plain(bad, tmp_path, monkeypatch):
    """A table's rows are read by NumPy as one block; one bad piece among them makes the block be read a
    row at a time, and the grammar reports that row where it is, as without the fast reading."""
    rows = [f"  x{i} " + " ".join(f"{(i * 7 + j) % 11 - 5}.25" for j in range(6)) for i in range(1, 9)]
    rows[4] = rows[4].rsplit(" ", 1)[0] + f" {bad}"
    text = ("input " + "\ninput ".join(f"x{i}" for i in range(1, 9)) + "\nweights W:\n    " +
            " ".join(f"y{j}" for j in range(1, 7)) + "\n" + "\n".join(rows) + "\nlayer out = dense(input, W)\n")
    path = tmp_path / "t.net"
    path.write_text(text, encoding="utf-8")
    fast, slow = _parsed(path, monkeypatch, fast=True), _parsed(path, monkeypatch, fast=False)
    assert fast == slow
    if bad in ("1e", ".", "inf"):  # not numbers to the grammar either (`1-2` is two, a form feed a space)
        assert fast[0] == "error" and fast[4][0] == 15  # the row's own line
