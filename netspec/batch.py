"""A CSV file of any size in, `netspec run`'s output out, streamed chunk by chunk.

Nothing is half-written: into a file, the output goes to a temporary file that is
renamed only when every row has run; onto the screen, a file too large to hold its
output in memory is first read through once to check every row (inputs, and NaN or
infinity inside the network), and only then run again and printed.
"""

from __future__ import annotations

import os
from typing import Callable

from netspec.csvinput import read_chunks
from netspec.inputs import Rows
from netspec.model import CheckedSpec
from netspec.plan import Plan
from netspec.runner import RunResult, run

Show = Callable[[Rows, RunResult, int], str]  # a chunk's rows, their results, the rows before it -> the text written

HOLD_IN_MEMORY = 64 * 1024 * 1024  # CSV files below this size are run once, their output held until the end
CHUNK_BYTES = 64 * 1024 * 1024  # the widest value of one chunk takes at most this much memory
MAX_CHUNK_ROWS = 131_072


def chunk_rows(spec: CheckedSpec) -> int:
    """Rows per chunk: 131,072 for a small network (so 100,000 rows are one matrix product per
    layer), fewer for a wide one, so the widest layer of a chunk stays within CHUNK_BYTES.
    More rows per chunk would buy little speed and cost hundreds of MB in line strings."""
    widest = max(value.width for value in spec.values.values())
    return int(min(MAX_CHUNK_ROWS, max(4096, CHUNK_BYTES // (8 * widest))))


def run_csv(spec: CheckedSpec, plan: Plan, path: str, show: Show, write: Callable[[str], None],
            atomic_target: bool) -> int:
    """Run every row of the CSV at `path`, writing each chunk's results as `show` words them
    (render/results.py's chunk_writer) through `write`; returns the row count."""
    if atomic_target:
        return _run_chunks(spec, plan, path, show, write)
    if _size(path) < HOLD_IN_MEMORY:
        pieces: list[str] = []
        count = _run_chunks(spec, plan, path, show, pieces.append)
        write("".join(pieces))
        return count
    _run_chunks(spec, plan, path, None, lambda text: None)
    return _run_chunks(spec, plan, path, show, write)


def _run_chunks(spec, plan, path, show: Show | None, write) -> int:
    """show None: only run (the first pass over a file too large to hold its output)."""
    count = 0
    for chunk in read_chunks(spec, path, chunk_rows(spec)):
        result = run(plan, chunk.values, chunk.ids)
        if show is not None:
            write(show(chunk, result, count))
        count += len(chunk.values)
    return count


def _size(path: str) -> int:
    """The file's size; 0 when it cannot be read, so the reader reports why in its own words."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
