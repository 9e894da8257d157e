"""CheckedSpec + example results in, the `netspec check` report out; a failed example's numbers written here."""

from __future__ import annotations

import math

from netspec.run.examples import ExampleResult, Mismatch
from netspec.check.model import CheckedSpec
from netspec.render.escape import terminal, terminal_lines
from netspec.render.numbers import MANY_OUTPUTS, NumberStyle, num, top_outputs
from netspec.render.summary import network_line, summary_rows, table


def render_check(spec: CheckedSpec, results: list[ExampleResult], style: NumberStyle = NumberStyle()) -> str:
    lines = [f"{terminal(spec.path)}: {terminal(network_line(spec))}"]
    lines += table(summary_rows(spec), ("value", "operation", "shape", "parameters", "spec line"))
    lines.append(f"  {spec.parameter_count} parameters · decision: {spec.decision.describe()}")
    if results:
        lines += ["", "examples"]
        lines += table([_example_row(r, style) for r in results], ("", "example", "decision", "outputs"))
        for result in results:
            lines += [f"  {result.name}: {_mismatch(m, style)}" for m in result.mismatches]
        passed = sum(r.ok for r in results)
        lines.append(f"{passed} of {len(results)} examples pass")
    else:
        lines.append("no examples to check")
    return terminal_lines("\n".join(lines)) + "\n"


def _mismatch(m: Mismatch, style: NumberStyle) -> str:
    if m.label is None:
        return f"decision is {m.got}, expected {m.wanted}"
    return (f"{m.label} is {_shown(m.got, m.tolerance, style)}, expected {_shown(m.wanted, m.tolerance, style)}"
            f" within {_shown(m.tolerance, m.tolerance, style)}")


def _shown(x: float, tolerance: float, style: NumberStyle) -> str:
    """x to one decimal place more than the tolerance needs (at least 5), as every printout writes numbers."""
    places = 5 if tolerance <= 0 or not math.isfinite(tolerance) else math.ceil(-math.log10(tolerance)) + 1
    return num(x, NumberStyle(min(max(places, 5), 15), style.ascii))


def _example_row(result: ExampleResult, style: NumberStyle):
    pairs = list(result.outputs.items())
    outputs = (top_outputs(pairs, style) if len(pairs) > MANY_OUTPUTS else
               ", ".join(f"{l} {num(v, style)}" for l, v in pairs))
    return ("ok" if result.ok else "FAIL", result.name, f"→ {result.decision}" if result.decision else "—", outputs)
