"""Spec text in, positions out: a Source is a file's text; a Span is a place in it."""

from __future__ import annotations

from dataclasses import field
from netspec.records import record


@record
class Source:
    """The text of one spec file, with the path it is reported under."""

    path: str
    text: str = field(repr=False)
    identity: tuple[int, int] | None = field(default=None, compare=False, repr=False)  # the file read: (device, inode)

    def line(self, number: int) -> str:
        """Line `number` (1-based) without its newline; empty when out of range."""
        lines = self.text.split("\n")  # not splitlines(): the parser counts only \n as a line break
        if 1 <= number <= len(lines):
            return lines[number - 1].rstrip("\r")
        return ""

    @property
    def sha256(self) -> str:
        import hashlib  # only a printout's header asks: not every command pays for OpenSSL's loading

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@record
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


@record
class CopySpan(Span):
    """A place in the body of a `repeat` block, as one copy of it: errors there say which copy."""

    copy: int = 1
    count: int = 1
    repeat: Span | None = field(default=None, repr=False)  # the `repeat` line
    repeat_name: str | None = None  # `repeat 6 times as block`
    also: tuple[int, ...] = ()  # further copies where the same error was found

    @property
    def which(self) -> str:
        """`in copy 2 of 3 of the repeat at specs/stack.net:12:1` (`of the repeat `block``, when named)."""
        copies = (self.copy, *self.also)
        listed = f"copy {self.copy}" if not self.also else (
            f"copies {', '.join(map(str, copies[:-1]))} and {copies[-1]}" if len(copies) <= 4 else
            f"copies {copies[0]}, {copies[1]}, … and {copies[-1]} ({len(copies):,} copies)")
        named = f" `{self.repeat_name}`" if self.repeat_name else ""
        at = f" at {self.repeat.location}" if self.repeat else ""
        return f"in {listed} of {self.count} of the repeat{named}{at}"


def span_of(source: Source, meta) -> Span:
    """The Span of a Lark node or token (anything with line/column/end_* fields)."""
    return Span(source, meta.line, meta.column, meta.end_line, meta.end_column)
