"""A spec and input values in, a Printout out: a notebook shows it as the HTML printout, print() as the text trace.

    >>> sheet = printout("specs/leaf.net", {"R": 32, "G": 107, "B": 56, "Vol": 11.2})
    >>> sheet.trace.outputs.round(5).tolist()
    [[0.79584, 0.25122]]

In Jupyter, a cell ending in `sheet` shows the diagram and the worked calculation
(`_repr_html_`); `print(sheet)` writes the text trace; `sheet.save("leaf.html")` writes
any format, chosen by the file's suffix, whole or not at all.
"""

from __future__ import annotations

from pathlib import Path

from netspec.render.numbers import NumberStyle
from netspec.render.view import PrintOptions
from netspec.run.trace import Trace



class Printout:
    """One traced run of a spec, ready to show or save in every printout format."""

    def __init__(self, trace: Trace, options: PrintOptions = PrintOptions()):
        self.trace = trace
        self.options = options
        self.notes: list[str] = []  # why the printout was shortened, when it was

    def text(self) -> str:
        return self.as_format("text")

    def markdown(self) -> str:
        return self.as_format("md")

    def html(self) -> str:
        """The whole self-contained page, as `netspec trace --format html` writes it."""
        return self.as_format("html")

    def tex(self) -> str:
        return self.as_format("tex")

    def svg(self) -> str:
        """The diagram of the first row, as `netspec draw` writes it."""
        from netspec.render.diagram import render_drawing

        return render_drawing(self.trace.spec, self.options, self.trace)

    def as_format(self, fmt: str) -> str:
        from netspec.render import ACCEPTS, render_trace_as

        given = {"detail": self.options.detail, "focus": self.options.focus, "blank": self.options.blank,
                 "label_terms": self.options.label_terms, "paper": self.options.paper}
        printout = {k: v for k, v in given.items() if k in ACCEPTS[fmt] and v}
        if fmt == "text" and self.options.detail == "scalar":
            printout["detail"] = "scalar"
        return render_trace_as(fmt, self._traced_for(fmt), self.options.style, self.options.max_terms, **printout)

    def _traced_for(self, fmt: str) -> Trace:
        """The trace, with every step's working when `fmt` writes it all (JSON) and this one kept only
        the worked steps' (a large network around a focus): traced again, the same numbers."""
        from netspec.render.shorten import worked_steps_of

        if all(step.record is not None for step in self.trace.steps) or \
                worked_steps_of(self.trace.spec, fmt, self.options) is not None:
            return self.trace
        from netspec.run.plan import compile_plan
        from netspec.run.runner import trace as trace_rows

        return trace_rows(compile_plan(self.trace.spec), self.trace.inputs, self.trace.row_ids)

    def save(self, path: str | Path, fmt: str | None = None) -> None:
        """Write the printout to `path`; the format follows the suffix (.html .md .tex .svg .txt .json)."""
        from netspec.outfile import write_atomic

        from netspec.render import FORMATS, SUFFIX_FORMATS

        suffix = Path(path).suffix.lower()
        named = SUFFIX_FORMATS.get(suffix) if SUFFIX_FORMATS.get(suffix) in FORMATS else None
        if fmt is None and named is None and suffix != ".svg":
            raise ValueError(f"cannot tell the format from {path!r}; give fmt= one of {sorted(FORMATS)}")
        text = self.svg() if (fmt or suffix) in ("svg", ".svg") else self.as_format(fmt or named)
        write_atomic(str(path), text)

    def _repr_html_(self) -> str:
        from netspec.render import trace_fits
        from netspec.render.html import render_html

        trace_fits(self.trace.spec, len(self.trace.row_ids), "html", self.options.max_terms,
                   detail=self.options.detail, focus=self.options.focus)  # --max-printout, as in a file
        from html import escape

        said = "".join(f"<p><em>note: {escape(note)}</em></p>" for note in self.notes)
        return said + render_html(self.trace, self.options, page=False)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        from netspec.render.escape import terminal

        rows = ", ".join(self.trace.row_ids)
        return terminal(f"<Printout {self.trace.spec.name}: {rows} → {', '.join(self.trace.decisions)}>")


def printout(spec, inputs=None, *, example: str | None = None, digits: int = 5, ascii: bool = False,
             terms: int = 8, detail: str | None = None, focus: str | None = None, blank: bool = False,
             label_terms: bool = False, paper: str = "a4") -> Printout:
    """Trace `spec` (a path or a spec from load_spec) on `inputs` and return its Printout.

    inputs: {"R": 32, ...} for one row, a list of such dicts, a pandas DataFrame or Series (matched
    to the inputs by column name); with none, the spec's examples (or only `example`). Every value
    is checked as `--input` checks it. A large network shown without focus, detail or blank is
    shortened as `netspec trace` shortens it (the output worked in full, the rest in short):
    `.notes` says so, and detail="neuron" asks for every sum.
    """
    from netspec.check.checker import load_spec
    from netspec.check.model import CheckedSpec
    from netspec.render.shorten import shortened, worked_steps_of
    from netspec.run.plan import compile_plan
    from netspec.run.runner import trace as trace_rows

    checked = spec if isinstance(spec, CheckedSpec) else load_spec(spec)
    rows = _rows(checked, inputs, example)
    given = {"detail": detail, "focus": focus, "blank": blank}
    chosen, notes = shortened(checked, "html", len(rows.values), terms, {k: v for k, v in given.items() if v})
    options = PrintOptions(NumberStyle(digits, ascii), terms, chosen.get("detail"), chosen.get("focus"), blank,
                           label_terms, paper)
    worked = worked_steps_of(checked, "html", options)  # as the page a notebook cell shows lays out
    sheet = Printout(trace_rows(compile_plan(checked), rows.values, rows.ids, worked=worked), options)
    sheet.notes = notes
    return sheet


def _rows(spec, inputs, example):
    from netspec.run import inputs as rows_from
    from netspec.run.frames import rows_of

    if inputs is None:
        return rows_from.from_examples(spec, example)
    return rows_of(spec, inputs)
