"""The fixed sentences an operation writes into its worked form, in English and Chinese side by side.

An operation's working (netspec/ops/<op>.py) is format-free and language-free: where it
writes words rather than numbers ("subtracting the largest number first …", "the same
weights W at each position") it writes a `Phrase`, declared in its own module beside the
working, in every language the printouts speak (netspec/render/words.py's LANGUAGES). A
phrase filled in is a `Say`: a str whose text is the English, so anything that reads the
working as text (addresses, --focus, tests) sees English as before, and which a printout in
another language turns into that language's words (`Say.language`). The renderers' own
fixed words stay in render/words.py; these are the operations'. tests/test_words.py checks
that every phrase of every operation has both languages with the same fields.
"""

from __future__ import annotations

import string

PHRASE_LANGUAGES = ("en", "zh")


class Say(str):
    """Words in every language; as a str, the English. `+` with a str keeps the other languages."""

    texts: dict

    def __new__(cls, texts: dict):
        made = super().__new__(cls, texts["en"])
        made.texts = dict(texts)
        return made

    def language(self, lang: str) -> str:
        """The words in `lang` (the English when the phrase has none in it)."""
        return self.texts.get(lang, self.texts["en"])

    def map(self, how) -> "Say":
        """The same change made to the words of every language: `grouped(SUM(), "sat")` → sum(sat), 和(sat)."""
        return Say({lang: how(text) for lang, text in self.texts.items()})

    def __reduce__(self):  # pickled and copied with every language, not as the English str alone
        return (Say, (self.texts,))

    def __add__(self, other):
        return Say({lang: text + in_language(other, lang) for lang, text in self.texts.items()})

    def __radd__(self, other):
        return Say({lang: in_language(other, lang) + text for lang, text in self.texts.items()})


def in_language(piece, lang: str):
    """A piece of a worked form in `lang`: a Say's words there, anything else (a number, a name) as it is."""
    return piece.language(lang) if isinstance(piece, Say) else piece


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Phrase:
    """A sentence with {fields}, one template per language; calling it with the fields gives a Say.

    A field given as a Say is filled in with its own words in each language."""

    def __init__(self, en: str, zh: str):
        if _fields(en) != _fields(zh):
            raise ValueError(f"the phrase {en!r} has fields {sorted(_fields(en))} in English but "
                             f"{sorted(_fields(zh))} in Chinese")
        self.templates = {"en": en, "zh": zh}

    def __call__(self, **fields) -> Say:
        return Say({lang: template.format(**{k: in_language(v, lang) for k, v in fields.items()})
                    for lang, template in self.templates.items()})

    def __repr__(self) -> str:
        return f"Phrase({self.templates['en']!r})"
