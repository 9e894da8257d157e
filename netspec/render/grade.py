"""Worksheets and a learner's answers in, each box marked right or wrong and a score out (`netspec grade`).

The true answer of every box is the trace's own number (render/sheet.py numbers the boxes
the same way as the worksheet and its key). A number is right when it is within the
tolerance of the true one (|given − true| ≤ tolerance; 0.01 by default, which a learner
who rounds to 2 decimal places meets); a decision is right when it is the label, in any
letter case. A box left empty is "missing", and a written answer that is not a number is
wrong. The report is text, JSON or CSV; its words come from render/words.py.
"""

from __future__ import annotations

import csv
import io
import json
import re

from netspec.errors import InputError
from netspec.render.numbers import NumberStyle, num
from netspec.render.sheet import Sheet
from netspec.render.words import Words, pad, width
from netspec.run.answers import Answer
from netspec.records import record

TOLERANCE = 0.01
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@record
class Mark:
    learner: str
    sheet: int
    box: int
    address: str
    expected: float | str
    given: str
    mark: str  # right | wrong | missing


def grade(sheets: list[Sheet], answers: list[Answer], tolerance: float = TOLERANCE) -> list[Mark]:
    """Every box of every sheet a learner answered, marked; an answer for a box that is not there is an InputError."""
    given: dict[tuple[str, int], dict[int, Answer]] = {}
    for answer in answers:
        _known(sheets, answer)
        boxes = given.setdefault((answer.learner, answer.sheet), {})
        if answer.box in boxes:
            raise InputError(f"{_where(answer)}: box {answer.box} of sheet {answer.sheet} is answered twice"
                             + (f" by {answer.learner}" if answer.learner else ""), code="NS322")
        boxes[answer.box] = answer
    marks = []
    for (learner, number), boxes in given.items():
        for box in sheets[number - 1].boxes:
            written = boxes.get(box.number)
            text = written.text if written else ""
            marks.append(Mark(learner, number, box.number, box.address, box.answer, text,
                              _mark(box.answer, text, tolerance)))
    return marks


def _known(sheets: list[Sheet], answer: Answer):
    if answer.sheet > len(sheets):
        raise InputError(f"{_where(answer)}: sheet {answer.sheet}, but there {'is' if len(sheets) == 1 else 'are'} "
                         f"{len(sheets)}", hint="give --variants N and --seed S as for the worksheets", code="NS322")
    count = len(sheets[answer.sheet - 1].boxes)
    if answer.box > count:
        raise InputError(f"{_where(answer)}: box {answer.box}, but the sheet has boxes 1 to {count}",
                         hint="give the same --blank mode as for the worksheet", code="NS322")


def _where(answer: Answer) -> str:
    return f"line {answer.line}" if answer.line else "the answers"


def _mark(expected, text: str, tolerance: float) -> str:
    if not text:
        return "missing"
    if isinstance(expected, str):
        return "right" if text.casefold() == expected.casefold() else "wrong"
    plain = text.replace("\u2212", "-").replace("≈", "").replace("~", "").replace(" ", "")
    if not NUMBER.fullmatch(plain):
        return "wrong"
    return "right" if abs(float(plain) - expected) <= tolerance + 1e-12 else "wrong"


def scores(marks: list[Mark]) -> list[tuple[str, int, int, int]]:
    """(learner, sheet, right, boxes) for each sheet graded, in the order answered."""
    found: dict[tuple[str, int], list[int]] = {}
    for mark in marks:
        tally = found.setdefault((mark.learner, mark.sheet), [0, 0])
        tally[0] += mark.mark == "right"
        tally[1] += 1
    return [(learner, sheet, right, total) for (learner, sheet), (right, total) in found.items()]


def render_grade(marks: list[Mark], fmt: str, tolerance: float, words: Words, style: NumberStyle = NumberStyle()) -> str:
    if fmt == "json":
        return _json(marks, tolerance)
    if fmt == "csv":
        return _csv(marks)
    return _text(marks, tolerance, words, style)


def _expected(mark: Mark, style: NumberStyle) -> str:
    return mark.expected if isinstance(mark.expected, str) else num(mark.expected, style)


def _text(marks: list[Mark], tolerance: float, words: Words, style: NumberStyle) -> str:
    lines = [words("grade.tolerance", tolerance=f"{tolerance:g}")]
    for learner, sheet, right, total in scores(marks):
        who = " · ".join(p for p in (learner, words("sheet_of", n=sheet, total=_sheets(marks))) if p)
        lines += ["", f"{who}: {words('grade.score', right=right, total=total)}"]
        rows = [(words("box"), words("grade.what"), words("grade.expected"), words("grade.given"), words("grade.mark"))]
        rows += [(str(m.box), m.address, _expected(m, style), m.given or "—", words(f"grade.{m.mark}"))
                 for m in marks if (m.learner, m.sheet) == (learner, sheet)]
        widths = [max(width(row[i]) for row in rows) for i in range(5)]
        lines += ["  " + "  ".join(pad(cell, w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def _sheets(marks: list[Mark]) -> int:
    return max((m.sheet for m in marks), default=1)


def _json(marks: list[Mark], tolerance: float) -> str:
    sheets = []
    for learner, sheet, right, total in scores(marks):
        boxes = [{"box": m.box, "address": m.address, "expected": m.expected if isinstance(m.expected, str) else float(m.expected), "given": m.given, "mark": m.mark}
                 for m in marks if (m.learner, m.sheet) == (learner, sheet)]
        sheets.append({"learner": learner, "sheet": sheet, "right": right, "boxes": total, "marks": boxes})
    return json.dumps({"tolerance": tolerance, "sheets": sheets}, ensure_ascii=False, indent=2) + "\n"


def _csv(marks: list[Mark]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["learner", "sheet", "box", "address", "expected", "given", "mark"])
    for m in marks:
        writer.writerow([m.learner, m.sheet, m.box, m.address, m.expected if isinstance(m.expected, str)
                         else f"{m.expected:.10g}", m.given, m.mark])
    return out.getvalue()
