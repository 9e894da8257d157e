"""Text and a path in, a complete file out: written whole or not at all.

The text is written to a temporary file in the target folder and renamed over the
target, so an error or an interrupt (Ctrl-C; SIGTERM and SIGHUP, which netspec/cli.py
turns into an exception that unwinds the same way) never leaves a partial file or a
stray temp file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from netspec.errors import OutputFileError
from netspec.signals import Stopped, signals_held as _signals_held, stop  # noqa: F401 (re-exported)


def write_atomic(path: str, text: str | bytes, inputs: frozenset = frozenset()) -> None:
    """`text`, or bytes (an .onnx model), written whole or not at all."""
    with atomic_stream(path, inputs, binary=isinstance(text, bytes)) as stream:
        stream.write(text)


def write_atomic_bytes(path: str, data: bytes, inputs: frozenset = frozenset()) -> None:
    """Bytes (a trained spec's .safetensors file), written whole or not at all, like write_atomic."""
    with atomic_stream(path, inputs, binary=True) as stream:
        stream.write(data)


@contextlib.contextmanager
def atomic_stream(path: str, inputs: frozenset = frozenset(), binary: bool = False):
    """A text stream onto a temporary file that becomes `path` only if the block ends cleanly.

    A symbolic link is written through (its target is replaced, the link stays), and a
    target that is not a regular file (a terminal, /dev/stdout, a pipe) is written directly,
    since renaming over it would replace the device itself. An existing target keeps its
    mode; one that is read-only, or is one of `inputs` ((device, inode) of the files the
    command reads), is refused before anything is written.
    """
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        with _direct(path, target, binary) as stream:
            yield stream
        return
    folder = target.parent
    if not folder.is_dir():
        raise OutputFileError(f"cannot write {path}: the folder {folder} does not exist", code="NS701")
    mode = _mode_for(path, target, inputs)
    temp = None
    try:
        with _signals_held():  # a signal between making the temp file and knowing its name would leave it
            handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.chmod(temp, mode)  # mkstemp makes 0600
        with (os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", newline="")) as stream:
            yield stream
        os.replace(temp, target)
    except BaseException as error:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputFileError(f"cannot write {path}: {error.strerror}", code="NS701") from None
        raise


@contextlib.contextmanager
def _direct(path: str, target: Path, binary: bool = False):
    try:
        with (target.open("wb") if binary else target.open("w", encoding="utf-8", newline="")) as stream:
            yield stream
    except OSError as error:
        raise OutputFileError(f"cannot write {path}: {error.strerror}", code="NS701") from None


def check_writable(path: str, inputs: frozenset = frozenset()) -> None:
    """Refuse now, before a long computation, what atomic_stream would refuse at the end."""
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        return
    if not target.parent.is_dir():
        raise OutputFileError(f"cannot write {path}: the folder {target.parent} does not exist", code="NS701")
    _mode_for(path, target, inputs)


def _mode_for(path: str, target: Path, inputs: frozenset) -> int:
    """The finished file's mode: the existing target's, else the usual one for a new file (umask)."""
    try:
        info = target.stat()
    except OSError:
        return 0o666 & ~_umask()
    if (info.st_dev, info.st_ino) in inputs:
        raise OutputFileError(f"-o {path} is an input of this command; writing there would replace it", code="NS702",
                              hint="write the output to another file")
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):  # renaming over it would bypass the mode
        raise OutputFileError(f"cannot write {path}: it is read-only", code="NS701",
                              hint="make it writable (chmod u+w) if it should be replaced, or write to another file")
    return stat.S_IMODE(info.st_mode)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
