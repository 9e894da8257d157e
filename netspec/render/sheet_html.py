"""Learner worksheets in, one self-contained, PDF-ready HTML page out (and the answer key, its own page).

Made for a pen: every box is at least 11 mm high and 24 mm wide, each neuron's working is
one small table (the numbers, the weight under each, a box under each product, the sum
box at the end of the row) that is never split across pages, and the header has lines for
a name, a class and a date and says in one or two sentences what to do. No hash, data type
or spec line: a learner needs none of them. Words come from render/words.py; labels and
sentences written in the spec are shown as written. The same function draws the key, with
the answers in the boxes, so a sheet and its key have the same box numbers.
"""

from __future__ import annotations

from netspec.render.escape import html_text as escape
from netspec.render.numbers import NumberStyle, factor, num
from netspec.render.sheet import Cell, Neuron, Sheet, Stage, instruction_keys, rule_words
from netspec.render.sheet_check import self_check
from netspec.render.words import Words, meaning

COLUMNS = 4  # terms per table row (fits A4 and Letter); a longer sum continues on the next lines of its table

STYLE = """
@page { size: %(paper)s; margin: 10mm 13mm 10mm; }
* { box-sizing: border-box; }
body { font-family: system-ui, "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "DejaVu Sans", sans-serif;
  color: #1f2933; margin: 0 auto; max-width: 190mm; font-size: 11.5pt; line-height: 1.3;
  font-variant-numeric: tabular-nums; }
section.sheet + section.sheet { break-before: page; }
h1 { font-size: 16pt; margin: 0 0 1.5mm; }
h2 { font-size: 12.5pt; margin: 2.5mm 0 0.8mm; }
.who { display: flex; gap: 6mm; margin: 2mm 0 2.5mm; }
.who span { flex: 1; border-bottom: 1px solid #1f2933; padding-top: 5mm; font-size: 10pt; }
.who span.short { flex: 0.6; }
.sheet-of { color: #52606d; font-size: 9.5pt; margin: 0; }
.instructions { margin: 1.5mm 0 2mm; padding-left: 5mm; font-size: 11pt; }
.instructions li { margin: 0.5mm 0; }
table { border-collapse: collapse; }
table.inputs td, table.inputs th { padding: 0.4mm 3mm 0.4mm 0; text-align: left; }
table.inputs td.v { font-weight: 600; text-align: right; }
table.neuron { break-inside: avoid; margin: 0.3mm 0 1.2mm; }
table.neuron th { text-align: left; font-weight: 400; color: #52606d; font-size: 9.5pt; padding-right: 2mm;
  white-space: nowrap; }
table.neuron th.label { color: #1f2933; font-weight: 700; font-size: 12pt; }
table.neuron td { text-align: center; min-width: 24mm; padding: 0.1mm 0.6mm; }
table.neuron td.op { min-width: 3mm; padding: 0; color: #52606d; }
table.neuron td.total { padding-left: 2mm; text-align: left; white-space: nowrap; }
.carry { display: inline-block; border: 1.2px dashed #52606d; border-radius: 1mm; padding: 0.3mm 1.5mm;
  font-style: italic; }
.box { display: inline-block; position: relative; min-width: 22mm; height: 11mm; padding: 0 1.5mm; border: 1.4px solid #1f2933;
  border-radius: 1mm; vertical-align: middle; line-height: 11mm; text-align: center; }
.box .n { position: absolute; top: 0.3mm; left: 0.8mm; font-size: 6.5pt; line-height: 1; color: #52606d; }
.box.filled { color: #b42318; font-weight: 700; }
.decision { break-inside: avoid; margin-top: 2mm; font-size: 12pt; }
.decision h2 { margin-top: 0; }
.decision p { margin: 1mm 0 0; }
.decision .box { min-width: 40mm; }
"""


def render_sheets(sheets: list[Sheet], style: NumberStyle, words: Words, title: str, *,
                  sheet: bool = True, key: bool = False, paper: str = "a4", interactive: bool = False) -> str:
    """The sheets, then (key=True) every sheet's answer key, each from a new page; sheet=False: the keys alone."""
    total = len(sheets)
    body = []
    for part in ([False] if sheet else []) + ([True] if key else []):
        for index, one in enumerate(sheets, 1):
            body += _sheet(one, index, total, style, words, title, part)
    css = STYLE % {"paper": "A4" if paper == "a4" else "letter"}
    heading = f"{words('worksheet')} · {title}" if sheet else f"{words('answer_key')} · {title}"
    return "\n".join([f'<!DOCTYPE html>\n<html lang="{"zh-Hans" if words.lang == "zh" else "en"}">',
                      '<head><meta charset="utf-8">', f"<title>{escape(heading)}</title>",
                      f"<style>{css}</style></head>", "<body>", *body,
                      *(self_check(sheets, words) if interactive else []), "</body></html>"]) + "\n"


def _sheet(sheet: Sheet, index: int, total: int, style, words: Words, title: str, key: bool) -> list[str]:
    cls = "sheet key" if key else "sheet"
    heading = words("answer_key") if key else words("worksheet")
    lines = [f'<section class="{cls}" data-sheet="{index}">', f"<h1>{escape(heading)}: {escape(title)}</h1>"]
    if total > 1:
        lines.append(f'<p class="sheet-of">{escape(words("sheet_of", n=index, total=total))}</p>')
    if not key:
        lines.append('<div class="who">' + "".join(
            f'<span{" class=short" if name != "name" else ""}>{escape(words(name))}:</span>'
            for name in ("name", "class", "date")) + "</div>")
        lines += _instructions(sheet, words)
    lines += _inputs(sheet, style, words)
    for stage in sheet.stages:
        lines += _stage(stage, style, words, key)
    lines += _decision(sheet, words, key)
    return lines + ["</section>"]


def _instructions(sheet: Sheet, words: Words) -> list[str]:
    said = [words(key, **fields) for key, fields in instruction_keys(sheet)]
    return ['<ol class="instructions">', *(f"<li>{escape(s)}</li>" for s in said), "</ol>"]


def _inputs(sheet: Sheet, style, words: Words) -> list[str]:
    rows = "".join(f"<tr><th>{escape(label)}</th><td class=v>{escape(num(value, style))}</td>"
                   f"<td>{escape(meaning(info, words) if info is not None else '')}</td></tr>"
                   for label, value, info in sheet.inputs)
    return [f"<h2>{escape(words('inputs'))}</h2>", f'<table class="inputs">{rows}</table>']


def _stage(stage: Stage, style, words: Words, key: bool) -> list[str]:
    title = words("step_title", kind=words.kind(stage.kind), source=stage.source, value=stage.value)
    lines = [f'<section class="stage" data-value="{escape(stage.value)}">',
             f"<h2>{escape(words('step', n=stage.number))} · {escape(title)}</h2>"]
    for neuron in stage.neurons:
        lines += _neuron(neuron, style, words, key)
    if stage.others:
        lines.append('<table class="neuron"><tr>' + "".join(
            f'<th class="label">{escape(label)}</th><td>{_cell(cell, style, key, alone=True)}</td>'
            for label, cell in stage.others) + "</tr></table>")
    return lines + ["</section>"]


def _neuron(neuron: Neuron, style, words: Words, key: bool) -> list[str]:
    """The rows of one neuron's table: input names, numbers, × weights, products; the sum box after the last."""
    chunks = [neuron.terms[i:i + COLUMNS] for i in range(0, len(neuron.terms), COLUMNS)] or [()]
    lines = [f'<table class="neuron" data-neuron="{escape(neuron.label)}">']
    for c, chunk in enumerate(chunks):
        last = c == len(chunks) - 1
        plus, gap = '<td class="op">+</td>', '<td class="op"></td>'
        label = f'<th class="label">{escape(neuron.label)}</th>' if c == 0 else "<th></th>"
        lines.append(f"<tr>{label}" + gap.join(f"<td><strong>{escape(t.source)}</strong></td>" for t in chunk)
                     + "</tr>")
        lines.append(f"<tr><th>{escape(words('number'))}</th>"
                     + gap.join(f"<td>{_cell(t.x, style, key)}</td>" for t in chunk) + "</tr>")
        lines.append(f"<tr><th>{escape(words('times_weight'))}</th>"
                     + gap.join(f"<td>{_cell(t.weight, style, key)}</td>" for t in chunk) + "</tr>")
        bias = (f'<td class="op">{escape(words("plus_bias", value=factor(neuron.bias, style)))}</td>'
                if last and neuron.bias is not None else "")
        total = (f'<td class="total">{escape(words("add_up"))} → <strong>{escape(neuron.label)}</strong> = '
                 f"{_cell(neuron.total, style, key, alone=True)}</td>" if last else "")
        lines.append(f"<tr><th>{escape(words('product'))}</th>"
                     + plus.join(f"<td>{_cell(t.product, style, key)}</td>" for t in chunk) + bias + total + "</tr>")
    return lines + ["</table>"]


def _cell(cell: Cell, style, key: bool, alone: bool = False) -> str:
    if cell.box is not None:
        number = f'<span class="n">{cell.box.number}</span>'
        answer = cell.box.answer
        if not key:
            return f'<span class="box" data-box="{cell.box.number}">{number}</span>'
        shown = answer if isinstance(answer, str) else num(answer, style)
        return f'<span class="box filled" data-box="{cell.box.number}">{number}{escape(shown)}</span>'
    if cell.carry is not None:
        return f'<span class="carry">{escape(cell.carry)}</span>'
    return escape((num if alone else factor)(cell.given, style)) if cell.given is not None else ""


def _decision(sheet: Sheet, words: Words, key: bool) -> list[str]:
    rule = rule_words(sheet, words)
    if sheet.decision.box is None:
        answer = escape(sheet.decided)
    else:
        answer = _cell(sheet.decision, NumberStyle(), key)
    said = escape(sheet.sentence).replace(escape("{decision}"), answer)
    return [f'<div class="decision"><h2>{escape(words("decision"))} · {escape(rule)}</h2>', f"<p>{said}</p></div>"]


def sheet_fragment(sheet: Sheet, style: NumberStyle, words: Words, title: str) -> str:
    """One sheet as a <div> with its own style, for a page that shows it among other things (netspec serve)."""
    css = STYLE % {"paper": "A4"}
    return "\n".join(['<div class="netspec-sheet">', f"<style>{css}</style>",
                      *_sheet(sheet, 1, 1, style, words, title, False), "</div>"]) + "\n"
