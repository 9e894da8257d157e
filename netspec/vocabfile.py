"""A `vocabulary v subwords from "vocab.txt"` line in, the file's tokens out: one token a line.

This is the form of BERT's vocab.txt, whose first line is token 0 (`numbered from 0`
says so). The file is fenced like a weight file (netspec/weights.py): its path is taken
relative to the spec's folder, a file outside that folder is refused unless
--allow-outside, and its size is checked before a byte of it is read.
"""

from __future__ import annotations

import stat
from pathlib import Path

from netspec.errors import SpecCheckError
from netspec.limits import Limits, describe_bytes, outside_folder
from netspec.subwords import never_matches

MAX_VOCABULARY_BYTES = 16 * 1024**2  # BERT's vocab.txt is 232 kB; the largest are a few MB
MAX_VOCABULARY_TOKENS = 1_000_000  # BERT has 30,522 tokens, multilingual models a few hundred thousand


def read_tokens(folder: Path, written: str, limits: Limits) -> tuple[str, ...]:
    """The tokens of the file `written` (relative to `folder`), in order; a SpecCheckError says what is wrong."""
    path = _fenced(folder, written, limits)
    return _tokens(_text(_read(path, written), written), written)


def _fenced(folder: Path, written: str, limits: Limits) -> Path:
    inside = outside_folder(folder, written, limits)
    if inside is not None:
        raise SpecCheckError(f"the vocabulary file {written} lies outside the spec's folder ({inside})",
                             hint="a spec may only read files in its own folder; pass --allow-outside if you "
                                  "trust this spec", code="NS413")
    return folder / written


def _read(path: Path, written: str) -> bytes:
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):  # a folder, or a pipe or device that could be read forever
            raise SpecCheckError(f"{written} is {'a folder' if stat.S_ISDIR(mode) else 'not a plain file'}, "
                                 "not a vocabulary file", hint="name a text file with one token a line", code="NS412")
        size = path.stat().st_size
        if size > MAX_VOCABULARY_BYTES:  # refused before a byte of it is read
            raise _too_large(written, size)
        with path.open("rb") as stream:
            data = stream.read(MAX_VOCABULARY_BYTES + 1)
    except FileNotFoundError:
        raise SpecCheckError(f"no vocabulary file {written} in {path.parent}", code="NS412",
                             hint="the path is relative to the spec's folder; the file has one token a line, "
                                  "like BERT's vocab.txt") from None
    except (OSError, ValueError) as error:  # unreadable, a name too long, a NUL byte in it
        reason = getattr(error, "strerror", None) or str(error)
        raise SpecCheckError(f"cannot read the vocabulary file {written}: {reason.lower()}", code="NS412",
                             hint="check the file's name and that it can be read") from None
    if len(data) > MAX_VOCABULARY_BYTES:  # it grew after the size was checked
        raise _too_large(written, len(data))
    return data


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
