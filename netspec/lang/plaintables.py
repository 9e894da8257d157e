"""Plain rows read (tablerows.py) in, the nodes of whole plain tables and inputs, and the short text Lark still reads, out.

After tablerows.py, Lark still reads three tokens a row (its label, first number and line
break) and one a column label: for a 1,000 × 1,000 table that was most of the parse. A table
whose header is labels only and whose rows are all plain is built here instead, its columns
and rows with the spans the grammar would give them (a row runs to the end of the line break
after it, which takes in the blank and comment lines that follow and the next line's indent).
Lark then reads only the header's first label and the first row, so the table still starts and
ends where it stands in the text, and the nodes built here take the place of what Lark read.

The short text keeps every line, and the columns of what it keeps, but not the offsets; a
mistake anywhere makes the parser read the whole text again (parser.py), so every error is
found and reported as without this.
"""

from __future__ import annotations

import bisect
import re

from netspec.lang import nodes
from netspec.lang.inputranges import plain_range
from netspec.lang.tablerows import ReadRows
from netspec.source import Source, Span
from netspec.records import record

_LABEL = r'[^\W\d]\w*|"[^"\n]*"'  # the grammar's NAME or STRING
OPENER = re.compile(r"[ \t\f]*(?:weights|bias|vector)[ \t\f]+[^\W\d]\w*[ \t\f]*:[ \t\f\r]*(?:#[^\n]*)?")
HEADER = re.compile(rf"[ \t\f]*(?:{_LABEL})(?:[ \t\f\r]+(?:{_LABEL}))*(?P<rest>[ \t\f\r]*(?:#[^\n]*)?)")
LABEL = re.compile(_LABEL)
ROW_LABEL = re.compile(rf"[ \t\f]*(?P<label>{_LABEL})?")
LINE_BREAK = re.compile(r"(?:\r?\n[\t \f\r]*(?:#[^\n]*)?)+")  # the grammar's _NL


@record
class Shortened:
    """`text` for a first parse; `tables`: (columns, rows) by the header's line; `inputs`: the Input nodes of
    a run of plain input lines, by the line of its first."""

    text: str
    tables: dict
    inputs: dict
    words_taken: int = 0  # the words of read.text that `text` does not hold


def shortened(source: Source, read: ReadRows, keywords: frozenset[str]) -> Shortened:
    """The text without what is built here, and what is built: plain tables and plain inputs."""
    text = source.text
    plain_lines = [row[0] for row in read.plain]
    edits, tables, whole = [], {}, set()  # whole: the lines of rows built here, taken out of the text
    for k in range(len(read.others) - 1):
        table = _table(source, read, plain_lines, k, keywords)
        if table is not None:
            header_line, columns, rows, cut = table
            tables[header_line] = (columns, rows)
            edits.append((*cut, _words(text, *cut)))
            whole.update(row.span.line for row in rows[1:])
    inputs = _plain_inputs(source, read, plain_lines, keywords, edits)
    for number, offset, start, gap, end in read.plain:  # a row's numbers after its first, as read.text blanks them
        line_end = _line_end(text, offset)
        comment = _words(text, offset + end, line_end)
        edits.append((offset, line_end, _words(text, offset, offset + gap) + comment) if number in whole
                     else (offset + gap, line_end, comment))
    edits.sort()
    return Shortened(_without(text, edits), tables, inputs, sum(edit[2] for edit in edits))


def _words(text: str, start: int, end: int) -> int:
    """The words (pieces between white space) of text[start:end], as read.text holds them."""
    return len(text[start:end].split()) if start < end else 0


def _plain_inputs(source: Source, read: ReadRows, plain_lines: list[int], keywords, edits: list) -> dict:
    """Each run of plain input lines (blank and comment lines between them), built as Input nodes, by the
    line of its first: Lark reads `input NAME` of that line only, whose line break then ends where the
    run's last does, so the statements around keep their spans."""
    runs, last = {}, None  # last: the first line of the run the previous line belongs to
    for k, (number, offset, line) in enumerate(read.others):
        found = plain_range(line, keywords) if "range" in line else None
        if found is None:
            last = None
            continue
        keyword, name_start, name, low, high = found
        span = Span(source, number, keyword + 1, *_after_line_break(source.text, _line_end(source.text, offset), number))
        node = nodes.Input(_name(source, number, name_start + 1, name), None, None, None, low, high, span)
        between = last is not None and bisect.bisect_right(plain_lines, read.others[k - 1][0]) != bisect.bisect_left(
            plain_lines, number)  # a plain row between two input lines: the grammar's to report
        if last is None or between:
            last = number
            runs[number] = [node]
            cut = (offset + name_start + len(name), _line_end(source.text, offset))
        else:
            runs[last].append(node)
            cut = (offset, _line_end(source.text, offset))
        edits.append((*cut, _words(source.text, *cut)))
    return {number: tuple(run) for number, run in runs.items()}


def _table(source: Source, read: ReadRows, plain_lines: list[int], k: int, keywords):
    """(header line, columns, rows, the header's cut) of the table whose `weights NAME:` line is
    read.others[k], or None."""
    number, _, line = read.others[k]
    if not OPENER.fullmatch(line):
        return None
    header_line, header_offset, header = read.others[k + 1]
    first = bisect.bisect_right(plain_lines, number)
    if first < len(plain_lines) and plain_lines[first] < header_line:
        return None  # a row before any header: the grammar's to report
    found = HEADER.fullmatch(header)
    labels = list(LABEL.finditer(header, 0, found.start("rest"))) if found else []
    if not labels or any(label.group() in keywords for label in labels):
        return None
    stop = read.others[k + 2][0] if k + 2 < len(read.others) else float("inf")
    first = bisect.bisect_right(plain_lines, header_line)
    last = bisect.bisect_left(plain_lines, stop)
    if first == last:
        return None
    columns = tuple(_name(source, header_line, label.start() + 1, label.group()) for label in labels)
    rows = tuple(_row(source, read, i) for i in range(first, last))
    return header_line, columns, rows, (header_offset + labels[0].end(), header_offset + labels[-1].end())


def _name(source: Source, line: int, column: int, written: str) -> nodes.Name:
    text = written[1:-1] if written.startswith('"') else written
    return nodes.Name(text, Span(source, line, column, line, column + len(written)))


def _row(source: Source, read: ReadRows, i: int) -> nodes.Row:
    number, offset, start = read.plain[i][:3]
    text = source.text
    found = ROW_LABEL.match(text, offset, offset + start)
    label = found.group("label")
    column = found.start("label") - offset + 1 if label is not None else start + 1
    name = _name(source, number, column, label) if label is not None else None
    end_line, end_column = _after_line_break(text, _line_end(text, offset), number)
    return nodes.Row(name, read.numbers[number], Span(source, number, column, end_line, end_column))


def _after_line_break(text: str, newline: int, line: int) -> tuple[int, int]:
    """Where the grammar's line break that starts at offset `newline` (on `line`) ends: (line, column)."""
    found = LINE_BREAK.match(text, newline)
    if found is None or found.end() == len(text):  # it runs into the final line break the parser adds
        return text.count("\n") + 2, 1
    return line + found.group().count("\n"), found.end() - text.rfind("\n", newline, found.end())


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _without(text: str, edits: list[tuple[int, int, int]]) -> str:
    """`text` with each (start, end, _) stretch taken out (in order), and a final line break."""
    pieces, last = [], 0
    for start, end, _ in edits:
        pieces.append(text[last:start])
        last = end
    pieces += [text[last:], "\n"]
    return "".join(pieces)
