"""NetspecError in, text out: `path:line:col: error: message`, the line, an underline, notes, a hint."""

from __future__ import annotations

import unicodedata

from netspec.errors import NetspecError, flatten
from netspec.source import CopySpan, Span
from netspec.terminal import paint

MAX_SHOWN = 20
EXCERPT_WIDTH = 100  # characters of a long source line shown around the mistake

# Characters a terminal would act on rather than show (cursor moves, colours, reordering)
# are printed as visible stand-ins, so a hostile spec cannot rewrite the screen through
# an error message: C0 controls as their symbols (␀ ␍ ␛), the rest as �. Tab and newline stay.
_VISIBLE = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n"}
_VISIBLE.update({0x7F: 0x2421, **{code: 0xFFFD for code in range(0x80, 0xA0)}})
_VISIBLE.update({code: 0xFFFD for code in (0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F),
                                           *range(0x2066, 0x206A))})


def format_error(error: NetspecError, colour: bool = False) -> str:
    """Every error inside `error`, each as a block, capped with "... and N more"; `colour`: for a
    terminal (netspec/terminal.py), the place, `error:`, `note:`, `hint:` and the carets coloured."""
    errors = flatten(error)
    blocks = [_format_one(e, colour) for e in errors[:MAX_SHOWN]]
    if len(errors) > MAX_SHOWN:
        blocks.append(f"... and {len(errors) - MAX_SHOWN} more errors")
    if len(errors) > 1:
        blocks.append(f"{len(errors)} errors")
    return "\n".join(blocks) + "\n"


def _format_one(error: NetspecError, colour: bool = False) -> str:
    where = paint(visible(f"{error.span.location}:"), "place", colour) + " " if error.span else ""
    lines = [where + paint("error:", "error", colour) + visible(f" {error.message} [{error.code}]")]
    if error.span:
        shown = excerpt(error.span)
        lines += shown[:1] + [paint(line, "caret", colour) for line in shown[1:]]
    if isinstance(error.span, CopySpan):  # the line is the body of a repeat: say which copy went wrong
        lines.append(paint("note:", "note", colour) + visible(f" {error.span.which}"))
    for note in error.notes:
        at = f" at {note.span.location}" if note.span else ""
        lines.append(paint("note:", "note", colour) + visible(f" {note.message}{at}"))
    if error.hint:
        lines.append(paint("hint:", "hint", colour) + visible(f" {error.hint}"))
    return "\n".join(lines)


def visible(text: str) -> str:
    """`text` with every control character replaced by a visible stand-in of the same length."""
    return text.translate(_VISIBLE)


def excerpt(span: Span) -> list[str]:
    """The source line with the span underlined by carets, aligned as a terminal shows the line.

    A line longer than EXCERPT_WIDTH characters is cut to that many around the span, with …
    where it was cut: a mistake in a line of 100,000 characters prints one screen line, not 100 kB.
    """
    raw = span.source.line(span.line)
    if not raw.strip() or (span.end_line, span.end_column) == (span.line, span.column):
        return []  # a blank line, or an error about the whole file: nothing to underline
    first = min(span.column - 1, len(raw))
    last = min(max(span.end_column - 1 if span.end_line == span.line else len(raw), first + 1), len(raw))
    low, high = _window(len(raw), first)
    cut = "…" if low else ""
    text, starts = _layout(cut + raw[low:high] + ("…" if high < len(raw) else ""))
    first, last = first - low + len(cut), min(last, high) - low + len(cut)
    start = starts[first]
    if first < len(starts) - 1 and starts[first + 1] == start and start > 0:
        start -= 1  # a combining accent is drawn on the letter before it
    end = max(starts[last], start + 1)
    gutter = f"{span.line:>5} | "
    return [gutter + text, " " * 5 + " | " + " " * start + "^" * (end - start)]


def _window(length: int, first: int) -> tuple[int, int]:
    """The characters of a line to show: all of a short line; EXCERPT_WIDTH of a long one, `first` among them."""
    if length <= EXCERPT_WIDTH:
        return 0, length
    low = 0 if first < EXCERPT_WIDTH * 3 // 4 else min(first - EXCERPT_WIDTH // 4, length - EXCERPT_WIDTH)
    return low, low + EXCERPT_WIDTH


def _layout(raw: str) -> tuple[str, list[int]]:
    """The line as printed (tabs expanded, controls made visible) and the screen column of each character.

    Columns count what a terminal draws: two for a wide character such as 漢, none for a
    combining accent, so the carets stay under the mistake. The list has one extra entry: the end.
    """
    shown, starts, column = [], [], 0
    for char in raw:
        starts.append(column)
        if char == "\t":
            char = " " * (8 - column % 8)
        else:
            char = visible(char)
        shown.append(char)
        column += len(char) if char.isspace() else _width(char)
    starts.append(column)
    return "".join(shown), starts


def _width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def records(error: NetspecError) -> list[dict]:
    """Every error inside `error` as data, for `check --format json` and editors: file, line, column,
    end (1-based, end column exclusive), code, message, hint and notes; None where there is no place."""
    return [_record(e) for e in flatten(error)]


def _record(error: NetspecError) -> dict:
    found = {"severity": "error", "code": error.code, "message": error.message, **_place(error.span),
             "hint": error.hint, "notes": [{"message": n.message, **_place(n.span)} for n in error.notes]}
    if isinstance(error.span, CopySpan):
        found["notes"].insert(0, {"message": error.span.which, **_place(None)})
    return found


def _place(span: Span | None) -> dict:
    if span is None:
        return {"file": None, "line": None, "column": None, "end_line": None, "end_column": None}
    return {"file": span.source.path, "line": span.line, "column": span.column, "end_line": span.end_line,
            "end_column": span.end_column}
