"""Trace + options in, one printout out: the single walk every format shares, with leaf hooks per format.

The walk is written once here: the front matter, each row (its inputs, every step view
at its detail level, the decision), then on a worksheet the answer key, which is the same
rows again with every number given (`options.answers()`). What a worksheet leaves blank is
decided once too (render/cells.py marks it; `parts` draws it as the format's `BLANK`), and
so is a blank decision. A format (text.py, markdown.py, html.py, tex.py) subclasses
Printer and overrides only the hooks that say how a piece looks, the way sqlglot's
dialects override the methods of its Generator; free text reaches the page only through
the format's `text` hook, its escaping function (render/escape.py).
"""

from __future__ import annotations

from netspec.run.decision import sentence
from netspec.render.cells import joined
from netspec.render.escape import filled
from netspec.render.numbers import num
from netspec.render.pieces import decision_text, example_mismatch, rule_text
from netspec.render.brief import Brief, brief_parts, in_brief
from netspec.render.view import ItemView, PrintOptions, StepView, step_views
from netspec.render.words import Words
from netspec.render.worked import Sum, WorkedRow, worked_rows
from netspec.run.trace import Trace
from netspec.progress import tick


class Printer:
    """The walk; every method below `# ---- hooks ----` is a format's to override."""

    BLANK = "______"  # a worksheet's blank, as this format draws it
    GAP: list[str] = []  # the lines between a row's parts (a blank line in text and Markdown)
    DECISION: str | None = None  # what opens the decision line (None: `Decision · ` in the printout's language)
    DECISION_BLANK: str | None = None  # the blank in a decision, when not BLANK (LaTeX's is in math mode)

    def __init__(self, trace: Trace, options: PrintOptions = PrintOptions()):
        self.trace, self.spec, self.options = trace, trace.spec, options
        self.words = Words(options.lang)

    @property
    def opening(self) -> str:
        return f"{self.words('t.decision')} · " if self.DECISION is None else self.DECISION

    # ---- the walk ----
    def render(self) -> str:
        rows = worked_rows(self.trace, self.options.lang)
        lines = self.front()
        if self.options.blank and self.options.key == "only":
            return self.page(lines + self.answer_key(rows, self.options.answers()), rows)
        for index, row in enumerate(rows):
            lines += self.row(row, index, self.options)
            tick()  # a progress bar, when the command shows one (netspec/progress.py)
        if self.options.blank and self.options.key == "with":
            lines += self.answer_key(rows, self.options.answers())
        return self.page(lines, rows)

    def answer_key(self, rows: list[WorkedRow], answers: PrintOptions) -> list[str]:
        """The worksheet's last page: every row worked out again, with its numbers."""
        lines = self.key_heading()
        for index, row in enumerate(rows):
            lines += self.row(row, index, answers, key=True)
        return lines + self.key_end()

    def row(self, row: WorkedRow, index: int, options: PrintOptions, key: bool = False) -> list[str]:
        lines = self.GAP + self.row_head(row, index, options, key)
        views = step_views(row, self.spec, options)
        for part in brief_parts(views, self.spec) if self.in_brief else views:
            lines += self.GAP + (self.brief(part, options) if isinstance(part, Brief) else self.step(part, options))
        return lines + self.GAP + self.decision(row, options) + self.row_end(key)

    @property
    def in_brief(self) -> bool:
        """A large network focused on one number: its steps in short as tables, its header folded (render/brief.py)."""
        return in_brief(self.spec, self.options)

    def brief(self, brief: Brief, options: PrintOptions) -> list[str]:
        """A run of steps in short: a heading, then a table of value and numbers."""
        title = self.words("t.brief", first=brief.first, last=brief.last)
        header = tuple(self.words(f"t.col.{name}") for name in ("value", "numbers"))
        rows = [(row.value, (f"{row.shown}: " if row.shown else "") + ", ".join(
            self.brief_value(view, options) for view in row.items)) for row in brief.rows]
        return self.brief_table(title, header, rows)

    def step(self, view: StepView, options: PrintOptions) -> list[str]:
        items = []
        for expanded, views in view.runs():
            if not expanded:
                items += self.values(views, options)
                continue
            for item_view in views:
                is_sum = isinstance(item_view.item, Sum)
                items += self.sum(item_view, view, options) if is_sum else self.chain(item_view, view, options)
        return self.step_close(self.step_head(view, options) + self.items(items))

    def decision(self, row: WorkedRow, options: PrintOptions) -> list[str]:
        """The decision and its sentence; on a worksheet the decision is the blank the learner fills in."""
        rule_of = self.spec.decision
        if options.blank:
            blank = self.DECISION_BLANK or self.BLANK
            rule = filled(lambda hole: f"{self.opening}{rule_text(rule_of, self.words)}  →  {hole}", blank,
                          self.line_text)
            said = filled(lambda hole: sentence(rule_of, hole), blank, self.text)
            return self.decision_lines(rule, said, None)
        made = self.opening + decision_text(row, self.trace, options.style, self.words).removeprefix(
            f"{self.words('t.decision')} · ")
        mismatch = example_mismatch(row, self.trace, self.words)
        return self.decision_lines(self.line_text(made), self.text(row.sentence),
                                   self.text(mismatch) if mismatch else None)

    def parts(self, parts: tuple) -> str:
        """Worked pieces (text, numbers already formatted, BLANK) as this format writes them."""
        return joined(parts, self.BLANK, self.text)

    # ---- hooks ----
    def text(self, text: str) -> str:
        """Free text, escaped for the format."""
        return text

    def line_text(self, text: str) -> str:
        """Free text that begins a line (Markdown escapes what would open a heading or a list there)."""
        return self.text(text)

    def number(self, x: float) -> str:
        return num(x, self.options.style)

    def front(self) -> list[str]:
        raise NotImplementedError

    def page(self, lines: list[str], rows: list[WorkedRow]) -> str:
        return "\n".join(lines) + "\n"

    def key_heading(self) -> list[str]:
        raise NotImplementedError

    def key_end(self) -> list[str]:
        return []

    def row_head(self, row: WorkedRow, index: int, options: PrintOptions, key: bool) -> list[str]:
        raise NotImplementedError

    def row_end(self, key: bool) -> list[str]:
        return []

    def step_head(self, view: StepView, options: PrintOptions) -> list[str]:
        """The step's title, its preamble and its weight table, in the format's order."""
        raise NotImplementedError

    def values(self, views: list[ItemView], options: PrintOptions) -> list[str]:
        """A run of results shown without their working."""
        raise NotImplementedError

    def sum(self, item_view: ItemView, view: StepView, options: PrintOptions) -> list[str]:
        raise NotImplementedError

    def chain(self, item_view: ItemView, view: StepView, options: PrintOptions) -> list[str]:
        raise NotImplementedError

    def items(self, lines: list[str]) -> list[str]:
        """A step's worked lines, as a block."""
        return lines

    def step_close(self, lines: list[str]) -> list[str]:
        return lines

    def decision_lines(self, rule: str, said: str, mismatch: str | None) -> list[str]:
        raise NotImplementedError

    def brief_value(self, item_view: ItemView, options: PrintOptions) -> str:
        """One number of a row in short (`text1_e1 ≈ −0.01762`, `… 2685 more`), as the format writes it."""
        raise NotImplementedError

    def brief_table(self, title: str, header: tuple, rows: list[tuple[str, str]]) -> list[str]:
        """The steps in short: `title` (free text) over a table of values (free text) and their numbers
        (already formatted)."""
        raise NotImplementedError
