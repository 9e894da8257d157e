"""A CSV file of any size in, `netspec run`'s output out, streamed chunk by chunk.

Nothing is half-written: into a file, the output goes to a temporary file that is
renamed only when every row has run; onto the screen, a file too large to hold its
output in memory is first read through once to check every row (inputs, and NaN or
infinity inside the network), and only then run again and printed.

A chunk holds as many rows as the cost model (netspec/check/cost.py) says fit in CHUNK_BYTES and
--max-memory, so memory stays bounded whatever the network: a 500-token attention runs 33
rows at a time, a small network 131,072.
"""

from __future__ import annotations

import os
import stat
from typing import Callable

from netspec.check import cost
from netspec.check.cost import row_text_bytes
from netspec.run.csvinput import read_chunks
from netspec.run.inputs import Rows
from netspec.limits import Limits
from netspec.progress import Progress, advance_by
from netspec.check.model import CheckedSpec
from netspec.run.plan import Plan
from netspec.run.runner import RunResult, run

Show = Callable[[Rows, RunResult, int], str]  # a chunk's rows, their results, the rows before it -> the text written

HOLD_IN_MEMORY = 64 * 1024 * 1024  # output below this size is held until the end, then printed at once
CHUNK_BYTES = 256 * 1024 * 1024  # one chunk, everything counted, takes at most this much memory (or --max-memory)
MAX_CHUNK_ROWS = 131_072
LONG_SENTENCE = 1024  # characters: a `say` sentence this long, written on every row, counts toward --max-printout


def chunk_rows(spec: CheckedSpec, limits: Limits | None = None) -> int:
    """Rows per chunk: 131,072 for a small network (so 100,000 rows are one matrix product per
    layer), fewer for a heavy one, so that a chunk's rows, each at the peak the cost model
    counts for it (netspec/check/cost.py: every value still to be read and the widest step's
    temporaries, attention's scores too) plus its text in and out, stay within CHUNK_BYTES and
    --max-memory. More rows per chunk would buy little speed and cost hundreds of MB in line strings."""
    return cost.chunk_rows(spec.cost, CHUNK_BYTES, MAX_CHUNK_ROWS, limits or spec.cost.limits, row_text_bytes(spec))


def run_csv(spec: CheckedSpec, plan: Plan, path: str, show: Show, write: Callable[[str], None],
            atomic_target: bool, limits: Limits | None = None, sentence_per_row: bool = False,
            progress: Progress | None = None) -> int:
    """Run every row of the CSV at `path`, writing each chunk's results as `show` words them
    (render/results.py's chunk_writer) through `write`; returns the row count. `sentence_per_row`:
    the output repeats the `say` sentence on every row (JSON), so a long one is checked first.
    `progress` (netspec/progress.py) counts the rows as they run."""
    rows = chunk_rows(spec, limits)
    if progress is not None and progress.enabled:
        progress.total = max(_lines(path) - 1, 0) or None  # the header is not a row; a pipe has no total
    if sentence_per_row and spec.cost.decision_chars > LONG_SENTENCE:
        _sentences_fit(spec, path)
    if atomic_target:
        return _run_chunks(spec, plan, path, show, write, rows, progress)
    if _held_output(spec, path) < HOLD_IN_MEMORY:
        pieces: list[str] = []
        count = _run_chunks(spec, plan, path, show, pieces.append, rows, progress)
        write("".join(pieces))
        return count
    if progress is not None:
        progress.relabel("checking", progress.total)
    _run_chunks(spec, plan, path, None, lambda text: None, rows, progress)
    if progress is not None:
        progress.relabel("running", progress.total)
    return _run_chunks(spec, plan, path, show, write, rows, progress)


def _sentences_fit(spec: CheckedSpec, path: str):
    """JSON writes the sentence on every row: a long one, times the rows, is a printout of its own (NS703).
    The output of ordinary rows grows with the file, as it should, and is not limited."""
    lines = _lines(path)
    cost.printout_fits(spec.cost, lines * spec.cost.decision_chars,
                       f"the `say` sentence ({spec.cost.decision_chars:,} characters) on each of {lines:,} rows",
                       "write the sentence shorter or run fewer rows (--format csv and text do not repeat it)")


def _lines(path: str) -> int:
    """The lines of a regular file, counted a block at a time (a second a gigabyte); 0 for anything else
    (a pipe is opened without waiting for a writer, and never read): the CSV reader says why it cannot be read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return 0
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return 0
        return sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))


def _held_output(spec: CheckedSpec, path: str) -> int:
    """About how large the output of the whole file is: a file over HOLD_IN_MEMORY is never counted,
    a smaller one by its lines (a long `say` sentence makes a small file's output large)."""
    size = _size(path)
    return size if size >= HOLD_IN_MEMORY else (_lines(path) + 1) * row_text_bytes(spec)


def _run_chunks(spec, plan, path, show: Show | None, write, rows: int, progress: Progress | None = None) -> int:
    """show None: only run (the first pass over a file too large to hold its output)."""
    count = 0
    for chunk in read_chunks(spec, path, rows):
        result = run(plan, chunk.values, chunk.ids)
        if show is not None:
            write(show(chunk, result, count))
        count += len(chunk.values)
        advance_by(progress, len(chunk.values))
    return count


def _size(path: str) -> int:
    """The file's size; 0 when it cannot be read, so the reader reports why in its own words."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
