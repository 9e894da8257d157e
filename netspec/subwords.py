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
from dataclasses import field
from netspec.records import record

CONTINUES = "##"  # BERT's mark of a piece that continues a word
UNKNOWN = "[UNK]"  # BERT's token for a word the vocabulary cannot split


@record
class Split:
    """A word's pieces; `stuck` is the letter (counted from 0) where no piece matched, else None."""

    word: str
    pieces: tuple[str, ...]
    stuck: int | None = None


END = ""  # the key that marks, in a node of a Trie, that the letters walked so far are an entry


@record
class PieceTable:
    """The entries of a sub-word vocabulary, ready for splitting words.

    The entries are kept as two tries (nested dicts, one letter per level): the pieces a
    word may start with, and the pieces after the first. Finding the longest piece at a
    letter walks the word only as far as some entry goes on matching, so a word of L
    letters costs at most L times the longest entry, and usually a few steps per letter;
    trying every length an entry has instead cost L times that count times the length.
    """

    known: frozenset[str]
    marked: bool  # True when some entry starts with ##: later pieces of a word are the ## ones
    # the trie of the pieces a word can start with (every entry), and of the pieces after the
    # first (the ## entries without their ##; every entry when there are none): both follow from `known`
    first: dict = field(compare=False, repr=False)
    later: dict = field(compare=False, repr=False)

    @classmethod
    def of(cls, entries) -> "PieceTable":
        marked = any(e.startswith(CONTINUES) and len(e) > len(CONTINUES) for e in entries)
        first = _trie(e for e in entries if e)
        later = _trie(e[len(CONTINUES):] for e in entries
                      if e.startswith(CONTINUES) and len(e) > len(CONTINUES)) if marked else first
        return cls(frozenset(entries), marked, first, later)

    def split(self, word: str) -> Split:
        """`cats` → cat, s (or cat, ##s): the longest matching piece first, letter by letter."""
        pieces, start = [], 0
        while start < len(word):
            length = _longest(self.later if start else self.first, word, start)
            if not length:
                return Split(word, tuple(pieces), start)
            pieces.append(self.continuation(word[start:start + length]) if start else word[:length])
            start += length
        return Split(word, tuple(pieces))

    def continuation(self, letters: str) -> str:
        """How a piece for `letters` in the middle of a word is written in this vocabulary."""
        return CONTINUES + letters if self.marked else letters


def _trie(pieces) -> dict:
    root: dict = {}
    for piece in pieces:
        node = root
        for letter in piece:
            node = node.setdefault(letter, {})
        node[END] = True
    return root


def _longest(trie: dict, word: str, start: int) -> int:
    """The length of the longest entry of `trie` that `word` spells from letter `start`; 0 for none."""
    node, longest = trie, 0
    for at in range(start, len(word)):
        node = node.get(word[at])
        if node is None:
            break
        if END in node:
            longest = at - start + 1
    return longest


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
