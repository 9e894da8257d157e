"""A LaTeX document in, the same document able to show Chinese (and Japanese, Korean) characters out.

pdflatex alone cannot typeset a CJK character. A printout whose words (`--lang zh`) or
whose spec's own labels and sentences hold any gets, before \\begin{document}, a test that
picks one of two ways, so the same .tex compiles on every TeX installation:

  * CJKutf8 with the Arphic gbsn font (Debian: latex-cjk-chinese-arphic-gbsn00lp, TeX Live's
    cjk bundle) present: the body is set inside \\begin{CJK}{UTF8}{gbsn} … \\end{CJK};
  * otherwise each CJK character the document uses is declared as a small box, and a note at
    the top says which package shows them. The document still compiles, and every number is there.

ctex needs xelatex or lualatex (its pdflatex font set, fandol, is OpenType), which the
printouts do not ask for; CJKutf8 works with the pdflatex every other printout uses.
"""

from __future__ import annotations

CJK_RANGES = ((0x3000, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
              (0xFF00, 0xFFEF))
NOTE = (r"\noindent\fbox{\parbox{0.97\linewidth}{\small The Chinese characters of this printout are shown as "
        r"boxes: this TeX installation has no CJKutf8 package with the gbsn font (Debian: "
        r"latex-cjk-chinese-arphic-gbsn00lp).}}\par")


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in CJK_RANGES)


def with_cjk(document: str) -> str:
    """`document` unchanged when it has no CJK character; else with the setup and the CJK environment."""
    used = sorted({c for c in document if is_cjk(c)})
    if not used:
        return document
    declared = "\n".join(rf"  \DeclareUnicodeCharacter{{{ord(c):04X}}}{{\netspecmissing}}" for c in used)
    setup = "\n".join([r"\newif\ifnetspeccjk",
                       r"\IfFileExists{CJKutf8.sty}{\IfFileExists{c70gbsn.fd}{\netspeccjktrue}{}}{}",
                       r"\ifnetspeccjk\usepackage{CJKutf8}\else",
                       r"  \newcommand{\netspecmissing}{\fbox{\rule{0pt}{1ex}\hspace{0.6em}}}",
                       declared, r"\fi", ""])
    start = r"\begin{document}" + "\n"
    head, _, body = document.partition(start)
    body = body.replace(r"\end{document}", r"\ifnetspeccjk\end{CJK}\fi" + "\n" + r"\end{document}")
    opening = r"\ifnetspeccjk\begin{CJK}{UTF8}{gbsn}\else" + "\n" + NOTE + "\n" + r"\fi" + "\n"
    return head + setup + start + opening + body
