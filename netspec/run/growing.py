"""A real model's text in, the text grown a token at a time out: the context grows to the model's limit.

The article's models read a window of fixed length that slides (netspec/run/generation.py).
A pretrained language model reads its whole text so far, up to its context limit (GPT-2:
its table of positions), so here nothing is dropped: each new token is appended, and the
run stops at the limit, or when the model picks its end token (a special token of its
tokenizer, such as GPT-2's <|endoftext|>). Each step runs only the new position, with the
keys and values of the earlier ones kept (netspec/run/cached.py); the numbers are those of
running the whole text. A real model is run by the fast kernels (float64 BLAS products),
not the article's exact arithmetic: its correctly rounded tanh or erf a number at a time
would make each token some 20 times slower than torch. Its scores agree with the exact
ones to about 1e-13 (tests/test_hf_import.py holds them to transformers' to 1e-12), so a
token could differ between machines only where two scores tie to that; `netspec trace`
works out any step exactly.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from netspec.check.model import CheckedSpec
from netspec.check.vocabulary import TextInput
from netspec.errors import InputError, SpecCheckError
from netspec.run.cached import CachedRun
from netspec.run.plan import Plan
from netspec.progress import advance_by

SHOWN = 30  # characters of the text so far that a step's row shows


def grow(plan: Plan, text_input: TextInput, text: str, steps: int, choose: Callable,
         progress=None) -> tuple[list[int], list[tuple]]:
    """(the start's token numbers, one (window, k, output, chance, draw) per step made), by `plan`'s steps
    in its dtype."""
    spec = plan.spec
    numbers = _start(text_input, text)
    width = len(text_input.vocabulary.entries)
    _fits(spec, width)
    started = CachedRun.of(plan, numbers, exact=False)  # a real model: the fast kernels (see the docstring)
    if started is None:
        raise SpecCheckError(f"{spec.name} cannot be continued a token at a time: an operation of it reads later "
                             "positions, or the whole sequence at once", code="NS805",
                             hint="a language model's attention needs mask=causal, and its layers work at each "
                                  "position (dense at each position, layer_norm, add)")
    run, outputs = started
    ends = _end_tokens(text_input)
    made, context = [], list(numbers)
    for done in range(steps):
        scores = outputs[-width:]  # the last position's scores: the next token
        k, chance, draw = choose(scores)
        made.append((_window(text_input, context), k, float(scores[k]), chance, draw))
        context.append(k)
        advance_by(progress)
        if k in ends or len(context) >= run.limit:
            break
        outputs = run.feed([k])
    return numbers, made


def _start(text_input: TextInput, text: str) -> list[int]:
    numbers = list(text_input.vocabulary.tokenizer.encode(text).ids)
    if not numbers:
        raise InputError("the starting text has no tokens", hint="give a few words to continue", code="NS317")
    if len(numbers) >= text_input.length:
        raise InputError(f'the starting text "{text}" is {len(numbers)} tokens, but {text_input.name} holds at most '
                         f"{text_input.length} and one must be left to add", code="NS317",
                         hint=f"give a text of fewer than {text_input.length} tokens")
    return numbers


def _fits(spec: CheckedSpec, width: int):
    count = len(spec.output_labels)
    if count % width:
        raise SpecCheckError(f"generating text needs one output per token of the vocabulary ({width:,}) at each "
                             f"position; the output `{spec.output}` has {count:,} numbers", code="NS802",
                             hint=f"label the outputs with `output {spec.output} labels from tokens`")


def _end_tokens(text_input: TextInput) -> set[int]:
    """The tokenizer's special tokens: the model ends a text with one (<|endoftext|>, [SEP])."""
    tokenizer = text_input.vocabulary.tokenizer
    return {number for number, token in tokenizer.get_added_tokens_decoder().items() if token.special}


def _window(text_input: TextInput, numbers) -> str:
    shown = text_input.decode(numbers)
    return shown if len(shown) <= SHOWN else "…" + shown[-SHOWN:]


def keep_likeliest(chances: np.ndarray, k: int | None) -> np.ndarray:
    """Only the k likeliest tokens keep their chance (ties at the k-th kept too), renormalised."""
    if k is None or k >= len(chances):
        return chances
    cut = np.partition(chances, -k)[-k]
    kept = np.where(chances >= cut, chances, 0.0)
    return kept / kept.sum()
