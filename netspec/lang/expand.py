"""Parsed statements in, plain statements out: each `repeat N times:` block written out N times.

    repeat 2 times:
      weights W from "weights/stack.npz" key "W{i}" shape (3, 3)
      layer h = dense(x, W)
      layer x = add(x, h)
    end

is written out as

    weights W[1] from "weights/stack.npz" key "W1" shape (3, 3)
    layer h[1] = dense(x, W[1])
    layer x[1] = add(x, h[1])
    weights W[2] from "weights/stack.npz" key "W2" shape (3, 3)
    layer h[2] = dense(x[1], W[2])
    layer x[2] = add(x[1], h[2])

A name declared in the body gets its copy's number in brackets; no spec can write `[`,
so a copy never clashes with a name the spec declares. A name always means its latest
binding: the `x` read in copy 2 is copy 1's, and after `end` the spec's `x` is the last
copy's; a later repeat of the same names numbers on (x[3], x[4], …). `{i}` in a file name
or key is the copy's number in its repeat, `{i0}` that number less one
(nanoGPT's checkpoints count `transformer.h.0` from 0). An inline table in the body is
copied into every copy: shared numbers, counted once per copy. Every written-out node
keeps the span of its line in the body, as a CopySpan that says which copy it is.

The copies are counted before any is written: steps and tables against Limits.max_steps,
and the numbers their tables declare against Limits.max_bytes. Every layer is a step, those
outside repeats and those of the networks a spec uses included.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence

from netspec.lang import nodes
from netspec.errors import NetspecError, Note, SpecCheckError, SpecErrors, WeightFileError
from netspec.limits import Limits, describe_bytes
from netspec.lang.nodes import INPUT_VALUE
from netspec.lang.parser import collector_paused
from netspec.source import CopySpan, Span

TABLES = (nodes.Weights, nodes.Bias, nodes.Vector, nodes.ParamFile, nodes.DerivedTable)
BODY = (*TABLES, nodes.Layer)  # what a repeat's body may hold: statements that declare one name each

_NOT_IN_BODY = {  # statement kind: (why it cannot be copied, where it goes instead)
    nodes.Input: ("`input` cannot stand inside a repeat: the network's inputs are declared once",
                  "move it above the repeat"),
    nodes.Output: ("`output` cannot stand inside a repeat: the answer is named once", "put it after the repeat's `end`"),
    nodes.DecideLargest: ("`decide` cannot stand inside a repeat: the decision is stated once",
                          "put it after the repeat's `end`"),
    nodes.DecideSign: ("`decide` cannot stand inside a repeat: the decision is stated once",
                       "put it after the repeat's `end`"),
    nodes.DecideNothing: ("`decide` cannot stand inside a repeat: the decision is stated once",
                          "put it after the repeat's `end`"),
    nodes.Say: ("`say` cannot stand inside a repeat: the sentence is stated once", "put it after the repeat's `end`"),
    nodes.Example: ("an `example` cannot stand inside a repeat: it checks the whole network",
                    "put it after the repeat's `end`"),
    nodes.Network: ("`network` cannot stand inside a repeat: the spec is named once", "move it to the top of the spec"),
    nodes.Dtype: ("`dtype` cannot stand inside a repeat: the whole network computes in one", "move it to the top of the spec"),
    nodes.Use: ("`use` cannot stand inside a repeat: another spec's network is taken once",
                "move it to the top of the spec"),
    nodes.Vocabulary: ("a `vocabulary` cannot stand inside a repeat: it is declared once", "move it above the repeat"),
    nodes.Repeat: ("a repeat cannot stand inside another repeat",
                   "write the inner block out in the body, or repeat a larger block more times"),
}


def expand(spec: nodes.Spec, limits: Limits = Limits(), base: Sequence[nodes.Spec] = ()) -> nodes.Spec:
    """`spec` with every repeat written out and every name read as its latest binding.

    base: the written-out specs of the networks `spec` uses, in order, so that it reads the
    last copies of their repeats and numbers its own copies on from theirs. Raises
    SpecErrors before writing anything out when a repeat is malformed or its copies would
    exceed `limits`.
    """
    repeats = spec.of_type(nodes.Repeat)
    used = sum(_count(b.statements, nodes.Layer) for b in base)  # the steps of the networks it uses
    if not repeats:
        _check_steps(spec, used, limits)
        if not any(latest_names(base)):
            return spec
    problems = [problem for repeat in repeats for problem in _problems(repeat)]
    if problems:
        raise SpecErrors(problems)
    if repeats:
        _check_size(spec.statements, repeats, limits, used)
    writer = _Writer(base)
    with collector_paused():  # as for parsing: many small nodes that all live on
        written = tuple(s for statement in spec.statements for s in writer.write(statement))
    if writer.errors:
        raise SpecErrors(writer.errors)
    return nodes.Spec(written, spec.span)


def latest_names(specs: Iterable[nodes.Spec]) -> dict[str, str]:
    """For written-out specs in order: each name a repeat declared → its last copy (`x` → `x[3]`)."""
    found: dict[str, str] = {}
    for name in _declared(specs):
        found[name.split("[", 1)[0]] = name
    return {written: latest for written, latest in found.items() if written != latest}


def _numbers_used(specs: Iterable[nodes.Spec]) -> dict[str, int]:
    """For written-out specs: each name a repeat declared → the highest copy number it has had."""
    found: dict[str, int] = {}
    for name in _declared(specs):
        numbered_name = _NUMBERED.fullmatch(name)
        if numbered_name:
            written, number = numbered_name.group(1), int(numbered_name.group(2))
            found[written] = max(found.get(written, 0), number)
    return found


def _declared(specs: Iterable[nodes.Spec]) -> Iterator[str]:
    return (s.name.text for spec in specs for s in spec.statements if isinstance(s, BODY))


def copy_name(name: str, copy: int) -> str:
    """`h` in copy 2 is `h[2]`."""
    return f"{name}[{copy}]"


def numbered(text: str, copy: int) -> str:
    """A file name or key for one copy: `{i}` is the copy's number, `{i0}` the number less one."""
    return text.replace("{i0}", str(copy - 1)).replace("{i}", str(copy))


_COPY_NUMBER = re.compile(r"\[\d+\]")
_NUMBERED = re.compile(r"(.*)\[(\d+)\]")


def fold_copies(errors: list[NetspecError]) -> list[NetspecError]:
    """The same error at the same body line in several copies, reported once, naming every copy.

    Messages that differ only in the copies' numbers (`h[1]`, `h[2]`) count as the same.
    """
    first: dict[tuple, NetspecError] = {}
    kept = []
    for error in errors:
        span = error.span
        if not isinstance(span, CopySpan):
            kept.append(error)
            continue
        key = (error.code, _COPY_NUMBER.sub("[#]", error.message), span.line, span.column, span.repeat)
        if key in first:
            found = first[key]
            found.span = dataclasses.replace(found.span, also=(*found.span.also, span.copy))
            continue
        first[key] = error
        kept.append(error)
    return kept


# ---- before writing anything out: is every repeat well formed, and small enough? ----
def _problems(repeat: nodes.Repeat) -> list[NetspecError]:
    found: list[NetspecError] = []
    count = repeat.count.value
    if not (count == count and count >= 1 and float(count).is_integer()):  # count == count: not NaN
        found.append(SpecCheckError(f"a repeat count is a whole number of at least 1, not {count:g}",
                                    repeat.count.span, hint="write it like `repeat 3 times:`", code="NS221"))
    declared: dict[str, nodes.Name] = {}
    for statement in repeat.body:
        if not isinstance(statement, BODY):
            why, instead = _NOT_IN_BODY.get(type(statement), ("this statement cannot stand inside a repeat",
                                                               "move it out of the repeat"))
            found.append(SpecCheckError(why, statement.span, hint=instead, code="NS222"))
        elif statement.name.text in declared:
            found.append(_declared_twice(statement.name, declared[statement.name.text]))
        else:
            declared[statement.name.text] = statement.name
    return found


def _declared_twice(name: nodes.Name, first: nodes.Name) -> SpecCheckError:
    text = name.text
    return SpecCheckError(f"`{text}` is declared twice in the body of the repeat; each copy numbers the names it "
                          f"declares ({text}[1], {text}[2], …), so a body declares each name once", name.span,
                          hint=f"give the earlier one its own name, such as `{text}_inner`, and read that: in each "
                               f"copy one value is `{text}`",
                          notes=[Note(first.span, "first declared")], code="NS203")


def _check_steps(spec: nodes.Spec, used: int, limits: Limits) -> None:
    """Without repeats: the spec's layers and those of the networks it uses, against the steps limit."""
    layers = spec.of_type(nodes.Layer)
    steps = used + len(layers)
    if steps > limits.max_steps:
        first_over = layers[max(limits.max_steps - used, 0)]
        counted = " with those of the network it uses" if used else ""
        raise SpecCheckError(f"the spec has {steps:,} steps{counted}, more than the limit of {limits.max_steps:,} "
                             "steps", first_over.span, code="NS223",
                             hint=f"raise the limit with --max-steps {steps} (from Python: Limits(max_steps={steps}))")


def _check_size(statements, repeats: list[nodes.Repeat], limits: Limits, used: int = 0):
    """Refuse a repeat whose copies would exceed the limits, saying what they would need."""
    plain = [s for s in statements if not isinstance(s, nodes.Repeat)]
    steps = used + _count(plain, nodes.Layer) + sum(int(r.count.value) * _count(r.body, nodes.Layer) for r in repeats)
    tables = _count(plain, TABLES) + sum(int(r.count.value) * _count(r.body, TABLES) for r in repeats)
    numbers = sum(_numbers(s) for s in plain) + sum(int(r.count.value) * _numbers_in(r.body) for r in repeats)
    biggest = max(repeats, key=lambda r: r.count.value * max(len(r.body), 1))
    if steps > limits.max_steps or tables > limits.max_steps:
        needed = max(steps, tables)
        raise SpecCheckError(_too_long(biggest, steps, tables, numbers, limits), biggest.count.span, code="NS223",
                             hint=f"repeat fewer times, or raise the limit with --max-steps {needed} (from Python: "
                                  f"Limits(max_steps={needed}))")
    if numbers * 8 > limits.max_bytes:
        raise WeightFileError(_too_large(biggest, numbers, limits), biggest.count.span, code="NS409",
                              hint="repeat fewer times, or raise the limit with --max-memory")


def _too_long(repeat: nodes.Repeat, steps: int, tables: int, numbers: int, limits: Limits) -> str:
    per = f"{_many(_count(repeat.body, nodes.Layer), 'step')} and {_many(_count(repeat.body, TABLES), 'table')}"
    parameters = f"; {_many(numbers, 'parameter')} in all" if numbers else ""
    over = "steps" if steps > limits.max_steps else "tables"
    return (f"`repeat {int(repeat.count.value):,} times` would write out {_many(steps, 'step')} and "
            f"{_many(tables, 'table')} ({per} in each copy{parameters}), more than the limit of "
            f"{limits.max_steps:,} {over}")


def _many(n: int, noun: str) -> str:
    """`1 table`, `1,000,001 steps`."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _too_large(repeat: nodes.Repeat, numbers: int, limits: Limits) -> str:
    copies = int(repeat.count.value)
    largest = max((s for s in repeat.body if isinstance(s, TABLES)), key=_numbers, default=None)
    shown = f" ({largest.name.text} has {_shape_text(largest)} in each of the {copies:,} copies)" if largest else ""
    return (f"`repeat {copies:,} times` would make the spec declare {numbers:,} numbers, "
            f"{describe_bytes(numbers * 8)} as float64{shown}, more than the limit of {describe_bytes(limits.max_bytes)}")


def _count(statements, kinds) -> int:
    return sum(isinstance(s, kinds) for s in statements)


def _numbers_in(body) -> int:
    return sum(_numbers(s) for s in body)


def _numbers(statement) -> int:
    """The numbers a table declares, known without reading a file: inline, or a file's stated `shape`."""
    if isinstance(statement, (nodes.Weights, nodes.Bias, nodes.Vector)):
        return sum(len(row.numbers) for row in statement.table.rows)
    if isinstance(statement, nodes.ParamFile) and statement.shape and min(statement.shape) >= 0:
        total = 1
        for n in statement.shape:
            total *= n
        return total
    return 0


def _shape_text(statement) -> str:
    if isinstance(statement, nodes.ParamFile) and statement.shape:
        return f"shape ({', '.join(str(n) for n in statement.shape)})"
    return f"{_numbers(statement):,} numbers"


# ---- writing the copies out ----
class _Writer:
    """Writes statements out in order, keeping each written name's latest binding."""

    def __init__(self, base: Sequence[nodes.Spec]):
        self.names = latest_names(base)  # name as written → the name it means now (`x` → `x[2]`)
        self.numbers = _numbers_used(base)  # name as written → the highest copy number it has had
        self.plain = {INPUT_VALUE, *(name for name in _declared(base) if "[" not in name)}
        self.errors: list[NetspecError] = []

    def write(self, statement) -> list:
        if not isinstance(statement, nodes.Repeat):
            read = self._read(statement)
            if isinstance(read, BODY):
                self.names.pop(read.name.text, None)  # declared again outside a repeat: the plain name
                self.plain.add(read.name.text)
            return [read]
        return self._repeat(statement)

    def _repeat(self, repeat: nodes.Repeat) -> list:
        """The body once per copy. Names an earlier repeat numbered go on from its last number (h[7] after h[6])."""
        count = int(repeat.count.value)
        declared = [statement.name.text for statement in repeat.body]
        first = max(self.numbers.get(name, 0) for name in declared)
        self.errors += self._read_ahead(repeat, count)
        written = [self._copy(statement, repeat, copy, count, first + copy)
                   for copy in range(1, count + 1) for statement in repeat.body]
        self.numbers.update((name, first + count) for name in declared)
        return written

    def _read_ahead(self, repeat: nodes.Repeat, count: int) -> list[NetspecError]:
        """Names copy 1 reads before the body declares them, with nothing of that name above the block."""
        bound = {*self.names, *self.plain}
        found = []
        for at, statement in enumerate(repeat.body):
            later = {s.name.text for s in repeat.body[at:]}
            refs = statement.call.args if isinstance(statement, (nodes.Layer, nodes.DerivedTable)) else ()
            for ref in (r for r in refs if isinstance(r, nodes.Ref)):
                if ref.name.text not in bound and ref.name.text in later:
                    found.append(_read_too_early(ref, _copy_span(ref.span, repeat, 1, count)))
            bound.add(statement.name.text)
        return found

    def _copy(self, statement, repeat: nodes.Repeat, copy: int, count: int, number: int):
        """One body statement as copy `copy`: its names read, then its own name numbered `number`."""
        moved = _moved(self._read(statement), lambda span: _copy_span(span, repeat, copy, count))
        name = copy_name(statement.name.text, number)
        self.names[statement.name.text] = name
        changes = {"name": dataclasses.replace(moved.name, text=name)}
        if isinstance(moved, nodes.ParamFile):
            changes.update(path=numbered(moved.path, copy), key=moved.key and numbered(moved.key, copy))
        return dataclasses.replace(moved, **changes)

    def _read(self, statement):
        """The statement with every name it reads replaced by that name's latest binding."""
        if isinstance(statement, (nodes.Layer, nodes.DerivedTable)):
            args = tuple(self._ref(a) if isinstance(a, nodes.Ref) else a for a in statement.call.args)
            return dataclasses.replace(statement, call=dataclasses.replace(statement.call, args=args))
        if isinstance(statement, nodes.Output) and statement.value.text in self.names:
            return dataclasses.replace(statement, value=self._name(statement.value))
        return statement

    def _ref(self, ref: nodes.Ref) -> nodes.Ref:
        return dataclasses.replace(ref, name=self._name(ref.name)) if ref.name.text in self.names else ref

    def _name(self, name: nodes.Name) -> nodes.Name:
        return dataclasses.replace(name, text=self.names[name.text])


def _read_too_early(ref: nodes.Ref, span: CopySpan) -> SpecCheckError:
    name = ref.name.text
    return SpecCheckError(f"`{name}` is used before it is declared: copy 1 reads it above its line in the body, "
                          f"and no `{name}` is declared above the repeat", span, code="NS208",
                          hint=f"move the line that declares `{name}` above this one, or declare a `{name}` above "
                               f"the repeat for copy 1 to read")


def _copy_span(span: Span | None, repeat: nodes.Repeat, copy: int, count: int) -> CopySpan | None:
    if span is None:
        return None
    moved = object.__new__(CopySpan)  # as in _moved: a CopySpan per node of every copy, made quickly
    moved.__dict__.update(span.__dict__, copy=copy, count=count, repeat=repeat.span, also=(),
                          repeat_name=repeat.name.text if repeat.name else None)
    return moved


_NODES = tuple(kind for kind in vars(nodes).values()
               if isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind.__module__ == nodes.__name__)


def _moved(node, move):
    """`node` with every span in it, at any depth, replaced by move(span)."""
    if isinstance(node, tuple):
        return tuple(_moved(n, move) for n in node) if node and isinstance(node[0], _NODES) else node
    if not isinstance(node, _NODES):
        return node
    # A frozen node copied through its __dict__: dataclasses.replace made writing out 10,000 steps take seconds.
    moved = object.__new__(type(node))
    moved.__dict__.update({key: _moved(value, move) for key, value in node.__dict__.items()})
    moved.__dict__["span"] = move(node.span)
    return moved
