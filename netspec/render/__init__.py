"""Trace in, text out: the printouts, one module per format, all using render/numbers.py."""

from __future__ import annotations

FORMATS = ("text", "md", "json", "html", "tex")

# Which printout options each format takes; `netspec trace` refuses the others by name.
ACCEPTS = {
    "text": {"detail"},
    "json": set(),
    "md": {"detail", "focus", "blank"},
    "html": {"detail", "focus", "blank", "paper"},
    "tex": {"detail", "focus", "blank", "paper", "label_terms"},
}
TEXT_DETAILS = (None, "neuron", "scalar")  # the text trace writes every sum; summary and layer need a table


def refused(fmt: str, **given) -> list[str]:
    """The options in `given` (name → value; falsy means not given) that `fmt` cannot honour."""
    names = [name for name, value in given.items() if value and name not in ACCEPTS[fmt]]
    if fmt == "text" and given.get("detail") not in TEXT_DETAILS:
        names.append("detail")
    return names


def formats_taking(option: str) -> list[str]:
    """The formats that honour `option` (a PrintOptions field name)."""
    return [fmt for fmt in FORMATS if option in ACCEPTS[fmt]]


def render_trace_as(fmt: str, trace, style, max_terms: int = 8, **printout) -> str:
    """Pick the renderer by name; each imports only itself. `printout`: see render/view.py PrintOptions."""
    if fmt == "text":
        from netspec.render.text import TraceOptions, render_trace

        scalar = printout.get("detail") == "scalar"
        return render_trace(trace, TraceOptions(style, 0 if scalar else max_terms))
    if fmt == "json":
        from netspec.render.trace_json import render_json

        return render_json(trace)
    from netspec.render.view import PrintOptions

    options = PrintOptions(style, max_terms, **printout)
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
