"""A `vocabulary v subwords from "vocab.txt"` line in, the file's tokens out: one token a line.

This is the form of BERT's vocab.txt, whose first line is token 0 (`numbered from 0`
says so). The file is fenced like a weight file (netspec/check/weights.py): its path is taken
relative to the spec's folder, a file outside that folder is refused unless
--allow-outside, and its kind (a regular file) and size are checked on the opened file
before a byte of it is read (netspec/files.py).
"""

from __future__ import annotations

from pathlib import Path

from netspec.errors import SpecCheckError
from netspec.files import FileRefused, Opened, open_checked
from netspec.limits import MAX_VOCABULARY_BYTES, Limits, describe_bytes, outside_folder
from netspec.subwords import never_matches

EXTRA = "pip install 'netspec[models]'"  # Hugging Face's tokenizers, for a model's tokenizer.json
MAX_VOCABULARY_TOKENS = 1_000_000  # BERT has 30,522 tokens, multilingual models a few hundred thousand


def read_tokens(folder: Path, written: str, limits: Limits, read: list | None = None) -> tuple[str, ...]:
    """The tokens of the file `written` (relative to `folder`), in order; a SpecCheckError says what is wrong.

    read: where to note the (device, inode) of the file read, so `-o` never writes over it.
    """
    tokens = _tokens(read_text(folder, written, limits, read), written)
    refuse_real_vocabulary(tokens, written)
    return tokens


def read_text(folder: Path, written: str, limits: Limits, read: list | None = None) -> str:
    """The whole text of the file `written`, fenced, capped and checked to be UTF-8."""
    path = _fenced(folder, written, limits)
    with _opened(path, written, None if limits.allow_outside else folder) as opened:
        if read is not None:
            read.append(opened.identity)
        return _text(_read(opened, written), written)


def _fenced(folder: Path, written: str, limits: Limits) -> Path:
    inside = outside_folder(folder, written, limits)
    if inside is not None:
        raise _outside(written, inside)
    return folder / written


def _outside(written: str, inside: Path) -> SpecCheckError:
    return SpecCheckError(f"the vocabulary file {written} lies outside the spec's folder ({inside})",
                          hint="a spec may only read files in its own folder; pass --allow-outside if you "
                               "trust this spec", code="NS413")


def _opened(path: Path, written: str, fence: Path | None) -> Opened:
    """The file, opened once and checked there: a regular file, inside the fence, small enough."""
    try:
        return open_checked(path, fence, MAX_VOCABULARY_BYTES, "vocabulary file", written)
    except FileRefused as refused:
        if refused.reason == "outside":
            raise _outside(written, refused.folder) from None
        if refused.reason == "too_large":
            raise _too_large(written, refused.size) from None
        if refused.reason == "missing":
            raise SpecCheckError(f"no vocabulary file {written} in {path.parent}", code="NS412",
                                 hint="the path is relative to the spec's folder; the file has one token a line, "
                                      "like BERT's vocab.txt") from None
        raise SpecCheckError(refused.message, hint="name a text file with one token a line", code="NS412") from None


def _read(opened: Opened, written: str) -> bytes:
    try:
        return opened.read_all(MAX_VOCABULARY_BYTES)
    except FileRefused as refused:  # it grew after it was opened
        raise _too_large(written, refused.size) from None
    except OSError as error:
        raise SpecCheckError(f"cannot read the vocabulary file {written}: {error.strerror}", code="NS412",
                             hint="check that the file can be read") from None


def _too_large(written: str, size: int) -> SpecCheckError:
    return SpecCheckError(f"the vocabulary file {written} is {describe_bytes(size)}; a vocabulary file may be at "
                          f"most {describe_bytes(MAX_VOCABULARY_BYTES)}", code="NS414",
                          hint="keep one token a line; BERT's vocab.txt of 30,522 tokens is 232 kB")


def _text(data: bytes, written: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise SpecCheckError(f"the vocabulary file {written} is not UTF-8 text: line {line} has the byte "
                             f"0x{data[error.start]:02X}", hint="save it as UTF-8 plain text", code="NS414") from None


def _tokens(text: str, written: str) -> tuple[str, ...]:
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    tokens = tuple(line.removesuffix("\r") for line in lines)
    if not tokens:
        raise SpecCheckError(f"the vocabulary file {written} is empty", code="NS415",
                             hint="write one token a line, the first token on the first line")
    if len(tokens) > MAX_VOCABULARY_TOKENS:
        raise SpecCheckError(f"the vocabulary file {written} has {len(tokens):,} tokens; a vocabulary may have at "
                             f"most {MAX_VOCABULARY_TOKENS:,}", hint="use a smaller vocabulary", code="NS414")
    seen: dict[str, int] = {}
    for number, token in enumerate(tokens, 1):
        problem = never_matches(token)
        if problem:
            what = f"line {number} is blank" if not token else f"the token {token!r} on line {number} {problem}"
            raise SpecCheckError(f"in the vocabulary file {written}, {what}", code="NS415",
                                 hint="write one token a line, with no blank lines and no spaces: a token's "
                                      "line gives its number")
        if token in seen:
            raise SpecCheckError(f"the vocabulary file {written} lists the token {token!r} twice, on lines "
                                 f"{seen[token]} and {number}", code="NS415",
                                 hint="list each token once: its line is its number")
        seen[token] = number
    return tokens


def refuse_real_vocabulary(tokens: tuple[str, ...], written: str):
    """A real BERT vocab.txt read by the article's sub-word tokenizer would give wrong numbers silently."""
    if "[CLS]" in tokens and "[SEP]" in tokens:
        raise SpecCheckError(
            f"the vocabulary file {written} is a pretrained BERT model's (it has [CLS] and [SEP]), but the article's "
            "sub-word tokenizer does not cut text as BERT does (lower case, punctuation split off, [CLS] … [SEP] "
            "added), so its token numbers would be wrong", code="NS418",
            hint='declare the tokenizer.json saved with the model instead: `vocabulary tokens subwords from '
                 f'"tokenizer.json"` ({EXTRA})')
