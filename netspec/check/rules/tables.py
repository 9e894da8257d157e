"""Weights, bias and vector statements in, parameter drafts out (inline tables or weight files)."""

from __future__ import annotations

import itertools

import numpy as np

from netspec.lang import nodes
from netspec.check.rules.common import ParamDraft, count
from netspec.errors import NetspecError, Note


class TableChecks:
    """Checker methods for these statements; `self` is the Checker (netspec/check/checker.py)."""

    # ---- weights and biases ----
    def _param(self, node):
        kind = {nodes.Weights: "weights", nodes.Bias: "bias", nodes.Vector: "vector"}[type(node)]
        name = node.name
        if name.text in self.params or name.text in self.values or name.text in self.texts:
            self._duplicate(name, self._declared_at(name.text))
            return
        array = self._table_array(node, kind)
        if array is None:
            self.broken.add(name.text)
            return
        rows = tuple(r.label.text if r.label else "" for r in node.table.rows)
        cols = tuple(c.text for c in node.table.columns)
        self.params[name.text] = ParamDraft(name.text, kind, array, rows, cols, node.span)

    def _param_file(self, node: nodes.ParamFile):
        """A weight file's table: its header checked against the declaration and the memory limit; its
        numbers are read at the end (_read_pending)."""
        from pathlib import Path

        from netspec.check.weights import check_declared  # imported where a spec reads a weight file

        name = node.name
        if name.text in self.params or name.text in self.values or name.text in self.texts:
            self._duplicate(name, self._declared_at(name.text))
            return
        folder = Path(node.span.source.path).parent if node.span else Path(".")
        budget = self.limits.max_bytes - self._bytes_held()
        try:
            pending = check_declared(node.kind, name.text, node.path, node.key, node.shape, folder, self.limits,
                                     budget, self.weight_files)
        except NetspecError as error:
            error.span = error.span or node.span
            self.errors.append(error)
            self.broken.add(name.text)
            return
        refused = self.tally.admit_names(f"{name.text} has {pending.shape[-1]:,} columns", pending.shape[-1], node.span,
                                         "give the table fewer columns")  # each is named, one by one, below
        if refused is not None:
            self.errors.append(refused)
            self.broken.add(name.text)
            return
        shape = self._laid_out(node, pending)
        if shape is None:
            self.broken.add(name.text)
            return
        derive = (lambda t: t.T) if node.layout == "out×in" else None  # read as stored, then turned
        self.pending[name.text] = [pending, node.span, None, derive]  # None: the rows' order, should a layer set it
        array = np.broadcast_to(np.float64(0), shape)  # the shape alone, taking no memory
        columns = tuple(str(i) for i in range(1, array.shape[-1] + 1))
        rows = ("",) * array.shape[0] if node.kind == "weights" else ()
        self.params[name.text] = ParamDraft(name.text, node.kind, array, rows, columns, node.span, labelled=False)

    def _laid_out(self, node: nodes.ParamFile, pending) -> tuple[int, ...] | None:
        """The table's shape as netspec reads it (a row per input neuron), from the file's and its `layout`.

        PyTorch's nn.Linear stores a weight out × in, GPT-2's Conv1D in × out, netspec in × out. A
        non-square table read the wrong way round fails on its first layer; a square one would not,
        so a square weight from a PyTorch file must say which it is."""
        from netspec.check.weights import pytorch_file

        layout, shape = node.layout, pending.shape
        if layout is None:
            if node.kind == "weights" and len(set(shape)) == 1 and shape[0] > 1 and pytorch_file(pending):
                self.fail(f"{node.name.text} is a square table ({shape[0]}×{shape[1]}) from a PyTorch file, and "
                          "netspec cannot tell which way round it is stored", node.span, code="NS417",
                          hint="say so at the end of its line: `layout out×in` for nn.Linear (BERT, most models), "
                               "`layout in×out` for GPT-2's Conv1D")
                return None
            return shape
        if layout not in ("in×out", "out×in") or node.kind != "weights":
            problem = (f"`layout {layout}` names one side twice" if node.kind == "weights" else
                       f"a {node.kind} has one row of numbers: it has no layout")
            self.fail(problem, node.span, code="NS417", hint="a weights table is `layout in×out` (a row per input "
                      "neuron) or `layout out×in` (a row per output neuron, PyTorch's nn.Linear)")
            return None
        return shape[::-1] if layout == "out×in" else shape

    def _read_pending(self):
        """The numbers of every file table, read once the whole spec has checked against their shapes:
        a file whose header does not fit the layer that reads it costs no reading at all. A tensor
        that several tables are made from (a transpose, a slice) is read once."""
        from netspec.check.weights import read_numbers

        read: dict[int, np.ndarray] = {}
        for name, (pending, span, order, derive) in self.pending.items():
            try:
                if id(pending) not in read:
                    read[id(pending)] = read_numbers(pending)
                array = read[id(pending)]
            except NetspecError as error:
                error.span = error.span or span
                self.errors.append(error)
                continue
            array = array if derive is None else derive(array)
            self.params[name].array = array if order is None else array[order]

    def _bytes_held(self) -> int:
        """The bytes the tables so far take as float64, each added once: summed afresh for every file,
        the 3,333 tables of a repeat written out took seconds."""
        counted, total = getattr(self, "_held", (0, 0))
        fresh = len(self.params) - counted  # the newest, read from the end: islice from the start walked them all
        total += sum(draft.array.size * 8 for draft in itertools.islice(reversed(self.params.values()), fresh))
        self._held = (len(self.params), total)
        return total

    def _table_array(self, node, kind) -> np.ndarray | None:
        table = node.table
        ok = self._unique(table.columns, "column")
        width = len(table.columns)
        for row in table.rows:
            if len(row.numbers) != width:
                ok = False
                self.fail(f"this row of {node.name.text} has {count(len(row.numbers), 'number')} but the table has "
                          f"{width} columns ({', '.join(c.text for c in table.columns)})", row.span,
                          hint="one number under each column label", code="NS206")
        if kind == "weights":
            ok = self._weight_rows(node) and ok
        elif len(table.rows) != 1:
            ok = False
            self.fail(f"a {kind} has one row of numbers; {node.name.text} has {len(table.rows)}", table.rows[1].span,
                      hint=f"put every {kind} number on the one row under the column labels", code="NS206")
        array = _rows_array(table.rows, width)
        finite = np.isfinite(array).all(axis=1) if array is not None else [np.isfinite(r.numbers).all() for r in table.rows]
        for row, row_finite in zip(table.rows, finite):
            if not row_finite:
                ok = False
                self.fail(f"a number in this row of {node.name.text} is too large for float64 (over about 1.8e308)",
                          row.span, hint="write a smaller number", code="NS220")
        if not ok:
            return None
        return array if kind == "weights" else array[0]

    def _weight_rows(self, node) -> bool:
        unlabelled = [row for row in node.table.rows if row.label is None]
        for row in unlabelled:
            self.fail(f"a row of {node.name.text} has no label", row.span,
                      hint="start the row with the name of the neuron it comes from, like `R  0.10 0.12 -0.36`", code="NS206")
        labels = [row.label for row in node.table.rows if row.label is not None]
        return not unlabelled and self._unique(labels, "row")

    def _unique(self, names, what) -> bool:
        seen = {}
        for name in names:
            if name.text in seen:
                self.fail(f"the {what} label `{name.text}` appears twice", name.span,
                          notes=[Note(seen[name.text], "first used")], code="NS203")
                return False
            seen[name.text] = name.span
        return True


def _rows_array(rows, width: int) -> np.ndarray | None:
    """The rows as one float64 array, when every row is `width` numbers long (None otherwise): one
    finite check over the whole table, where a check a row cost a NumPy call each."""
    if any(len(row.numbers) != width for row in rows):
        return None
    return np.array([row.numbers for row in rows], dtype=np.float64).reshape(len(rows), width)
