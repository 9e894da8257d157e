"""What a spec may ask of the machine: memory for its tensors, and which files it may read.

A spec is data that may come from a stranger (a worksheet shared online), so these
limits hold unless the user lifts them on the command line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from netspec.records import record

if TYPE_CHECKING:  # annotations only: `netspec --help` reads this module and need not load pathlib
    from pathlib import Path

DEFAULT_MAX_BYTES = 4 * 1024**3  # 4 GiB: any network of the article, with room to spare
DEFAULT_MAX_STEPS = 2_000  # once repeats are written out: GPT-2 XL's 48 blocks at some 20 steps each are 1,000; checking 2,000 takes about half a second
DEFAULT_MAX_PRINTOUT = 50 * 1024**2  # 50 MiB: a printout anyone would read, and then some
DEFAULT_MAX_OPERATIONS = 100_000_000_000  # `generate`: some five minutes of one core; tiny_gpt's 10,000 steps need 7.6e10 (about 3 minutes)
MAX_SPEC_BYTES = 16 * 1024**2  # a .net file: some 1.5 million numbers in plain table rows, about 100 MB while read
MAX_SPEC_WORDS = 1_000_000  # words the grammar reads (plain table rows are read without it): about 800 MB at the limit
MAX_CSV_LINE_CHARS = 4 * 1024**2  # a CSV line: 100,000 numbers of 40 characters, or a text of 100,000 tokens
MAX_CSV_COLUMNS = 100_000  # a CSV line's cells: as many as a text input's tokens may be (checks.common.MAX_TOKENS)
CSV_CHUNK_CHARS = 16 * 1024**2  # the characters of CSV read before a chunk of rows is checked and run
MAX_GENERATE_STEPS = 10_000  # `netspec generate --steps`: a long text, still a few seconds

# What netspec reads of a file before it knows what is inside: each is checked on the opened file.
MAX_USE_DEPTH = 32  # specs in one chain of `use`: the article's deepest is 2
MAX_VOCABULARY_BYTES = 16 * 1024**2  # BERT's vocab.txt is 232 kB; the largest are a few MB
MAX_SAFETENSORS_HEADER = 16 * 1024**2  # GPT-2 XL's header is 100 kB: 16 MiB of JSON takes a second to parse
MAX_NPY_HEADER = 100_000  # an .npy header (alone, or an .npz member's): NumPy itself writes well under 1 kB
MAX_NPZ_DIRECTORY = 4 * 1024**2  # an .npz's zip directory, some 100 bytes an array: GPT-2 XL's is 60 kB

UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3,
         "t": 1024**4, "tb": 1024**4}


@record
class Limits:
    """max_bytes: the most memory all tensors together may take (as float64), and one run or trace of
    the rows given at once (netspec/check/cost.py counts it from the shapes before anything is allocated);
    allow_outside: whether weight files may lie outside the spec's folder;
    max_steps: the most steps a spec with `repeat` blocks may have once they are written out;
    max_printout: the most bytes a printout (trace, drawing, results) may take, estimated before it is made;
    max_operations: the most operations `generate` may do over all its steps."""

    max_bytes: int = DEFAULT_MAX_BYTES
    allow_outside: bool = False
    max_steps: int = DEFAULT_MAX_STEPS
    max_printout: int = DEFAULT_MAX_PRINTOUT
    max_operations: int = DEFAULT_MAX_OPERATIONS


def parse_size(text: str) -> int | None:
    """`512MB`, `4G`, `1000000` → bytes; None when the text is not a size."""
    found = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", text)
    if not found or found.group(2).lower() not in UNITS:
        return None
    return int(float(found.group(1)) * UNITS[found.group(2).lower()])


def describe_bytes(count: float) -> str:
    """1536 → `1.5 KiB`; for messages that say how much a spec would need."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if count < 1024 or unit == "PiB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} PiB"


def outside_folder(folder: Path, written: str, limits: Limits) -> Path | None:
    """The spec's folder when the file `written` (relative to it, symlinks followed) lies outside it
    and that is not allowed; None otherwise. Weight and vocabulary files share this one fence."""
    return None if limits.allow_outside else fence_breach(folder, folder / written)


def fence_breach(folder: Path, target: Path) -> Path | None:
    """`folder`, resolved, when `target` (symlinks followed) lies outside it; None when inside.
    netspec/files.py asks it again of the file it opened, so a link swapped meanwhile is caught."""
    try:
        inside, target = folder.resolve(), target.resolve()
    except (OSError, ValueError):  # a NUL byte in the name: no such file can exist, the reader says so
        return None
    return None if target == inside or inside in target.parents else inside
