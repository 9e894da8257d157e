"""Trace in, text out: the printouts, one module per format, all using render/numbers.py.

This module itself stays light (no NumPy): `netspec --help` reads SUFFIX_FORMATS from it. The
printout sizes of render/size.py (which need the cost model and the operations) are re-exported
lazily, on first use.
"""

from __future__ import annotations

_SIZES = ("drawing_fits", "trace_fits", "trace_size")


def __getattr__(name: str):
    """drawing_fits, trace_fits, trace_size from render/size.py, imported when first asked for."""
    if name in _SIZES:
        from netspec.render import size

        return getattr(size, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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


def render_trace_as(fmt: str, trace, style, max_terms: int = 8, **printout) -> str:
    """Pick the renderer by name; each imports only itself. `printout`: see render/view.py PrintOptions.
    A printout the cost model finds larger than --max-printout is refused before it is made."""
    from netspec.render.size import trace_fits

    trace_fits(trace.spec, len(trace.row_ids), fmt, max_terms, **printout)
    if fmt == "json":
        from netspec.render.trace_json import render_json

        return render_json(trace, printout.get("lang", "en"))
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
