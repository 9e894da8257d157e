"""A trace and the classroom options in, the learner's worksheet and its answer key out, as text.

`netspec trace --audience learner` comes here (the teacher's printout is render_trace_as).
The key is placed as `key` says: "with" (after the sheets, each sheet's key on a new
page), "none" (left out: the worksheet then holds no answer at all) or "apart" (returned
on its own, for `--key FILE`).
"""

from __future__ import annotations

from netspec.render.numbers import NumberStyle
from netspec.render.sheet import sheets
from netspec.render.words import Words
from netspec.records import record

LEARNER_FORMATS = ("html", "text")
KEYS = ("with", "none", "apart")


@record
class Classroom:
    """How a learner's worksheet is made: which numbers are boxes, the language, the paper, where the key goes."""

    blank: str = "all"
    lang: str = "en"
    paper: str = "a4"
    key: str = "with"
    interactive: bool = False  # html: a box to type in for each answer, checked in the page against the key


def learner_printout(trace, fmt: str, style: NumberStyle, classroom: Classroom = Classroom()) -> tuple[str, str | None]:
    """(the worksheet, the key on its own or None)."""
    if fmt not in LEARNER_FORMATS:
        raise ValueError(f"a learner's worksheet is written as {', '.join(LEARNER_FORMATS)}, not {fmt!r}")
    made = sheets(trace, classroom.blank, classroom.lang)
    words = Words(classroom.lang)
    title = trace.spec.description or trace.spec.name
    if fmt == "html":
        from netspec.render.sheet_html import render_sheets

        def write(sheet: bool, key: bool) -> str:
            return render_sheets(made, style, words, title, sheet=sheet, key=key, paper=classroom.paper,
                                 interactive=classroom.interactive)
    else:
        from netspec.render.sheet_text import render_sheets_text

        def write(sheet: bool, key: bool) -> str:
            return render_sheets_text(made, style, words, title, sheet=sheet, key=key)
    if classroom.key == "apart":
        return write(True, False), write(False, True)
    return write(True, classroom.key == "with"), None
