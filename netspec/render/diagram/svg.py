"""Layout + Scene in, SVG text out: boxes, circles, weighted edges, matrix grids, legend and caption.

Every drawn mark is a <g> whose id is its trace address (plus a row suffix when a page
holds several rows) and whose <title> is its tooltip, so hovering explains it with no
JavaScript. Sign is shown three ways: colour, a dashed line for negative weights, and
the weight's own sign glyph (+0.1, −0.29), so it survives black-and-white printing.
"""

from __future__ import annotations

import math
from netspec.render.escape import html_text as escape

from netspec.render.diagram.content import Mark, Scene
from netspec.render.diagram.labels import LABEL_H, Placed, place
from netspec.render.diagram.layout import BOX_H, CHAR_W, SKIP_DROP, STRIP_W, Column, Layout, Link
from netspec.render.view import weight_address

LEGEND_H = 30
CAPTION_LINE = 18

STYLE = """
svg.netspec-diagram { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif;
  font-size: 12px; font-variant-numeric: tabular-nums; background: #fff; }
svg.netspec-diagram text { fill: #1f2933; }
svg.netspec-diagram .title { font-weight: 700; font-size: 13px; }
svg.netspec-diagram .op, svg.netspec-diagram .unit, svg.netspec-diagram .label { fill: #52606d; font-size: 11px; }
svg.netspec-diagram .value { font-weight: 700; }
svg.netspec-diagram .edge line { stroke-linecap: round; }
svg.netspec-diagram .positive line, svg.netspec-diagram .legend .positive { stroke: #1d5fbf; }
svg.netspec-diagram .negative line, svg.netspec-diagram .legend .negative { stroke: #c2410c; stroke-dasharray: 7 4; }
svg.netspec-diagram .zero line { stroke: #9aa5b1; stroke-dasharray: 1 4; }
svg.netspec-diagram .weight text { font-size: 11px; }
svg.netspec-diagram .weight .plate { fill: #fff; fill-opacity: 0.9; stroke: none; }
svg.netspec-diagram .weight.positive text { fill: #174ea6; }
svg.netspec-diagram .weight.negative text { fill: #9a3412; }
svg.netspec-diagram .weight.dim { opacity: 0.3; }
svg.netspec-diagram .weight.focus text, svg.netspec-diagram .weight.focus-line text { font-weight: 700; }
svg.netspec-diagram .weight.focus .plate { stroke: #b45309; }
svg.netspec-diagram .edge:hover line { stroke-opacity: 1; filter: drop-shadow(0 0 2px #f59e0b); }
svg.netspec-diagram .node circle, svg.netspec-diagram .input rect, svg.netspec-diagram .cell rect {
  fill: #fff; stroke: #3e4c59; stroke-width: 1.5; }
svg.netspec-diagram .node:hover circle, svg.netspec-diagram .input:hover rect { fill: #fff7e0; }
svg.netspec-diagram .box { fill: #fff; stroke: #7b8794; stroke-width: 1; }
svg.netspec-diagram .winner circle.ring { fill: none; stroke: #15803d; stroke-width: 3; }
svg.netspec-diagram .winner circle:not(.ring) { stroke: #15803d; stroke-width: 2.5; fill: #ecfdf3; }
svg.netspec-diagram .check { fill: #15803d; font-size: 18px; font-weight: 700; }
svg.netspec-diagram .focus circle, svg.netspec-diagram .focus rect { stroke: #b45309; stroke-width: 3; fill: #fff7e0; }
svg.netspec-diagram .focus line { stroke-opacity: 1; filter: drop-shadow(0 0 2px #f59e0b); }
svg.netspec-diagram .dim { opacity: 0.22; }
svg.netspec-diagram .flow line { stroke: #7b8794; stroke-width: 1.5; }
svg.netspec-diagram .grid rect.w { stroke: #fff; stroke-width: 0.5; }
svg.netspec-diagram .grid .positive rect.w { fill: #1d5fbf; }
svg.netspec-diagram .grid .negative rect.w { fill: #c2410c; }
svg.netspec-diagram .grid .zero rect.w { fill: #e4e7eb; }
svg.netspec-diagram .grid .glyph { fill: #1f2933; font-size: 9px; font-weight: 700; }
svg.netspec-diagram .grid .glyph.on-dark { fill: #fff; }
svg.netspec-diagram .grid .focus rect.w { stroke: #111; stroke-width: 2; }
svg.netspec-diagram .highlight { fill: none; stroke: #b45309; stroke-width: 2; }
svg.netspec-diagram .frame { fill: none; stroke: #9aa5b1; }
svg.netspec-diagram .bias { font-size: 10px; }
svg.netspec-diagram .decision { font-weight: 700; }
"""


def svg(layout: Layout, scene: Scene, suffix: str = "", standalone: bool = False) -> str:
    """The whole diagram as one <svg> element (with an XML declaration when `standalone`)."""
    height = layout.height + LEGEND_H + CAPTION_LINE * len(scene.caption) + 8
    head = ('<svg xmlns="http://www.w3.org/2000/svg" class="netspec-diagram" '
            f'viewBox="0 0 {_n(layout.width)} {_n(height)}" width="{_n(layout.width)}" height="{_n(height)}" '
            'role="img">')
    parts = ['<?xml version="1.0" encoding="UTF-8"?>'] if standalone else []
    parts += [head, f"<style>{STYLE}</style>"]
    parts += _column_titles(layout, scene)
    for link in layout.links:
        parts += _LINKS[link.kind](link, scene, suffix)
    for column in layout.columns.values():
        parts += _COLUMNS[column.kind](column, scene, suffix)
    parts += _legend(layout.height, scene.words)
    parts += _caption(scene.caption, layout.height + LEGEND_H + 6)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _n(x: float) -> str:
    """A coordinate, to a tenth of a pixel: enough for the eye, and stable for golden files."""
    return f"{round(x, 1):g}"


def _text(x, y, text, cls="", anchor="middle", extra="") -> str:
    cls_attr = f' class="{cls}"' if cls else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{cls_attr}{extra}>{escape(text)}</text>'


def _group(mark: Mark, kind: str, suffix: str, body: list[str]) -> list[str]:
    classes = " ".join((kind, *mark.classes))
    return [f'<g id="{escape(mark.address + suffix)}" class="{classes}" data-address="{escape(mark.address)}">',
            f"<title>{escape(mark.title)}</title>", *body, "</g>"]


def _column_titles(layout: Layout, scene: Scene) -> list[str]:
    """Each column's name and operation above it; an operation wider than the room between its
    neighbours is cut short with `…` (the whole of it shows on hover, and in the trace)."""
    parts = []
    xs = sorted(column.x for column in layout.columns.values())
    for column in layout.columns.values():
        name, op = scene.titles[column.value]
        parts.append(_text(column.x, 16, name, "title"))
        if op:
            room = min([abs(column.x - x) for x in xs if x != column.x] or [float("inf")])
            most = max(int(room / CHAR_W) - 1, 4)
            shown = op if len(op) <= most else op[:most - 1] + "…"
            hover = f"<title>{escape(op)}</title>" if shown != op else ""
            parts.append(_text(column.x, 30, shown, "op").replace("</text>", hover + "</text>"))
    return parts


# ---- columns ----

def _input_column(column: Column, scene: Scene, suffix: str) -> list[str]:
    parts = []
    left, right = column.x - column.box / 2, column.x + column.box / 2
    for label, y in zip(column.labels, column.ys):
        mark = scene.marks[f"{column.value}.{label}"]
        body = [f'<rect x="{_n(left)}" y="{_n(y - BOX_H / 2)}" width="{_n(column.box)}" height="{BOX_H}" rx="6"/>',
                _text(left + 9, y + 5, label, "value", "start")]
        if mark.text:
            body.append(_text(right - 9, y + (0 if label in scene.units else 5), mark.text, "value", "end"))
        if label in scene.units:
            body.append(_text(right - 9, y + 14, scene.units[label], "unit", "end"))
        parts += _group(mark, "input", suffix, body)
    return parts


def _node_column(column: Column, scene: Scene, suffix: str) -> list[str]:
    parts = []
    for label, y in zip(column.labels, column.ys):
        mark = scene.marks[f"{column.value}.{label}"]
        parts += _group(mark, "node", suffix, _node_body(column.x, y, column.radius, mark, scene.blank))
    return parts


def _node_body(x: float, y: float, r: float, mark: Mark, blank: bool) -> list[str]:
    body = [f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"/>']
    if "winner" in mark.classes:
        body += [f'<circle class="ring" cx="{_n(x)}" cy="{_n(y)}" r="{_n(r + 5)}"/>',
                 _text(x + r + 10, y + 6, "✓", "check", "start")]
    if mark.text:
        return body + [_text(x, y - 5, mark.label, "label"), _text(x, y + 12, mark.text, "value")]
    if "blank" in mark.classes:
        return body + [_text(x, y - 5, mark.label, "label"),
                       f'<rect class="box" x="{_n(x - r + 9)}" y="{_n(y + 1)}" width="{_n(2 * r - 18)}" height="16"/>']
    return body + [_text(x, y + 4, mark.label, "value")]


def _strip_column(column: Column, scene: Scene, suffix: str) -> list[str]:
    parts = []
    cell = 2 * column.radius
    left = column.x - STRIP_W / 2
    for label, y in zip(column.labels, column.ys):
        mark = scene.marks[f"{column.value}.{label}"]
        body = [f'<rect x="{_n(left)}" y="{_n(y - cell / 2)}" width="{STRIP_W}" height="{_n(cell)}"/>']
        if cell >= 12:
            size = f' font-size="{_n(_strip_font(cell, label, mark.text))}"'
            body.append(_text(left + 3, y + 4, label, "label", "start", size))
            if mark.text:
                body.append(_text(left + STRIP_W - 3, y + 4, mark.text, "value", "end", size))
        parts += _group(mark, "node cell", suffix, body)
    return parts


def _strip_font(cell: float, label: str, value: str) -> float:
    """11px, or less, so that the label and the value fit the cell side by side with a space between."""
    characters = len(label) + len(value) + 2
    return min(11.0, cell - 3, (STRIP_W - 6) * 11 / (CHAR_W * characters))


_COLUMNS = {"input": _input_column, "nodes": _node_column, "strip": _strip_column}


# ---- links ----

def _dense(link: Link, scene: Scene, suffix: str) -> list[str]:
    """Every edge with its line; the weight labels go in a layer above all lines, so none is crossed out, each
    on its own line, turned along it and staggered (render/diagram/labels.py), so a reader sees which is whose."""
    lines, edges, marks = [], [], []
    weights = link.step.params[0]
    count = len(link.source.labels)
    for i, (source, sy) in enumerate(zip(link.source.labels, link.source.ys)):
        for target, ty in zip(link.target.labels, link.target.ys):
            mark = scene.marks[weight_address(weights, source, target)]
            lines += _group(mark, "edge", suffix, [_edge_line(link, sy, ty, mark)])
            start, end = _ends(link.source, link.source.x, sy, link.target.x, ty, link.target.radius)
            preferred = 0.5 if count == 1 else 0.15 + 0.7 * i / (count - 1)  # the first input's near the inputs
            edges.append((start, end, _plate_width(mark), preferred))
            marks.append(mark)
    labels = [_edge_label(spot, mark) for spot, mark in zip(place(edges), marks)]
    return lines + ['<g class="weights">', *labels, "</g>"] + _biases(link, scene, suffix)


def _edge_line(link: Link, sy: float, ty: float, mark: Mark) -> str:
    (x1, y1), (x2, y2) = _ends(link.source, link.source.x, sy, link.target.x, ty, link.target.radius)
    width = 1 + 4.5 * mark.strength
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke-width="{_n(width)}"/>'


def _plate_width(mark: Mark) -> float:
    return CHAR_W * (len(mark.text) + ("positive" in mark.classes)) + 6


def _edge_label(spot: Placed, mark: Mark) -> str:
    """The weight on a white plate on its line, turned with it; positive weights carry a + glyph."""
    glyph = '<tspan class="glyph">+</tspan>' if "positive" in mark.classes else ""
    classes = " ".join(("weight", *mark.classes))
    x, y, width = spot.x, spot.y, spot.width
    return (f'<g class="{classes}" data-address="{escape(mark.address)}"><title>{escape(mark.title)}</title>'
            f'<g transform="rotate({_n(spot.angle)} {_n(x)} {_n(y)})">'
            f'<rect class="plate" x="{_n(x - width / 2)}" y="{_n(y - LABEL_H / 2)}" width="{_n(width)}" '
            f'height="{_n(LABEL_H)}" rx="3"/>'
            f'<text x="{_n(x)}" y="{_n(y + 4)}" text-anchor="middle">{glyph}{escape(mark.text)}</text></g></g>')


def _ends(source: Column, sx: float, sy: float, tx: float, ty: float, r: float):
    """Where a line from the source to the target circle leaves the one and meets the other."""
    angle = math.atan2(ty - sy, tx - sx)
    if source.kind == "input":
        start = (sx + source.half_width, sy)
    else:
        start = (sx + source.radius * math.cos(angle), sy + source.radius * math.sin(angle))
    return start, (tx - r * math.cos(angle), ty - r * math.sin(angle))


def _biases(link: Link, scene: Scene, suffix: str) -> list[str]:
    parts = []
    for bias in link.step.params[1:]:
        for label, y in zip(link.target.labels, link.target.ys):
            mark = scene.marks[f"{bias}[{label}]"]
            text = _text(link.target.x, y + link.target.radius + 13, f"+ {bias} {mark.text}", "bias")
            parts += _group(mark, "bias-mark", suffix, [text])
    return parts


def _elementwise(link: Link, scene: Scene, suffix: str) -> list[str]:
    source, target = link.source, link.target
    if source.kind == "strip" and target.kind == "strip" and source.ys == target.ys and source.radius >= 4:
        return ['<g class="flow">', f"<title>{escape(link.step.text)}, neuron by neuron</title>",
                *(f'<line x1="{_n(source.x + source.half_width)}" y1="{_n(y)}" '
                  f'x2="{_n(target.x - target.half_width)}" y2="{_n(y)}"/>' for y in source.ys), "</g>"]
    if source.kind == "strip" or target.kind == "strip":
        y = (min(target.ys) + max(target.ys)) / 2
        return ['<g class="flow">', f"<title>{escape(link.step.text)}, neuron by neuron</title>",
                f'<line x1="{_n(source.x + source.half_width + 4)}" y1="{_n(y)}" '
                f'x2="{_n(target.x - target.half_width - 4)}" y2="{_n(y)}"/>', "</g>"]
    parts = []
    for label, sy, ty in zip(target.labels, source.ys, target.ys):
        (x1, y1), (x2, y2) = _ends(source, source.x, sy, target.x, ty, target.radius)
        title = f"{link.step.output}.{label} = {link.step.op}({link.step.inputs[0]}.{label})"
        parts += [f'<g class="flow"><title>{escape(title)}</title>',
                  f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/></g>']
    return parts


def _grid(link: Link, scene: Scene, suffix: str) -> list[str]:
    """A wide dense step as its weight matrix: one row per result neuron, one column per input neuron."""
    weights = link.step.params[0]
    height = min(link.target.pitch, 22.0) - 1
    top = min(link.target.ys) - height / 2
    width = link.cell_w * len(link.source.labels)
    parts = ['<g class="grid">', _text(link.grid_x + width / 2, top - 8,
                                       scene.words("d.grid", weights=weights, value=link.step.output,
                                                   source=link.step.inputs[0]), "op")]
    for i, source in enumerate(link.source.labels):
        x = link.grid_x + i * link.cell_w
        for target, y in zip(link.target.labels, link.target.ys):
            mark = scene.marks[weight_address(weights, source, target)]
            parts += _group(mark, "edge", suffix, _cell_body(x, y - height / 2, link.cell_w, height, mark))
    if link.target.kind == "strip":
        parts.append(f'<rect class="frame" x="{_n(link.grid_x)}" y="{_n(top)}" width="{_n(width)}" '
                     f'height="{_n(max(link.target.ys) - min(link.target.ys) + height)}"/>')
    parts += _grid_focus(link, scene, top, width, height)
    parts.append("</g>")
    return parts + (_biases(link, scene, suffix) if link.target.kind == "nodes" else [])


def _cell_body(x: float, y: float, w: float, h: float, mark: Mark) -> list[str]:
    opacity = 0.25 + 0.75 * mark.strength
    body = [f'<rect class="w" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill-opacity="{opacity:.2f}"/>']
    if w >= 10 and h >= 10 and "zero" not in mark.classes:
        glyph = "+" if "positive" in mark.classes else "−"
        body.append(_text(x + w / 2, y + h / 2 + 3, glyph, "glyph" + (" on-dark" if opacity > 0.6 else "")))
    return body


def _grid_focus(link: Link, scene: Scene, top: float, width: float, height: float) -> list[str]:
    """Outline the focused rows (result neurons) and column (the input whose weight was named)."""
    parts = []
    for label, y in zip(link.target.labels, link.target.ys):
        if "focus" in scene.marks[f"{link.step.output}.{label}"].classes:
            parts.append(_outline(link.grid_x, y - height / 2, width, height))
    total = max(link.target.ys) - min(link.target.ys) + height
    for i, label in enumerate(link.source.labels):
        if "focus" in scene.marks[f"{link.step.inputs[0]}.{label}"].classes:
            parts.append(_outline(link.grid_x + i * link.cell_w, top, link.cell_w, total))
    return parts


def _outline(x: float, y: float, width: float, height: float) -> str:
    return f'<rect class="highlight" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"/>'


def _skip(link: Link, scene: Scene, suffix: str) -> list[str]:
    """add's other input: one dashed arc below the columns, from that value to the sum (a residual path)."""
    source, target = link.source, link.target
    y1, y2 = max(source.ys) + source.radius + 4, max(target.ys) + target.radius + 4
    bottom = max(y1, y2) + SKIP_DROP
    title = scene.words("d.residual", formula=link.step.formula, source=source.value)
    return ['<g class="flow skip">', f"<title>{escape(title)}</title>",
            f'<path d="M {_n(source.x)} {_n(y1)} C {_n(source.x)} {_n(bottom)}, {_n(target.x)} {_n(bottom)}, '
            f'{_n(target.x)} {_n(y2)}" fill="none" stroke="#7b8794" stroke-width="1.5" stroke-dasharray="6 4"/>',
            "</g>"]  # styled here, not in STYLE, so diagrams without a skip stay byte for byte the same


_LINKS = {"dense": _dense, "elementwise": _elementwise, "grid": _grid, "skip": _skip}


# ---- legend and caption ----

def _legend(y: float, words) -> list[str]:
    y += 12
    return ['<g class="legend">',
            f'<line class="positive" x1="24" y1="{_n(y)}" x2="60" y2="{_n(y)}" stroke-width="3"/>',
            _text(66, y + 4, words("d.positive"), "unit", "start"),
            f'<line class="negative" x1="190" y1="{_n(y)}" x2="226" y2="{_n(y)}" stroke-width="3"/>',
            _text(232, y + 4, words("d.negative"), "unit", "start"),
            _text(430, y + 4, words("d.thicker"), "unit", "start"), "</g>"]


def _caption(lines: tuple[str, ...], y: float) -> list[str]:
    return [_text(24, y + CAPTION_LINE * (k + 1) - 4, line, "decision" if k == 0 else "", "start")
            for k, line in enumerate(lines)]
