"""A Generation in, text or JSON out: the article's list of windows, "humpty dumpt" → y, and the text made."""

from __future__ import annotations

import json

from netspec.version import JSON_SCHEMA

from netspec.run.generation import Generation, GenerationStep
from netspec.render.escape import json_text, terminal, terminal_lines
from netspec.render.numbers import NumberStyle, num, precision_note
from netspec.render.summary import provenance, table


def render_generation(generation: Generation, fmt: str, style: NumberStyle = NumberStyle()) -> str:
    return {"text": _text, "json": _json}[fmt](generation, style)


def _text(generation: Generation, style: NumberStyle) -> str:
    arrow = "->" if style.ascii else "→"
    header = ("step", "window", "", "next", "output", "probability", *(("draw u",) if generation.sample else ()))
    rows = [(str(i), f'"{step.window}"', arrow, step.label, num(step.output, style), num(step.probability, style),
             *((num(step.draw, style),) if generation.sample else ()))
            for i, step in enumerate(generation.steps, 1)]
    lines = [terminal(provenance(generation.spec, generation.dtype)), style.header(), *_how(generation), "",
             *table(rows, header, indent=""), "", f'Text: "{generation.text}"']
    return terminal_lines("\n".join(lines)) + "\n"


def _how(generation: Generation) -> list[str]:
    """How each token was picked, with the formula for its probability."""
    outputs = "the outputs, already probabilities" if generation.from_probabilities else "softmax(outputs)"
    return [*_how_picked(generation, outputs), *_arithmetic(generation)]


def _arithmetic(generation: Generation) -> list[str]:
    """A float32 run says so, as `netspec run` does: its numbers are the fast kernels', not a trace's."""
    note = precision_note(generation.dtype)
    return [note[0].upper() + note[1:] + "."] if note else []


def _how_picked(generation: Generation, outputs: str) -> list[str]:
    if not generation.sample:
        return [f"Greedy: the largest output is the next token; probability = {outputs}."]
    t = f"{generation.temperature:g}"
    if generation.from_probabilities:
        chances = f"p^(1/{t}) renormalised, p = {outputs}" if t != "1" else outputs
    else:
        chances = f"softmax(outputs / {t})"
    chosen = " (picked at random; give --seed to repeat this run)" if generation.seed_chosen else ""
    kept = (f", kept for only the {generation.top_k} likeliest tokens (and any tied with the last of them) and "
            "renormalised to add up to 1") if generation.top_k else ""
    return [f"Sampling: temperature {t}, seed {generation.seed}{chosen}; probability = {chances}{kept}.",
            f"The draws u come one by one from numpy.random.default_rng({generation.seed}).random(); the next "
            "token is the first whose running total of probabilities passes u."]


def _json(generation: Generation, style: NumberStyle) -> str:
    """Full float64 numbers, not the display rounding: JSON is for programs."""
    document = {
        "netspec_schema": JSON_SCHEMA,
        "spec": generation.spec.path,
        "mode": "sample" if generation.sample else "greedy",
        "temperature": generation.temperature if generation.sample else None,
        "top_k": generation.top_k,
        "seed": generation.seed,
        "probabilities": "outputs" if generation.from_probabilities else "softmax",
        "dtype": generation.dtype,
        "start": generation.start,
        "steps": [_step(i, step) for i, step in enumerate(generation.steps, 1)],
        "generated": generation.generated,
        "text": generation.text,
    }
    return json_text(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def _step(i: int, step: GenerationStep) -> dict:
    return {"step": i, "window": step.window, "next": step.token, "label": step.label, "number": step.number,
            "output": step.output,
            "probability": step.probability, "draw": step.draw}
