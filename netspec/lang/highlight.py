"""A Pygments lexer for .net specs, so docs (mkdocs), notebooks and `pygmentize` colour them.

Registered as the entry point `netspec` of the `pygments.lexers` group (pyproject.toml), so
Pygments finds it by name (```` ```netspec ```` in Markdown, `pygmentize -l netspec`) and by
the `.net` filename once netspec is installed. Pygments is imported here and nowhere else in
netspec: this module is loaded by Pygments, never by netspec itself. The keywords are the
grammar's own words (grammars/netspec.lark; tests/test_highlight.py keeps the two lists equal).
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

STATEMENTS = ("network", "use", "dtype", "vocabulary", "input", "weights", "bias", "vector", "layer", "output",
              "decide", "say", "example", "expect", "repeat", "end")
WORDS = ("as", "at", "characters", "from", "if", "key", "labels", "largest", "layout", "least", "most", "nothing",
         "numbered", "otherwise", "positive", "range", "shape", "subwords", "times", "to", "tokens", "unit", "within",
         "words")
NUMBER = r"[+\-\u2212]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-\u2212]?[0-9]+)?"  # the grammar's NUMBER


class NetspecLexer(RegexLexer):
    """Comments, strings, numbers, the statement words and the rest of the grammar's words, operation calls."""

    name = "netspec"
    aliases = ["netspec", "net"]
    filenames = ["*.net"]
    mimetypes = ["text/x-netspec"]
    url = "https://pypi.org/project/netspec/"

    tokens = {
        "root": [
            (r"[\t \f\r\n]+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"[^"\n]*"', String.Double),
            (words(STATEMENTS, prefix=r"(?<![\w.])", suffix=r"(?!\w)"), Keyword.Declaration),
            (words(WORDS, prefix=r"(?<![\w.])", suffix=r"(?!\w)"), Keyword),
            (r"([^\W\d]\w*)(\s*)(\()", bygroups(Name.Function, Whitespace, Punctuation)),
            (r"(?<![\w.])" + NUMBER + r"(?![\w.])", Number),
            (r"->|→|=", Operator),
            (r"[(),:]", Punctuation),
            (r"[^\W\d]\w*", Name),
            (r".", Text),
        ],
    }
