"""Trace in, text out: the printouts, one module per format, all using render/numbers.py."""

from __future__ import annotations

FORMATS = ("text", "md", "json", "html", "tex")

# The format a file's suffix names, for `-o FILE` and Printout.save (csv: `netspec run` only).
SUFFIX_FORMATS = {".txt": "text", ".md": "md", ".json": "json", ".html": "html", ".htm": "html", ".tex": "tex",
                  ".csv": "csv"}

# Which printout options each format takes; `netspec trace` refuses the others by name.
ACCEPTS = {
    "text": {"detail", "focus", "blank"},
    "json": set(),
    "md": {"detail", "focus", "blank"},
    "html": {"detail", "focus", "blank", "paper"},
    "tex": {"detail", "focus", "blank", "paper", "label_terms"},
}


def refused(fmt: str, **given) -> list[str]:
    """The options in `given` (name → value; falsy means not given) that `fmt` cannot honour."""
    return [name for name, value in given.items() if value and name not in ACCEPTS[fmt]]


def formats_taking(option: str) -> list[str]:
    """The formats that honour `option` (a PrintOptions field name)."""
    return [fmt for fmt in FORMATS if option in ACCEPTS[fmt]]


# About how many bytes a printout writes for each number it shows, labels and rules included, and
# once for the whole (measured on specs/: HTML's style sheet; JSON writes every number to 17 digits).
BYTES_PER_NUMBER = {"text": 80, "md": 70, "json": 180, "html": 400, "tex": 140}
FIXED_BYTES = {"html": 64 * 1024}
SVG_BYTES_PER_ITEM, SVG_FIXED_BYTES = 250, 20 * 1024  # a neuron's circle and label, a weight's line and number


def trace_size(spec, rows: int, fmt: str, max_terms: int = 8, **printout) -> int:
    """About how many bytes the trace of `rows` rows would be in `fmt`, from the cost model alone
    (netspec/cost.py): nothing is traced or rendered to find out."""
    shown = spec.cost.shown("scalar") if fmt == "json" else spec.cost.shown(
        printout.get("detail"), max_terms, printout.get("focus"))
    per_row = (shown + spec.cost.input_width) * BYTES_PER_NUMBER[fmt] + 2 * spec.cost.decision_chars
    return FIXED_BYTES.get(fmt, 8 * 1024) + rows * per_row


def trace_fits(spec, rows: int, fmt: str, max_terms: int = 8, **printout):
    """Raise (NS703) when that trace would be larger than the spec's --max-printout."""
    from netspec.cost import printout_fits

    shorter = "trace fewer rows" + ("" if fmt == "json" else ", --focus one value, a --detail of summary or layer")
    printout_fits(spec.cost, trace_size(spec, rows, fmt, max_terms, **printout),
                  f"the {fmt} trace of {rows:,} row{'s' * (rows != 1)}", shorter)


def drawing_fits(spec):
    """Raise (NS703) when `netspec draw` would write more than --max-printout: a circle per neuron, a line per weight."""
    from netspec.cost import printout_fits

    items = sum(step.cost.neurons for step in spec.cost.steps) + spec.cost.input_width + spec.parameter_count
    printout_fits(spec.cost, SVG_FIXED_BYTES + SVG_BYTES_PER_ITEM * items,
                  f"the drawing of {items:,} neurons and weights", "draw a smaller network")


def render_trace_as(fmt: str, trace, style, max_terms: int = 8, **printout) -> str:
    """Pick the renderer by name; each imports only itself. `printout`: see render/view.py PrintOptions.
    A printout the cost model finds larger than --max-printout is refused before it is made."""
    trace_fits(trace.spec, len(trace.row_ids), fmt, max_terms, **printout)
    if fmt == "json":
        from netspec.render.trace_json import render_json

        return render_json(trace)
    from netspec.render.view import PrintOptions

    options = PrintOptions(style, max_terms, **printout)
    if fmt == "text":
        from netspec.render.text import render_trace

        return render_trace(trace, options)
    if fmt == "md":
        from netspec.render.markdown import render_markdown

        return render_markdown(trace, style, max_terms, options)
    if fmt == "html":
        from netspec.render.html import render_html

        return render_html(trace, options)
    if fmt == "tex":
        from netspec.render.tex import render_tex

        return render_tex(trace, options)
    raise ValueError(f"no trace renderer called {fmt!r}")
