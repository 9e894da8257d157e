"""Command line in, exit code out: `netspec run | check | trace | draw | generate | train | tidy | grade | serve | export | import | examples`; with classroom_cli.py and lazygroup.py the only importers of click.

Each command imports only what it needs, inside its own function: this module's top imports
click and the base modules alone (no NumPy, no Lark, no stage of the pipeline), and each
command's options are made only when that command is used (netspec/lazygroup.py), so `netspec
--help` costs little more than click, and tests/test_startup.py holds every command to it.
Every NetspecError is caught in one place and printed as a diagnostic (exit 1); click
reports command-line misuse itself (exit 2); nothing else ever shows a traceback.
"""

from __future__ import annotations

import errno
import functools
import os
import sys

import click

from netspec.lazygroup import LazyGroup, argument, option
from netspec.version import __version__
from netspec.limits import MAX_GENERATE_STEPS
from netspec.render import SUFFIX_FORMATS

FORMATS_RUN = ["text", "json", "csv"]
FORMATS_TRACE = ["text", "md", "json", "html", "tex"]
FORMATS_GENERATE = ["text", "json"]
DETAILS = ["summary", "layer", "neuron", "scalar"]
OUTPUT_HELP = "Write to FILE (whole or not at all) instead of the screen; `-` is the screen."


def _format_help(choices: list[str]) -> str:
    suffixes = [suffix for suffix, name in SUFFIX_FORMATS.items() if name in choices and name != "text"]
    return f"[default: text, or what -o FILE's suffix names: {', '.join(suffixes)}]"  # netspec/render/view.py says what each shows


def _complete_file(ctx, param, incomplete):
    """A file name goes here: the shell completes it from the folder (`_NETSPEC_COMPLETE=bash_source netspec`)."""
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="file")]


def _complete_dir(ctx, param, incomplete):
    """A folder name goes here: the shell completes it from the folders it sees."""
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="dir")]


def _input_options(command):
    command = option("--example", "example", metavar="NAME", multiple=True,
                           help="Use the spec's example NAME; repeat for several.")(command)
    command = option("--csv", "csv_path", metavar="FILE", shell_complete=_complete_file,
                           help="Rows of inputs; the header names the inputs (`-`: standard input).")(command)
    command = option("--input", "-i", "assignments", multiple=True, metavar="NAME=VALUE",
                           help="One input value; repeat for each input.")(command)
    return command


def _number_options(command):
    command = option("--ascii", is_flag=True, help="Numbers with an ASCII minus (-) and ~ for rounded (labels and rules are unchanged).")(command)
    command = option("--digits", type=_Whole(1, 15), default=5, show_default=True,
                           help="Decimal places shown.")(command)
    return command


def _printout_options(command):
    """--detail, --focus, --blank, --label-terms, --paper: how `trace` lays out a printout."""
    command = option("--paper", type=click.Choice(["a4", "letter"]), default=None,
                           help="Page size for html and tex (default a4).")(command)
    command = option("--label-terms", is_flag=True,
                           help="tex: name each product's weight under it (\\underbrace).")(command)
    command = option("--blank", type=click.Choice(["products", "sums", "outputs", "all"]), is_flag=False,
                           flag_value="all", default=None, help="A worksheet: worked numbers left as empty boxes "
                           "(learner: which ones; default all), the answer key at the end.")(command)
    command = option("--focus", metavar="ADDRESS",
                           help="Expand one value (hidden.h1, W1[G,h1], hidden) fully; summarise the rest.")(command)
    return option("--detail", type=click.Choice(DETAILS), default=None,
                        help="summary, layer, neuron (default) or scalar (every term).")(command)


def _classroom_options(command):
    """--audience, --key, --no-key, --lang, --variants: worksheets for a class (netspec/classroom_cli.py).

    Their --seed is the one of _training_options, which `trace` takes too: one seed draws the
    variants' inputs or a train step's random weights."""
    command = option("--variants", type=_Whole(min=1), default=None, metavar="N",
                           help="learner: N worksheets, inputs drawn from the spec's ranges, each with its key.")(command)
    command = option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                           help="Language of the fixed words (labels and sentences of the spec stay as written).")(command)
    command = option("--no-key", is_flag=True, help="Leave the answer key out of a worksheet.")(command)
    command = option("--interactive", is_flag=True,
                           help="html: a learner's worksheet that checks the answers typed in it, offline.")(command)
    command = option("--key", metavar="FILE", help="Write a worksheet's answer key to FILE instead.")(command)
    return option("--audience", type=click.Choice(["teacher", "learner"]), default="teacher",
                        show_default=True, help="learner: a worksheet in plain words, boxes to write in.")(command)


def _given(value) -> str:
    return "" if value is True else f" {value}"


class _Size(click.ParamType):
    """A memory size such as 512MB or 8G."""

    name = "SIZE"

    def convert(self, value, param, ctx):
        from netspec.limits import parse_size

        size = parse_size(str(value))
        if size is None:
            self.fail(f"{value!r} is not a size; write it like 512MB or 8GB", param, ctx)
        return size


class _Whole(click.IntRange):
    """A whole number in a range, written with the digits 0 to 9: int() alone would read ２ as 2."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.isascii():
            raise click.BadParameter(f"{value!r} is not a whole number written with the digits 0 to 9", ctx, param)
        return super().convert(value, param, ctx)


TRAINING = {"loss": "l1", "optimizer": "sgd", "lr": 0.01, "seed": 0, "init": "keep"}  # the defaults


def _training_options(command):
    """--loss, --optimizer, --lr, --seed, --init and --freeze: how `train` trains and `trace --train-step` steps."""
    command = option("--freeze", multiple=True, metavar="NAME",
                           help="Leave the table NAME as it is; repeat for several.")(command)
    command = option("--init", type=click.Choice(["keep", "random"]), default=None,
                           help="Start from the spec's numbers (keep, the default), or random ones "
                                "(±1/√rows, biases 0).")(command)
    command = option("--seed", type=_Whole(min=0), default=None, metavar="N",
                           help="For --init random and the shuffling of mini-batches (default 0); "
                                "for trace --variants, the inputs' draw (default 1).")(command)
    command = option("--lr", type=click.FloatRange(min=0, min_open=True), default=None, metavar="LR",
                           help="Learning rate: how far each step moves (default 0.01).")(command)
    command = option("--optimizer", type=click.Choice(["sgd", "adam"]), default=None,
                           help="sgd (the default): w − lr·g; adam: PyTorch's Adam (betas 0.9, 0.999; eps 1e-8).")(command)
    return option("--loss", type=click.Choice(["l1", "mse", "cross-entropy"]), default=None,
                        help="l1 (the default, the article's): per row Σ|wanted − got|, averaged over rows; mse: the "
                             "mean of every (wanted − got)²; cross-entropy: on the softmax of the outputs, or on the "
                             "outputs themselves when the spec already ends in softmax (or divide_by_sum).")(command)


def _settings(freeze=(), **given):
    from netspec.train.trainer import Settings

    chosen = {name: TRAINING[name] if given.get(name) is None else given[name] for name in TRAINING}
    rest = {name: value for name, value in given.items() if name not in TRAINING}
    return Settings(**chosen, **rest, freeze=tuple(freeze))


def _safety_options(command):
    """--allow-outside, --max-memory, --max-steps and --max-printout, kept in the click context for _load_spec;
    and --quiet, for _note and _progress_bar."""

    @functools.wraps(command)
    def with_limits(*args, allow_outside, max_memory, max_steps, max_printout, quiet, **kwargs):
        from netspec.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_PRINTOUT, DEFAULT_MAX_STEPS, Limits

        limits = Limits(max_memory if max_memory is not None else DEFAULT_MAX_BYTES, allow_outside,
                        max_steps if max_steps is not None else DEFAULT_MAX_STEPS,
                        max_printout if max_printout is not None else DEFAULT_MAX_PRINTOUT)
        click.get_current_context().meta["netspec.limits"] = limits
        click.get_current_context().meta["netspec.quiet"] = quiet
        return command(*args, **kwargs)

    with_limits = option("--quiet", "-q", is_flag=True,
                               help="No notes and no progress bar on stderr; errors are still shown.")(with_limits)
    with_limits = option("--max-printout", type=_Size(), default=None, metavar="SIZE",
                               help="Largest printout (trace, drawing, results), estimated before it is made "
                                    "(default 50MB).")(with_limits)
    with_limits = option("--max-steps", type=_Whole(min=1), default=None, metavar="N",
                               help="Most steps, and most tables, once `repeat` blocks are written out "
                                    "(default 2,000).")(with_limits)
    with_limits = option("--max-memory", type=_Size(), default=None, metavar="SIZE",
                               help="Most memory the spec's tensors, and one run or trace of its rows, may take "
                                    "(default 4GB).")(with_limits)
    return option("--allow-outside", is_flag=True,
                        help="Let the spec read weight files outside its own folder.")(with_limits)


def _load_spec(spec):
    """load_spec with the limits given on the command line; `-` reads the spec from standard input."""
    from netspec import load_spec

    if spec == "-":
        from netspec.clitools import read_spec

        return read_spec(_limits())
    return load_spec(spec, _limits())


def _note(text: str):
    """A note on stderr (why a printout was shortened, what --set changed), unless --quiet."""
    if not click.get_current_context().meta.get("netspec.quiet"):
        from netspec.terminal import colour_wanted, paint

        click.echo(paint("note:", "note", colour_wanted(sys.stderr)) + f" {text}", err=True)


def _progress_bar(label: str, total: int | None = None, unit: str = "rows"):
    """A progress bar on stderr (netspec/progress.py): at a terminal, after a second of work, unless --quiet."""
    from netspec.progress import Progress

    return Progress(label, total, unit, enabled=not click.get_current_context().meta.get("netspec.quiet"))


def _set_option(command):
    return option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                        help="What if: change one weight (W1[G,h1]=0.3, a bias b1[h1]=0.1) or give an input "
                             "one value in every row (R=40); repeat for several. The file is unchanged.")(command)


def _with_sets(checked, sets):
    """The spec with --set's weights changed (each said in a note), and the inputs it sets."""
    from netspec.run.sets import apply_sets

    checked, inputs = apply_sets(checked, list(sets))
    for change in checked.changes:
        _note(f"--set: {change}")
    return checked, inputs


def _limits():
    """The limits given on the command line (netspec/limits.py), the defaults where none were given."""
    from netspec.limits import Limits

    return click.get_current_context().meta.get("netspec.limits") or Limits()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, message="netspec %(version)s", help="Show the version and exit.")
def cli():
    """netspec: a neural network written as a readable .net file, run and worked out by hand."""


@cli.command()
@argument("spec", metavar="SPEC", shell_complete=_complete_file)
@_safety_options
@_input_options
@option("--format", "fmt", type=click.Choice(FORMATS_RUN), default=None, help=_format_help(FORMATS_RUN))
@option("-o", "--output", metavar="FILE", shell_complete=_complete_file, help=OUTPUT_HELP)
@option("--dtype", type=click.Choice(["float64", "float32"]), default=None,
              help="Compute in float32 (faster on wide layers, some 7 digits) or float64 "
                   "[default: the spec's `dtype` line, else float64].")
@_set_option
@_number_options
def run(spec, assignments, csv_path, example, fmt, output, dtype, sets, digits, ascii):
    """Run SPEC on --input values, a --csv file, or (with neither) its own examples."""
    from netspec import compile_plan
    from netspec.render.numbers import NumberStyle
    from netspec.render.results import render_results
    from netspec.run.runner import run as run_rows
    from netspec.run.sets import set_inputs

    fmt = _format(fmt, output, FORMATS_RUN, lines=True)
    _one_stdin(spec, csv_path)
    checked, set_values = _with_sets(_load_spec(spec), sets)
    if csv_path and not (assignments or example):
        if set_values:
            raise click.UsageError(f"--set {next(iter(set_values))}=... gives an input one value, which a streamed "
                                   "--csv run does not take: change the column in the file, or trace one --row")
        return _run_csv(checked, csv_path, fmt, NumberStyle(digits, ascii), output, dtype)
    rows = set_inputs(checked, _rows(checked, assignments, csv_path, example), set_values)
    _results_fit(checked, len(rows.values))
    result = run_rows(compile_plan(checked, dtype), rows.values, rows.ids, exact=True)  # float64: the same everywhere
    _emit(render_results(checked, rows, result, fmt, NumberStyle(digits, ascii)), output, _read(checked, csv_path))


def _results_fit(checked, rows: int):
    """The results of rows held at once (not a streamed CSV) are a printout: refused over --max-printout."""
    from netspec.check.cost import printout_fits, row_text_bytes

    printout_fits(checked.cost, rows * row_text_bytes(checked), f"the results of {rows:,} row{'s' * (rows != 1)}",
                  "run fewer rows, or write the `say` sentence shorter")


def _run_csv(checked, csv_path, fmt, style, output, dtype=None):
    """A CSV of any size, streamed: see netspec/run/batch.py for why nothing is half-written."""
    from netspec import compile_plan
    from netspec.run.batch import run_csv
    from netspec.render.results import chunk_writer

    plan, show = compile_plan(checked, dtype), chunk_writer(checked, fmt, style)
    limits, per_row = _limits(), fmt == "json"  # JSON repeats the sentence on every row
    with _progress_bar("running") as progress:
        if output and output != "-":
            from netspec.outfile import atomic_stream

            with atomic_stream(output, _read(checked, csv_path)) as stream:
                run_csv(checked, plan, csv_path, show, stream.write, atomic_target=True, limits=limits,
                        sentence_per_row=per_row, progress=progress)
        else:
            run_csv(checked, plan, csv_path, show, lambda text: click.echo(text, nl=False), atomic_target=False,
                    limits=limits, sentence_per_row=per_row, progress=progress)


@cli.command()
@argument("spec", metavar="SPEC", shell_complete=_complete_file)
@_safety_options
@option("--dump", type=click.Choice(["ast", "plan"]), help="Print a stage of the pipeline instead.")
@option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one document with every diagnostic (file, line, column, end, code, message, hint) "
                   "and each example's result, on stdout, whatever the outcome.")
@_number_options
def check(spec, dump, fmt, digits, ascii):
    """Check SPEC: names, shapes and meanings, then its examples. Exit 1 on any failure."""
    if dump == "ast":
        return _dump_ast(spec)
    if fmt == "json":
        from netspec.clitools import check_json

        return check_json(spec, _load_spec)
    from netspec import compile_plan
    from netspec.errors import ExampleFailure
    from netspec.run.examples import verify_examples
    from netspec.render.numbers import NumberStyle
    from netspec.render.report import render_check

    checked = _load_spec(spec)
    plan = compile_plan(checked)
    if dump == "plan":
        return click.echo(repr(plan))
    style = NumberStyle(digits, ascii)
    results = verify_examples(checked, plan)
    click.echo(render_check(checked, results, style), nl=False)
    failed = [r for r in results if not r.ok]
    if failed:
        raise ExampleFailure(f"{len(failed)} of {len(results)} examples failed", failed[0].span,
                             hint="fix the weights, or the example if the article's numbers were rounded", code="NS601")


@cli.command()
@argument("spec", metavar="SPEC", shell_complete=_complete_file)
@_safety_options
@_input_options
@option("--row", type=_Whole(min=1), metavar="N", help="With --csv or --data: trace only data row N.")
@option("--format", "fmt", type=click.Choice(FORMATS_TRACE), default=None, help=_format_help(FORMATS_TRACE))
@option("-o", "--output", metavar="FILE", shell_complete=_complete_file, help=OUTPUT_HELP)
@_set_option
@option("--terms", type=_Whole(min=0), default=8, show_default=True,
              help="Sums longer than this show 3 terms, the last and a count; 0 shows every term.")
@option("--train-step", is_flag=True,
              help="One training step on a --data row (row 1, or --row N): the forward pass, the loss term by term, "
                   "the chain rule per weight and each update w − lr·g.")
@option("--data", "data_path", metavar="FILE.csv", shell_complete=_complete_file, help="With --train-step: training rows, as `netspec train` reads them.")
@_training_options
@_printout_options
@_classroom_options
@_number_options
def trace(spec, assignments, csv_path, example, row, fmt, output, sets, terms, digits, ascii, train_step, data_path,
          loss, optimizer, lr, seed, init, freeze, audience, key, no_key, lang, variants, interactive, **printout):
    """Print the worked calculation of SPEC: every product, every sum, the decision."""
    from netspec import compile_plan
    from netspec.classroom_cli import learner_trace, teacher_key

    if audience == "learner" or variants or interactive:
        printout["interactive"] = interactive
        return learner_trace(_load_spec(spec), (assignments, csv_path, example, row), fmt, output, digits, ascii,
                             "learner" if interactive else audience, key, no_key, lang, variants, seed, printout, _rows)
    from netspec.render import formats_taking, refused, render_trace_as
    from netspec.render.numbers import NumberStyle
    from netspec.render.shorten import shortened
    from netspec.run.runner import trace as trace_rows
    from netspec.run.sets import set_inputs

    fmt = _format(fmt, output, FORMATS_TRACE)
    for name in refused(fmt, **printout):
        others = ", ".join(f for f in formats_taking(name) if f != fmt)
        raise click.UsageError(f"--{name.replace('_', '-')}{_given(printout[name])} does not apply to --format {fmt}; "
                               f"it works with --format {others}")
    printout = {name: value for name, value in printout.items() if value}
    training = {"loss": loss, "optimizer": optimizer, "lr": lr, "seed": seed, "init": init}
    if train_step or data_path:
        return _trace_train_step(spec, assignments, csv_path, example, row, fmt, output, terms, NumberStyle(digits, ascii),
                                 data_path, train_step, _settings(freeze, **training), printout)
    given = [f"--{name}" for name, value in training.items() if value is not None] + (["--freeze"] if freeze else [])
    if given:
        raise click.UsageError(f"{', '.join(given)} only apply with --train-step")
    printout.update(teacher_key(key, no_key, printout), lang=lang)
    _one_stdin(spec, csv_path)
    checked, set_values = _with_sets(_load_spec(spec), sets)
    rows = set_inputs(checked, _rows(checked, assignments, csv_path, example, row), set_values)
    printout, notes = shortened(checked, fmt, len(rows.values), terms, printout)
    for note in notes:
        _note(note)
    plan = compile_plan(checked)
    style = NumberStyle(digits, ascii)
    with _progress_bar(f"tracing {len(rows.values):,} row{'s' * (len(rows.values) != 1)}", len(plan.steps),
                       "steps") as progress:
        traced = trace_rows(plan, rows.values, rows.ids, progress, _worked(checked, fmt, style, terms, printout))
        progress.relabel("writing out", len(rows.values), "rows")  # the printers tick a row at a time
        answers = render_trace_as(fmt, traced, style, terms, **{**printout, "key": "only"}) \
            if key and printout.get("blank") else None
        text = render_trace_as(fmt, traced, style, terms, **printout)
    if answers is not None:
        _emit(answers, key, _read(checked, csv_path))
    _emit(text, output, _read(checked, csv_path))


def _worked(checked, fmt, style, terms, printout) -> set[str] | None:
    from netspec.render.shorten import worked_steps_of
    from netspec.render.view import PrintOptions

    return worked_steps_of(checked, fmt, PrintOptions(style, terms, **printout))


def _trace_train_step(spec, assignments, csv_path, example, row, fmt, output, terms, style, data_path, train_step,
                      settings, printout):
    """`trace --train-step --data FILE.csv`: one row's training step, in any printout format."""
    from netspec.render import render_trace_as
    from netspec.train.session import prepare
    from netspec.train.steptrace import train_step_trace

    if not (train_step and data_path):
        raise click.UsageError("--train-step and --data go together: the step trains on a row of the data")
    if assignments or csv_path or example:
        raise click.UsageError("--train-step takes its row from --data (and --row N), not --input, --csv or --example")
    checked = _load_spec(spec)
    plan, data, _ = prepare(checked, data_path, settings)
    if row is not None and row > len(data.inputs):
        from netspec.errors import InputError

        raise InputError(f"--row {row}: {data_path} has {len(data.inputs)} rows", code="NS313")
    printout = _large_default(checked, fmt, printout)
    traced = train_step_trace(plan, data, (row or 1) - 1, settings)
    _emit(render_trace_as(fmt, traced, style, terms, **printout), output, _read(checked, data_path))


def _large_default(checked, fmt: str, printout: dict) -> dict:
    """A large network, traced without --focus or --detail: its output in full, the rest in short (said on stderr)."""
    from netspec.render.view import is_large, large_network_note

    if fmt == "json" or "focus" in printout or "detail" in printout or "blank" in printout or not is_large(checked):
        return printout
    _note(large_network_note(checked))
    return {**printout, "focus": checked.output}


@cli.command()
@argument("spec", metavar="SPEC", shell_complete=_complete_file)
@_safety_options
@_input_options
@option("--row", type=_Whole(min=1), metavar="N", help="With --csv: draw data row N.")
@option("-o", "--output", metavar="FILE.svg", shell_complete=_complete_file, help="Write to FILE (whole or not at all) instead of the screen.")
@option("--focus", metavar="ADDRESS", help="Highlight one neuron (hidden.h1) or weight (W1[G,h1]).")
@option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the drawing's own words (legend, decision); the spec's words stay as written.")
@_set_option
@_number_options
def draw(spec, assignments, csv_path, example, row, output, focus, lang, sets, digits, ascii):
    """Draw SPEC as SVG: the weights on the edges and, when inputs are given, every value."""
    from netspec import compile_plan
    from netspec.render.diagram import render_drawing
    from netspec.render.numbers import NumberStyle
    from netspec.render.view import PrintOptions
    from netspec.run.runner import trace as trace_rows
    from netspec.run.sets import set_inputs

    _one_stdin(spec, csv_path)
    checked, set_values = _with_sets(_load_spec(spec), sets)
    options = PrintOptions(NumberStyle(digits, ascii), focus=focus, lang=lang)
    traced = None
    if assignments or csv_path or example or set_values:
        rows = set_inputs(checked, _rows(checked, assignments, csv_path, example, row), set_values)
        if len(rows.values) > 1:
            raise click.UsageError("a drawing shows one row; pick one with --row N")
        traced = trace_rows(compile_plan(checked), rows.values, rows.ids)
    _emit(render_drawing(checked, options, traced), output, _read(checked, csv_path))


@cli.command()
@argument("spec", metavar="SPEC", shell_complete=_complete_file)
@_safety_options
@option("--text", "-t", "text", required=True, metavar="TEXT",
              help="The starting window: exactly as many tokens as the spec's text input takes.")
@option("--steps", type=_Whole(1, MAX_GENERATE_STEPS), default=15, show_default=True,
              help=f"Tokens to add, one per run of the network (at most {MAX_GENERATE_STEPS:,}).")
@option("--max-operations", type=_Whole(min=1), default=None, metavar="N",
              help="Most operations all the steps together may do, counted before the first "
                   "(default 100,000,000,000: some five minutes).")
@option("--sample", is_flag=True, help="Draw each token by its probability instead of taking the largest output.")
@option("--temperature", type=click.FloatRange(min=0, min_open=True), default=None, metavar="T",
              help="With --sample: probabilities = softmax(outputs / T); below 1 sharper, above 1 flatter (default 1).")
@option("--seed", type=_Whole(min=0), default=None, metavar="N",
              help="With --sample: the random seed, so a run can be repeated (default: one picked and printed).")
@option("--top-k", "top_k", type=_Whole(min=1), default=None, metavar="K",
              help="With --sample: draw only among the K likeliest tokens.")
@option("--dtype", type=click.Choice(["float64", "float32"]), default=None,
              help="float32: the fast kernels in float32, some four times as fast a token, some 7 digits; float64: "
                   "an article's model by the exact arithmetic, the same on every machine [default: the spec's "
                   "`dtype` line, else float64].")
@option("--format", "fmt", type=click.Choice(FORMATS_GENERATE), default=None, help=_format_help(FORMATS_GENERATE))
@option("-o", "--output", metavar="FILE", shell_complete=_complete_file, help=OUTPUT_HELP)
@_number_options
def generate(spec, text, steps, max_operations, sample, temperature, seed, top_k, dtype, fmt, output, digits,
             ascii):
    """Continue --text with SPEC's network, one token per step: the window slides along."""
    from netspec.run.generation import generate as continue_text
    from netspec.render.generation import render_generation
    from netspec.render.numbers import NumberStyle

    fmt = _format(fmt, output, FORMATS_GENERATE)
    given = [name for name, value in (("--temperature", temperature), ("--seed", seed), ("--top-k", top_k))
             if value is not None]
    if given and not sample:
        raise click.UsageError(f"{' and '.join(given)} only apply with --sample; greedy generation draws nothing")
    if max_operations is not None:
        from dataclasses import replace

        context = click.get_current_context()
        context.meta["netspec.limits"] = replace(_limits(), max_operations=max_operations)
    with _progress_bar("generating", steps, "tokens") as progress:
        generation = continue_text(_load_spec(spec), text, steps, sample, 1.0 if temperature is None else temperature,
                                   seed, top_k=top_k, progress=progress, dtype=dtype)
    _emit(render_generation(generation, fmt, NumberStyle(digits, ascii)), output, _read(generation.spec))


@cli.command()
@argument("spec", metavar="SPEC", shell_complete=_complete_file)
@_safety_options
@option("--data", "data_path", required=True, metavar="FILE.csv", shell_complete=_complete_file,
              help="Training rows: the inputs, and a `label` column or one column per output (its wanted number).")
@option("-o", "--output", metavar="OUT.net", shell_complete=_complete_file, help="The trained spec (weights from files go to OUT.safetensors).")
@option("--in-place", is_flag=True, help="Write the trained numbers into SPEC itself.")
@option("--epochs", type=_Whole(1, 10_000_000), default=100, show_default=True, help="Passes over the rows.")
@option("--batch-size", type=_Whole(min=1), default=None, metavar="N",
              help="Rows per step [default: all rows, one step per epoch]; smaller batches are shuffled each epoch.")
@option("--log", "log_path", metavar="FILE.jsonl", help='One line per epoch: {"epoch": n, "loss": x}.')
@option("--test", "test_path", metavar="FILE.csv",
              help="Held-out rows with labels, not trained on: their accuracy is reported after training.")
@_training_options
@option("--check-gradients", is_flag=True,
              help="Train nothing: compare the chain rule's gradients with the article's nudge, on the first batch.")
def train(spec, data_path, output, in_place, log_path, test_path, check_gradients, **settings):
    """Train SPEC's weights on --data rows and write the trained spec to -o OUT.net."""
    settings = _settings(**settings)
    checked = _load_spec(spec)
    if check_gradients:
        return _check_gradients(checked, data_path, settings)
    if bool(output) == in_place:
        raise click.UsageError("give -o OUT.net for the trained spec, or --in-place to write into SPEC itself")
    from netspec.files import identity_of
    from netspec.train.command import train_command

    out = spec if in_place else output
    reads = _read(checked, data_path) - ({identity_of(out)} if in_place else set())
    with _progress_bar("training", settings.epochs, "epochs") as bar:
        summary = train_command(checked, data_path, out, log_path, test_path, settings, reads, bar)
    click.echo(summary, nl=False)


def _check_gradients(checked, data_path, settings):
    from netspec.train.command import gradient_check

    text, agree = gradient_check(checked, data_path, settings)
    click.echo(text, nl=False)
    if not agree:
        sys.exit(1)


@cli.command()
@argument("worksheet", metavar="SPEC", shell_complete=_complete_file)
@argument("answers", metavar="ANSWERS.csv|json", shell_complete=_complete_file)
@_safety_options
@_input_options
@option("--variants", type=_Whole(min=1), default=None, metavar="N", help="The worksheets were --variants N.")
@option("--seed", type=_Whole(min=0), default=None, metavar="S", help="… drawn with --seed S (default 1).")
@option("--blank", type=click.Choice(["products", "sums", "outputs", "all"]), default="all", show_default=True,
              help="The --blank mode the worksheets were made with.")
@option("--tolerance", type=click.FloatRange(min=0), default=0.01, show_default=True,
              help="A number is right within this much of the true one.")
@option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default=None,
              help="[default: text, or what -o FILE's suffix names: .json, .csv]")
@option("-o", "--output", metavar="FILE", shell_complete=_complete_file, help="Write to FILE (whole or not at all) instead of the screen.")
@option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language of the report.")
@_number_options
def grade(worksheet, answers, assignments, csv_path, example, variants, seed, blank, tolerance, fmt, output, lang,
          digits, ascii):
    """Mark a learner's answers (box,answer) to the worksheet of SPEC, recomputed by the plan: per box and a score."""
    from netspec.classroom_cli import grade_answers

    checked = _load_spec(worksheet)
    text = grade_answers(checked, answers, (assignments, csv_path, example, None), variants, seed, blank, tolerance,
                         _format(fmt, output, ["text", "json", "csv"]), lang, digits, ascii, _rows)
    _emit(text, output, _read(checked, csv_path))


@cli.command()
@argument("spec", metavar="SPEC", shell_complete=_complete_file)
@_safety_options
@option("--port", type=_Whole(0, 65535), default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free one).")
@option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language of the page.")
@option("--tolerance", type=click.FloatRange(min=0), default=0.01, show_default=True,
              help="Worksheet mode: an answer is right within this much of the true number.")
def serve(spec, port, lang, tolerance):
    """Show SPEC's printout on http://127.0.0.1:PORT; change a number and the plan redoes it. Ctrl-C stops."""
    from netspec.serve import make_server

    try:
        server = make_server(_load_spec(spec), port, lang, tolerance)
    except OSError as error:
        raise click.UsageError(f"--port {port}: {error.strerror or error}; pick another port") from None
    click.echo(f"netspec serve: http://127.0.0.1:{server.server_address[1]}/  (Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command()
@argument("folder", metavar="DIR", shell_complete=_complete_dir)
def examples(folder):
    """Copy the example specs, their weight files and objects.csv into DIR, to try every command there.

    DIR is made if it does not exist; a file already there is never replaced (nothing is copied then).
    """
    from netspec.examplespecs import copy_examples

    files = copy_examples(folder)
    specs = sum(1 for name in files if name.suffix == ".net")
    import shlex

    leaf = shlex.quote(os.path.join(folder, "leaf.net"))
    click.echo(f"copied {len(files)} files into {folder}: {specs} specs and the files they read\n"
               f"try: netspec trace {leaf} --example leaf")


@cli.command()
@argument("specs", nargs=-1, required=True, metavar="SPEC...", shell_complete=_complete_file)
@option("--write", "-w", is_flag=True, help="Rewrite each SPEC that is not tidy (whole or not at all).")
@option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 naming each SPEC that is not tidy.")
@option("--diff", "diff", is_flag=True, help="Change nothing; print what tidying would change as a unified "
              "diff, exit 1 when a SPEC is not tidy.")
def tidy(specs, write, check_only, diff):
    """Lay SPEC out the tidy way: weight tables in columns, blocks indented, one space between words.

    Only spaces and blank lines change; the words, numbers and comments stay as written.
    Without --write, --check or --diff, prints the tidy text of one SPEC.
    """
    from netspec.lang.loader import read_source
    from netspec.lang.tidy import tidy as tidied, unified_diff

    if write + check_only + diff > 1:
        raise click.UsageError("--write changes files, --check and --diff change none: give one of them")
    if not (write or check_only or diff) and len(specs) > 1:
        raise click.UsageError("give one SPEC to print, or --write, --check or --diff for several")
    untidy = []
    for path in specs:
        source = read_source(path)
        text = tidied(source)
        if not (write or check_only or diff):
            return click.echo(text, nl=False)
        if text != source.text:
            untidy.append(path)
            if diff:
                click.echo(unified_diff(path, source.text, text), nl=False)
            if write:
                from netspec.outfile import write_atomic

                write_atomic(path, text)
    if diff:
        sys.exit(1 if untidy else 0)
    _tidy_report(untidy, len(specs), write)


def _tidy_report(untidy: list[str], count: int, written: bool):
    specs = f"{count} spec{'s' * (count != 1)}"
    if written:
        click.echo(f"tidied {len(untidy)} of {specs}" + "".join(f"\n  {path}" for path in untidy))
    elif untidy:
        click.echo("".join(f"{path}: not tidy\n" for path in untidy), err=True, nl=False)
        click.echo(f"{len(untidy)} of {specs} not tidy: `netspec tidy --write {' '.join(untidy)}` "
                   f"lays {'it' if len(untidy) == 1 else 'them'} out", err=True)
        sys.exit(1)
    else:
        click.echo(f"{specs} already tidy")


@cli.command()
@argument("spec", metavar="SPEC", shell_complete=_complete_file)
@_safety_options
@option("-o", "--output", required=True, metavar="FILE.onnx", shell_complete=_complete_file, help="The ONNX model to write (whole or not at all).")
@option("--dtype", type=click.Choice(["float64", "float32"]), default="float64", show_default=True,
              help="The numbers' type throughout the model.")
def export(spec, output, dtype):
    """Write SPEC as an ONNX model: inputs and outputs named after its labels, meanings as metadata."""
    from netspec.interop.onnx_export import export as write_onnx
    from netspec.run.plan import compile_plan

    checked = _load_spec(spec)
    plan = compile_plan(checked, dtype)  # a float32 model refuses a number float32 cannot hold (NS506)
    with _progress_bar("exporting", len(plan.steps), "steps"):
        size = write_onnx(plan, output, dtype, _read(checked))
    click.echo(f"wrote {output}: {checked.name}, {len(checked.steps)} steps, {dtype}, {size:,} bytes")


@cli.command("import")
@argument("source", metavar="MODEL", shell_complete=_complete_file)
@option("-o", "--output", required=True, metavar="FILE.net", shell_complete=_complete_file,
              help="The spec to write (whole or not at all); a Hugging Face model's inside its folder or above it.")
@option("--tokens", type=_Whole(min=1), default=None, metavar="N",
              help="A Hugging Face model's text length in tokens (default: the model's context limit).")
def import_(source, output, tokens):
    """Turn MODEL (an .onnx file, or a Hugging Face folder read by its own file names) into a readable .net spec."""
    from netspec.interop.importer import import_model

    for line in import_model(source, output, tokens):
        click.echo(line)


def _rows(checked, assignments, csv_path, example, row=None):
    from netspec.run import inputs

    given = [name for name, used in (("--input", assignments), ("--csv", csv_path), ("--example", example)) if used]
    if len(given) > 1:
        raise click.UsageError(f"give inputs one way: {' and '.join(given)} cannot be combined")
    if row is not None and not csv_path:
        raise click.UsageError("--row picks a row of the --csv file; give --csv FILE too")
    if assignments:
        return inputs.from_assignments(checked, list(assignments))
    if csv_path:
        rows = inputs.from_csv(checked, csv_path)
        return _pick_row(rows, row) if row else rows
    return inputs.from_examples(checked, example)


def _pick_row(rows, row):
    from netspec.errors import InputError
    from netspec.run.inputs import Rows

    if row > len(rows.values):
        raise InputError(f"--row {row}: the CSV file has {len(rows.values)} rows", code="NS313")
    return Rows(rows.values[row - 1: row], rows.ids[row - 1: row])


def _dump_ast(spec):
    from netspec.lang.loader import read_source
    from netspec.lang.parser import parse

    for statement in parse(read_source(spec)).statements:
        click.echo(repr(statement))


def _format(fmt: str | None, output: str | None, choices: list[str], lines: bool = False) -> str:
    """--format as given, else the one `-o report.html` names (`-o results.jsonl`: JSON Lines, for a
    command whose JSON is one line a row), else text; a suffix that names no format is an error."""
    if fmt is not None:
        return fmt
    suffix = os.path.splitext("" if output in (None, "-") else output)[1].lower()
    named = "json" if lines and suffix in (".jsonl", ".ndjson") else SUFFIX_FORMATS.get(suffix)
    if named is not None and named not in choices:
        raise click.UsageError(f"-o {output}: this command writes {', '.join(choices)}, not {suffix}; give --format")
    if suffix and named is None:
        known = sorted(s for s, name in SUFFIX_FORMATS.items() if name in choices) + ([".jsonl"] if lines else [])
        raise click.UsageError(f"-o {output}: {suffix} names no format this command writes (it knows "
                               f"{', '.join(known)}); give --format to write that file anyway")
    return named or "text"


def _one_stdin(spec: str, csv_path: str | None):
    if spec == "-" and csv_path == "-":
        raise click.UsageError("SPEC and --csv cannot both be read from standard input (-): save one as a file")


def _read(checked, csv_path: str | None = None) -> frozenset:
    """(device, inode) of every file the command reads: the spec, the specs it uses, its weight and
    vocabulary files, the CSV file. `-o` onto one of them is refused."""
    from netspec.files import identity_of

    csv = identity_of(csv_path) if csv_path and csv_path != "-" else None
    return checked.read_files | {csv} if csv else checked.read_files


def _emit(text: str, output: str | None, inputs: frozenset = frozenset()):
    """To -o FILE, written whole or not at all; to the screen without -o or with `-o -`."""
    if output and output != "-":
        from netspec.outfile import write_atomic

        write_atomic(output, text, inputs)
    else:
        click.echo(text, nl=False)


def _catch_signals() -> dict:
    """While a command runs, Ctrl-C, SIGTERM and SIGHUP unwind through netspec/outfile.py's handler,
    which removes a half-written -o file's temp file; the handlers they had, to put back."""
    import signal
    import threading

    from netspec.signals import stop

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        return {}
    wanted = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]
    return {signum: signal.signal(signum, stop) for signum in wanted
            if signal.getsignal(signum) not in (signal.SIG_IGN, None)}  # nohup's ignored SIGHUP stays ignored


def _restore_signals(previous: dict):
    import signal

    for signum, handler in previous.items():
        signal.signal(signum, handler)


def main(argv=None):
    """Entry point: run the click group, turning every failure into a message and an exit code."""
    previous = _catch_signals()
    try:
        _main(argv)
    finally:
        _restore_signals(previous)


def _main(argv):
    try:
        cli.main(args=argv, prog_name="netspec", standalone_mode=False)
        sys.stdout.flush()  # a full disk shows here, not in an unraisable error at exit
    except click.exceptions.Abort:
        sys.stderr.write("netspec: interrupted\n")
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except SystemExit:
        raise
    except BaseException as error:  # netspec.errors is imported only when something went wrong
        _failed(error)
    sys.exit(0)


def _failed(error: BaseException):
    """A NetspecError is printed as a diagnostic, a signal and a failed write said in a line; anything
    else is a bug in netspec, said plainly instead of a traceback."""
    from netspec.errors import NetspecError
    from netspec.signals import Stopped

    if isinstance(error, NetspecError):
        from netspec.diagnostics import format_error
        from netspec.terminal import colour_wanted

        sys.stdout.flush()
        sys.stderr.write(format_error(error, colour_wanted(sys.stderr)))
        sys.exit(error.exit_code)
    if isinstance(error, Stopped):
        import signal

        sys.stderr.write(f"netspec: stopped by {signal.Signals(error.signum).name}\n")
        sys.exit(128 + error.signum)
    if isinstance(error, BrokenPipeError):
        sys.stderr.close()
        sys.exit(1)
    if isinstance(error, OSError):
        if error.errno not in _WRITE_FAILURES:
            _internal_error(error)
        _drop_stdout()
        sys.stderr.write(f"netspec: could not write the output: {error.strerror}\n")
        sys.exit(1)
    if isinstance(error, ModuleNotFoundError):  # installed without its dependencies (copied, not pip-installed)
        if os.environ.get("NETSPEC_DEBUG"):
            raise error
        sys.stderr.write(f"netspec: the package {error.name!r} that netspec needs is not installed; install netspec "
                         "with pip (`pip install .` in its folder) so that its dependencies come with it\n")
        sys.exit(1)
    if not isinstance(error, Exception):  # KeyboardInterrupt and the like keep their own way out
        raise error
    _internal_error(error)


_WRITE_FAILURES = {errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}  # stdout: every
# file netspec reads or writes by name turns its OSError into a coded error first


def _internal_error(error: Exception):
    if os.environ.get("NETSPEC_DEBUG"):
        raise error
    sys.stderr.write(f"netspec: internal error: {type(error).__name__}: {error}\n"
                     "This is a bug in netspec, not in your spec; set NETSPEC_DEBUG=1 to see where it happened.\n")
    sys.exit(1)


def _drop_stdout():
    """Point standard output at the null device, so the text that could not be written is not tried
    again (and reported as an unraisable error) when Python exits."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # a test's stdout has no descriptor: nothing to drop
        pass
