"""Trace in, a LaTeX document out (compiles with pdflatex): weight tables and aligned sums, for handouts.

Only packages of a basic TeX installation are used (amsmath, amssymb, geometry,
graphicx: Debian's texlive-latex-base). `--label-terms` writes each product as
\\underbrace{32\\cdot 0.1}_{W1[R,h1]}, naming its weight; `--blank` leaves the worked
numbers as empty boxes and puts the answer key on the last page.
"""

from __future__ import annotations

import re
from dataclasses import replace

from netspec.render.cells import BLANK, chain_stages, joined, preamble_parts, sum_cells, value_parts
from netspec.render.escape import free_char, tex_comment, tex_math, tex_text, visible
from netspec.render.numbers import num
from netspec.render.tex_cjk import with_cjk
from netspec.render.summary import folded_rows, network_line, number_header, provenance, summary_header, summary_rows
from netspec.render.pieces import input_rows, text_lines
from netspec.render.printer import Printer
from netspec.render.view import PrintOptions, StepView, value_chain
from netspec.render.worked import Gap, WorkedRow
from netspec.run.trace import Trace

BLANK_TEX = r"{\blank}"
LINE = 62  # characters of a sum's line before it continues on the next
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[%(paper)spaper,margin=18mm,headheight=14pt]{geometry}
\IfFileExists{lmodern.sty}{\usepackage[T1]{fontenc}\usepackage{lmodern}}{}
\usepackage[utf8]{inputenc}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\allowdisplaybreaks
\newcommand{\blank}{\ensuremath{\boxed{\rule{0pt}{1.7ex}\hspace{3.4em}}}}
\pagestyle{myheadings}
\markright{\footnotesize %(provenance)s}
\begin{document}
"""


def _name(label: str) -> str:
    """A label or address in math mode: \\text{W1[G,h1]}; e^Leaf becomes e^{\\text{Leaf}}."""
    if label.startswith("e^"):
        return r"e^{\text{" + tex_text(label[2:]) + "}}"
    return r"\text{" + tex_text(label) + "}"


def render_tex(trace: Trace, options: PrintOptions = PrintOptions()) -> str:
    return TexPrinter(trace, options).render()


class TexPrinter(Printer):
    """LaTeX's leaf hooks: sections, tabulars and align* blocks; free text through tex_text, numbers through tex_math."""

    BLANK = BLANK_TEX
    DECISION_BLANK = f"${BLANK_TEX}$"  # the decision is a text line: the box in math mode

    def __init__(self, trace: Trace, options: PrintOptions = PrintOptions()):
        super().__init__(trace, replace(options, style=replace(options.style, ascii=False)))  # LaTeX draws − and ≈

    def text(self, text: str) -> str:
        return tex_text(text)

    def front(self) -> list[str]:
        spec, options, words = self.spec, self.options, self.words
        header = number_header(options.style, words)
        lines = [f"% {tex_comment(provenance(spec))}", f"% {tex_comment(header)}",
                 PREAMBLE % {"paper": options.paper, "provenance": tex_text(provenance(spec))}]
        lines.append(r"\section*{" + tex_text(spec.name + (words("t.worksheet") if options.blank else "")) + "}")
        if spec.description:
            lines.append(tex_text(spec.description) + "\n")
        lines += [r"{\small " + tex_text(f"{provenance(spec)} · {header}") + "}\n",
                  r"\textbf{" + tex_text(words("t.network")) + "} " + tex_text(network_line(spec, words, self.in_brief))
                  + "\n"]
        rows = folded_rows(spec, words) if self.in_brief else summary_rows(spec, words)
        return lines + _tabular(summary_header(words), rows, "lllll")

    def page(self, lines: list[str], rows) -> str:
        return with_cjk("\n".join(lines + [r"\end{document}"]) + "\n")

    def key_heading(self) -> list[str]:
        return [r"\clearpage", r"\section*{" + tex_text(self.words("answer_key")) + "}"]

    def row_head(self, row: WorkedRow, index: int, options: PrintOptions, key: bool) -> list[str]:
        lines = [r"\subsection*{" + tex_text(self.words.row(row.row_id)) + "}"]
        lines += [piece for line in text_lines(row, self.spec, self.words) for piece in (tex_text(line), "")]
        header = tuple(self.words(f"t.col.{name}") for name in ("input", "value", "meaning"))
        return lines + _tabular(header, input_rows(row, self.spec, options.style, self.words), "lrl")

    def step_head(self, view: StepView, options: PrintOptions) -> list[str]:
        step = view.step
        lines = [r"\subsubsection*{\raggedright " + tex_text(self.words("step", n=step.number)) + r" $\cdot$ \texttt{"
                 + tex_text(step.title).replace(", ", r",\allowbreak{} ")
                 + r"} \hfill{\small\mdseries " + tex_text(step.where) + "}}"]
        lines += [self.parts(preamble_parts(p, options)) + "\n" for p in view.preamble]
        return lines + (_weight_table(view, options, self.words) if view.table else [])

    def values(self, views, options: PrintOptions) -> list[str]:
        per_line = _per_line(views)
        return [r"&" + r",\qquad ".join(_value(v, options, self.words) for v in views[k:k + per_line]) + r" \\"
                for k in range(0, len(views), per_line)]

    def sum(self, item_view, view: StepView, options: PrintOptions) -> list[str]:
        return _sum(item_view, view, options)

    def chain(self, item_view, view: StepView, options: PrintOptions) -> list[str]:
        return _chain(item_view, options)

    def items(self, lines: list[str]) -> list[str]:
        """The step's working as one align* block, its last line without the line break."""
        if not lines:
            return []
        return [r"\begin{align*}", *lines[:-1], lines[-1].removesuffix(r" \\"), r"\end{align*}"]

    def brief_value(self, item_view, options: PrintOptions) -> str:
        return "$" + _value(item_view, options, self.words) + "$"

    def brief_table(self, title: str, header: tuple, rows: list[tuple[str, str]]) -> list[str]:
        """A tabular in small type (a longtable needs a package beyond texlive-latex-base), shrunk to the page
        when its rows are wider."""
        head = " & ".join(r"\textbf{" + tex_text(h) + "}" for h in header) + r" \\"
        body = [r"\texttt{" + tex_text(value) + "} & " + numbers + r" \\" for value, numbers in rows]
        table = [r"\begin{tabular}{ll}", r"\hline", head, r"\hline", *body, r"\hline", r"\end{tabular}"]
        if max(len(value) + len(_shown_text(numbers)) for value, numbers in rows) > BRIEF_CHARACTERS:
            table = [r"\resizebox{\textwidth}{!}{%", *table, "}"]
        return [r"\subsubsection*{" + tex_text(title) + "}", r"{\footnotesize", *table, "}", ""]

    def decision_lines(self, rule: str, said: str, mismatch: str | None) -> list[str]:
        note = [r"$\times$ " + mismatch + "\n"] if mismatch else []
        return [r"\medskip", rule + r"\par", r"\textbf{" + said + "}\n", *note]


BRIEF_CHARACTERS = 100  # what a line of the page holds in \footnotesize (a row of tiny_gpt of 109 ran over)


def _shown_text(tex: str) -> str:
    """About the characters a cell of math shows: its commands and braces left out."""
    return re.sub(r"\\[a-zA-Z]+|[{}$\\]", "", tex)


PAGE_CHARACTERS = 90  # about what a line of an A4 or Letter page holds at 10pt, less the gaps between columns


def _tabular(header, rows, columns: str, size: str = "") -> list[str]:
    head = " & ".join(r"\textbf{" + tex_text(h) + "}" for h in header) + r" \\"
    body = [" & ".join(tex_text(str(c)) for c in row) + r" \\" for row in rows]
    table = [r"\begin{tabular}{" + columns + "}", r"\hline", head, r"\hline", *body, r"\hline", r"\end{tabular}"]
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    if sum(widths) + 3 * len(widths) > PAGE_CHARACTERS:  # a long operation or parameter list: shrunk to the page
        table = [r"\resizebox{\textwidth}{!}{%", *table, "}"]
    return [r"\begin{center}" + size, *table, r"\end{center}"]


def _per_line(views) -> int:
    """Results per line: four short ones (`h1 = −26.598`), fewer long ones (`text12_projected16 ≈ −0.75988`)."""
    longest = max(len(view.item.label) for view in views)
    return max(1, min(4, 64 // (longest + 14)))


def _math(parts: tuple) -> str:
    """Parts in math mode; joined first, so e^( … ) can be braced across them.

    A worksheet's boxes are full size even in an exponent, where the signs around them
    would be tiny: there `e^(□ − □)` is written on the line, as exp(□ − □).
    """
    gap = next((i for i, p in enumerate(parts) if isinstance(p, Gap)), None)
    if gap is not None:  # `… 380 more` between a long chain's terms: words, in text mode
        return _math(parts[:gap]) + r"\text{ " + tex_text(parts[gap]) + " }" + _math(parts[gap + 1:])
    blank = free_char(*(p for p in parts if p is not BLANK))  # no free text can hold it, so no text becomes a box
    text = tex_math(joined(parts, blank, visible), keep=blank)
    raised = rf"e\^(?:\{{(\([^{{}}]*{blank}[^{{}}]*\))\}}|{blank})"
    text = re.sub(raised, lambda m: r"\exp" + (m.group(1) or f"({blank})"), text)
    return text.replace(blank, BLANK_TEX)


def _value(item_view, options: PrintOptions, words) -> str:
    if item_view.gap:
        return r"\text{" + tex_text(words("t.more", n=item_view.gap)) + "}"
    chain = value_chain(item_view)
    sign, parts = value_parts(chain.stages[0][0], options)
    return f"{_name(chain.label)} {_relation(sign)} {_math(parts)}"


def _weight_table(view: StepView, options: PrintOptions, words) -> list[str]:
    """Input values beside the weights, one column per neuron, the results in the last row."""
    sums, style = view.sums, options.style
    header = (words("t.col.input"), words("t.col.value"), *(f"→ {s.label}" for s in sums))
    cell = lambda x: "$" + tex_math(num(x, style)) + "$"  # noqa: E731
    rows = [(tex_text(t.input), cell(t.x) if view.given_x or not options.blank else f"${BLANK_TEX}$",
             *(cell(s.terms[i].w) for s in sums)) for i, t in enumerate(sums[0].terms)]
    if sums[0].bias:
        rows.append((tex_text(words("t.bias")), "", *(cell(s.bias.value) for s in sums)))
    results = (tex_text(view.step.trace_step.name), "=",
               *(f"${BLANK_TEX}$" if options.blank else cell(s.total) for s in sums))
    head = " & ".join(r"\textbf{" + tex_text(h) + "}" for h in header) + r" \\"
    body = [" & ".join(r) + r" \\" for r in rows]
    table = [r"\begin{tabular}{lr|" + "r" * len(sums) + "}", r"\hline", head, r"\hline", *body, r"\hline",
             " & ".join(results) + r" \\", r"\hline", r"\end{tabular}"]
    if view.wide:
        table = [r"\resizebox{\textwidth}{!}{%", *table, "}"]
    return [r"\begin{center}", *table, r"\end{center}"]


def _sum(item_view, view: StepView, options: PrintOptions) -> list[str]:
    cells = sum_cells(item_view, view, options)
    numbers = [_math(p) if w else r"\text{" + tex_text(joined(p, "")) + "}"  # `… 12 more …` is words
               for p, w in zip(cells.numbers, cells.weights)]
    widths = [len(joined(p, "______")) for p in cells.numbers]
    if options.label_terms:
        numbers = [n if w is None else r"\underbrace{" + n + "}_{" + _name(w) + "}"
                   for n, w in zip(numbers, cells.weights)]
        widths = [max(a, len(w or "")) for a, w in zip(widths, cells.weights)]
        lines = _lines(_name(cells.label) + " &= ", numbers, widths)
    else:
        names = [r"\ldots" if n == "…" else _names(n) for n in cells.names]
        lines = _lines(_name(cells.label) + " &= ", names, [len(n) for n in cells.names])
        lines += _lines("&= ", numbers, widths)
    lines += _lines("&= ", [_math(p) for p in cells.products], [len(joined(p, "______")) for p in cells.products])
    sign, total, note = cells.total
    shown = BLANK_TEX if total is BLANK else r"\boxed{" + tex_math(total) + "}"
    note_tex = r"\quad\text{" + tex_text(note) + "}" if note else ""
    return lines + [f"&{_relation(sign)} {shown}{note_tex}" + r" \\"]


def _lines(head: str, terms: list[str], widths: list[int]) -> list[str]:
    """`head a + b + c \\`, continued on further lines (`&\\quad + d`) past LINE characters."""
    lines, current, used = [], [], 0
    for term, width in zip(terms, widths):
        if current and used + width > LINE:
            lines.append(" + ".join(current))
            current, used = [], 0
        current.append(term)
        used += width + 3
    lines.append(" + ".join(current))
    return [head + lines[0] + r" \\"] + [r"&\quad + " + line + r" \\" for line in lines[1:]]


def _relation(sign: str) -> str:
    return r"\approx" if sign == "≈" else sign


def _names(name: str) -> str:
    """`R·W1[R,h1]` → \\text{R}\\cdot\\text{W1[R,h1]}."""
    return r"\cdot ".join(_name(part) for part in name.split("·"))


def _chain(item_view, options: PrintOptions) -> list[str]:
    """`label = stage = stage`, on one line of the align block; a chain longer than LINE characters (the
    square root of 384 squares, even elided) gives each stage after the first a line of its own."""
    item = item_view.item
    stages = [(sign, parts) for sign, parts in chain_stages(item, options)]
    written = [f"{_relation(sign)} {_math(parts)}" for sign, parts in stages]
    if len(stages) < 2 or sum(len("".join(str(p) for p in parts)) + 3 for _, parts in stages) <= LINE:
        return [f"{_name(item.label)} &{' '.join(written)}" + r" \\"]
    return [f"{_name(item.label)} &{written[0]}" + r" \\", *(f"&{stage}" + r" \\" for stage in written[1:])]
