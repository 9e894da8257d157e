"""A path in, an opened regular file out: checked on the very descriptor it is then read from.

A spec and the files it names may come from a stranger. Checking a path and opening it
afterwards leaves a gap in which a symbolic link can be swapped for one that leaves the
spec's folder, and a device or a pipe named as a file can be read forever. So every reader
(specs, `use`, weight files, vocabularies, CSV files) opens the file once, checks what it
opened - a regular file, inside the folder, within its size cap - and reads from that
same descriptor. Each reader turns a FileRefused into its own coded error. A CSV file
given on the command line is opened the same way, with no fence and no cap (it is
streamed): `open_checked(path, None, None, "CSV file")`, its `stream` wrapped as text.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from netspec.limits import describe_bytes, fence_breach
from netspec.records import record

_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
          | getattr(os, "O_BINARY", 0))  # O_NONBLOCK: opening a pipe must not wait for a writer


class FileRefused(Exception):
    """Why a file is not read. reason: missing, folder, special, outside, changed, too_large or unreadable."""

    def __init__(self, reason: str, message: str, size: int = 0, folder: Path | None = None):
        super().__init__(message)
        self.reason, self.message, self.size, self.folder = reason, message, size, folder


@record(frozen=False)
class Opened:
    """A checked regular file: read it through `stream` only, never by its name again."""

    stream: BinaryIO
    size: int
    identity: tuple[int, int]  # (device, inode): what `-o` compares to refuse writing over an input
    shown: str
    what: str

    def read_all(self, cap: int | None) -> bytes:
        """The whole file; refused when it grew past `cap` after it was opened."""
        data = self.stream.read() if cap is None else self.stream.read(cap + 1)
        if cap is not None and len(data) > cap:
            raise _too_large(self.shown, self.what, len(data), cap)
        return data

    def close(self):
        self.stream.close()

    def __enter__(self) -> "Opened":
        return self

    def __exit__(self, *exc):
        self.close()


def open_checked(path: str | Path, fence: Path | None, cap: int | None, what: str,
                 shown: str | None = None) -> Opened:
    """Open `path` once and check the opened file: a regular file; inside the folder `fence`
    (None: anywhere); at most `cap` bytes (None: any size). `what` names it in messages."""
    shown = shown or str(path)
    descriptor = _open(path, what, shown)
    try:
        info = os.fstat(descriptor)
        _regular(info, what, shown)
        if fence is not None:
            _inside(path, info, fence, what, shown)
        if cap is not None and info.st_size > cap:
            raise _too_large(shown, what, info.st_size, cap)
        return Opened(os.fdopen(descriptor, "rb"), info.st_size, (info.st_dev, info.st_ino), shown, what)
    except BaseException:
        os.close(descriptor)
        raise


def identity_of(path: str | Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, links followed; None when there is none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _open(path, what: str, shown: str) -> int:
    try:
        return os.open(path, _FLAGS)
    except FileNotFoundError:
        raise FileRefused("missing", f"no such {what}: {shown}") from None
    except IsADirectoryError:
        raise FileRefused("folder", f"{shown} is a folder, not a {what}") from None
    except ValueError:  # a NUL byte in the name: no such file can exist
        raise FileRefused("missing", f"no such {what}: {shown}") from None
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:  # no such file can exist either
            raise FileRefused("missing", f"no such {what}: {shown}") from None
        raise FileRefused("unreadable", f"cannot read {shown}: {error.strerror}") from None


def _regular(info: os.stat_result, what: str, shown: str):
    if stat.S_ISDIR(info.st_mode):
        raise FileRefused("folder", f"{shown} is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):  # a device or a pipe: it could be read forever, or hang
        raise FileRefused("special", f"{shown} is not a regular file (it is a {_special(info.st_mode)}); "
                                     f"a {what} must be a regular file")


def _special(mode: int) -> str:
    return ("pipe" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "socket" if stat.S_ISSOCK(mode) else "special file")


def _inside(path, info: os.stat_result, fence: Path, what: str, shown: str):
    """The opened file must be the one the path leads to now, and that place must lie inside `fence`.

    A link swapped after the open makes the two differ: then nothing is read.
    """
    real = os.path.realpath(path)
    folder = fence_breach(fence, Path(real))
    if folder is not None:
        raise FileRefused("outside", f"{shown} lies outside the folder {folder}", folder=folder)
    if identity_of(real) != (info.st_dev, info.st_ino):
        raise FileRefused("changed", f"{shown} changed while it was being opened (a link that was moved?)")


def _too_large(shown: str, what: str, size: int, cap: int) -> FileRefused:
    return FileRefused("too_large", f"{shown} is {describe_bytes(size)}; a {what} may be at most "
                                    f"{describe_bytes(cap)}", size=size)
