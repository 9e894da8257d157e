"""Spec text in, the same spec laid out the one tidy way out (`netspec tidy`).

Only spaces and blank lines change. Every word, number and comment stays as written and in
its order, so the tidied text parses to the same spec; `tidy` parses its own result and
compares before it hands it back, and refuses rather than change what a spec means.

The tidy layout:

* one space between words, none inside brackets or before `,` and `:`; `=` spaced where it
  names a result (`layer x = op(…)`, `layer q, k, v = split(…)`, `weights head =
  transpose(E)`), tight in `eps=1e-5` and `R=32`;
* the statements of a `repeat` block, a weight table's rows and an example's `expect`
  indented by two spaces per level; a comment line indented like the line after it (a
  comment just before `end` stays in its block);
* a weight table in columns: row labels on the left, each column of numbers aligned on
  its decimal point under its label, so a learner who changes one weight sees which;
* consecutive `input` lines aligned in columns (name, `as`, meaning, unit, range, tokens);
* a trailing comment two spaces after its line; at most one blank line in a row; no blank
  line at either end; `\\n` line endings and one at the end of the file.

The words of each line are the tokens of Lark's own lexer (`numberedfrom0.` is three), and
which lines are table rows is read from the parse tree: a table's header may use any
word as a label, even `layer`.
"""

from __future__ import annotations

import re

from netspec.source import Source
from netspec.records import record

INDENT = "  "
COLUMN_GAP = "   "  # between the columns of a weight table
COMMENT_GAP = "  "  # before a comment at the end of a line


@record(frozen=False)
class _Line:
    """One line of the spec: its words and numbers, its comment, and the role it plays."""

    tokens: list  # Lark tokens: text, with the terminal's name as .type
    comment: str = ""
    role: str = "statement"  # statement, header, row, expect, end
    table: int = -1  # the table a header or row belongs to
    depth: int = 0  # repeat blocks around it


def unified_diff(path: str, text: str, tidied: str) -> str:
    """What tidying changes, as `diff -u` shows it (a/PATH → b/PATH), for review or a pre-commit hook."""
    import difflib

    import os

    before, after = (str(path), str(path)) if os.path.isabs(path) else (f"a/{path}", f"b/{path}")
    lines = difflib.unified_diff(text.splitlines(keepends=True), tidied.splitlines(keepends=True), before, after)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def tidy(source: Source) -> str:
    """The tidy text of `source`; a spec that does not parse raises the SpecSyntaxError `check` would."""
    from netspec.lang.parser import parse

    parse(source)
    before = _tree(source.text)
    lines = _roles(_lines(source.text), _table_lines(before))
    text = _joined(_laid_out(lines))
    if _tree(text) != before:  # a bug here must never reach a learner's file
        raise RuntimeError("tidying would change what the spec means; the file is left as it is")
    return text


def _tree(text: str):
    from netspec.lang.grammar import lark_parser

    return lark_parser().parse(text + "\n")


def _table_lines(tree) -> dict[int, tuple[str, int]]:
    """Line number → ("header" or "row", which table), from the parse tree."""
    found: dict[int, tuple[str, int]] = {}
    for number, table in enumerate(tree.find_data("table")):
        for part in table.children:
            found[part.meta.line] = (part.data, number)
    return found


def _lines(text: str) -> list[_Line]:
    """Each line's tokens, as Lark's own lexer reads them (`numberedfrom0.` is three words), and its comment."""
    from netspec.lang.grammar import lark_parser

    lines = [_Line([], _comment(line)) for line in text.split("\n")]
    for token in lark_parser().parse_interactive(text + "\n").iter_parse():
        if token.type != "_NL":
            lines[token.line - 1].tokens.append(token)
    return lines


def _comment(line: str) -> str:
    """The line's `# …` comment: from the first # outside quotes (a quote cannot appear but in quoted text)."""
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[i:].rstrip(" \t\f\v\r")
    return ""


def _roles(lines: list[_Line], tables: dict[int, tuple[str, int]]) -> list[_Line]:
    """Each line's role and depth: table lines from the tree, the rest from their first word."""
    depth = 0
    for number, line in enumerate(lines, 1):
        if number in tables:
            line.role, line.table = tables[number]
        elif _first(line) == "END":
            line.role, depth = "end", depth - 1
        elif _first(line) == "EXPECT":
            line.role = "expect"
        line.depth = depth
        if line.role == "statement" and _first(line) == "REPEAT":
            depth += 1
    return lines


def _laid_out(lines: list[_Line]) -> list[str]:
    """Each line's text, tables and runs of inputs aligned, comment lines indented like the next line."""
    out: list[str | None] = [None] * len(lines)
    for groups, lay_out in ((_tables(lines), _table), (_input_runs(lines), _inputs)):
        for indices in groups:
            for i, text in zip(indices, lay_out([lines[i] for i in indices])):
                out[i] = text
    following = ""  # the indentation of the next line of code
    for i in reversed(range(len(lines))):
        line = lines[i]
        if not line.tokens:
            out[i] = following + line.comment if line.comment else ""
            continue
        if out[i] is None:
            out[i] = _indent(line) + _words(line.tokens)
        following = INDENT * (line.depth + 1) if line.role == "end" else _indent(line)  # before `end`: in the block
        if line.comment:
            out[i] += COMMENT_GAP + line.comment
    return out


def _tables(lines: list[_Line]) -> list[list[int]]:
    """The lines of each table (comment lines inside one are laid out on their own)."""
    tables: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.role in ("header", "row"):
            tables.setdefault(line.table, []).append(i)
    return list(tables.values())


def _input_runs(lines: list[_Line]) -> list[list[int]]:
    """Runs of consecutive `input` lines; any other line, blank or comment, ends a run."""
    runs: list[list[int]] = []
    for i, line in enumerate(lines):
        if line.role == "statement" and _first(line) == "INPUT":
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    return runs


def _first(line: _Line) -> str | None:
    """The type of the line's first token (`LAYER`, `END`, …): a keyword, not a label that looks like one."""
    return line.tokens[0].type if line.tokens else None


def _indent(line: _Line) -> str:
    extra = 1 if line.role in ("header", "row", "expect") else 0
    return INDENT * (line.depth + extra)


def _words(tokens: list) -> str:
    """Tokens joined by the spacing rules of the module docstring."""
    types = [token.type for token in tokens]
    spaced = _binding(types)
    text = tokens[0] if tokens else ""
    for i in range(1, len(tokens)):
        if i in (spaced, spaced + 1):
            gap = " "
        elif types[i] in ("COMMA", "RPAR", "COLON", "EQUAL") or types[i - 1] in ("LPAR", "EQUAL"):
            gap = ""
        elif types[i] == "LPAR":
            gap = " " if types[i - 1] == "SHAPE" else ""  # `shape (16, 16)`, but `dense(x, W)`
        else:
            gap = " "
        text += gap + tokens[i]
    return text


def _binding(types: list[str]) -> int:
    """Where the `=` that names a statement's result stands, -1 if none: `layer x = op(…)`,
    `layer q, k, v = split(…)`, `weights head = transpose(E)`; an option's `=` comes after a `(`."""
    if types[:1] not in (["LAYER"], ["WEIGHTS"], ["BIAS"], ["VECTOR"]) or "EQUAL" not in types:
        return -1
    at = types.index("EQUAL")
    return at if "LPAR" not in types[:at] else -1


def _table(lines: list[_Line]) -> list[str]:
    """A table's header and rows in aligned columns: row labels, then one column per neuron."""
    rows = [_cells(line) for line in lines]
    label_width = max(len(label) for label, _ in rows)
    widths = _column_widths(lines, rows)
    out = []
    for line, (label, cells) in zip(lines, rows):
        parts = [label.ljust(label_width)] if label_width else []
        parts += [_aligned(cell, line.role == "header", *widths[j]) for j, cell in enumerate(cells)]
        out.append((_indent(line) + COLUMN_GAP.join(parts)).rstrip())
    return out


def _column_widths(lines: list[_Line], rows) -> list[tuple[int, int, int]]:
    """Each column's widest part left of the decimal point, right of it, and its whole width (a label may
    be wider than its numbers)."""
    widths = []
    for j in range(max(len(cells) for _, cells in rows)):
        numbers = [cells[j] for line, (_, cells) in zip(lines, rows) if line.role == "row" and j < len(cells)]
        labels = [cells[j] for line, (_, cells) in zip(lines, rows) if line.role == "header" and j < len(cells)]
        left = max((len(_integer_part(n)) for n in numbers), default=0)
        right = max((len(n) - len(_integer_part(n)) for n in numbers), default=0)
        widths.append((left, right, max([left + right, *map(len, labels)])))
    return widths


def _aligned(cell: str, is_label: bool, left: int, right: int, width: int) -> str:
    """A label set right in its column; a number with its decimal point where the column's are."""
    if is_label:
        return cell.rjust(width)
    integer = _integer_part(cell)
    return (integer.rjust(left) + cell[len(integer):].ljust(right)).rjust(width)


def _cells(line: _Line) -> tuple[str, list[str]]:
    """(row label or "", the numbers) of a row; ("", the labels) of a header."""
    if line.role == "header" or _is_number(line.tokens[0]):
        return "", list(line.tokens)
    return line.tokens[0], list(line.tokens[1:])


def _is_number(token) -> bool:
    return token.type == "NUMBER"


def _integer_part(number: str) -> str:
    """What stands left of the decimal point: `-0` of `-0.36`, `1` of `1e-5`."""
    return re.match(r"[+\-\u2212]?[0-9]*", number).group()


INPUT_COLUMNS = ("name", "as", "meaning", "unit", "bound", "tokens")  # the columns of a run of inputs, in order
_FACT_KIND = {"UNIT": "unit", "RANGE": "bound", "AT": "bound", "TOKENS": "tokens"}  # by token type


def _inputs(lines: list[_Line]) -> list[str]:
    """Consecutive inputs in columns: `input NAME`, `as NAME`, the meaning, the unit, the range, the tokens.

    Facts may be written in any order; a line that has them in another order than these
    columns keeps them together, in the order written, in a column of its own.
    """
    rows = [_input_cells(line.tokens) for line in lines]
    if any("facts" in row for row in rows):  # one line's facts are out of column order: no fact columns
        rows = [_facts_together(row) for row in rows]
    columns = [c for c in (*INPUT_COLUMNS, "facts") if any(c in row for row in rows)]
    widths = {c: max(len(row.get(c, "")) for row in rows) for c in columns}
    return [(_indent(line) + " ".join(row.get(c, "").ljust(widths[c]) for c in columns)).rstrip()
            for line, row in zip(lines, rows)]


def _input_cells(tokens: list) -> dict[str, str]:
    """`input R as CloudCover "cloud cover" unit "%" range 0 to 100` → its cells, each fact in its column."""
    cells = {"name": _words(tokens[:2])}
    rest = tokens[2:]
    if rest[:1] and rest[0].type == "_AS":
        cells["as"], rest = _words(rest[:2]), rest[2:]
    if rest[:1] and rest[0].type == "STRING":
        cells["meaning"], rest = rest[0], rest[1:]
    facts: list[tuple[str, list]] = []
    for token in rest:
        if not facts or token.type in _FACT_KIND:  # a unit called `at` is a name, not the start of `at least`
            facts.append((_FACT_KIND.get(token.type, "facts"), []))
        facts[-1][1].append(token)
    kinds = [INPUT_COLUMNS.index(kind) if kind in INPUT_COLUMNS else -1 for kind, _ in facts]
    if kinds != sorted(kinds) or -1 in kinds:  # written in another order: kept as written
        return {**cells, "facts": _words(rest)} if rest else cells
    for kind, words in facts:
        cells[kind] = f"{cells[kind]} {_words(words)}" if kind in cells else _words(words)
    return cells


def _facts_together(row: dict[str, str]) -> dict[str, str]:
    """The row with its facts in one column, in the order written (a row in columns has them in order)."""
    facts = " ".join(row.pop(kind) for kind in (*INPUT_COLUMNS[3:], "facts") if kind in row)
    return {**row, "facts": facts} if facts else row


def _joined(texts: list[str]) -> str:
    """The lines as one text: runs of blank lines made one, none at either end, one newline at the end."""
    kept: list[str] = []
    for text in texts:
        if text or (kept and kept[-1]):
            kept.append(text)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n"
