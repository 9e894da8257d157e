"""Spec text in, the numbers of its plain table rows out, with the text the grammar still has to read.

Lark makes a token of some 350 bytes, and a tree node around it, for every number it
lexes: an inline table of a million numbers took 11 s and 460 bytes per number. Most
table rows are plain, `label number number …`, so they are read here instead, with
one split per row and float() per number, and their second to last numbers are blanked
out with spaces in the text Lark parses. Lark still sees each row's label, first number and line break at
their own line and column, so every node keeps its position, and any mistake in the
text is still found, and reported at its line and column, by the grammar: a line that is
not a plain row (a stray letter, `1,5`, a keyword for a label) is left whole for Lark.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

_LABEL = r'[^\W\d]\w*|"[^"\n]*"'  # the grammar's NAME or STRING
# A row's start: its indent and label, up to where a number may begin.
ROW_START = re.compile(rf"[ \t\f]*(?:(?P<label>{_LABEL})[ \t\f]+)?(?=[0-9+\-\u2212.])")
NUMBER_CHARACTERS = re.compile(r"[0-9eE+\-\u2212. \t\f\r]*")  # all that numbers and spaces are made of
FIRST_GAP = re.compile(r"[ \t\f\r]")


@dataclass(frozen=True)
class ReadRows:
    """`text` for Lark (the spec and a final line break; same lines and columns); plain rows' `numbers` by line."""

    text: str
    numbers: dict[int, array]


def read_plain_rows(text: str, keywords: frozenset[str]) -> ReadRows:
    """Every plain row's numbers as floats (the same as float() of each), and the spec with them blanked."""
    pieces, numbers, last = [], {}, 0
    for number, (offset, line) in enumerate(_lines(text), start=1):
        read = _plain_row(line, keywords)
        if read is not None:
            numbers[number], (start, end) = read
            pieces += [text[last:offset + start], " " * (end - start)]
            last = offset + end
    pieces.append(text[last:])
    pieces.append("\n")
    return ReadRows("".join(pieces), numbers)


def _lines(text: str):
    """(offset, line) of each line, split at \\n only as the grammar does; one line held at a time."""
    offset = 0
    while offset <= len(text):
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        yield offset, text[offset:end]
        offset = end + 1


def _plain_row(line: str, keywords) -> tuple[array, tuple[int, int]] | None:
    """A plain row's numbers, and where its second to last numbers lie in `line`; None for any other line."""
    start = ROW_START.match(line)
    if start is None or start.group("label") in keywords:  # `repeat 2 3` is a statement, for the grammar
        return None
    comment = line.find("#", start.end())
    end = len(line[:comment if comment >= 0 else len(line)].rstrip(" \t\f\r"))  # a CRLF's \r stays for Lark
    if NUMBER_CHARACTERS.fullmatch(line, start.end(), end) is None:
        return None
    numbers = _floats(line[start.end():end])
    if numbers is None:
        return None
    gap = FIRST_GAP.search(line, start.end(), end)
    return numbers, ((gap.start(), end) if gap else (end, end))


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
