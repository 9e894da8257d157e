"""Work counted in, a progress bar on standard error out: only at a terminal, only for long work.

Any command whose work takes a while (a large `run --csv`, the trace of many rows, `generate`,
training, importing, exporting) can show how far it is:

    with Progress("running", total=rows, unit="rows", enabled=not quiet) as progress:
        for chunk in chunks:
            ...
            progress.advance(len(chunk))

Nothing is drawn until the work has taken DELAY seconds (short work stays silent, as tqdm's
`delay` does), nor more than ten times a second, nor anywhere but a terminal: a pipe, a file
or a log sees none of it (netspec/terminal.py). The line is wiped when the work ends, so the
command's own output and messages start on a clean line.
"""

from __future__ import annotations

import sys
import time

from netspec.terminal import is_terminal

DELAY = 1.0  # seconds of work before a bar appears
EVERY = 0.1  # seconds between redraws
WIDTH = 24  # characters of the bar


class Progress:
    """A bar (with a known total) or a counter (without one) on `stream`; a context manager."""

    def __init__(self, label: str, total: int | None = None, unit: str = "rows", stream=None,
                 enabled: bool = True, clock=time.monotonic):
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and is_terminal(self.stream)
        self.clock = clock
        self.done = 0
        self.started = self.stage_started = clock()  # the work's start (for DELAY), this stage's (for the rate)
        self.drawn_at: float | None = None  # when the line was last drawn; None: nothing on screen yet

    def __enter__(self) -> "Progress":
        _active.append(self)
        return self

    def __exit__(self, *exc) -> None:
        if self in _active:
            _active.remove(self)
        self.close()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < DELAY or (self.drawn_at is not None and now - self.drawn_at < EVERY):
            return
        self.drawn_at = now
        self._write("\r" + self.line(now) + "\x1b[K")

    def relabel(self, label: str, total: int | None = None, unit: str | None = None) -> None:
        """The next stage of the same work (`checking`, then `running`): the count starts again."""
        self.label, self.total, self.done = label, total, 0
        self.unit = unit or self.unit
        self.stage_started = self.clock()

    def line(self, now: float) -> str:
        """`running  [#########.........]  38%  380,000/1,000,000 rows  95,000 rows/s  7 s left`."""
        elapsed = max(now - self.stage_started, 1e-9)
        rate = self.done / elapsed
        counted = f"{self.done:,} {self.unit}" if not self.total else f"{self.done:,}/{self.total:,} {self.unit}"
        parts = [self.label, counted, f"{rate:,.0f} {self.unit}/s"]
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * WIDTH)
            parts[1:1] = [f"[{'#' * filled}{'.' * (WIDTH - filled)}]", f"{share:4.0%}"]
            if rate > 0 and self.done < self.total:
                parts.append(f"{(self.total - self.done) / rate:,.0f} s left")
        return "  ".join(parts)

    def close(self) -> None:
        if self.drawn_at is not None:
            self._write("\r\x1b[K")
            self.drawn_at = None

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # standard error closed or full: the work goes on without its bar
            self.enabled = False


_active: list[Progress] = []  # the bars of the work under way, innermost last


def tick(count: int = 1) -> None:
    """Count `count` more on the innermost bar under way, if any: for code that is handed no bar
    (the printers, a row at a time), so the command that shows the bar need not thread it through."""
    if _active:
        _active[-1].advance(count)


def advance_by(progress: Progress | None, count: int = 1) -> None:
    """progress.advance(count) when there is a progress bar; the working code need not ask."""
    if progress is not None:
        progress.advance(count)
