"""Spec text in, positions out: a Source is a file's text; a Span is a place in it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """The text of one spec file, with the path it is reported under."""

    path: str
    text: str = field(repr=False)

    def line(self, number: int) -> str:
        """Line `number` (1-based) without its newline; empty when out of range."""
        lines = self.text.split("\n")  # not splitlines(): the parser counts only \n as a line break
        if 1 <= number <= len(lines):
            return lines[number - 1].rstrip("\r")
        return ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Span:
    """A stretch of one line or more of a source, 1-based, end column exclusive."""

    source: Source = field(repr=False)
    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def location(self) -> str:
        """`path:line:col`, the form every diagnostic starts with."""
        return f"{self.source.path}:{self.line}:{self.column}"

    @property
    def short(self) -> str:
        """`file.net:line`, for tables and trace headers."""
        name = self.source.path.replace("\\", "/").rsplit("/", 1)[-1]
        return f"{name}:{self.line}"


def span_of(source: Source, meta) -> Span:
    """The Span of a Lark node or token (anything with line/column/end_* fields)."""
    return Span(source, meta.line, meta.column, meta.end_line, meta.end_column)
