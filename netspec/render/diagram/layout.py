"""CheckedSpec + the texts to fit in, diagram geometry out: where every value, neuron and weight label goes.

Values stand in columns, left to right in the order they are computed, each centred on
one horizontal line. A layer of at most WIDE neurons is a column of circles (the inputs:
boxes) and a dense step between two such columns is drawn edge by edge; a wider layer is
a strip of small cells and its dense steps a matrix grid. The geometry is chosen so that
the weight labels of the edges into one neuron never overlap each other or the next
neuron's labels (see `_label_distance`).
"""

from __future__ import annotations

from netspec.check.model import CheckedSpec, Step
from netspec.ops import lookup
from netspec.render.view import WIDE
from netspec.records import record

MARGIN = 24
TOP = 36  # room for column titles
LABEL_H = 14  # height of one weight label
CHAR_W = 6.6  # width of one character at the diagram's 11–12px fonts
BOX_W, BOX_H = 112, 42  # an input box
STRIP_W = 76  # a wide layer's strip of cells
DENSE_GAP = 240  # from a column's right edge to the centre of the next circle (of radius 30)
ACTIVATION_GAP = 100  # from a column's right edge to the left edge of the next
GRID_MARGIN = 44
NODE_PITCH = 86  # centre to centre, at least
SKIP_DROP = 40  # how far below the lowest neuron a skip connection's arc runs


@record
class Column:
    """One value: its neurons' labels and centres; `kind` is input, nodes or strip."""

    value: str
    labels: tuple[str, ...]
    kind: str
    x: float
    ys: tuple[float, ...]
    radius: float  # circles: radius; strips: half a cell; inputs: half a box's height
    box: float = BOX_W  # inputs: the width of a box

    @property
    def half_width(self) -> float:
        return {"input": self.box / 2, "strip": STRIP_W / 2}.get(self.kind, self.radius)

    @property
    def pitch(self) -> float:
        return self.ys[1] - self.ys[0] if len(self.ys) > 1 else NODE_PITCH


@record
class Link:
    """How one step connects an input column to its result: dense, grid, elementwise, or skip (add's other input)."""

    step: Step
    source: Column
    target: Column
    kind: str
    label_distance: float = 0.0  # dense: how far before the target centre the weight labels sit
    grid_x: float = 0.0  # grid: left edge of the matrix
    cell_w: float = 0.0  # grid: width of one cell


@record
class Layout:
    columns: dict[str, Column]
    links: tuple[Link, ...]
    width: float
    height: float
    mid: float  # the horizontal line every column is centred on


def layout(spec: CheckedSpec, longest: dict[str, int]) -> Layout:
    """Place every value of `spec`; `longest[value]` is its longest neuron text in characters."""
    columns = {spec.input_value: _first_column(spec, longest.get(spec.input_value, 0))}
    links = []
    for step in spec.steps:
        right = max(c.x + c.half_width for c in columns.values())  # a new column goes right of all the others
        source = max((columns[name] for name in step.inputs), key=lambda c: c.x)  # add: the nearer input
        link = _link(step, source, spec.values[step.output].labels, longest.get(step.output, 6), right)
        columns[step.output] = link.target
        links.append(link)
        links += [Link(step, columns[name], link.target, "skip") for name in step.inputs if name != source.value]
    return _centred(columns, links)


def _first_column(spec: CheckedSpec, longest: int) -> Column:
    """The inputs: boxes wide enough for `longest` characters of label and value, or a strip."""
    labels = spec.input_labels
    if len(labels) > WIDE:
        return _strip(spec.input_value, labels, MARGIN + STRIP_W / 2)
    box = max(BOX_W, CHAR_W * 1.1 * longest + 24)
    return Column(spec.input_value, labels, "input", MARGIN + box / 2, _ys(len(labels), BOX_H + 22), BOX_H / 2, box)


def _strip(value: str, labels, x: float) -> Column:
    cell = max(3.0, min(24.0, 720 / len(labels)))
    return Column(value, tuple(labels), "strip", x, _ys(len(labels), cell), cell / 2)


def _ys(count: int, pitch: float) -> tuple[float, ...]:
    """Centres `pitch` apart around 0; `_centred` moves them onto the diagram's middle line."""
    return tuple((i - (count - 1) / 2) * pitch for i in range(count))


def _link(step: Step, source: Column, labels, longest: int, right: float) -> Link:
    if not lookup(step.op).diagram.weights:
        target = _next_column(step.output, labels, longest, right + ACTIVATION_GAP, source.pitch)
        return Link(step, source, target, "elementwise")
    if len(labels) > WIDE or source.kind == "strip":
        return _grid_link(step, source, labels, longest, right)
    return _dense_link(step, source, labels, longest, right)


def _next_column(value: str, labels, longest: int, left: float, pitch: float = NODE_PITCH) -> Column:
    """The column of `value` whose left edge is at `left`."""
    if len(labels) > WIDE:
        return _strip(value, labels, left + STRIP_W / 2)
    radius = max(30.0, 3.7 * longest + 8)  # bold figures are wider than CHAR_W
    pitch = max(pitch, NODE_PITCH, 2 * radius + 22)
    return Column(value, tuple(labels), "nodes", left + radius, _ys(len(labels), pitch), radius)


def _dense_link(step: Step, source: Column, labels, longest: int, right: float) -> Link:
    gap = right + DENSE_GAP - source.x  # centre to centre, for a circle of radius 30
    distance = _label_distance(source, gap)
    spread = (len(source.labels) - 1) * distance * source.pitch / gap + LABEL_H + 8
    target = _next_column(step.output, labels, longest, right + DENSE_GAP - 30, spread / (1 - distance / gap))
    return Link(step, source, target, "dense", label_distance=distance + target.radius - 30)


def _label_distance(source: Column, gap: float) -> float:
    """Labels sit where neighbouring edges into one neuron are LABEL_H + 3 apart, clear of the circle."""
    return min(max(30 + 32.0, (LABEL_H + 3) * gap / source.pitch), gap - source.half_width - 40)


def _grid_link(step: Step, source: Column, labels, longest: int, right: float) -> Link:
    count = len(source.labels)
    cell_w = max(1.5, min(16.0, 480 / count))
    grid_x = right + GRID_MARGIN
    target = _next_column(step.output, labels, longest, grid_x + count * cell_w + GRID_MARGIN)
    return Link(step, source, target, "grid", grid_x=grid_x, cell_w=cell_w)


def _centred(columns: dict[str, Column], links: list[Link]) -> Layout:
    """Shift every column so the tallest fits below TOP; the diagram's size follows."""
    half = max(max(abs(y) for y in c.ys) + c.radius for c in columns.values())
    mid = TOP + half + 8
    moved = {name: _moved(c, mid) for name, c in columns.items()}
    links = tuple(Link(link.step, moved[link.source.value], moved[link.step.output], link.kind,
                       link.label_distance, link.grid_x, link.cell_w) for link in links)
    width = max(c.x + c.half_width for c in moved.values()) + MARGIN + 70  # room for the ✓ and its label
    below = SKIP_DROP + 8 if any(link.kind == "skip" for link in links) else 0  # room for skip arcs
    return Layout(moved, links, width, mid + half + 16 + below, mid)


def _moved(column: Column, mid: float) -> Column:
    return Column(column.value, column.labels, column.kind, column.x, tuple(mid + y for y in column.ys), column.radius,
                  column.box)
