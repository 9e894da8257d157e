"""A spec path in, parsed units out: reads files, parses them, and follows `use`.

A spec that says `use "leaf.net"` takes that spec's network (inputs, weights, layers)
and none of its meaning, so the same numbers can answer another question.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from netspec import nodes
from netspec.errors import InputError, SpecCheckError
from netspec.parser import parse
from netspec.source import Source

MAX_SPEC_BYTES = 50_000_000


@dataclass(frozen=True)
class Unit:
    """One parsed file and, when it says `use`, the unit whose network it reuses."""

    source: Source
    spec: nodes.Spec
    base: "Unit | None"

    def chain(self) -> list["Unit"]:
        """The used units first, this one last: the order their network statements run in."""
        return (self.base.chain() if self.base else []) + [self]


def read_source(path: str | Path, shown_as: str | None = None) -> Source:
    """The text of a spec file, or an InputError that says why it cannot be read."""
    path = Path(path)
    shown = shown_as or str(path)
    try:
        if path.is_dir():
            raise InputError(f"{shown} is a folder, not a .net file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such spec file: {shown}", hint="check the path; specs end in .net") from None
    except OSError as error:
        raise InputError(f"cannot read {shown}: {error.strerror}") from None
    if len(data) > MAX_SPEC_BYTES:
        raise InputError(f"{shown} is {len(data):,} bytes; a .net file may be at most {MAX_SPEC_BYTES:,}")
    return Source(shown, _decode(data, shown))


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{shown}:{line}: the file is not UTF-8 text (byte {error.start})",
                         hint="save the spec as UTF-8 plain text") from None


def load_units(path: str | Path, _seen: tuple[str, ...] = ()) -> Unit:
    """Parse `path` and, recursively, every spec it uses."""
    source = read_source(path)
    spec = parse(source)
    uses = spec.of_type(nodes.Use)
    if len(uses) > 1:
        raise SpecCheckError("a spec can use one other network", uses[1].span,
                             hint="keep a single `use` line")
    base = _load_base(Path(path), uses[0], _seen + (str(Path(path).resolve()),)) if uses else None
    return Unit(source, spec, base)


def _load_base(path: Path, use: nodes.Use, seen: tuple[str, ...]) -> Unit:
    target = path.parent / use.path
    if str(target.resolve()) in seen:
        chain = " → ".join([Path(p).name for p in seen] + [target.name])
        raise SpecCheckError(f"`use \"{use.path}\"` goes round in a circle: {chain}", use.span,
                             hint="a network cannot use itself, directly or through another spec")
    if not target.is_file():
        raise SpecCheckError(f"no spec file {use.path} next to {path.name}", use.span,
                             hint=f"the path is taken relative to the folder of {path.name}")
    return load_units(target, seen)
