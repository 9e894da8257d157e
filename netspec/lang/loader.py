"""A spec path in, parsed units out: reads files, parses them, and follows `use`.

A spec that says `use "leaf.net"` takes that spec's network (inputs, weights, layers)
and none of its meaning, so the same numbers can answer another question.
"""

from __future__ import annotations

from pathlib import Path

from netspec.lang import nodes
from netspec.errors import InputError, NetspecError, SpecCheckError, close_matches
from netspec.lang.expand import expand
from netspec.files import FileRefused, open_checked
from netspec.limits import MAX_SPEC_BYTES, MAX_USE_DEPTH, Limits
from netspec.lang.parser import parse
from netspec.source import Source, Span
from netspec.records import record


@record
class Unit:
    """One parsed file and, when it says `use`, the unit whose network it reuses."""

    source: Source
    spec: nodes.Spec
    base: "Unit | None"

    def chain(self) -> list["Unit"]:
        """The used units first, this one last: the order their network statements run in."""
        return (self.base.chain() if self.base else []) + [self]


def read_source(path: str | Path, shown_as: str | None = None, fence: Path | None = None) -> Source:
    """The text of a spec file, or an InputError that says why it cannot be read.

    fence: the folder the file must lie in (a used spec's user's folder); checked, like the
    file's size and kind, on the descriptor the text is then read from (netspec/files.py).
    """
    shown = shown_as or str(path)
    try:
        with open_checked(path, fence, MAX_SPEC_BYTES, ".net file", shown) as opened:
            return Source(shown, _decode(opened.read_all(MAX_SPEC_BYTES), shown), identity=opened.identity)
    except FileRefused as refused:
        raise _refused(refused, shown) from None


def _refused(refused: FileRefused, shown: str) -> NetspecError:
    if refused.reason == "missing":
        return InputError(f"no such spec file: {shown}", hint="check the path; specs end in .net", code="NS110")
    if refused.reason == "too_large":
        return _too_large(shown, refused.size)
    if refused.reason == "outside":
        return SpecCheckError(f"{shown} lies outside the folder of the spec that uses it ({refused.folder})",
                              hint="a spec may only use specs in its own folder; pass --allow-outside if you trust it",
                              code="NS213")
    return InputError(refused.message, code="NS110")


def _too_large(shown: str, size: int) -> InputError:
    return InputError(f"{shown} is {size:,} bytes; a .net file may be at most {MAX_SPEC_BYTES:,}", code="NS111",
                      hint='keep large tables in a weight file (`weights W from "w.npy"`): each number written '
                           "in a spec takes some hundreds of bytes of memory while it is read")


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(error, shown) from None


def _not_utf8(error: UnicodeDecodeError, shown: str) -> InputError:
    """Point at the first byte that is not UTF-8, in a copy of the text where bad bytes show as �."""
    data = bytes(error.object)  # without its byte-order mark, like error.start
    before = data[: error.start].decode("utf-8")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    source = Source(shown, data.decode("utf-8", "replace"))
    return InputError(f"the file is not UTF-8 text: {error.reason} (byte 0x{data[error.start]:02X})",
                      Span(source, line, column, line, column + 1), hint="save the spec as UTF-8 plain text", code="NS112")


def load_units(path: str | Path, _seen: tuple[str, ...] = (), allow_outside: bool = False,
               limits: Limits | None = None, _fence: Path | None = None) -> Unit:
    """Parse `path` and, recursively, every spec it uses (in its own folder, unless allow_outside).

    Each unit's repeats are written out (netspec/lang/expand.py) within `limits`; a spec that
    uses another reads the names that spec's repeats bound as their last copies.
    """
    limits = limits or Limits(allow_outside=allow_outside)
    return _units(read_source(path, fence=_fence), path, _seen, allow_outside, limits)


def text_units(text: str, path: str = "<string>", limits: Limits | None = None) -> Unit:
    """Spec text given as a string (netspec.loads, `netspec run -`), reported as `path`; a `use` and
    the weight files it names are found beside `path` (the current folder for `<string>`)."""
    limits = limits or Limits()
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SPEC_BYTES:
        raise _too_large(path, len(text.encode("utf-8", "surrogatepass")))
    return _units(Source(path, text.removeprefix("\ufeff")), path, (), limits.allow_outside, limits)


def _units(source: Source, path, _seen: tuple[str, ...], allow_outside: bool, limits: Limits) -> Unit:
    spec = parse(source, limits)
    uses = spec.of_type(nodes.Use)
    if len(uses) > 1:
        raise SpecCheckError("a spec can use one other network", uses[1].span,
                             hint="keep a single `use` line", code="NS213")
    seen = _seen + (str(Path(path).resolve()),)
    base = _load_base(Path(path), uses[0], seen, allow_outside, limits) if uses else None
    return Unit(source, expand(spec, limits, [unit.spec for unit in base.chain()] if base else ()), base)


def _load_base(path: Path, use: nodes.Use, seen: tuple[str, ...], allow_outside: bool, limits: Limits) -> Unit:
    target = path.parent / use.path
    if not allow_outside and not _inside(path.parent, target):
        raise SpecCheckError(f"`use \"{use.path}\"` reaches outside the folder of {path.name}", use.span, code="NS213",
                             hint="a spec may only use specs in its own folder; pass --allow-outside if you trust it")
    try:
        resolved, exists = str(target.resolve()), target.exists()  # a folder or a device: read_source says so
    except (OSError, ValueError) as error:  # a name too long for the system, or with a NUL byte in it
        reason = getattr(error, "strerror", None) or str(error)
        raise SpecCheckError(f"`use` names a file that cannot exist: {reason.lower()}", use.span,
                             hint=f"write the name of a .net file next to {path.name}", code="NS213") from None
    if len(seen) >= MAX_USE_DEPTH:
        raise SpecCheckError(f"`use \"{use.path}\"` makes a chain of uses more than {MAX_USE_DEPTH} specs deep: "
                             f"{_chain(seen)}", use.span, code="NS213",
                             hint="use a spec that holds the whole network, instead of one that uses another in turn")
    if resolved in seen:
        chain = " → ".join([Path(p).name for p in seen] + [target.name])
        raise SpecCheckError(f"`use \"{use.path}\"` goes round in a circle: {chain}", use.span,
                             hint="a network cannot use itself, directly or through another spec", code="NS213")
    if not exists:
        raise SpecCheckError(f"no spec file {use.path} next to {path.name}", use.span, hint=_nearby_spec(target, path, use.path),
                             code="NS213")
    try:
        return load_units(target, seen, allow_outside, limits, None if allow_outside else path.parent)
    except NetspecError as error:
        error.span = error.span or use.span  # the used file cannot be read: point at the `use` line
        raise


def _chain(seen: tuple[str, ...]) -> str:
    """`s40.net → s39.net → s38.net → … → s9.net`: the first user first, as the chain is followed."""
    names = [Path(p).name for p in seen]
    return " → ".join(names if len(names) <= 6 else names[:3] + ["…"] + names[-1:])


def _nearby_spec(target: Path, user: Path, written: str) -> str:
    """`did you mean "leaf.net"?` for a misspelt `use`, from the .net files in the folder it names."""

    try:
        others = sorted(p.name for p in target.parent.glob("*.net") if p.resolve() != user.resolve())[:1000]
    except OSError:
        others = []
    close = close_matches(target.name, others, n=1, cutoff=0.6)
    shown = written[:len(written) - len(target.name)] + close[0] if close else ""
    return f'did you mean "{shown}"?' if close else f"the path is taken relative to the folder of {user.name}"


def _inside(folder: Path, target: Path) -> bool:
    """True when target, links followed, lies in folder or below it."""
    try:
        inside, resolved = folder.resolve(), target.resolve()
    except (OSError, ValueError):
        return True  # an impossible name: _load_base reports it
    return resolved == inside or inside in resolved.parents
