"""Trace in, text out: the printouts, one module per format, all using render/numbers.py."""

from __future__ import annotations


def render_trace_as(fmt: str, trace, style, max_terms: int = 8) -> str:
    """Pick the renderer by name; each imports only itself."""
    if fmt == "text":
        from netspec.render.text import TraceOptions, render_trace

        return render_trace(trace, TraceOptions(style, max_terms))
    if fmt == "md":
        from netspec.render.markdown import render_markdown

        return render_markdown(trace, style, max_terms)
    if fmt == "json":
        from netspec.render.trace_json import render_json

        return render_json(trace)
    raise ValueError(f"no trace renderer called {fmt!r}")
