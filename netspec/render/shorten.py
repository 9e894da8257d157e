"""A checked spec and the printout asked for in, the printout to make (and a note saying why) out.

A large network, or a trace that would be larger than --max-printout, traced without --focus,
--detail or --blank, shows its output's working in full and every other step in short. The
command line (`netspec trace`) and the notebook (`netspec.printout`) both ask here, so a
notebook cell never receives the 25 MB page the command line would have shortened.
"""

from __future__ import annotations

from netspec.render import ACCEPTS, trace_fits, trace_size
from netspec.render.view import is_large, large_network_note

CHOSEN = {"focus", "detail", "blank"}


def shortened(checked, fmt: str, rows: int, terms: int, printout: dict) -> tuple[dict, list[str]]:
    """printout (name → value, only those given) as it should be made, and the notes to tell the reader;
    a printout still too large in short is refused (NS703) with what would make it fit."""
    notes = []
    if fmt != "json" and not CHOSEN & set(printout) and is_large(checked):
        notes.append(large_network_note(checked))
        printout = {**printout, "focus": checked.output}
    if CHOSEN & set(printout) or "focus" not in ACCEPTS[fmt] or \
            trace_size(checked, rows, fmt, terms, **printout) <= checked.cost.limits.max_printout:
        trace_fits(checked, rows, fmt, terms, **printout)
        return printout, notes
    printout = {**printout, "focus": checked.output}
    trace_fits(checked, rows, fmt, terms, **printout)  # still too large: refused with what the short form needs
    notes.append(f"the whole trace would be larger than --max-printout; it works out the output "
                 f"`{checked.output}` in full and shows every other step in short")
    return printout, notes


def worked_steps_of(checked, fmt: str, options) -> set[str] | None:
    """The steps whose working a printout in `fmt` lays out (render/view.py worked_steps), for
    runner.trace's `worked`; None: every step, as JSON writes every record and an HTML page's
    drawing shows every neuron's working."""
    from netspec.render.html import DRAWN_MOST, neurons_drawn
    from netspec.render.view import worked_steps

    if fmt == "json" or (fmt == "html" and neurons_drawn(checked) <= DRAWN_MOST):
        return None
    return worked_steps(checked, options)
