"""A CheckedSpec's cost in, the size of its printouts out: a trace or drawing over --max-printout is refused before it is made.

Kept apart from render/__init__.py so the drawing (render/diagram/) can ask without importing the format picker.
"""

from __future__ import annotations

from netspec.check.cost import printout_fits

# About how many bytes a printout writes for each number it shows, labels and rules included, and
# once for the whole (measured on specs/: HTML's style sheet; JSON writes every number to 17 digits).
BYTES_PER_NUMBER = {"text": 80, "md": 70, "json": 180, "html": 400, "tex": 140}
FIXED_BYTES = {"html": 64 * 1024}
SVG_BYTES_PER_ITEM, SVG_FIXED_BYTES = 250, 20 * 1024  # a neuron's circle and label, a weight's line and number


def trace_size(spec, rows: int, fmt: str, max_terms: int = 8, **printout) -> int:
    """About how many bytes the trace of `rows` rows would be in `fmt`, from the cost model alone
    (netspec/check/cost.py): nothing is traced or rendered to find out."""
    shown = spec.cost.shown("scalar") if fmt == "json" else spec.cost.shown(
        printout.get("detail"), max_terms, printout.get("focus"))
    per_row = (shown + spec.cost.input_width) * BYTES_PER_NUMBER[fmt] + 2 * spec.cost.decision_chars
    return FIXED_BYTES.get(fmt, 8 * 1024) + rows * per_row


def trace_fits(spec, rows: int, fmt: str, max_terms: int = 8, **printout):
    """Raise (NS703) when that trace would be larger than the spec's --max-printout."""
    shorter = "trace fewer rows" + ("" if fmt == "json" else ", --focus one value, a --detail of summary or layer")
    printout_fits(spec.cost, trace_size(spec, rows, fmt, max_terms, **printout),
                  f"the {fmt} trace of {rows:,} row{'s' * (rows != 1)}", shorter)


def drawing_fits(spec):
    """Raise (NS703) when `netspec draw` would write more than --max-printout: a circle per neuron, a line per weight."""
    items = sum(step.cost.neurons for step in spec.cost.steps) + spec.cost.input_width + spec.parameter_count
    printout_fits(spec.cost, SVG_FIXED_BYTES + SVG_BYTES_PER_ITEM * items,
                  f"the drawing of {items:,} neurons and weights", "draw a smaller network")
