"""Learner worksheets in, plain text out: the HTML sheet's content for a terminal or a plain printer.

Each box is `[3 ______]` (its number, then room to write); in the key the answer stands in
it. Columns are lined up by display width, so Chinese words keep the table straight.
"""

from __future__ import annotations

from netspec.render.escape import terminal
from netspec.render.numbers import NumberStyle, factor, num
from netspec.render.sheet import Cell, Neuron, Sheet, Stage, instruction_keys, rule_words
from netspec.render.words import Words, meaning, pad, width

COLUMNS = 5


def render_sheets_text(sheets: list[Sheet], style: NumberStyle, words: Words, title: str, *,
                       sheet: bool = True, key: bool = False) -> str:
    """The sheets, then (key=True) their keys, a form feed between pages; sheet=False: the keys alone."""
    lines: list[str] = []
    for part in ([False] if sheet else []) + ([True] if key else []):
        for index, one in enumerate(sheets, 1):
            if lines:
                lines += ["", "\f"]
            lines += _sheet(one, index, len(sheets), style, words, title, part)
    return "\n".join(lines) + "\n"


def _sheet(sheet: Sheet, index: int, total: int, style, words: Words, title: str, key: bool) -> list[str]:
    heading = words("answer_key") if key else words("worksheet")
    lines = [f"{heading}: {terminal(title)}"]
    if total > 1:
        lines.append(words("sheet_of", n=index, total=total))
    if not key:
        lines += ["", "   ".join(f"{words(name)}: ________________" for name in ("name", "class", "date")), ""]
        lines += [f"{i}. {said}" for i, said in enumerate(_instructions(sheet, words), 1)]
    lines += ["", words("inputs")]
    columns = max((width(label) for label, _, _ in sheet.inputs), default=0)
    lines += [f"  {pad(terminal(label), columns)}  {num(value, style):>8}   {terminal(_meaning(info, words))}"
              for label, value, info in sheet.inputs]
    for stage in sheet.stages:
        lines += _stage(stage, style, words, key)
    lines += ["", _decision(sheet, words, key)]
    return lines


def _instructions(sheet: Sheet, words: Words) -> list[str]:
    return [words(k, **fields) for k, fields in instruction_keys(sheet)]


def _stage(stage: Stage, style, words: Words, key: bool) -> list[str]:
    title = words("step_title", kind=words.kind(stage.kind), source=stage.source, value=stage.value)
    lines = ["", f"{words('step', n=stage.number)} · {terminal(title)}"]
    for neuron in stage.neurons:
        lines += _neuron(neuron, style, words, key)
    for label, cell in stage.others:
        lines.append(f"  {terminal(label)} = {_cell(cell, style, key, alone=True)}")
    return lines


def _neuron(neuron: Neuron, style, words: Words, key: bool) -> list[str]:
    heads = [words("number"), words("times_weight"), words("product")]
    head_width = max(width(h) for h in heads + [neuron.label])
    lines = []
    chunks = [neuron.terms[i:i + COLUMNS] for i in range(0, len(neuron.terms), COLUMNS)] or [()]
    for c, chunk in enumerate(chunks):
        rows = [[terminal(t.source) for t in chunk], [_cell(t.x, style, key) for t in chunk],
                [_cell(t.weight, style, key) for t in chunk], [_cell(t.product, style, key) for t in chunk]]
        widths = [max(width(row[i]) for row in rows) for i in range(len(chunk))]
        label = terminal(neuron.label) if c == 0 else ""
        for r, (head, row) in enumerate(zip([label] + heads, rows)):
            text = "   ".join(pad(cell, w) for cell, w in zip(row, widths))
            lines.append(f"  {pad(head, head_width)}  {text}".rstrip())
    tail = f"  {words('add_up')} → {terminal(neuron.label)} = {_cell(neuron.total, style, key, alone=True)}"
    if neuron.bias is not None:
        tail = f"  {words('plus_bias', value=factor(neuron.bias, style))}" + tail
    lines[-1] += tail
    return [""] + lines


def _cell(cell: Cell, style, key: bool, alone: bool = False) -> str:
    if cell.box is not None:
        if not key:
            return f"[{cell.box.number} ______]"
        answer = cell.box.answer
        return f"[{cell.box.number}: {answer if isinstance(answer, str) else num(answer, style)}]"
    if cell.carry is not None:
        return f"({terminal(cell.carry)})"
    return (num if alone else factor)(cell.given, style) if cell.given is not None else ""


def _decision(sheet: Sheet, words: Words, key: bool) -> str:
    answer = terminal(sheet.decided) if sheet.decision.box is None else _cell(sheet.decision, NumberStyle(), key)
    said = terminal(sheet.sentence).replace("{decision}", answer)
    return f"{words('decision')} · {rule_words(sheet, words)}\n  {said}"


def _meaning(info, words: Words) -> str:
    return meaning(info, words) if info is not None else ""
