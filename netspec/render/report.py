"""CheckedSpec + example results in, the `netspec check` report out."""

from __future__ import annotations

from netspec.examples import ExampleResult
from netspec.model import CheckedSpec
from netspec.render.pieces import MANY_OUTPUTS, top_outputs
from netspec.render.escape import terminal, terminal_lines
from netspec.render.numbers import NumberStyle, num
from netspec.render.summary import network_line, summary_rows, table


def render_check(spec: CheckedSpec, results: list[ExampleResult], style: NumberStyle = NumberStyle()) -> str:
    lines = [f"{terminal(spec.path)}: {terminal(network_line(spec))}"]
    lines += table(summary_rows(spec), ("value", "operation", "shape", "parameters", "spec line"))
    lines.append(f"  {spec.parameter_count} parameters · decision: {spec.decision.describe()}")
    if results:
        lines += ["", "examples"]
        lines += table([_example_row(r, style) for r in results], ("", "example", "decision", "outputs"))
        for result in results:
            lines += [f"  {result.name}: {m}" for m in result.mismatches]
        passed = sum(r.ok for r in results)
        lines.append(f"{passed} of {len(results)} examples pass")
    else:
        lines.append("no examples to check")
    return terminal_lines("\n".join(lines)) + "\n"


def _example_row(result: ExampleResult, style: NumberStyle):
    pairs = list(result.outputs.items())
    outputs = (top_outputs(pairs, style) if len(pairs) > MANY_OUTPUTS else
               ", ".join(f"{l} {num(v, style)}" for l, v in pairs))
    return ("ok" if result.ok else "FAIL", result.name, f"→ {result.decision}", outputs)
