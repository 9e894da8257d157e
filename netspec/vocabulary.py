"""A declared vocabulary and a text in, token numbers out: the character and word tokenizers.

The article numbers characters from one (a = 1 … z = 26); NumPy counts from zero. A spec
states its numbering with `numbered from N`, and the printouts say it in words, so a
reader always knows which number stands for which token.
"""

from __future__ import annotations

from dataclasses import dataclass

from netspec.errors import InputError
from netspec.source import Span

SHOWN_AS = {" ": "space", "\t": "tab"}  # characters that would be invisible as a label


@dataclass(frozen=True)
class Vocabulary:
    """Tokens in order; token k (counting from 0) has the number `start + k`."""

    name: str
    kind: str  # "characters": a text is split into characters; "words": split at spaces
    entries: tuple[str, ...]
    start: int
    span: Span | None

    @property
    def labels(self) -> tuple[str, ...]:
        """How each token is named in tables and decisions: itself, or `space` for " "."""
        return tuple(SHOWN_AS.get(entry, entry) for entry in self.entries)

    @property
    def last(self) -> int:
        return self.start + len(self.entries) - 1

    def number(self, token: str) -> int | None:
        index = self.entries.index(token) if token in self.entries else None
        return None if index is None else self.start + index

    def label_of(self, number: float) -> str:
        return self.labels[int(number) - self.start]

    def convention(self) -> str:
        """`a = 1, b = 2, …, z = 26, space = 27 (numbered from 1)`: the numbering in words."""
        pairs = [f"{label} = {self.start + k}" for k, label in enumerate(self.labels)]
        shown = pairs if len(pairs) <= 6 else [*pairs[:2], "…", *pairs[-2:]]
        return f"{', '.join(shown)} (numbered from {self.start})"

    def split(self, text: str) -> list[str]:
        return list(text) if self.kind == "characters" else text.split(" ")


@dataclass(frozen=True)
class TextInput:
    """An input that takes a text of `length` tokens: one input neuron per token, `positions`."""

    name: str
    description: str | None
    length: int
    vocabulary: Vocabulary
    positions: tuple[str, ...]
    span: Span | None

    def decode(self, numbers) -> str:
        """The text whose token numbers are `numbers` (as the tokenizer made them)."""
        entries = self.vocabulary.entries
        pieces = [entries[int(n) - self.vocabulary.start] for n in numbers]
        return "".join(pieces) if self.vocabulary.kind == "characters" else " ".join(pieces)

    def tokenize(self, text: str, where: str, span: Span | None = None) -> list[int]:
        """The token numbers of `text`; an InputError when it has the wrong length or an unknown token."""
        pieces = self.vocabulary.split(text)
        unit = "character" if self.vocabulary.kind == "characters" else "word"
        if len(pieces) != self.length:
            raise InputError(f'{where}: "{text}" has {len(pieces)} {unit}s but {self.name} takes exactly {self.length}',
                             span, hint=f"give {self.length} {unit}s, spaces included" if unit == "character"
                             else f"give {self.length} words separated by single spaces", code="NS317")
        numbers = [self.vocabulary.number(piece) for piece in pieces]
        if None in numbers:
            k = numbers.index(None)
            raise InputError(f"{where}: the {unit} {pieces[k]!r} ({unit} {k + 1} of \"{text}\") is not in the "
                             f"vocabulary {self.vocabulary.name}", span,
                             hint=f"{self.vocabulary.name} has {_entries(self.vocabulary)}", code="NS316")
        return numbers


def _entries(vocabulary: Vocabulary) -> str:
    if vocabulary.kind == "characters":
        return '"' + "".join(vocabulary.entries) + '"'
    return ", ".join(vocabulary.entries[:12]) + (", …" if len(vocabulary.entries) > 12 else "")
