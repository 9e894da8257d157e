"""Free text in, text one format can carry out: one escaping function per format.

A `.net` file may come from anyone, and its free text (description, labels, units, `say`
text, vocabulary tokens, example names, even its file name) ends up in every printout.
So no renderer writes such text itself: it passes it through the function here for its
format, and only the markup and numbers the program makes bypass them. Whatever the
text holds, it shows as text: a LaTeX `\\input{…}` prints as those characters, a Markdown
`<script>` as those characters, an ESC byte as `\\x1b`.

Characters no format should carry raw (C0 and C1 controls, DEL, the bidi controls that
reorder what a reader sees, and the characters XML forbids) are first shown visibly by
`visible`, as `\\x1b` or `\\u202e`; every other function starts with it.
"""

from __future__ import annotations

import re

from netspec.render.tex_cjk import is_cjk

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROLS = "\x0b-\x1f\x7f-\x9f" + BIDI + "\u2028\u2029\ud800-\udfff\ufffe\uffff"
INVISIBLE = re.compile(f"[\x00-\x0a{_CONTROLS}]")
_INVISIBLE_IN_LINES = re.compile(f"[\x00-\x09{_CONTROLS}]")  # all but the newline


def visible(text: str, keep: str = "") -> str:
    """Controls, bidi overrides and XML-invalid characters as `\\x1b` / `\\u202e`; `keep`: a caller's own markers."""
    return INVISIBLE.sub(lambda match: match.group() if match.group() in keep else _shown(match), text)


def _shown(match: re.Match) -> str:
    c = match.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def free_char(*texts: str) -> str:
    """A private-use character none of `texts` holds: a marker for a blank that no free text can fake."""
    used = set("".join(texts))
    return next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in used)


def filled(render, blank: str, escape) -> str:
    """`render(marker)` (a sentence with a hole), escaped by `escape`, the hole drawn as `blank` (format markup)."""
    marker = free_char(render(""))
    return blank.join(escape(piece) for piece in render(marker).split(marker))


# ---- terminal text ----

def terminal(text: str) -> str:
    """Text for a terminal: nothing that moves the cursor, rings, recolours or reorders what follows."""
    return visible(text)


def terminal_lines(text: str) -> str:
    """A whole printout for a terminal, its lines kept: the last guard, so no field can slip past raw.

    One scan of the text, so a streamed batch of a million rows pays almost nothing for it.
    """
    return _INVISIBLE_IN_LINES.sub(_shown, text)


# ---- JSON ----

_JSON_UNSAFE = re.compile("[\x7f-\x9f" + BIDI + "\u2028\u2029]")


def json_text(text: str) -> str:
    """JSON from json.dumps(ensure_ascii=False), with C1 and bidi controls as \\u escapes (same data, never raw).

    json.dumps already escapes C0 controls; those left can only stand inside strings, where \\uXXXX means the same.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ---- HTML and SVG ----

def html_text(text: str) -> str:
    """Text or an attribute value for HTML and SVG (XML): `& < > " '` as entities, controls shown visibly.

    Newline and tab stay: both are plain white space there (a diagram's titles are several lines).
    """
    import html  # here: only the HTML printout needs it

    return html.escape(visible(text, keep="\n\t"), quote=True)


def css_string(text: str) -> str:
    """A CSS string literal that no text can end: `\\`, `"` escaped, `<` as \\3c so it never closes <style>.

    Newlines, form feeds and CR end a CSS string; `visible` has already shown them as text.
    """
    escaped = visible(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


# ---- Markdown ----

_MD_ALWAYS = {"\\": "\\\\", "&": "&amp;", "<": "&lt;", "*": "\\*", "`": "\\`", "[": "\\[",
              "|": "\\|", "~": "\\~"}
_LINE_START = re.compile(r"^(\s*)(#|>|[-+](?=\s|$)|[-=](?=[-=\s]*$)|\d{1,9}(?=[.)](?:\s|$)))")


def markdown(text: str, line_start: bool = False) -> str:
    """Text for Markdown (CommonMark or GitHub's): read as plain text wherever it stands, table cells included.

    `<` and `&` are entities, so no HTML tag or entity can start; `[` is escaped, so no link, image or
    reference can open (`]` alone opens nothing, and stays: `W[1]` reads `W\\[1]`); `*`, the backtick,
    `|`, `~` and `\\` are escaped; `_` too, unless it stands inside a word (`leaf_or_flower`), where it
    never makes emphasis. For text that begins a line (`line_start`), what would open a heading, quote,
    list or rule there (`#`, `>`, `- `, `+ `, `1. `, `---`) is escaped too. A `>` elsewhere stays
    (`Leaf 0.8 > Flower 0.2`): with every `<` an entity it can close no tag.
    """
    text = "".join(_MD_ALWAYS.get(c, c) for c in visible(text))
    text = re.sub(r"(?<![^\W_])_|_(?![^\W_])", r"\\_", text)
    match = _LINE_START.match(text) if line_start else None
    if match:
        lead, mark = match.groups()
        text = lead + (mark + "\\" if mark[0].isdigit() else "\\" + mark) + text[match.end():]
    return text


def markdown_code(text: str) -> str:
    """A Markdown code span holding `text` literally: fenced by more backticks than any run inside it."""
    text = visible(text)
    if "`" not in text:
        return f"`{text}`"
    fence = "`" * (max(len(run) for run in re.findall("`+", text)) + 1)
    return f"{fence} {text} {fence}"


# ---- LaTeX ----

TEXT_MAP = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
    "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}", "<": r"\textless{}", ">": r"\textgreater{}",
    "−": "$-$", "≈": r"$\approx$", "·": r"$\cdot$", "…": r"\dots{}", "→": r"$\to$", "×": r"$\times$",
    "‡": r"\ddag{}", "°": r"\textdegree{}", "✓": r"$\checkmark$", "∞": r"$\infty$", "Σ": r"$\Sigma$",
    "≤": r"$\le$", "≥": r"$\ge$", "Φ": r"$\Phi$", "√": r"$\surd$", "π": r"$\pi$", "²": r"$^2$", "÷": r"$\div$",
    "∂": r"$\partial$", "′": r"$'$", "±": r"$\pm$", "β": r"$\beta$", "|": r"\textbar{}", "–": "--",
}
MATH_MAP = {"−": "-", "≈": r"{\approx}", "·": r"\cdot ", "…": r"\ldots ", "×": r"\times ", "∞": r"\infty ",
            "‡": r"\ddagger ", "Φ": r"\Phi ", "√": r"\surd ", "π": r"\pi ", "²": "^2", "÷": r"\div ",
            "∂": r"\partial ", "′": "'", "±": r"\pm ", "β": r"\beta "}
MATH_SPECIALS = {"%": r"\%", "#": r"\#", "&": r"\&", "_": r"\_", "$": r"\$", "\\": r"\backslash{}", "{": r"\{",
                 "}": r"\}", "~": r"\sim{}", "'": r"\text{'}"}
WORD = r"[A-Za-z][A-Za-z0-9]*(?:\\_[A-Za-z0-9]+)*[,:]?"
WORDS = re.compile(rf"(?<![\\\w]){WORD}(?: {WORD})+ ?")  # words with spaces between, as in a sentence: \text{}
CARET = r"\text{\textasciicircum}"


def tex_text(text: str) -> str:
    """Plain text for LaTeX's text mode: specials escaped, the printouts' symbols as LaTeX symbols; a CJK
    character stays as it is (render/tex_cjk.py sets the document up to show it)."""
    return "".join(TEXT_MAP.get(c, c if ord(c) < 0x250 or is_cjk(c) else "?") for c in visible(text))


def tex_comment(text: str) -> str:
    """Text after `%` on a comment line: only a line break could end the comment, and none survives."""
    return visible(text)


def tex_math(text: str, keep: str = "") -> str:
    """A formatted number or formula piece for math mode: −0.29 → -0.29, ≈ → \\approx, e^(x) → e^{(x)}.

    The piece may hold labels from the spec, so every character that means something to TeX
    (`\\ { } ^ % # & $ _ ~ '`) comes out as a symbol; a `^` stays a superscript only in the
    forms the worked lines write (`e^(…)`, `e^x`, `10000^3`), and never twice in a row,
    so `^^5c` (TeX's spelling of a backslash) cannot rebuild a command. `keep`: characters
    the caller put in as markers (for blank boxes), passed through.
    """
    text = "".join(_math_char(c, keep) for c in visible(text, keep))  # the spec's text first: all of it inert
    text = text.replace("max(", r"\max(").replace("tanh(", r"\tanh(").replace("erf(", r"\operatorname{erf}(")
    text = re.sub("−(?=[0-9.∞])", "{-}", text)  # a sign, not a subtraction: no space around it
    text = "".join(MATH_MAP.get(c, c) for c in text)
    return _braced_exponents(WORDS.sub(lambda m: r"\text{" + m.group() + "}", text), keep)


def _math_char(c: str, keep: str) -> str:
    """One character in math mode: TeX's specials as symbols, other non-ASCII as text; formula symbols left for later."""
    if c in keep or c in MATH_MAP or " " <= c < "\x7f" and c not in MATH_SPECIALS:
        return c
    return MATH_SPECIALS.get(c) or r"\text{" + tex_text(c) + "}"


def _braced_exponents(text: str, keep: str = "") -> str:
    """`e^(…)` → `e^{(…)}` with the group closed at its matching parenthesis; `e^0.5` → `e^{0.5}`.

    Any other `^` is a caret, unless it raises a number or symbol the program wrote (`10000^3`, `x²`),
    one token, as TeX reads it, and not one just raised (a double superscript stops pdflatex).
    """
    out, i, raised = [], 0, -1
    while i < len(text):
        if text.startswith("e^(", i):
            end = _matching(text, i + 2)
            out.append("e^{(" + _braced_exponents(text[i + 3:end], keep) + ")}")
            i = raised = end + 1
            continue
        match = re.match(r"e\^((?:\{-\})?[\w.]+)", text[i:])
        if match and (i == 0 or not text[i - 1].isalnum()):
            out.append("e^{" + match.group(1) + "}")
            i = raised = i + match.end()
            continue
        if text[i] == "^":
            raised_token = re.match(r"\^(\d|\{2\}|\{-\}|\{\\approx\})", text[i:])
            if text[i + 1:i + 2] and text[i + 1] in keep:  # a blank raised: the caller draws it
                out.append("^")
                i += 1
                continue
            if raised_token and i != raised:  # `(2 − 5)^2`, `10000^≈0.33`: the program's own powers
                out.append(raised_token.group())
                i = raised = i + raised_token.end()
                continue
            out.append(CARET)
            i += 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _matching(text: str, start: int) -> int:
    depth = 0
    for k in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            return k
    return len(text) - 1
