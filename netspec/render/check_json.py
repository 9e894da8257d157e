"""A spec's check (its diagnostics, or its examples' results) in, `check --format json` out.

One document whatever happened, so a program (an editor, a grader, CI) reads one shape:
"ok", every diagnostic with its place and hint (netspec/diagnostics.py records), and each
example's outcome. The shape is docs/netspec.schema.json's `check`.
"""

from __future__ import annotations

import json

from netspec.diagnostics import records
from netspec.render.escape import json_text
from netspec.version import JSON_SCHEMA


def render_check_json(path: str, spec=None, results=(), error=None) -> str:
    """`spec` and `results` when the spec checked; `error` (a NetspecError) for what went wrong."""
    document = {
        "netspec_schema": JSON_SCHEMA,
        "spec": path,
        "ok": error is None,
        "network": spec.name if spec is not None else None,
        "parameters": spec.parameter_count if spec is not None else None,
        "diagnostics": records(error) if error is not None else [],
        "examples": [_example(r) for r in results],
    }
    return json_text(json.dumps(document, indent=1, ensure_ascii=False)) + "\n"


def _example(result) -> dict:
    return {"name": result.name, "ok": result.ok, "decision": result.decision,
            "expected_decision": result.expected_decision, "outputs": result.outputs,
            "mismatches": [{"output": m.label, "got": m.got, "wanted": m.wanted, "tolerance": m.tolerance}
                           for m in result.mismatches]}
