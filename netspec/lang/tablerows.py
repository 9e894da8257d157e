"""Spec text in, the numbers of its plain table rows out, with the text the grammar still has to read.

Lark makes a token of some 350 bytes, and a tree node around it, for every number it
lexes: an inline table of a million numbers took 11 s and 460 bytes per number. Most
table rows are plain, `label number number …`, so they are read here instead, with
one split per row and float() per number, and their second to last numbers are blanked
out with spaces in the text Lark parses. Lark still sees each row's label, first number and line break at
their own line and column, so every node keeps its position, and any mistake in the
text is still found, and reported at its line and column, by the grammar: a line that is
not a plain row (a stray letter, `1,5`, a keyword for a label) is left whole for Lark.
That blanked text is the one Lark reads when a spec has a mistake; a spec without one is read
first from a shorter text still (plaintables.py), which leaves out whole plain tables.
"""

from __future__ import annotations

import functools
import re
from array import array
from dataclasses import field

import numpy as np
from netspec.records import record

_LABEL = r'[^\W\d]\w*|"[^"\n]*"'  # the grammar's NAME or STRING
# A row's start: its indent and label, up to where a number may begin.
ROW_START = re.compile(rf"[ \t\f]*(?:(?P<label>{_LABEL})[ \t\f]+)?(?=[0-9+\-\u2212.])")
NUMBER_BYTES = b"0123456789eE+-. \t\f\r"  # all that numbers and spaces are made of, with the true minus \u2212
BLANK = re.compile(r"[ \t\f\r]*(?:#[^\n]*)?")  # a line the grammar's line break takes in: blank, or a comment
FIRST_GAP = re.compile(r"[ \t\f\r]")


@record
class ReadRows:
    """The `spec` text; plain rows' `numbers` by line; `text` for Lark (made when asked for).

    `plain`: (line number, offset of the line, where its numbers start, where its first number
    ends, where its numbers end) of each plain row read, in order; `others`: (line number, offset,
    text) of every other line that is not blank or a comment.
    """

    spec: str
    numbers: dict[int, array]
    plain: list = field(default_factory=list)
    others: list = field(default_factory=list)

    @functools.cached_property
    def text(self) -> str:
        """The spec with every plain row's numbers after its first blanked, and a final line break: the
        same lines, columns and offsets. Made only to read a spec with a mistake, or a very long one."""
        pieces, last = [], 0
        for number, offset, start, gap, end in self.plain:
            pieces += [self.spec[last:offset + gap], " " * (end - gap)]
            last = offset + end
        pieces += [self.spec[last:], "\n"]
        return "".join(pieces)


def read_plain_rows(text: str, keywords: frozenset[str]) -> ReadRows:
    """Every plain row's numbers as floats (the same as float() of each), and the spec with them blanked.

    The rows that look plain are read as one block by NumPy's loadtxt first (its C parser gives
    float()'s bits, some 3× faster than float() a number at a time); a block it refuses (rows of
    different lengths, a piece that is not one number) is read a row at a time, as before, so
    each row that is not plain is left whole for the grammar, which reports it where it is.
    """
    candidates, others = [], []  # (line number, offset of the line, where its numbers lie, their text); the rest
    for number, (offset, line) in enumerate(_lines(text), start=1):
        found = _row_numbers(line, keywords)
        if found is not None:
            candidates.append((number, offset, *found))
        elif not BLANK.fullmatch(line):
            others.append((number, offset, line))
    read_rows = _read_tables(candidates)
    numbers, plain = {}, []
    for (number, offset, start, end, gap, written), read in zip(candidates, read_rows):
        if read is not None:
            numbers[number] = read
            plain.append((number, offset, start, gap, end))
        else:
            others.append((number, offset, ""))  # left to the grammar: it ends a run of plain rows
    return ReadRows(text, numbers, plain, sorted(others) if len(plain) < len(candidates) else others)


def _read_tables(candidates: list) -> list[array | None]:
    """Each candidate row's numbers (None: not a plain row), a run of consecutive lines (a table) at a time."""
    read: list[array | None] = []
    first = 0
    for i in range(1, len(candidates) + 1):
        if i == len(candidates) or candidates[i][0] != candidates[i - 1][0] + 1:
            texts = [c[-1] for c in candidates[first:i]]
            block = _read_block(texts)
            read += block if block is not None else [_floats(t) for t in texts]
            first = i
    return read


def _read_block(rows: list[str]) -> list[array] | None:
    """Every row's numbers, read at once, when the rows are all as long and every piece is a number;
    None otherwise (then each row is read on its own)."""
    if len(rows) < 2:
        return None
    rows = [row.replace("\u2212", "-") if "\u2212" in row else row for row in rows]  # the true minus, as the grammar has it
    try:  # a list of lines: no joined copy, and no StringIO of 4 bytes a character
        read = np.loadtxt(rows, dtype=np.float64, comments=None, ndmin=2, encoding=None)
    except ValueError:
        return None
    if read.shape[0] != len(rows):  # a row loadtxt skipped or split: not this block's shape
        return None
    out = []
    for row in read:
        numbers = array("d")
        numbers.frombytes(row.tobytes())
        out.append(numbers)
    return out


def _row_numbers(line: str, keywords) -> tuple[int, int, int, str] | None:
    """Where a line's numbers start, end and their first gap is, and their text; None for a line that
    cannot be a plain row."""
    start = ROW_START.match(line)
    if start is None or start.group("label") in keywords:  # `repeat 2 3` is a statement, for the grammar
        return None
    comment = line.find("#", start.end())
    end = len(line[:comment if comment >= 0 else len(line)].rstrip(" \t\f\r"))  # a CRLF's \r stays for Lark
    if not _number_characters(line[start.end():end]):
        return None
    gap = FIRST_GAP.search(line, start.end(), end)
    return start.end(), end, gap.start() if gap else end, line[start.end():end]


def _number_characters(piece: str) -> bool:
    """Whether `piece` is made of NUMBER_BYTES and \u2212 only: bytes.translate deletes them in C at a
    few nanoseconds a character, where str.strip with a non-Latin-1 character among its set took 65."""
    if not piece.isascii():
        piece = piece.replace("\u2212", "-")
        if not piece.isascii():
            return False
    return not piece.encode("ascii").translate(None, NUMBER_BYTES)


def _lines(text: str):
    """(offset, line) of each line, split at \\n only as the grammar does; one line held at a time."""
    offset = 0
    while offset <= len(text):
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        yield offset, text[offset:end]
        offset = end + 1


def _floats(written: str) -> array | None:
    """`0.1 −2 3e4` → array('d', [0.1, -2.0, 30000.0]); None when a piece between spaces is not one number.

    From these characters, float() takes exactly the pieces the grammar's NUMBER takes
    (no `1e`, `.`, `+`, `1-2` or `1.2.3`: those lines go to the grammar), and reads them
    as transform.number does.
    """
    if "\u2212" in written:  # the true minus sign, which the grammar admits
        written = written.replace("\u2212", "-")
    try:
        return array("d", map(float, written.split()))
    except ValueError:
        return None
