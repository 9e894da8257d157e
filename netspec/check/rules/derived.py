"""Tables made from tables in, parameter drafts out: `transpose(E)`, `columns(W, 1, 48)`, `rows(W, 1, 48)`.

A real model keeps some numbers in one tensor that a spec reads as several tables (GPT-2
keeps its queries', keys' and values' weights side by side in one 768 × 2304 tensor), and
uses one tensor twice (GPT-2's output head is its token embedding, transposed). A derived
table is a view of the other table's numbers, so they are read from the file once and
counted once among the parameters. Rows and columns are counted from 1 and both ends are
included, as a person counts them: `columns(W, 1, 48)` is W's first 48 columns.
"""

from __future__ import annotations

import numpy as np

from netspec.lang import nodes
from netspec.check.rules.common import ParamDraft, call_text
from netspec.errors import Note

FUNCTIONS = {
    "transpose": "transpose(T): T's rows become its columns",
    "columns": "columns(T, FIRST, LAST): columns FIRST to LAST of T, counted from 1",
    "rows": "rows(T, FIRST, LAST): rows FIRST to LAST of T, counted from 1",
}


class DerivedChecks:
    """Checker methods for `weights NAME = transpose(T)` and its kin; `self` is the Checker."""

    def _derived(self, node: nodes.DerivedTable):
        name = node.name
        if name.text in self.params or name.text in self.values or name.text in self.texts:
            self._duplicate(name, self._declared_at(name.text))
            return
        draft = self._derive(node)
        if draft is None:
            self.broken.add(name.text)
            return
        self.params[name.text] = draft

    def _derive(self, node: nodes.DerivedTable) -> ParamDraft | None:
        call, how = node.call, node.call.op.text
        if how not in FUNCTIONS:
            self.unknown("table function", call.op, FUNCTIONS,
                         "a table is made from another with " + "; ".join(FUNCTIONS.values()), code="NS227")
            return None
        wanted = 1 if how == "transpose" else 3
        args = call.args
        if len(args) != wanted or not isinstance(args[0], nodes.Ref) or not all(
                isinstance(a, nodes.Num) for a in args[1:]):
            self.fail(f"{how} takes {'a table' if wanted == 1 else 'a table and two numbers'}", call.span,
                      hint=f"write {FUNCTIONS[how].split(':')[0]}", code="NS227")
            return None
        source = self._derived_source(args[0], node)
        if source is None:
            return None
        if how == "transpose":
            return self._transposed(node, source)
        return self._sliced(node, source, how, args[1], args[2])

    def _derived_source(self, ref: nodes.Ref, node) -> ParamDraft | None:
        name = ref.name.text
        found = self.params.get(name)
        if found is None:
            if name in self.values or name in self.texts:
                self.fail(f"`{name}` is a value computed by a layer, not a table", ref.span,
                          hint="a table is made from a weights, bias or vector table; a value is split with "
                               "`layer a, b = split(x, 2)`", code="NS227")
            elif not (self._known_broken(name) or self._used_before_declared(ref)):
                self.unknown("table", ref.name, self.params)
            return None
        return found

    def _transposed(self, node, source: ParamDraft) -> ParamDraft | None:
        if source.kind != "weights" or node.kind != "weights":
            self.fail(f"transpose turns a weights table around; `{source.name}` is a {source.kind} and "
                      f"`{node.name.text}` is declared as {node.kind}", node.call.span,
                      hint="write `weights NAME = transpose(TABLE)` with a weights table", code="NS227")
            return None
        array = source.array.T
        if source.labelled:
            rows, cols = source.col_names, source.row_names
        else:
            rows, cols = ("",) * array.shape[0], tuple(str(i) for i in range(1, array.shape[1] + 1))
        return self._derived_draft(node, source, array, rows, cols, lambda a: a.T)

    def _sliced(self, node, source: ParamDraft, how: str, first: nodes.Num, last: nodes.Num) -> ParamDraft | None:
        along_rows = how == "rows"
        if along_rows and source.kind != "weights":
            self.fail(f"a {source.kind} has one row of numbers: `{source.name}` has no rows to take",
                      node.call.span, hint=f"take its columns: columns({source.name}, FIRST, LAST)", code="NS227")
            return None
        if source.kind != node.kind and not (source.kind == "weights" and node.kind == "weights"):
            if not (source.kind in ("bias", "vector") and node.kind in ("bias", "vector")):
                self.fail(f"`{node.name.text}` is declared as {node.kind} but `{source.name}` is a {source.kind}",
                          node.call.span, hint=f"write `{source.kind} {node.name.text} = {call_text(node.call)}`",
                          code="NS227")
                return None
        count = source.array.shape[0] if along_rows else source.array.shape[-1]
        a, b = first.value, last.value
        if not (a.is_integer() and b.is_integer() and 1 <= a <= b <= count):
            what = "rows" if along_rows else "columns"
            self.fail(f"{how}({source.name}, {a:g}, {b:g}) asks for {what} {a:g} to {b:g}, but `{source.name}` has "
                      f"{count} {what}", first.span, notes=[Note(source.span, f"`{source.name}` is declared")],
                      hint=f"give whole numbers from 1 to {count}, the first no larger than the last", code="NS227")
            return None
        lo, hi = int(a) - 1, int(b)
        if along_rows:
            pick = lambda t: t[lo:hi]  # noqa: E731
            rows, cols = source.row_names[lo:hi], source.col_names
        else:
            pick = lambda t: t[..., lo:hi]  # noqa: E731
            rows = source.row_names
            cols = source.col_names[lo:hi] if source.labelled else tuple(str(i) for i in range(1, hi - lo + 1))
        return self._derived_draft(node, source, pick(source.array), rows, cols, pick)

    def _derived_draft(self, node, source: ParamDraft, array, rows, cols, derive) -> ParamDraft:
        """The new draft; a file table's numbers are derived once read (_read_pending)."""
        if source.name in self.pending:
            pending, span, order, before = self.pending[source.name]
            if order is not None:  # never for a file table (its rows are bound by position): kept for safety
                before = _then(before, lambda t: t[order])
            self.pending[node.name.text] = [pending, span, None, _then(before, derive)]
            array = np.broadcast_to(np.float64(0), array.shape)
        return ParamDraft(node.name.text, node.kind, array, tuple(rows), tuple(cols), node.span,
                          labelled=source.labelled, derived_from=source.derived_from or source.name)


def _then(first, second):
    """`second` after `first` (either may be None: nothing to do)."""
    if first is None:
        return second
    return lambda t: second(first(t))
