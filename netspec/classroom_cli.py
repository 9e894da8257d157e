"""The classroom options of `netspec trace` (--audience, --key, --no-key, --lang, --variants, --seed) in, files out.

Kept out of cli.py so the command stays short: cli.py hands over the loaded spec and
how the rows were asked for; this module picks the rows (the spec's examples, --input,
a CSV file or N drawn variants), traces them with the plan, and writes the learner's
worksheet and its key (render/classroom.py) through the same atomic writer as every
printout. A misuse is a click.UsageError (exit 2), as on the rest of the command line.
"""

from __future__ import annotations

import os

import click

from netspec.render import SUFFIX_FORMATS


def teacher_key(key: str | None, no_key: bool, printout: dict) -> dict:
    """The teacher's printout: --blank MODE other than all, and --key without --blank, are refused by name."""
    if key and no_key:
        raise click.UsageError("--key FILE and --no-key cannot be combined: write the key to FILE, or leave it out")
    blank = printout.get("blank")
    if blank and blank != "all":
        raise click.UsageError(f"--blank {blank} works with --audience learner; the teacher's worksheet leaves "
                               "every worked number blank (--blank)")
    if (key or no_key) and not blank:
        raise click.UsageError(f"{'--key' if key else '--no-key'} is for a worksheet: give --blank too")
    if blank:
        printout["blank"] = True
    return {"key": "none" if (key or no_key) else "with"} if blank else {}


def learner_trace(checked, asked, fmt, output, digits, ascii, audience, key, no_key, lang, variants, seed,
                  printout: dict, pick_rows):
    """Trace the rows asked for and write the worksheet (and the key, with --key FILE)."""
    from netspec import compile_plan
    from netspec.outfile import write_atomic
    from netspec.render.classroom import LEARNER_FORMATS, Classroom, learner_printout
    from netspec.render.numbers import NumberStyle
    from netspec.run.runner import trace as trace_rows

    fmt = _format(fmt, output, LEARNER_FORMATS)
    _refuse(audience, key, no_key, variants, seed, printout, asked)
    if printout.get("interactive") and (fmt != "html" or no_key or key):
        raise click.UsageError("--interactive is an HTML worksheet that holds its own key to check the answers: "
                               "give --format html, and no --key or --no-key")
    rows = _variants(checked, variants, seed) if variants else pick_rows(checked, *asked)
    traced = trace_rows(compile_plan(checked), rows.values, rows.ids)
    classroom = Classroom(printout.get("blank") or "all", lang, printout.get("paper") or "a4",
                          "apart" if key else "none" if no_key or printout.get("interactive") else "with",
                          bool(printout.get("interactive")))
    sheet, answers = learner_printout(traced, fmt, NumberStyle(digits, ascii), classroom)
    read = checked.read_files
    if answers is not None:
        write_atomic(key, answers, read)
    if output:
        write_atomic(output, sheet, read)
    else:
        click.echo(sheet, nl=False)


def _refuse(audience, key, no_key, variants, seed, printout: dict, asked):
    if audience != "learner":
        raise click.UsageError("--variants is for a learner's worksheet: give --audience learner too")
    if key and no_key:
        raise click.UsageError("--key FILE and --no-key cannot be combined: write the key to FILE, or leave it out")
    for name in ("focus", "detail", "label_terms"):
        if printout.get(name):
            raise click.UsageError(f"--{name.replace('_', '-')} is for the teacher's printout; a learner's "
                                   "worksheet shows every step")
    if seed is not None and not variants:
        raise click.UsageError("--seed picks the inputs of --variants N: give --variants too")
    if variants and any(asked[:3]):
        raise click.UsageError("--variants draws the inputs: give no --input, --csv or --example with it")


def _variants(checked, count: int, seed: int | None):
    from netspec.run.variants import variant_rows

    return variant_rows(checked, count, 1 if seed is None else seed)


def _format(fmt: str | None, output: str | None, choices) -> str:
    if fmt is None:
        fmt = SUFFIX_FORMATS.get(os.path.splitext(output or "")[1].lower(), "text")
    if fmt not in choices:
        raise click.UsageError(f"a learner's worksheet is written as {' or '.join(choices)}, not {fmt}: "
                               "give --format html (for printing) or --format text")
    return fmt


def grade_answers(checked, answers_path, asked, variants, seed, blank, tolerance, fmt, lang, digits, ascii,
                  pick_rows) -> str:
    """The worksheets made again from the spec (the same rows, --blank mode and box numbers), the answers marked."""
    from netspec import compile_plan
    from netspec.render.grade import grade, render_grade
    from netspec.render.numbers import NumberStyle
    from netspec.render.sheet import sheets
    from netspec.render.words import Words
    from netspec.run.answers import read_answers
    from netspec.run.runner import trace as trace_rows

    if seed is not None and not variants:
        raise click.UsageError("--seed picks the inputs of --variants N: give --variants too")
    if variants and any(asked[:3]):
        raise click.UsageError("--variants draws the inputs: give no --input, --csv or --example with it")
    rows = _variants(checked, variants, seed) if variants else pick_rows(checked, *asked)
    made = sheets(trace_rows(compile_plan(checked), rows.values, rows.ids), blank)
    marks = grade(made, read_answers(answers_path), tolerance)
    return render_grade(marks, fmt, tolerance, Words(lang), NumberStyle(digits, ascii))
