"""`netspec serve SPEC`: the printout as a page on this computer, where changing a number redoes the trace.

Standard library only (http.server), bound to 127.0.0.1: nothing outside this computer can
reach it. The page sends the numbers typed (the inputs, any weight) to the server, which
checks each one, runs netspec's own plan and trace on them and sends back the printout,
so every number on the page is the plan's; the page's script only sends and shows. In
worksheet mode each box takes an answer and the server marks it against the plan's number
within the tolerance it states (render/grade.py). The browser can name no file: a request
holds only numbers for the spec's own inputs and weights, and anything else is refused
with a message.
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from netspec.render.escape import html_text as escape
from netspec.render.words import Words

MOST_BODY = 1 << 20  # a request of numbers is a few kilobytes
NUMBER = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")


class BadNumber(ValueError):
    """A number the page sent that is not one: the message names its field."""


def weight_fields(spec) -> dict[str, tuple[str, tuple[int, ...]]]:
    """`W1[R,h1]` → (table, index) for every number of every weights or bias table that is small enough to type."""
    found = {}
    for name, param in spec.params.items():
        if param.array.size > 400 or param.derived_from:
            continue
        if param.array.ndim == 2:
            for i, row in enumerate(param.row_labels):
                for j, col in enumerate(param.col_labels):
                    found[f"{name}[{row},{col}]"] = (name, (i, j))
        elif param.array.ndim == 1:
            for j, col in enumerate(param.col_labels or param.row_labels):
                found[f"{name}[{col}]"] = (name, (j,))
    return found


def _number(field: str, text, words: Words) -> float:
    text = str(text).replace("\u2212", "-")
    if not NUMBER.fullmatch(text) or not math.isfinite(float(text)):
        raise BadNumber(words("serve.bad_number", field=field, text=str(text)))
    return float(text)


def changed_spec(spec, weights: dict, words: Words):
    """A copy of `spec` with the weights typed; an unknown name or a bad number is a BadNumber."""
    fields = weight_fields(spec)
    arrays = {}
    for field, text in weights.items():
        if field not in fields:
            raise BadNumber(f"{field}: no weight of this spec has this name")
        name, index = fields[field]
        array = arrays.setdefault(name, np.array(spec.params[name].array, dtype=np.float64))
        array[index] = _number(field, text, words)
    if not arrays:
        return spec
    changed = copy.copy(spec)
    changed.params = {name: replace(param, array=arrays.get(name, param.array)) for name, param in spec.params.items()}
    return changed


def _row(spec, inputs: dict, words: Words) -> np.ndarray:
    if set(inputs) != set(spec.input_labels):
        missing = [label for label in spec.input_labels if label not in inputs]
        raise BadNumber(f"give a number for each input; missing: {', '.join(missing) or 'none'}")
    values = [_number(label, inputs[label], words) for label in spec.input_labels]
    for info, value in zip(spec.inputs, values):
        if (info.low is not None and value < info.low) or (info.high is not None and value > info.high):
            raise BadNumber(f"{info.label} = {value:g} is outside its range ({info.describe()})")
    return np.array([values])


class Session:
    """One spec served: computes printouts and marks worksheets with netspec's plan, nothing else."""

    def __init__(self, spec, lang: str = "en", tolerance: float = 0.01, blank: str = "all"):
        self.spec, self.words, self.tolerance, self.blank = spec, Words(lang), tolerance, blank
        example = spec.examples[0].inputs if spec.examples else np.zeros(len(spec.inputs))
        self.start = {label: f"{float(v):g}" for label, v in zip(spec.input_labels, example)}

    def _trace(self, request: dict):
        from netspec import compile_plan
        from netspec.run.runner import trace

        spec = changed_spec(self.spec, request.get("weights") or {}, self.words)
        row = _row(spec, request.get("inputs") or {}, self.words)
        return trace(compile_plan(spec), row, ["the given input"])

    def printout(self, request: dict) -> dict:
        from netspec.render.html import render_html
        from netspec.render.numbers import NumberStyle
        from netspec.render.view import PrintOptions

        traced = self._trace(request)
        html = render_html(traced, PrintOptions(NumberStyle(), lang=self.words.lang), page=False)
        return {"html": html, "decision": traced.decisions[0]}

    def sheet(self, request: dict) -> dict:
        from netspec.render.numbers import NumberStyle
        from netspec.render.sheet import sheets
        from netspec.render.sheet_html import sheet_fragment

        made = sheets(self._trace(request), self.blank)
        return {"html": sheet_fragment(made[0], NumberStyle(), self.words, self.spec.description or self.spec.name)}

    def check(self, request: dict) -> dict:
        from netspec.render.grade import grade
        from netspec.render.sheet import sheets
        from netspec.run.answers import Answer

        made = sheets(self._trace(request), self.blank)
        answers = [Answer("", 1, int(box), str(text).strip(), 0) for box, text in (request.get("answers") or {}).items()
                   if str(box).isdigit() and 1 <= int(box) <= len(made[0].boxes)]
        marks = grade(made, answers, self.tolerance) if answers else []
        return {"marks": {str(m.box): m.mark for m in marks}, "tolerance": self.tolerance,
                "said": self.words("grade.tolerance", tolerance=f"{self.tolerance:g}")}


def handler(session: Session, page: str):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet: the terminal shows the address only
            pass

        def do_GET(self):
            if self.path not in ("/", "/index.html"):
                return self._send(404, "text/plain", b"not found")
            self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))

        def do_POST(self):
            actions = {"/printout": session.printout, "/sheet": session.sheet, "/check": session.check}
            action = actions.get(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if action is None or length > MOST_BODY:
                return self._send(404, "text/plain", b"not found")
            try:
                request = json.loads(self.rfile.read(length) or b"{}")
                if not isinstance(request, dict):
                    raise BadNumber("send an object of numbers")
                answer = action(request)
            except (BadNumber, ValueError) as error:  # json's errors are ValueErrors too
                answer = {"error": str(error)}
            except Exception as error:  # a NetspecError from the plan (a number it cannot take): its message
                answer = {"error": getattr(error, "message", None) or "this number cannot be computed"}
            self._send(200, "application/json", json.dumps(answer, ensure_ascii=False).encode("utf-8"))

        def _send(self, status: int, kind: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def make_server(spec, port: int = 8000, lang: str = "en", tolerance: float = 0.01) -> ThreadingHTTPServer:
    """The server on 127.0.0.1:port (0: any free port); serve_forever() runs it."""
    from netspec.serve_page import page

    session = Session(spec, lang, tolerance)
    return ThreadingHTTPServer(("127.0.0.1", port), handler(session, page(session, escape, weight_fields(spec))))
