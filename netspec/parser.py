"""Spec text in, nodes.Spec out; every Lark error becomes a SpecSyntaxError in plain words.

This is the only module that imports lark.exceptions: Lark's token names (`LSQB`,
`$END`, `__ANON_0`) never reach the user.
"""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from netspec import nodes
from netspec.errors import NetspecError, SpecSyntaxError
from netspec.grammar import lark_parser
from netspec.source import Source, Span

TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a "quoted text"',
    "ARROW": "'->'",
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "_AS": "'as'",
    "_LABELS": "'labels'",
}

# Common mistakes, each a label with snippets that make the parser stop in the same state.
MISTAKES = {
    "a weight table needs a row of column labels first, then one row of numbers per input": [
        "weights W:\n 1 2\n",
    ],
    "a table row is a label followed by numbers; this is not a number": [
        "weights W:\n a b\n x 1 c\n",
        "weights W:\n a b\n x 1 2 c\n",
    ],
    "a layer is written `layer NAME = operation(arguments)`": [
        "layer h dense(input, W)\n",
        "layer h = dense\n",
        "layer h = \n",
    ],
    "unclosed `(`: the arguments of an operation end with `)`": [
        "layer h = dense(input, W\n",
        "layer h = dense(input,\n",
        "layer h = dense(\n",
    ],
    "an example is written `example NAME: IN=number, ... -> DECISION`": [
        "example e: R=1 G=2 -> x\n",
        "example e: R=1, G=2\n",
        "example e R=1 -> x\n",
        "example e: R -> x\n",
    ],
    "a weight table starts on the line after `weights NAME:`": [
        "weights W\n",
        "weights W: a b\n",
    ],
}


def parse(source: Source) -> nodes.Spec:
    """Parse one spec; raise SpecSyntaxError pointing at the first place that does not fit."""
    from netspec.transform import ToNodes

    parser = lark_parser()
    try:
        tree = parser.parse(source.text + "\n")
        return ToNodes(source).transform(tree)
    except UnexpectedInput as error:
        raise _syntax_error(source, error) from None
    except VisitError as error:
        if isinstance(error.orig_exc, NetspecError):
            raise error.orig_exc from None
        raise


def _syntax_error(source: Source, error: UnexpectedInput) -> SpecSyntaxError:
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        return _end_of_file(source, error)
    if isinstance(error, UnexpectedCharacters):
        return _bad_character(source, error)
    return _unexpected_token(source, error)


def _end_of_file(source: Source, error: UnexpectedInput) -> SpecSyntaxError:
    """Point just past the last non-blank character, never at Lark's borrowed position."""
    text = source.text.rstrip()
    line = text.count("\n") + 1
    column = len(text) - (text.rfind("\n") + 1) + 1
    span = Span(source, line, column, line, column + 1)
    return SpecSyntaxError("unexpected end of file", span, hint=f"expected {_expected_words(error)}")


def _bad_character(source: Source, error: UnexpectedCharacters) -> SpecSyntaxError:
    char = source.text[error.pos_in_stream] if error.pos_in_stream < len(source.text) else ""
    span = Span(source, error.line, error.column, error.line, error.column + 1)
    if char == '"':
        return SpecSyntaxError("unclosed quote: text in quotes must end on the same line", span,
                               hint='add the closing " before the end of the line')
    shown = repr(char) if char.isprintable() else f"U+{ord(char):04X}" if char else "end of file"
    return SpecSyntaxError(f"unexpected character {shown}", span, hint=_hint(source, error))


def _unexpected_token(source: Source, error: UnexpectedToken) -> SpecSyntaxError:
    token = error.token
    width = max(len(str(token).split("\n")[0]), 1)
    span = Span(source, token.line, token.column, token.line, token.column + width)
    found = "the end of the line" if token.type == "_NL" else f"'{token}'"
    return SpecSyntaxError(f"unexpected {found}", span, hint=_hint(source, error))


def _hint(source: Source, error: UnexpectedInput) -> str:
    label = _match_mistake(error)
    expected = f"expected {_expected_words(error)}"
    return f"{label}; {expected}" if label else expected


def _match_mistake(error: UnexpectedInput) -> str | None:
    try:
        return error.match_examples(lark_parser().parse, MISTAKES, use_accepts=True)
    except Exception:  # a mistake table that does not fit is a missing hint, not a crash
        return None


def _expected_words(error: UnexpectedInput) -> str:
    names = getattr(error, "accepts", None) or getattr(error, "expected", None) or set()
    words = sorted({_word(name) for name in names})
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _word(name: str) -> str:
    if name in TERMINAL_WORDS:
        return TERMINAL_WORDS[name]
    try:
        pattern = lark_parser().get_terminal(name).pattern
    except KeyError:
        return name.lower()
    return f"'{pattern.value}'" if pattern.type == "str" else name.lower()
