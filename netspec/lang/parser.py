"""Spec text in, nodes.Spec out; every Lark error becomes a SpecSyntaxError in plain words.

This is the only module that imports lark.exceptions: Lark's token names (`LSQB`,
`$END`, `__ANON_0`) never reach the user.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import re
import unicodedata

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from netspec.lang import nodes
from netspec.errors import InputError, NetspecError, SpecCheckError, SpecSyntaxError, close_matches
from netspec.lang.grammar import keywords, lark_parser
from netspec.limits import MAX_SPEC_WORDS, Limits
from netspec.source import Source, Span
from netspec.lang.plaintables import Shortened, shortened
from netspec.lang.tablerows import ReadRows, read_plain_rows

TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a "quoted text"',
    "ARROW": "'->'",
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "_AS": "'as'",
    "_LABELS": "'labels'",
    "DTYPE": "float64 or float32",
}

# Common mistakes, each a label with snippets that make the parser stop in the same state.
MISTAKES = {
    "a weight table needs a row of column labels first, then one row of numbers per input": [
        "weights W:\n 1 2\n",
    ],
    "a table row is a label followed by numbers only": [
        "weights W:\n a b\n x 1 c\n",
        "weights W:\n a b\n x 1 2 c\n",
    ],
    "decimal numbers are written with a point, like 0.05, not a comma": [
        "weights W:\n a b\n x 1,5\n",
        "weights W:\n a b\n x 1 2,5\n",
    ],
    "a layer is written `layer NAME = operation(arguments)`": [
        "layer h dense(input, W)\n",
        "layer h = dense\n",
        "layer h = \n",
    ],
    "operations are not nested: give each its own layer, like `layer h = dense(input, W1)` then `layer r = relu(h)`": [
        "layer h = relu(dense(input, W))\n",
    ],
    "unclosed `(`: the arguments of an operation end with `)`": [
        "layer h = dense(input, W\n",
        "layer h = dense(input,\n",
        "layer h = dense(\n",
    ],
    "missing `,`: the arguments of an operation are separated by commas": [
        "layer h = dense(input W)\n",
    ],
    "missing `,`: output labels are separated by commas, like `labels Leaf, Flower`": [
        "output o labels A B\n",
    ],
    "an example is written `example NAME: IN=number, ... -> DECISION`": [
        "example e: R=1 G=2 -> x\n",
        "example e R=1 -> x\n",
        "example e: R -> x\n",
    ],
    "a decision is `decide largest`, or `decide A if positive otherwise B`": [
        "decide biggest\n",
    ],
    "a range is written `range LOW to HIGH`, like `range 0 to 255`": [
        "input R range 0-255\n",
        "input R range 0 - 255\n",
    ],
    "a weight table starts on the line after `weights NAME:`": [
        "weights W\n",
        "weights W: a b\n",
    ],
}


@contextlib.contextmanager
def collector_paused():
    """Parsing makes millions of small objects that all live on; Python's cycle collector
    would rescan them again and again (a third of the time for 670,000 inline numbers)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# A line that starts like this is a layer statement: no other statement, and no table row
# or header (a header holds no `=`), can. Comments start with # and quotes end on their line.
LAYER_LINE = re.compile(r"^[ \t]*(layer)[ \t]+[^\W\d]\w*[ \t]*=", re.MULTILINE)


def parse(source: Source, limits: Limits | None = None) -> nodes.Spec:
    """Parse one spec; raise SpecSyntaxError pointing at the first place that does not fit.

    Plain table rows are read by NumPy first (tablerows.py); of the rest, more than
    MAX_SPEC_WORDS words is refused from its text: every word Lark reads becomes a token of
    some 350 bytes, and a tree around it. With
    `limits`, a spec whose layers alone are more steps than limits.max_steps is refused
    first, from its text: parsing 200,000 layers would take half a minute before any count.
    """
    from netspec.lang.transform import ToNodes

    parser = lark_parser()
    rows = read_plain_rows(source.text, keywords())
    short = shortened(source, rows, keywords())
    _refuse_too_many_words(source, rows, short)
    if limits is not None:
        _refuse_too_many_layers(source, limits.max_steps)
    with collector_paused():
        try:
            return ToNodes(source, rows.numbers, short.tables, short.inputs).transform(parser.parse(short.text))
        except (UnexpectedInput, VisitError):
            pass  # a mistake somewhere: found again, and reported where it is, by reading the whole text
        del short
    try:
        with collector_paused():
            tree = parser.parse(rows.text)
            return ToNodes(source, rows.numbers).transform(tree)
    except UnexpectedInput as error:
        raise _syntax_error(source, error) from None
    except VisitError as error:
        if isinstance(error.orig_exc, NetspecError):
            raise error.orig_exc from None
        raise


def _refuse_too_many_words(source: Source, rows: ReadRows, short: Shortened) -> None:
    """Counts the words of rows.text, the text Lark reads when it reads all but the plain rows' numbers
    (the short text holds fewer: short.words_taken are built without it)."""
    if len(source.text) + 1 <= 2 * MAX_SPEC_WORDS:  # a word takes a character and a space: it cannot hold too many
        return
    if _fewer_words_than(short.text, MAX_SPEC_WORDS - short.words_taken):
        return
    lexed = rows.text
    if _fewer_words_than(lexed, MAX_SPEC_WORDS):
        return
    words = re.finditer(r"\S+", lexed)
    over = next(itertools.islice(words, MAX_SPEC_WORDS, None), None)
    if over is None:
        return
    raise InputError(f"the spec holds more than {MAX_SPEC_WORDS:,} words and numbers",
                     _span_at(source, over.start(), len(over.group())), code="NS111",
                     hint='keep large tables in a weight file (`weights W from "w.npy"`): each number written in a '
                          "spec takes some hundreds of bytes of memory while it is read")


def _fewer_words_than(lexed: str, most: int) -> bool:
    """Whether `lexed` holds at most `most` words, from its runs of spaces: a table's blanked numbers
    are megabytes of spaces, which a regular expression walks a character at a time (a second for a
    million numbers) and str.split skips in C. Only the words are held, and only while few."""
    words, offset, piece = 0, 0, 1 << 20  # 1M characters at a time; a word cut in two is counted twice
    while offset < len(lexed):
        words += len(lexed[offset:offset + piece].split())
        if words > most + len(lexed) // piece + 1:
            return False
        offset += piece
    return words <= most


def _refuse_too_many_layers(source: Source, most: int) -> None:
    """Each layer line is at least one step (a repeat's body makes more); count them without parsing."""
    if source.text.count("layer") <= most:  # every layer line holds the word: in C, not a regex per line
        return
    starts = [found.start(1) for found in LAYER_LINE.finditer(source.text)]
    if len(starts) <= most:
        return
    raise SpecCheckError(f"the spec has {len(starts):,} layers, more than the limit of {most:,} steps",
                         _span_at(source, starts[most], len("layer")), code="NS223",
                         hint=f"raise the limit with --max-steps {len(starts)} (from Python: "
                              f"Limits(max_steps={len(starts)})), if the spec comes from someone you trust")


def _span_at(source: Source, offset: int, width: int) -> Span:
    """The Span of `width` characters at character `offset` of the text (on one line)."""
    line = source.text.count("\n", 0, offset) + 1
    column = offset - (source.text.rfind("\n", 0, offset) + 1) + 1
    return Span(source, line, column, line, column + width)


def _syntax_error(source: Source, error: UnexpectedInput) -> SpecSyntaxError:
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        return _end_of_file(source, error)
    if isinstance(error, UnexpectedCharacters):
        return _bad_character(source, error)
    return _unexpected_token(source, error)


def _end_of_file(source: Source, error: UnexpectedInput) -> SpecSyntaxError:
    """Point just past the last non-blank character, never at Lark's borrowed position."""
    repeat = _open_repeat(error)
    if repeat is not None:
        return _unclosed_repeat(source, repeat)
    text = _without_trailing_comments(source.text)
    line = text.count("\n") + 1
    column = len(text) - (text.rfind("\n") + 1) + 1
    span = Span(source, line, column, line, column + 1)
    return SpecSyntaxError("unexpected end of file", span, hint=f"expected {_expected_words(error)}", code="NS103")


def _open_repeat(error: UnexpectedInput):
    """The `repeat` token of the innermost block still open where the parser stopped, if any."""
    stack = getattr(getattr(error, "state", None), "value_stack", None) or ()
    return next((v for v in reversed(stack) if getattr(v, "type", None) == "REPEAT"), None)


def _unclosed_repeat(source: Source, token) -> SpecSyntaxError:
    span = Span(source, token.line, token.column, token.line, token.column + len(token))
    return SpecSyntaxError(f"the repeat on line {token.line} is not closed: the file ends before its `end`", span,
                           hint="write `end` on its own line after the block's last statement; until then every "
                                "line below `repeat` (output, decide, examples) is part of the block", code="NS105")


def _without_trailing_comments(text: str) -> str:
    """The text up to its last statement: trailing blank and comment-only lines are not code."""
    lines = text.split("\n")
    while len(lines) > 1 and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    return "\n".join(lines).rstrip()


def _bad_character(source: Source, error: UnexpectedCharacters) -> SpecSyntaxError:
    char = source.text[error.pos_in_stream] if error.pos_in_stream < len(source.text) else ""
    span = Span(source, error.line, error.column, error.line, error.column + 1)
    if char == '"':
        return SpecSyntaxError("unclosed quote: text in quotes must end on the same line", span,
                               hint='add the closing " before the end of the line', code="NS104")
    if char.isdigit():  # not 0-9, which the grammar takes: ৪ or ３, that Python's float() would read
        return SpecSyntaxError(f"the digit {char!r} ({unicodedata.name(char, 'a digit')}) is not one of 0-9", span,
                               hint=f"numbers are written with the digits 0 to 9 only: write {unicodedata.digit(char)}",
                               code="NS106")
    shown = repr(char) if _stands_alone(char) else f"U+{ord(char):04X}" if char else "end of file"
    return SpecSyntaxError(f"unexpected character {shown}", span, hint=_hint(source, error), code="NS101")


def _stands_alone(char: str) -> bool:
    """A character that reads as itself between quotes: not a control, not an accent that joins the quote."""
    return char.isprintable() and unicodedata.category(char) not in ("Mn", "Me", "Cf")


def _unexpected_token(source: Source, error: UnexpectedToken) -> SpecSyntaxError:
    token = error.token
    width = max(len(str(token).split("\n")[0]), 1)
    span = Span(source, token.line, token.column, token.line, token.column + width)
    found = "end of line" if token.type == "_NL" else f"'{_shortened(str(token))}'"
    hint = _end_hint(error) if token.type == "END" else _hint(source, error)
    return SpecSyntaxError(f"unexpected {found}", span, hint=hint, code="NS102")


def _end_hint(error: UnexpectedToken) -> str:
    """`end` where no block can end: none is open, or the block has no statement yet."""
    if _open_repeat(error) is None:
        return "`end` closes a `repeat` block, and no repeat is open here"
    return "a repeat needs at least one statement (a layer, weights, bias or vector) before its `end`"


def _shortened(text: str, most: int = 40) -> str:
    """A token as the message names it: a name 100,000 characters long is shown by its start."""
    return text if len(text) <= most else f"{text[:most - 10]}… ({len(text):,} characters)"


def _hint(source: Source, error: UnexpectedInput) -> str:
    guess = _misspelt_keyword(error) or _keyword_read_as_row(error)
    if guess:
        return guess
    label = _match_mistake(error)
    expected = f"expected {_expected_words(error)}"
    return f"{label}; {expected}" if label else expected


def _misspelt_keyword(error: UnexpectedInput) -> str | None:
    """`layr h = ...` at the start of a statement: a word close to one the parser expected."""
    if not isinstance(error, UnexpectedToken) or error.token.type != "NAME":
        return None
    keywords = [word.strip("'") for word in map(_word, _accepted(error)) if word.startswith("'")]
    close = close_matches(str(error.token), keywords, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


STATEMENT_WORDS = ("network", "use", "vocabulary", "input", "weights", "bias", "vector", "layer", "repeat", "end",
                   "output", "decide", "say", "example", "expect")


def _keyword_read_as_row(error: UnexpectedInput) -> str | None:
    """`layr h = …` under a weight table: the misspelt word was taken for the label of another row."""
    stack = getattr(getattr(error, "state", None), "value_stack", None) or ()
    if len(stack) < 2 or getattr(stack[-1], "data", None) != "label" or not any(
            getattr(v, "data", None) == "header" for v in stack):
        return None
    word = stack[-1].children[0]
    close = close_matches(str(word).lower(), STATEMENT_WORDS, n=1, cutoff=0.6)
    if not close or getattr(word, "line", None) != getattr(getattr(error, "token", None), "line", None):
        return None
    return f"did you mean `{close[0]}`? `{word}` is read as the label of another row of the table above"


def _match_mistake(error: UnexpectedInput) -> str | None:
    """The MISTAKES label whose snippet stops the parser in the same state with the same choices.

    Lark's own match_examples also compares the depth of the parser's stack, so a snippet
    would only match a mistake in a file's first statement; the state alone is what counts.
    A snippet that also meets the same unexpected token type wins over one that does not.
    """
    stop = _stop_of(error)
    if stop is None:
        return None
    for width in (3, 2):
        for label, snippets in MISTAKES.items():
            if any((_snippet_stop(snippet) or ())[:width] == stop[:width] for snippet in snippets):
                return label
    return None


@functools.cache
def _snippet_stop(snippet: str):
    try:
        lark_parser().parse(snippet)
    except UnexpectedInput as error:
        return _stop_of(error)
    return None


def _stop_of(error: UnexpectedInput):
    """Where the parser stopped: its LALR state, what it would have taken there, and what it got."""
    position = getattr(getattr(error, "state", None), "position", None)
    found = error.token.type if isinstance(error, UnexpectedToken) else None
    return None if position is None else (position, frozenset(_accepted(error)), found)


def _accepted(error: UnexpectedInput) -> set[str]:
    """What could come next; for a bad character, asked of the parser, not the merged lexer state."""
    if isinstance(error, UnexpectedToken):
        return set(error.accepts or error.expected)
    interactive = getattr(error, "interactive_parser", None)
    if interactive is not None:
        return set(interactive.accepts())
    return set(getattr(error, "allowed", None) or getattr(error, "expected", None) or ())


def _expected_words(error: UnexpectedInput) -> str:
    names = _accepted(error)
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
