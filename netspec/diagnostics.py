"""NetspecError in, text out: `path:line:col: error: message`, the line, an underline, notes, a hint."""

from __future__ import annotations

from netspec.errors import NetspecError, flatten
from netspec.source import Span

MAX_SHOWN = 20


def format_error(error: NetspecError) -> str:
    """Every error inside `error`, each as a block, capped with "... and N more"."""
    errors = flatten(error)
    blocks = [_format_one(e) for e in errors[:MAX_SHOWN]]
    if len(errors) > MAX_SHOWN:
        blocks.append(f"... and {len(errors) - MAX_SHOWN} more errors")
    if len(errors) > 1:
        blocks.append(f"{len(errors)} errors")
    return "\n".join(blocks) + "\n"


def _format_one(error: NetspecError) -> str:
    where = f"{error.span.location}: " if error.span else ""
    lines = [f"{where}error: {error.message} [{error.code}]"]
    if error.span:
        lines += excerpt(error.span)
    for note in error.notes:
        at = f" at {note.span.location}" if note.span else ""
        lines.append(f"note: {note.message}{at}")
    if error.hint:
        lines.append(f"hint: {error.hint}")
    return "\n".join(lines)


def excerpt(span: Span) -> list[str]:
    """The source line with the span underlined by carets, aligned after tab expansion."""
    raw = span.source.line(span.line)
    if not raw.strip() or (span.end_line, span.end_column) == (span.line, span.column):
        return []  # a blank line, or an error about the whole file: nothing to underline
    text = raw.expandtabs()
    start = len(raw[: span.column - 1].expandtabs())
    last = span.end_column - 1 if span.end_line == span.line else len(raw)
    end = max(len(raw[: max(last, span.column)].expandtabs()), start + 1)
    gutter = f"{span.line:>5} | "
    return [gutter + text, " " * 5 + " | " + " " * start + "^" * (end - start)]
