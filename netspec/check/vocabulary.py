"""A declared vocabulary and a text in, token numbers out: the character, word and sub-word tokenizers.

The article numbers characters from one (a = 1 … z = 26); NumPy counts from zero. A spec
states its numbering with `numbered from N`, and the printouts say it in words, so a
reader always knows which number stands for which token. Sub-words are split by greedy
longest match (netspec/subwords.py): "cats" → cat + s, or cat + ##s in BERT's form.
"""

from __future__ import annotations

from dataclasses import field
from functools import cached_property

from netspec.errors import InputError
from netspec.phrases import Phrase
from netspec.source import Span
from netspec.subwords import CONTINUES, UNKNOWN, PieceTable, Split, listed, words_of
from netspec.records import record

SHOWN_AS = {" ": "space", "\t": "tab"}  # characters that would be invisible as a label
PAD = "[PAD]"  # BERT's padding token: a padded text's padding positions hold its number


# the fixed words of a numbering, as the printouts say it (netspec/phrases.py)
NUMBERED = Phrase("{pairs} (numbered from {start})", "{pairs}（从 {start} 开始编号）")
NUMBERED_FROM = Phrase("numbered from {start}", "从 {start} 开始编号")
MODEL_TOKENIZER = Phrase("the model's own {kind} tokenizer, {n} tokens numbered from 0",
                         "模型自带的 {kind} 分词器，{n} 个词元，从 0 开始编号")
LONGEST_FIRST = Phrase("longest piece first", "先取最长的片段")
NO_MARKS = Phrase("no ## pieces, so where a word ends is not recorded", "没有 ## 片段，所以不记录一个词在哪里结束")
UNKNOWN_WORD = Phrase("a word no pieces spell becomes {unknown} = {number}", "拼不出来的词变成 {unknown} = {number}")

@record
class Vocabulary:
    """Tokens in order; token k (counting from 0) has the number `start + k`."""

    name: str
    kind: str  # "characters": a text is split into characters; "words": at spaces; "subwords": into pieces;
    #            "tokenizer": a real model's own tokenizer.json (netspec/check/hftokenizer.py)
    entries: tuple[str, ...]
    start: int
    span: Span | None
    tokenizer: object = field(default=None, compare=False, repr=False)  # a tokenizers.Tokenizer, for "tokenizer"
    tokenizer_kind: str = ""  # what it is: "WordPiece", "byte-level BPE"

    @cached_property
    def labels(self) -> tuple[str, ...]:
        """How each token is named in tables and decisions: itself, or `space` for " " (made once: a
        generation names one token a step, of a vocabulary that may hold 50,000)."""
        return tuple(SHOWN_AS.get(entry, entry) for entry in self.entries)

    @property
    def last(self) -> int:
        return self.start + len(self.entries) - 1

    @property
    def unit(self) -> str:
        return {"characters": "character", "words": "word"}.get(self.kind, "token")

    @cached_property
    def _index(self) -> dict[str, int]:
        return {entry: k for k, entry in enumerate(self.entries)}

    @cached_property
    def table(self) -> PieceTable:
        """The entries as sub-word pieces (for kind "subwords")."""
        return PieceTable.of(self.entries)

    def number(self, token: str) -> int | None:
        index = self._index.get(token)
        return None if index is None else self.start + index

    def label_of(self, number: float) -> str:
        return self.labels[int(number) - self.start]

    def convention(self) -> str:
        """`a = 1, b = 2, …, z = 26, space = 27 (numbered from 1)`: the numbering in words."""
        if self.kind == "tokenizer":
            return MODEL_TOKENIZER(kind=self.tokenizer_kind, n=f"{len(self.entries):,}")
        pairs = [f"{label} = {self.start + k}" for k, label in enumerate(self.labels)]
        shown = pairs if len(pairs) <= 6 else [*pairs[:2], "…", *pairs[-2:]]
        return NUMBERED(pairs=", ".join(shown), start=self.start)

    def split(self, text: str) -> list[str]:
        return list(text) if self.kind == "characters" else text.split(" ")


@record
class TextInput:
    """An input that takes a text of `length` tokens: one input neuron per token, `positions`."""

    name: str
    description: str | None
    length: int
    vocabulary: Vocabulary
    positions: tuple[str, ...]
    span: Span | None
    padded: bool = False  # `tokens up to N`: a shorter text is filled up with `pad`

    @property
    def pad(self) -> int:
        """The number a padding position holds: the vocabulary's [PAD] (BERT's is 0), else one below its first
        number, which is no token (embed gives it zeros; attention and mean_pool leave it out)."""
        number = self.vocabulary.number(PAD)
        return number if number is not None else self.vocabulary.start - 1

    def real(self, numbers) -> list:
        """The numbers of the text itself: those before the padding."""
        numbers = list(numbers)
        if not self.padded:
            return numbers
        while numbers and numbers[-1] == self.pad:
            numbers.pop()
        return numbers

    def decode(self, numbers) -> str:
        """A text whose token numbers are `numbers`: tokenize(decode(numbers)) gives them back."""
        if self.vocabulary.kind == "tokenizer":
            return self.vocabulary.tokenizer.decode([int(n) for n in self.real(numbers)], skip_special_tokens=False)
        pieces = self._pieces(numbers)
        if self.vocabulary.kind == "subwords":
            return " ".join(word[0] + "".join(p.removeprefix(CONTINUES) for p in word[1:])  # a word starts as is
                            for word in self._words(pieces))
        return "".join(pieces) if self.vocabulary.kind == "characters" else " ".join(pieces)

    def shown(self, numbers) -> str:
        """The text as a printout shows it: `"cats"`; in the article's sub-word form the pieces, `cat + s`."""
        if self.vocabulary.kind == "subwords" and not self.vocabulary.table.marked:
            return " + ".join(self._pieces(numbers))  # the numbers do not say where a word ended
        return f'"{self.decode(numbers)}"'

    def numbering(self, numbers) -> str:
        """What `tokenized by …` says: the numbering in words, or for sub-words the split itself,
        `"cats" → cat + ##s → 3, 7 (longest piece first; numbered from 1)`."""
        vocabulary = self.vocabulary
        if vocabulary.kind == "tokenizer":
            return _model_tokens(self, numbers)
        if vocabulary.kind != "subwords":
            return vocabulary.convention()
        pieces = self._pieces(numbers)
        split = listed(self._words(pieces))
        notes = [LONGEST_FIRST(), NUMBERED_FROM(start=vocabulary.start)]
        if not vocabulary.table.marked:
            notes.append(NO_MARKS())
        if UNKNOWN in vocabulary.table.known:
            notes.append(UNKNOWN_WORD(unknown=UNKNOWN, number=vocabulary.number(UNKNOWN)))
        start = "" if not vocabulary.table.marked else f"{self.shown(numbers)} → "
        said = notes[0]
        for note in notes[1:]:
            said = said + "; " + note
        return f"{start}{split} → {', '.join(str(int(n)) for n in self.real(numbers))} (" + said + ")"

    def _pieces(self, numbers) -> list[str]:
        entries = self.vocabulary.entries
        return [entries[int(n) - self.vocabulary.start] for n in self.real(numbers)]

    def _words(self, pieces) -> list[tuple[str, ...]]:
        """Pieces grouped by word: a ## piece continues the word before it."""
        if not self.vocabulary.table.marked:
            return [tuple(pieces)] if pieces else []
        words: list[list[str]] = []
        for piece in pieces:
            if piece.startswith(CONTINUES) and words and words[-1][-1] != UNKNOWN:
                words[-1].append(piece)
            else:
                words.append([piece])
        return [tuple(word) for word in words]

    def tokenize(self, text: str, where: str, span: Span | None = None) -> list[int]:
        """The token numbers of `text`; an InputError when it has the wrong length or an unknown token."""
        if self.vocabulary.kind == "subwords":
            return self._padding(self._subword_numbers(text, where, span))
        if self.vocabulary.kind == "tokenizer":
            return self._padding(self._model_numbers(text, where, span))
        pieces = self.vocabulary.split(text)
        unit = "character" if self.vocabulary.kind == "characters" else "word"
        if self.padded and 1 <= len(pieces) <= self.length:
            pieces = pieces + [None] * (self.length - len(pieces))
        elif self.padded:
            raise InputError(f'{where}: "{_short(text)}" has {len(pieces)} {unit}s but {self.name} takes at most '
                             f"{self.length}", span, hint=f"give 1 to {self.length} {unit}s", code="NS317")
        if len(pieces) != self.length:
            raise InputError(f'{where}: "{text}" has {len(pieces)} {unit}s but {self.name} takes exactly {self.length}',
                             span, hint=f"give {self.length} {unit}s, spaces included" if unit == "character"
                             else f"give {self.length} words separated by single spaces", code="NS317")
        numbers = [self.vocabulary.number(piece) if piece is not None else self.pad for piece in pieces]
        if None in numbers:
            k = numbers.index(None)
            raise InputError(f"{where}: the {unit} {pieces[k]!r} ({unit} {k + 1} of \"{text}\") is not in the "
                             f"vocabulary {self.vocabulary.name}", span,
                             hint=f"{self.vocabulary.name} has {_entries(self.vocabulary)}", code="NS316")
        return numbers

    def _subword_numbers(self, text: str, where: str, span: Span | None) -> list[int]:
        """Each word split into pieces (netspec/subwords.py); the count must be the input's `tokens N`."""
        words = [self._split(found, k, text, where, span) for k, found in enumerate(words_of(text), 1)]
        pieces = [piece for word in words for piece in word]
        if self.padded and 1 <= len(pieces) <= self.length:
            return [self.vocabulary.number(piece) for piece in pieces]
        if self.padded:
            raise InputError(f'{where}: "{_short(text)}" splits into {len(pieces)} tokens but {self.name} takes at '
                             f"most {self.length}", span, hint=f"give a shorter text: at most {self.length} tokens",
                             code="NS317")
        if len(pieces) != self.length:
            listed_words = listed(words[:20]) + (", …" if len(words) > 20 else "")
            became = f"{len(pieces)} token{'s' if len(pieces) > 1 else ''} ({listed_words})" if pieces else "no tokens"
            raise InputError(f'{where}: "{text}" splits into {became} but {self.name} takes exactly {self.length}',
                             span, hint=f"give a text that splits into exactly {self.length} token"
                             f"{'s' if self.length > 1 else ''}: a network has a fixed number of inputs", code="NS317")
        return [self.vocabulary.number(piece) for piece in pieces]

    def _model_numbers(self, text: str, where: str, span: Span | None) -> list[int]:
        """The model's own tokenizer, its template ([CLS] … [SEP]) included; the count must fit the input."""
        encoding = self.vocabulary.tokenizer.encode(text)
        if len(encoding.ids) != self.length and not (self.padded and 1 <= len(encoding.ids) <= self.length):
            shown = ", ".join(encoding.tokens[:20]) + (", …" if len(encoding.tokens) > 20 else "")
            takes = "at most" if self.padded else "exactly"
            raise InputError(f'{where}: "{_short(text)}" is {len(encoding.ids)} tokens ({shown}) but {self.name} '
                             f"takes {takes} {self.length}", span, code="NS317",
                             hint=f"give a text of {takes} {self.length} tokens, as the model's tokenizer cuts it")
        return list(encoding.ids)

    def _padding(self, numbers: list[int]) -> list[int]:
        return numbers + [self.pad] * (self.length - len(numbers)) if self.padded else numbers

    def _split(self, found, k: int, text: str, where: str, span: Span | None) -> tuple[str, ...]:
        split = self.vocabulary.table.split(found.group())
        if split.stuck is None:
            return split.pieces
        if UNKNOWN in self.vocabulary.table.known:
            return (UNKNOWN,)
        at = _letter_span(span, text, found.start() + split.stuck)
        raise _cannot_split(split, f'{where}: the word "{split.word}" (word {k} of "{text}")', self.vocabulary, at)


def _model_tokens(text: TextInput, numbers) -> str:
    """`"The leaf" → [CLS] = 2, the = 51, leaf = 97, [SEP] = 3 (the model's own WordPiece tokenizer, …)`."""
    entries = text.vocabulary.entries
    pairs = ", ".join(f"{entries[int(n)]} = {int(n)}" for n in text.real(numbers))
    return f"{text.shown(numbers)} → {pairs} (" + text.vocabulary.convention() + ")"


def _cannot_split(split: Split, what: str, vocabulary: Vocabulary, span: Span | None) -> InputError:
    """No piece matches at some letter: name the word, what matched, and the letter."""
    rest = split.word[split.stuck:]
    rest = rest if len(rest) <= 30 else rest[:30] + "…"
    matched = ""
    if split.pieces:
        verb = "matches" if len(split.pieces) == 1 else "match"
        matched = f"{' + '.join(split.pieces)} {verb} letters 1 to {split.stuck}, then "
    inside = bool(split.stuck) and vocabulary.table.marked
    piece = vocabulary.table.continuation(rest[0]) if split.stuck else rest[0]
    return InputError(f"{what} cannot be split into pieces of the vocabulary {vocabulary.name}: {matched}"
                      f'no piece matches at letter {split.stuck + 1} ("{rest}")', span,
                      hint=f'add a piece such as "{piece}" to the vocabulary {vocabulary.name}'
                      + (" (inside a word, pieces start with ##)" if inside else "")
                      + f", or add {UNKNOWN} to stand for any word it cannot split", code="NS319")


def _letter_span(span: Span | None, text: str, offset: int) -> Span | None:
    """The place of letter `offset` of `text` when the span holds it in quotes on one line; else span."""
    if span is None or span.line != span.end_line:
        return span
    written = span.source.line(span.line)[span.column - 1:span.end_column - 1]
    found = written.find(f'"{text}"')
    if found < 0:
        return span
    column = span.column + found + 1 + offset
    return Span(span.source, span.line, column, span.line, column + 1)


def _short(text: str, most: int = 60) -> str:
    """A long text, as a message quotes it: its start, and how long it is."""
    return text if len(text) <= most else f"{text[:most]}… ({len(text):,} characters)"


def _entries(vocabulary: Vocabulary) -> str:
    if vocabulary.kind == "characters":
        return '"' + "".join(vocabulary.entries) + '"'
    return ", ".join(vocabulary.entries[:12]) + (", …" if len(vocabulary.entries) > 12 else "")
