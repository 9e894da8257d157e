"""Trace in, JSON out: every recorded number at full precision, addressed like the printouts."""

from __future__ import annotations

import json

from netspec.progress import tick
from netspec.render.escape import json_text
from netspec.phrases import in_language
from netspec.render.pieces import rule_text, tokens_of
from netspec.render.words import Words
from netspec.render.summary import provenance
from netspec.render.worked import Chain, Sum, worked_rows
from netspec.run.trace import Trace
from netspec.version import JSON_SCHEMA


def render_json(trace: Trace, lang: str = "en") -> str:
    """The trace as JSON; a text input's row also lists its tokens: each input neuron, its token and number.
    The keys are English in every language; the words in the values (the decision rule, a chain's text pieces,
    a numbering) follow `lang`, the spec's own words as written."""
    spec = trace.spec
    document = {
        "netspec_schema": JSON_SCHEMA,
        "netspec": provenance(spec),
        "spec": spec.path,
        "sha256": spec.sha256,
        "network": spec.name,
        "decision_rule": rule_text(spec.decision, Words(lang)),
        "rows": [_row(number, row, spec, lang) for number, row in enumerate(worked_rows(trace, lang), 1)],
    }
    return json_text(json.dumps(document, indent=1, ensure_ascii=False)) + "\n"


def _row(number: int, row, spec, lang: str) -> dict:
    """"row" is always the row's number from 1, "row_id" what the printouts call it (`example leaf`)."""
    tick()  # a progress bar, when the command shows one (netspec/progress.py)
    found = {"row": number, "row_id": row.row_id, "inputs": dict(row.inputs)}
    if spec.texts:
        values = dict(row.inputs)
        found["texts"] = {text.name: {"vocabulary": text.vocabulary.name,
                                      "numbering": in_language(text.numbering([values[p] for p in text.positions]),
                                                               lang),
                                      "tokens": [{"input": p, "token": t, "number": values[p]}
                                                 for p, t in tokens_of(row, text)]}
                          for text in spec.texts.values()}
    return found | {
        "steps": [_step(step) for step in row.steps],
        "outputs": dict(row.outputs),
        "decision": row.decision,
        "sentence": row.sentence,
    }


def _step(step) -> dict:
    return {
        "step": step.number,
        "value": step.trace_step.name,
        "formula": step.title,
        "spec_line": step.where,
        "items": [_sum(i) if isinstance(i, Sum) else _chain(i) for i in step.items],
    }


def _sum(item: Sum) -> dict:
    found = {
        "address": item.address,
        "terms": [{"input": t.input, "value": t.x, "weight": t.weight, "w": t.w, "product": t.product}
                  for t in item.terms],
        "result": item.total,
    }
    if item.bias:
        found["bias"] = {"address": item.bias.address, "value": item.bias.value}
    return found


def _chain(item: Chain) -> dict:
    stages = [[float(p) if isinstance(p, float) else p for p in stage] for stage in item.stages]
    return {"address": item.address, "stages": stages, "result": float(item.stages[-1][-1])}
