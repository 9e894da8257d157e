"""Text and a path in, a complete file out: written whole or not at all.

The text is written to a temporary file in the target folder and renamed over the
target, so an error or an interrupt never leaves a partial file or a stray temp file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from netspec.errors import OutputFileError


def write_atomic(path: str, text: str) -> None:
    with atomic_stream(path) as stream:
        stream.write(text)


@contextlib.contextmanager
def atomic_stream(path: str):
    """A text stream onto a temporary file that becomes `path` only if the block ends cleanly.

    A symbolic link is written through (its target is replaced, the link stays), and a
    target that is not a regular file (a terminal, /dev/stdout, a pipe) is written directly,
    since renaming over it would replace the device itself.
    """
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        with _direct(path, target) as stream:
            yield stream
        return
    folder = target.parent
    if not folder.is_dir():
        raise OutputFileError(f"cannot write {path}: the folder {folder} does not exist", code="NS701")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a finished file gets the usual mode
    except OSError as error:
        raise OutputFileError(f"cannot write {path}: {error.strerror}", code="NS701") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temp, target)
    except BaseException as error:
        Path(temp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputFileError(f"cannot write {path}: {error.strerror}", code="NS701") from None
        raise


@contextlib.contextmanager
def _direct(path: str, target: Path):
    try:
        with target.open("w", encoding="utf-8", newline="") as stream:
            yield stream
    except OSError as error:
        raise OutputFileError(f"cannot write {path}: {error.strerror}", code="NS701") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
