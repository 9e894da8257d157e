"""A word and a sub-word vocabulary in, the word's pieces out: greedy longest match from the left.

The article (notes §1.6, §2.7) splits "cats" into "cat" + "s". BERT's WordPiece does the
same and marks a piece that continues a word with `##`: "unaffable" → un, ##aff, ##able.
The rule, as BERT's WordpieceTokenizer applies it:

* a text is split into words at spaces (a run of spaces counts as one, as in BERT);
* within a word, take the longest entry that matches at the current letter, then go on
  after it. The first piece of a word matches plain entries; every later piece matches
  `##` entries when the vocabulary has any (BERT's form), plain entries when it has none
  (the article's form);
* a word where no entry matches at some letter becomes the one token `[UNK]` when the
  vocabulary has it (as BERT does), and is an error otherwise (tokenizing is in
  vocabulary.py, which says which word and which letter).

No lowercasing and no splitting at punctuation: a word is what stands between spaces.
Without `##` entries the token numbers do not record where a word ends: "cats" and
"cat s" both become cat, s, and the network cannot tell them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONTINUES = "##"  # BERT's mark of a piece that continues a word
UNKNOWN = "[UNK]"  # BERT's token for a word the vocabulary cannot split


@dataclass(frozen=True)
class Split:
    """A word's pieces; `stuck` is the letter (counted from 0) where no piece matched, else None."""

    word: str
    pieces: tuple[str, ...]
    stuck: int | None = None


@dataclass(frozen=True)
class PieceTable:
    """The entries of a sub-word vocabulary, ready for splitting words."""

    known: frozenset[str]
    marked: bool  # True when some entry starts with ##: later pieces of a word are the ## ones
    first: tuple[int, ...]  # the lengths a word's first piece can have, longest first
    later: tuple[int, ...]  # the same for the pieces after it (without the ##)

    @classmethod
    def of(cls, entries) -> "PieceTable":
        marked = any(e.startswith(CONTINUES) and len(e) > len(CONTINUES) for e in entries)
        first = sorted({len(e) for e in entries if e}, reverse=True)
        marks = len(CONTINUES)
        later = sorted({len(e) - marks for e in entries if e.startswith(CONTINUES) and len(e) > marks},
                       reverse=True) if marked else first
        return cls(frozenset(entries), marked, tuple(first), tuple(later))

    def split(self, word: str) -> Split:
        """`cats` → cat, s (or cat, ##s): the longest matching piece first, letter by letter."""
        pieces, start = [], 0
        while start < len(word):
            piece = self._longest(word, start)
            if piece is None:
                return Split(word, tuple(pieces), start)
            pieces.append(piece)
            start += len(piece) - (len(CONTINUES) if start and self.marked else 0)
        return Split(word, tuple(pieces))

    def _longest(self, word: str, start: int) -> str | None:
        """Only the lengths some entry has are tried, so a long entry costs one look, not one per letter."""
        mark = CONTINUES if start and self.marked else ""
        for length in self.later if start else self.first:
            if start + length <= len(word) and mark + word[start:start + length] in self.known:
                return mark + word[start:start + length]
        return None

    def continuation(self, letters: str) -> str:
        """How a piece for `letters` in the middle of a word is written in this vocabulary."""
        return CONTINUES + letters if self.marked else letters


def words_of(text: str) -> list[re.Match]:
    """The words of a text, each with where it starts: split at spaces, tabs and line breaks."""
    return list(re.finditer(r"\S+", text))


def never_matches(piece: str) -> str | None:
    """Why an entry could never be a piece of a word (empty, or with a space in it), or None."""
    if not piece:
        return "is empty"
    if any(c.isspace() for c in piece):
        return "has a space in it, but words are split at spaces"
    return None


def listed(words: list[tuple[str, ...]]) -> str:
    """`cat + ##s, dog`: the pieces of each word joined by +, the words by commas."""
    return ", ".join(" + ".join(pieces) for pieces in words)
