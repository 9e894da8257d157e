"""Benchmark: greedy generation on the tiny GPT-2 of tests/reference/hf/, netspec against a torch loop.

    pip install torch==2.13.0 transformers     # the contender; netspec itself needs neither
    python bench/bench_generate_hf.py          # 30 tokens after "The leaf", 5 runs each

netspec's side is `netspec.generate` of the spec `netspec import` writes for the folder: the
context grows, each step runs only the new position with the keys and values of the earlier
ones kept (netspec/run/cached.py), float64 through the fast kernels. The contender is the
plain loop a person writes with transformers: GPT2LMHeadModel in float32, one forward per
token with `past_key_values` (its own key/value cache) and argmax, under torch.no_grad,
one thread each. Both must pick the same tokens; the script prints tokens per second of
each and their ratio. Nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import shutil
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import netspec  # noqa: E402
from netspec.interop import import_model  # noqa: E402

FOLDER = REPO / "tests" / "reference" / "hf" / "tiny_gpt2"
START, TOKENS, RUNS = "The leaf", 29, 5  # 2 tokens in, 29 out: the 32 positions the model has, save one


def netspec_side(spec):
    made = netspec.generate(spec, START, TOKENS)
    return [step.number for step in made.steps]


def torch_side(torch, model, ids):
    made, past = [], None
    with torch.no_grad():
        step = ids
        for _ in range(TOKENS):
            out = model(input_ids=step, past_key_values=past, use_cache=True)
            past = out.past_key_values
            k = int(out.logits[0, -1].argmax())
            made.append(k)
            step = torch.tensor([[k]])
    return made


def timed(function, *args) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    try:
        import torch
        from transformers import GPT2LMHeadModel
        from tokenizers import Tokenizer
    except ImportError as error:
        print(f"bench_generate_hf.py needs {error.name}: pip install torch==2.13.0 transformers", file=sys.stderr)
        return 1
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "tiny_gpt2"
        shutil.copytree(FOLDER, folder)
        path = folder / "model.net"
        path.write_text(import_model(folder, path), encoding="utf-8")
        spec = netspec.load_spec(path)
        model = GPT2LMHeadModel.from_pretrained(folder).eval()
        ids = torch.tensor([Tokenizer.from_file(str(folder / "tokenizer.json")).encode(START).ids])
        ours, theirs = netspec_side(spec), torch_side(torch, model, ids)
        if ours != theirs:
            print(f"the two picked different tokens: {ours} and {theirs}", file=sys.stderr)
            return 1
        mine, torch_time = timed(netspec_side, spec), timed(torch_side, torch, model, ids)
    print(f"tiny GPT-2, greedy, {TOKENS} tokens after {START!r} (median of {RUNS}, one thread)")
    print(f"  netspec float64 with its key/value cache:    {TOKENS / mine:8.1f} tokens/s")
    print(f"  torch float32 loop with past_key_values:     {TOKENS / torch_time:8.1f} tokens/s")
    print(f"  ratio netspec / torch: {torch_time / mine:.2f} (above 1: netspec is faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
