"""What an operation's shape rule may ask of the checker: the whole interface, stated once.

`OpDef.check(ctx, call)` receives the checker (netspec/check/checker.py) as a CheckContext and
uses nothing else of it. A shape rule reads; it never changes the checker's tables: a
table whose rows must be put in the order of the value it reads is returned as a RowOrder
in its ShapeResult, and the checker applies it. So a shape rule can be tested with any
object that has these members, and the checker can change inside without touching ops/.
"""

from __future__ import annotations

from typing import Mapping, Protocol, Sequence

from netspec.lang import nodes
from netspec.check.model import Step, Value
from netspec.ops.options import Option
from netspec.source import Span
from netspec.records import record


class Table(Protocol):
    """A weights, bias or vector table as a shape rule sees it: rows may still be reordered."""

    name: str
    kind: str
    row_names: tuple[str, ...]
    col_names: tuple[str, ...]
    span: Span
    labelled: bool  # False for numbers from a file: rows are bound by position, columns numbered


@record
class RowOrder:
    """Put table `table`'s rows in the order of the value it reads: `order` picks rows by index;
    `names`, for a table from a file (no labels), names its rows after the value's neurons."""

    table: str
    order: tuple[int, ...] = ()
    names: tuple[str, ...] | None = None


class CheckContext(Protocol):
    """The checker as an operation's shape rule sees it."""

    current: str  # the layer being checked
    values: Mapping[str, Value]  # every value declared so far
    params: Mapping[str, Table]  # every table declared so far

    def fail(self, message: str, span: Span | None, hint: str | None = None, notes=None,
             code: str | None = None) -> None:
        """Report an error; checking goes on, so a spec's mistakes are all listed in one run."""

    def positional(self, call: nodes.Call, op_name: str, required: Sequence[str], optional: Sequence[str] = (),
                   options: Sequence[Option] = ()) -> list[nodes.Ref] | None:
        """The call's named arguments, counted against what the operation takes."""

    def keywords(self, call: nodes.Call, op_name: str, declared: Sequence[Option]) -> dict | None:
        """The call's `name=value` options checked against `declared`, defaults filled in."""

    def value(self, ref: nodes.Ref) -> Value | None:
        """The value a name refers to, or None (reported)."""

    def param(self, ref: nodes.Ref, kind: str) -> Table | None:
        """The table of `kind` a name refers to, or None (reported)."""

    def token_vocabulary(self, value: Value):
        """The vocabulary whose token numbers `value` holds, or None."""

    def padding(self, value: Value) -> tuple[str, int] | None:
        """For a value whose positions are those of a text of `tokens up to N` (or that text's tokens): the
        value holding that text's token numbers, and the number a padding position holds; else None. An
        operation that must leave padding out (attention's keys, mean_pool) reads those numbers too."""

    def is_bound(self, table: str) -> bool:
        """True when an earlier layer already reads `table` (its rows are in that layer's order)."""

    def step_of(self, value: str) -> Step | None:
        """The step that computes `value`, None for the inputs."""

    def operation(self, name: str):
        """The OpDef of a checked step's operation."""
