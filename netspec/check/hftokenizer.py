"""A `vocabulary v subwords from "tokenizer.json"` line in, a real model's own tokenizer out.

A pretrained model's token numbers are only right when its text is cut exactly as it was
in training: BERT lower-cases, strips accents, splits off punctuation and wraps the text
in [CLS] … [SEP]; GPT-2 cuts bytes by its learned merges. The article's tokenizers do
none of that, so a real model reads its own tokenizer.json through Hugging Face's
`tokenizers` library (the `netspec[models]` extra): the field's own implementation, the
same ids to the bit, a small compiled package. netspec never writes a tokenizer of its own
for these.

The file is fenced like every file a spec names (netspec/files.py). Its vocabulary lists
every token by its number (from 0, as the model counts), so outputs can be labelled by
token; the tokenizer object itself is kept on the Vocabulary for tokenize and decode.
"""

from __future__ import annotations

import json
from pathlib import Path

from netspec.check.vocabfile import EXTRA, read_text  # the same fence, cap and UTF-8 check as vocab.txt
from netspec.errors import SpecCheckError
from netspec.limits import Limits

def is_tokenizer_file(written: str) -> bool:
    """A Hugging Face tokenizer is a .json file; a plain vocabulary has one token a line."""
    return written.lower().endswith(".json")


def read_tokenizer(folder: Path, written: str, limits: Limits, read: list | None = None):
    """(tokens by number, tokenizers.Tokenizer, its kind: `WordPiece`) of the file `written`; a SpecCheckError says what is wrong."""
    text = read_text(folder, written, limits, read)
    library = _library()
    try:
        tokenizer = library.Tokenizer.from_str(text)
    except Exception as error:  # json's ValueError, or the library's own Exception for a wrong layout
        raise SpecCheckError(f"the tokenizer file {written} is not a Hugging Face tokenizer.json: "
                             f"{str(error).splitlines()[0][:200]}", code="NS419",
                             hint="give the tokenizer.json saved with the model (tokenizer.save_pretrained)") from None
    tokenizer.no_padding()
    tokenizer.no_truncation()  # a spec says how many tokens it takes; a cut text would be a wrong answer
    return _tokens(tokenizer, written), tokenizer, _kind(json.loads(text))


def _library():
    try:
        import tokenizers
    except ImportError:
        raise SpecCheckError("reading a tokenizer.json needs Hugging Face's `tokenizers` library, which is not "
                             "installed", code="NS419", hint=f"install netspec's models extra: {EXTRA}") from None
    return tokenizers


def _tokens(tokenizer, written: str) -> tuple[str, ...]:
    """Every token in the order of its number; a gap in the numbering would mislabel the outputs."""
    by_number = {number: token for token, number in tokenizer.get_vocab(with_added_tokens=True).items()}
    missing = [n for n in range(len(by_number)) if n not in by_number]
    if missing or not by_number:
        raise SpecCheckError(f"the tokenizer file {written} does not number its tokens 0, 1, 2, … without a gap"
                             + (f" (no token {missing[0]})" if missing else ""), code="NS419",
                             hint="give the tokenizer.json saved with the model")
    return tuple(by_number[n] for n in range(len(by_number)))


def _kind(saved: dict) -> str:
    """`WordPiece` or `byte-level BPE`: what kind of tokenizer a printout names."""
    model, pre = (saved.get("model") or {}).get("type", ""), saved.get("pre_tokenizer") or {}
    if model == "BPE" and "ByteLevel" in json.dumps(pre):
        return "byte-level BPE"
    return model or "tokenizer"
