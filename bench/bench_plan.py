"""Benchmark: netspec's compiled plan against hand-written NumPy doing the same arithmetic.

    python bench/bench_plan.py            # everything (a few minutes)
    python bench/bench_plan.py --quick    # skip the 100,000-row cell of the big network

Two networks, each on 1, 1,000 and 100,000 rows, in one process:

  leaf   specs/leaf.net, 4 -> 3 -> 2, no bias, no activation
  dense  784 -> 512 -> 512 -> 10 with biases, relu between the dense layers and softmax
         at the end, written by this script as a real .net spec (seeded random weights
         as labelled tables) into a temporary folder and loaded with netspec.load_spec

netspec's side is `netspec.run.runner.run(plan, rows)`, the batch path `netspec run` uses;
it includes netspec's per-step NaN/infinity check and the decision (one label per row).
The NumPy side uses the very same weight arrays (spec.params[name].array) and computes
only the numbers. Outputs are compared with np.allclose before anything is timed.

Each cell reports the median of repeated timings (time.perf_counter), with the netspec
and NumPy runs alternating so that drift hits both alike. Nothing here asserts a time:
this is a measurement, not a test. The target to compare against is netspec within
1.1x of NumPy at 1,000 rows and up.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import netspec  # noqa: E402
from netspec.run.runner import run as run_plan  # noqa: E402

ROW_COUNTS = (1, 1_000, 100_000)
SEED = 20240601
BIG_SIZES = (784, 512, 512, 10)
TARGET_RATIO = 1.1


# ---------------------------------------------------------------- environment header

def _blas_info() -> str:
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older NumPy or an unusual build: the header is informative only
        return "unknown"


def _openblas_function(what: str):
    """`get_num_threads` or `set_num_threads` of the OpenBLAS that NumPy loaded, or None (best effort)."""
    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(glob.glob(str(libs / "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)  # already loaded by NumPy: the same library, not a second copy
        except OSError:
            continue
        for symbol in (f"scipy_openblas_{what}64_", f"openblas_{what}64_", f"openblas_{what}"):
            func = getattr(lib, symbol, None)
            if func is not None:
                return func
    return None


def _openblas_threads() -> str:
    func = _openblas_function("get_num_threads")
    if func is None:
        return "unknown"
    func.restype = ctypes.c_int
    return str(func())


def set_blas_threads(n: int) -> bool:
    func = _openblas_function("set_num_threads")
    if func is None:
        return False
    func.argtypes = [ctypes.c_int]
    func(n)
    return True


def print_header():
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    env = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
           if k in os.environ}
    print("netspec plan benchmark")
    print(f"  python     {platform.python_version()} ({sys.executable})")
    print(f"  platform   {platform.platform()} / {platform.machine()}")
    print(f"  numpy      {np.__version__}, BLAS: {_blas_info()}")
    print(f"  threads    CPUs: {os.cpu_count()} ({usable} usable by this process); "
          f"OpenBLAS threads: {_openblas_threads()}; "
          f"env: {', '.join(f'{k}={v}' for k, v in env.items()) or 'no *_NUM_THREADS set'}")
    print(f"  netspec    {netspec.__version__} from {Path(netspec.__file__).parent}")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()
        print(f"  load       {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the start; "
              "other work on the machine makes the numbers noisy")
    print()


# ---------------------------------------------------------------- the big network as a .net file

def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _table(lines: list[str], col_labels: list[str], rows: list[tuple[str, np.ndarray]]):
    lines.append("  " + " ".join(col_labels))
    for label, numbers in rows:
        lines.append(f"  {label} " + " ".join(map(_fmt, numbers.tolist())))


def write_big_spec(folder: Path) -> Path:
    """784 -> 512 -> 512 -> 10 as a .net spec with seeded He-scaled random weights."""
    rng = np.random.default_rng(SEED)
    n_in, n_h1, n_h2, n_out = BIG_SIZES
    neurons = {
        "input": [f"x{i}" for i in range(1, n_in + 1)],
        "W1": [f"a{i}" for i in range(1, n_h1 + 1)],
        "W2": [f"b{i}" for i in range(1, n_h2 + 1)],
        "W3": [f"d{i}" for i in range(n_out)],
    }
    lines = ["# dense784.net: written by bench/bench_plan.py; seeded random weights.", "",
             'network dense784 "784 -> 512 -> 512 -> 10, relu between, softmax at the end."', ""]
    lines += [f"input {name} range 0 to 1" for name in neurons["input"]]
    layers = [("W1", "bias1", "input", "hidden1", "act1", n_in),
              ("W2", "bias2", "act1", "hidden2", "act2", n_h1),
              ("W3", "bias3", "act2", "logits", None, n_h2)]
    previous = neurons["input"]
    for weights, bias, source, dense_name, act_name, fan_in in layers:
        cols = neurons[weights]
        w = rng.standard_normal((fan_in, len(cols))) * math.sqrt(2.0 / fan_in)
        b = rng.standard_normal(len(cols)) * 0.01
        lines += ["", f"weights {weights}:"]
        _table(lines, cols, list(zip(previous, w)))
        lines += ["", f"bias {bias}:"]
        _table(lines, cols, [("", b)])
        lines += ["", f"layer {dense_name} = dense({source}, {weights}, {bias})"]
        if act_name:
            lines.append(f"layer {act_name} = relu({dense_name})")
        previous = cols
    lines += ["layer probs = softmax(logits)", "", "output probs", "decide largest",
              'say "The digit is {decision}."', ""]
    path = folder / "dense784.net"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# ---------------------------------------------------------------- hand-written NumPy baselines

def leaf_numpy(spec):
    W1, W2 = (spec.params[n].array for n in ("W1", "W2"))

    def forward(x):
        return (x @ W1) @ W2

    return forward


def big_numpy(spec):
    W1, b1, W2, b2, W3, b3 = (spec.params[n].array for n in ("W1", "bias1", "W2", "bias2", "W3", "bias3"))

    def forward(x):
        h1 = np.maximum(x @ W1 + b1, 0.0)
        h2 = np.maximum(h1 @ W2 + b2, 0.0)
        z = h2 @ W3 + b3
        z = z - z.max(axis=1, keepdims=True)  # stable softmax
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    return forward


# ---------------------------------------------------------------- timing

def _time_block(func, x, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        func(x)
    return (time.perf_counter() - start) / number


def compare(funcs: dict, x: np.ndarray, min_time: float, min_repeats: int = 5, max_repeats: int = 200):
    """Median seconds per call of each function, run alternately; also repeats and inner loops."""
    names = list(funcs)
    # Timed warm-up calls (caches, allocator, BLAS threads) also size the samples; a second
    # call, when cheap, keeps one slow first call from making the samples too short.
    one = 0.0
    for name in names:
        first = _time_block(funcs[name], x, 1)
        one = max(one, first if first > 0.1 else min(first, _time_block(funcs[name], x, 1)))
    number = max(1, math.ceil(0.005 / one)) if one < 0.005 else 1  # each sample >= ~5 ms
    per_sample = one * number
    repeats = max(min_repeats, min(max_repeats, math.ceil(min_time / per_sample)))
    if per_sample > 1.0:  # the 100,000-row big-network cell: a few seconds a call
        repeats = min_repeats
    samples = {name: [] for name in names}
    for r in range(repeats):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            samples[name].append(_time_block(funcs[name], x, number))
    medians = {name: statistics.median(s) for name, s in samples.items()}
    mins = {name: min(s) for name, s in samples.items()}
    return medians, mins, repeats, number


def _human(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.3f} s "


# ---------------------------------------------------------------- the benchmark

def bench_network(label, spec, plan, numpy_forward, rows_list, min_time, results):
    try:  # a diagnostic only: the benchmark runs on if netspec's internals move
        from netspec.run.decision import decide
    except ImportError:
        decide = None

    n_in = len(spec.inputs)
    rng = np.random.default_rng(SEED + 1)
    lows = np.array([i.low if i.low is not None else 0.0 for i in spec.inputs])
    highs = np.array([i.high if i.high is not None else 100.0 for i in spec.inputs])
    for n in rows_list:
        x = lows + (highs - lows) * rng.random((n, n_in))
        ours = run_plan(plan, x)
        theirs = numpy_forward(x)
        assert ours.outputs.shape == theirs.shape, (ours.outputs.shape, theirs.shape)
        assert np.allclose(ours.outputs, theirs, rtol=1e-9, atol=1e-12), f"{label} {n}: outputs differ"
        labels = spec.decision.labels
        assert ours.decisions == [labels[i] for i in np.argmax(theirs, axis=1)], f"{label} {n}: decisions differ"
        funcs = {"netspec": lambda a: run_plan(plan, a), "numpy": numpy_forward}
        if decide is not None:  # timed alongside, on this cell's outputs: where netspec's extra time goes
            funcs["decide"] = lambda a, _o=ours.outputs: decide(spec.decision, _o)
        medians, mins, repeats, number = compare(
            funcs, x, min_time, min_repeats=3 if n >= 100_000 and n_in > 100 else 15)
        decide_time = medians.get("decide", float("nan"))
        results.append((label, n, medians["netspec"], medians["numpy"], repeats, number, decide_time,
                        mins["netspec"] / mins["numpy"]))
        r = results[-1]
        print(f"  {label:<6} {n:>9,} rows  netspec {_human(r[2])}  numpy {_human(r[3])}  "
              f"ratio {r[2] / r[3]:5.2f}  ({repeats} × {number})", flush=True)
        del x, ours, theirs


def print_table(results):
    print()
    print("Run times: median seconds per call. netspec = netspec.run.runner.run(plan, rows), which also checks each")
    print("step for NaN/infinity and turns the outputs into decisions; numpy = the same arithmetic by hand.")
    head = (f"  {'network':<8}{'rows':>9}  {'netspec':>11}  {'numpy':>11}  {'netspec/numpy':>13}  {'(of mins)':>9}"
            f"  {'decide()':>11}  {'≈ w/o decide':>12}  {'samples':>9}")
    print(head)
    print("  " + "─" * (len(head) - 2))
    for label, n, ours, theirs, repeats, number, decide_time, min_ratio in results:
        ratio = ours / theirs
        without = max(ours - decide_time, 0.0) / theirs
        flag = "" if n < 1000 else ("   within target" if ratio <= TARGET_RATIO else "   over target")
        print(f"  {label:<8}{n:>9,}  {_human(ours):>11}  {_human(theirs):>11}  {ratio:>12.2f}×  {min_ratio:>8.2f}×"
              f"  {_human(decide_time):>11}  {without:>11.2f}×  {f'{repeats}×{number}':>9}{flag}")
    print(f"  target: netspec within {TARGET_RATIO}× of numpy at 1,000 rows and up.")
    print("  (of mins) = the same ratio from the fastest sample of each side, a check on noise;")
    print("  decide() = netspec.run.decision.decide alone on that cell's outputs (one label string per row),")
    print("             timed in the same alternating loop;")
    print("  ≈ w/o decide = (netspec − decide()) / numpy, an estimate of the ratio for the arithmetic alone;")
    print("  samples = repeats × calls per sample, per side.")


def _subprocess_samples(commands: dict, runs: int) -> dict:
    """Wall-clock seconds of each command per run, run alternately after one warm-up each."""
    def once(cmd):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start

    for cmd in commands.values():  # warm-up: file system cache
        once(cmd)
    samples = {name: [] for name in commands}
    for r in range(runs):
        for name in (list(commands) if r % 2 == 0 else list(commands)[::-1]):
            samples[name].append(once(commands[name]))
    return samples


def bench_startup(runs: int):
    """`python -m netspec run specs/leaf.net` against `python -c "import numpy"`."""
    commands = {
        "python -m netspec run specs/leaf.net": [sys.executable, "-m", "netspec", "run", "specs/leaf.net"],
        'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
    }
    samples = _subprocess_samples(commands, runs)
    ours, base = (statistics.median(samples[name]) for name in commands)
    print()
    print(f"Start-up (fresh subprocess, wall clock, median of {runs}, the two alternating)")
    for name in commands:
        print(f"  {name:<42} {_human(statistics.median(samples[name]))}"
              f"   (min {_human(min(samples[name])).strip()}, max {_human(max(samples[name])).strip()})")
    print(f"  ratio netspec / numpy import               {ours / base:8.2f}×")
    print(f"  difference                                 {_human(ours - base)}")
    if sys.flags.dont_write_bytecode:
        print("  note: PYTHONDONTWRITEBYTECODE is set, so modules without a cached .pyc (netspec's own,")
        print("        when run from a checkout) are compiled from source at every start.")


_STAGES = """
import sys, time
sys.path.insert(0, {repo!r})
stages = []
t = time.perf_counter()
import numpy
stages.append(("import numpy", time.perf_counter() - t))
t = time.perf_counter()
import netspec.cli, netspec.run.runner
stages.append(("import netspec.cli, netspec.run.runner (click, lark, ...)", time.perf_counter() - t))
try:
    from netspec.lang.grammar import lark_parser
    t = time.perf_counter()
    lark_parser()
    stages.append(("first netspec.lang.grammar.lark_parser()", time.perf_counter() - t))
except Exception:
    pass
t = time.perf_counter()
spec = netspec.load_spec("specs/leaf.net")
plan = netspec.compile_plan(spec)
netspec.run.runner.run(plan, numpy.array([[32.0, 107.0, 56.0, 11.2]]))
stages.append(("load_spec + compile_plan + run (leaf.net, one row)", time.perf_counter() - t))
print(repr(stages))
"""


def bench_startup_stages(runs: int):
    """Where a fresh process spends its start-up, stage by stage (median of `runs` processes)."""
    import ast

    code = _STAGES.format(repo=str(REPO))
    found: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
        if out.returncode != 0:
            print("  (stage timing failed: " + (out.stderr.strip().splitlines() or ["?"])[-1] + ")")
            return
        for name, seconds in ast.literal_eval(out.stdout.strip()):
            found.setdefault(name, []).append(seconds)
    print(f"  stages inside one fresh process (median of {runs}):")
    for name, times in found.items():
        print(f"    {name:<56} {_human(statistics.median(times))}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-row cell of the big network")
    parser.add_argument("--min-time", type=float, default=1.0, metavar="S",
                        help="seconds of samples per side per cell (default 1.0)")
    parser.add_argument("--startup-runs", type=int, default=5, metavar="N",
                        help="subprocess runs per start-up command (default 5)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="set OpenBLAS's thread count for this run (default: leave it as it is)")
    args = parser.parse_args(argv)
    wall = time.perf_counter()
    if args.threads is not None and not set_blas_threads(args.threads):
        print(f"warning: could not set the BLAS thread count to {args.threads}; "
              "set OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS / MKL_NUM_THREADS) instead", file=sys.stderr)

    print_header()
    results = []

    # ---- leaf.net
    start = time.perf_counter()
    leaf = netspec.load_spec(REPO / "specs" / "leaf.net")
    leaf_load = time.perf_counter() - start
    leaf_plan = netspec.compile_plan(leaf)
    print(f"leaf.net: {len(leaf.inputs)} → {leaf.values[leaf.output].width}, {leaf.parameter_count} parameters; "
          f"load_spec {_human(leaf_load).strip()} (the first call also builds the Lark parser)")

    # ---- the big network, written as a .net spec
    with tempfile.TemporaryDirectory(prefix="netspec-bench-") as folder:
        start = time.perf_counter()
        path = write_big_spec(Path(folder))
        written = time.perf_counter() - start
        size = path.stat().st_size
        with path.open(encoding="utf-8") as f:
            line_count = sum(1 for _ in f)
        print(f"dense784.net: written in {_human(written).strip()} to a temporary folder, "
              f"{size / 1e6:.1f} MB, {line_count:,} lines")
        start = time.perf_counter()
        big = netspec.load_spec(path)
        parse_check = time.perf_counter() - start
        start = time.perf_counter()
        big_plan = netspec.compile_plan(big)
        compile_time = time.perf_counter() - start
    numbers = big.parameter_count
    print(f"  parse + check (netspec.load_spec): {parse_check:.2f} s for {numbers:,} inline numbers "
          f"= {numbers / parse_check:,.0f} numbers/s, {size / parse_check / 1e6:.2f} MB/s")
    print(f"  compile_plan: {_human(compile_time).strip()}")
    print("  " + repr(big_plan).replace("\n", "\n  "))
    print()

    print(f"Timing ({args.min_time} s or more of samples per side per cell, at least 15 repeats "
          f"(3 for the 100,000-row big cell); netspec and numpy alternate)")
    bench_network("leaf", leaf, leaf_plan, leaf_numpy(leaf), ROW_COUNTS, args.min_time, results)
    big_rows = tuple(n for n in ROW_COUNTS if not (args.quick and n >= 100_000))
    bench_network("dense", big, big_plan, big_numpy(big), big_rows, args.min_time, results)
    if args.quick:
        print("  (--quick: the 100,000-row cell of the big network is skipped)")
    print_table(results)

    bench_startup(args.startup_runs)
    bench_startup_stages(args.startup_runs)
    print()
    print(f"Summary: big-network parse + check {parse_check:.2f} s ({numbers / parse_check:,.0f} numbers/s); "
          f"whole benchmark {time.perf_counter() - wall:.0f} s.")


if __name__ == "__main__":
    main()
