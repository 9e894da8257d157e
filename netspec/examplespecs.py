"""A folder name in, copies of the example specs out: what `netspec examples DIR` does.

The specs of the documentation (leaf.net, weather.net, tiny_gpt.net, their weight files and
objects.csv) ship inside the wheel as netspec/specs (pyproject.toml's force-include), so a
reader who installed netspec from a wheel can try every command without the repository; a
checkout reads its top-level specs/ folder instead.

Nothing is ever replaced: every target is looked at before the first file is written, and
each file is written to a temporary name and linked into place, which fails rather than
replace a file that appeared meanwhile. A file is copied whole or not at all.
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

from netspec.errors import OutputFileError

SHOWN = 3  # existing files named in the refusal before "and n more"


def specs_folder() -> Path:
    """specs/ inside an installed wheel, else the checkout's top-level specs/."""
    packaged = resources.files("netspec") / "specs"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "specs"


def example_files(source: Path) -> list[Path]:
    """Every file under `source`, relative to it, in order; hidden files and caches are left out."""
    found = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and not any(part.startswith((".", "__")) for part in relative.parts):
            found.append(relative)
    return found


def copy_examples(folder: str, source: Path | None = None) -> list[Path]:
    """Copy every example file into `folder` (made if absent); the files copied, relative to it."""
    source = source or specs_folder()
    target = Path(folder)
    files = example_files(source)
    _refuse_unwritable(folder, target)
    _refuse_present(folder, [name for name in files if os.path.lexists(target / name)])
    try:
        target.mkdir(exist_ok=True)
        for name in files:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            _copy_new(source / name, target / name)
    except FileExistsError as error:
        _refuse_present(folder, [Path(error.filename).relative_to(target)])
    except OSError as error:
        raise OutputFileError(f"cannot copy the examples into {folder}: {error.strerror}",
                              hint="check the folder is writable and the disk has room", code="NS701") from None
    return files


def _refuse_unwritable(folder: str, target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OutputFileError(f"cannot copy the examples into {folder}: it is a file, not a folder",
                              hint="name a new or empty folder", code="NS701")
    if not target.exists() and not target.parent.is_dir():
        raise OutputFileError(f"cannot copy the examples into {folder}: the folder {target.parent} does not exist",
                              hint="make the folder above it first, or name one that exists", code="NS701")


def _refuse_present(folder: str, present: list[Path]) -> None:
    if not present:
        return
    named = ", ".join(p.as_posix() for p in present[:SHOWN])
    more = f" and {len(present) - SHOWN} more" if len(present) > SHOWN else ""
    which = f"{named}, one of the example files" if len(present) == 1 else \
        f"{len(present)} of the example files ({named}{more})"
    raise OutputFileError(f"{folder} already has {which}; netspec examples never replaces a file",
                          hint="name a new or empty folder, or move those files away first", code="NS704")


def _copy_new(source: Path, target: Path) -> None:
    """Write `source`'s bytes to a temporary file beside `target`, then link it in (never over a file)."""
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(source.read_bytes())
        os.chmod(temp, 0o666 & ~_umask())
        try:
            os.link(temp, target)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: create the target exclusively instead
            with open(target, "xb") as stream:
                stream.write(source.read_bytes())
    finally:
        Path(temp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
