"""Step views in, a focused trace of a large network short enough to print out: its steps in short as tables.

A trace focused on one number of all-MiniLM-L6-v2 works out one step and shows the other 78
in short. Each of those, with its title and a line or two of numbers, took a seventh of a page:
the printout ran to 13 A4 pages. Here a run of steps in short is one table, a row per value
(its first two numbers, how many more, its last), and the copies of a `repeat` between the first
and the last are a row each, shown by the copy's last value; the header's table of values folds
the copies after the first the same way (render/summary.py folded_rows). Every number shown is
still one the plan computed, by the same formatting as everywhere else; nothing is computed here.
"""

from __future__ import annotations

from netspec.render.summary import repeats
from netspec.render.view import ItemView, PrintOptions, StepView, is_large
from netspec.records import record


def in_brief(spec, options: PrintOptions) -> bool:
    """True for a printout that shows a large network's steps in short as tables: a focus at summary detail."""
    return options.focus is not None and options.detail in (None, "summary") and is_large(spec)


@record
class BriefRow:
    """One step in short, or (`shown` set) one copy of a repeat shown by its last value."""

    value: str  # `q[1]`, or `q[2] … x[2]`
    items: tuple[ItemView, ...]  # the first two numbers, `… n more`, the last
    shown: str = ""  # the value whose numbers a copy's row shows (`x[2]`)


@record
class Brief:
    """A run of consecutive steps in short, as one table."""

    first: int
    last: int
    rows: tuple[BriefRow, ...]


def brief_parts(views: list[StepView], spec) -> list[StepView | Brief]:
    """The row's step views with each run of steps in short made one Brief; the others as they are."""
    parts: list[StepView | Brief] = []
    run: list[StepView] = []
    for view in (*views, None):
        if view is not None and view.level == "summary" and view.focus is None:
            run.append(view)
            continue
        if run:
            parts.append(_brief(run, spec))
            run = []
        if view is not None:
            parts.append(view)
    return parts


def _brief(run: list[StepView], spec) -> Brief:
    by_index = {view.step.number - 1: view for view in run}
    folded = {}  # the first step index of each copy shown as one row → that copy's indices
    for block in repeats(spec.steps):
        for c in range(2, block.count):  # the first and the last copy are shown step by step
            indices = block.copy(c)
            if all(i in by_index for i in indices):
                folded[indices.start] = indices
    rows, skip = [], set()
    for view in run:
        index = view.step.number - 1
        if index in skip:
            continue
        if index in folded:
            indices = folded[index]
            skip.update(indices)
            last = by_index[indices[-1]]
            rows.append(BriefRow(f"{view.step.trace_step.name} … "
                                 f"{last.step.trace_step.name}", _few(last.items), last.step.trace_step.name))
        else:
            rows.append(BriefRow(view.step.trace_step.name, _few(view.items)))
    return Brief(run[0].step.number, run[-1].step.number, tuple(rows))


def _few(items: tuple[ItemView, ...]) -> tuple[ItemView, ...]:
    """The first two numbers, `… n more` and the last: a row of a table has room for three. A step in
    short's items are its first three, `… n more` and its last, or all of them when they are few."""
    if len(items) == 5 and items[3].gap:
        return items[0], items[1], ItemView(items[2].item, False, gap=items[3].gap + 1), items[4]
    if len(items) > 4:
        return items[0], items[1], ItemView(items[2].item, False, gap=len(items) - 3), items[-1]
    return items
