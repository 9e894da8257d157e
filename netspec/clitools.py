"""The command line's pieces that are more than wiring: a spec read from standard input
(`netspec run -`), and `check --format json`'s one document whatever the outcome.

cli.py stays the place where options become calls; what those calls do lives here.
"""

from __future__ import annotations

import sys

STDIN_NAME = "<stdin>"


def read_spec(limits):
    """The spec text on standard input, checked as a file would be; errors name it `<stdin>`, and its
    weight files and a `use` are looked for in the current folder."""
    from netspec.check.checker import load_text
    from netspec.errors import InputError
    from netspec.limits import MAX_SPEC_BYTES

    stream = getattr(sys.stdin, "buffer", sys.stdin)
    data = stream.read(MAX_SPEC_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if len(data) > MAX_SPEC_BYTES:
        raise InputError(f"the spec on standard input is larger than {MAX_SPEC_BYTES:,} bytes", code="NS111",
                         hint="keep large tables in a weight file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the spec on standard input is not UTF-8 text", hint="save the spec as UTF-8 plain text",
                         code="NS112") from None
    return load_text(text, STDIN_NAME, limits)


def check_json(spec: str, load) -> None:
    """Check `spec` (with `load`, the command line's loader) and print one JSON document; exit 1 when
    anything is wrong, the diagnostics in the document rather than on stderr."""
    import click

    from netspec.errors import ExampleFailure, NetspecError
    from netspec.render.check_json import render_check_json
    from netspec.run.examples import verify_examples
    from netspec.run.plan import compile_plan

    shown = STDIN_NAME if spec == "-" else spec
    try:
        checked = load(spec)
        results = verify_examples(checked, compile_plan(checked))
    except NetspecError as error:
        click.echo(render_check_json(shown, error=error), nl=False)
        sys.exit(error.exit_code)
    failed = [r for r in results if not r.ok]
    error = None
    if failed:
        error = ExampleFailure(f"{len(failed)} of {len(results)} examples failed", failed[0].span, code="NS601",
                               hint="fix the weights, or the example if the article's numbers were rounded")
    click.echo(render_check_json(shown, checked, results, error), nl=False)
    if error is not None:
        sys.exit(error.exit_code)
