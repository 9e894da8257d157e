"""Benchmark: every speed comparison of netspec against NumPy, onnxruntime and torch, in one process.

    python bench/bench_all.py            # everything (several minutes)
    python bench/bench_all.py --quick    # fewer rows and shorter samples

Each comparison runs twice: every contender single-threaded (OpenBLAS, torch and
onnxruntime each told to use one thread), then with each library's default threads.
Every contender's outputs are compared with netspec's before anything is timed. A cell
is the median of alternating timings; the table gives each contender's time and its
ratio to the fastest contender of that row. onnxruntime and torch (`pip install -e
'.[bench]'`) are skipped, with a note, when they are not installed. Nothing here asserts
a time: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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
from bench_gpt import numpy_gpt  # noqa: E402
from bench_plan import big_numpy, leaf_numpy, set_blas_threads, write_big_spec  # noqa: E402
from netspec.run.generation import generate  # noqa: E402
from netspec.run.runner import run as run_plan  # noqa: E402

try:
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper
except ImportError:
    onnxruntime = None
try:
    import torch
except ImportError:
    torch = None

CPUS = os.cpu_count() or 1
PYCACHE = tempfile.mkdtemp(prefix="netspec-pyc-")  # the fresh processes' bytecode, shared by every one of them
GPT = REPO / "specs" / "tiny_gpt.net"


# ---------------------------------------------------------------- timing

def median_times(funcs: dict, min_time: float, min_repeats: int = 5) -> dict:
    """Median seconds per call of each zero-argument function, called in alternating order."""
    for f in funcs.values():
        f()  # warm-up: caches, allocator, thread pools
    samples = {name: [] for name in funcs}
    started = time.perf_counter()
    r = 0
    while r < min_repeats or time.perf_counter() - started < min_time * len(funcs):
        for name in (list(funcs) if r % 2 == 0 else list(funcs)[::-1]):
            t = time.perf_counter()
            funcs[name]()
            samples[name].append(time.perf_counter() - t)
        r += 1
    return {name: statistics.median(s) for name, s in samples.items()}


def set_threads(single: bool) -> None:
    """One thread for OpenBLAS and torch, or each library's default (onnxruntime: set per session)."""
    set_blas_threads(1 if single else CPUS)
    if torch is not None:
        torch.set_num_threads(1 if single else CPUS)


def human(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms" if seconds < 1.0 else f"{seconds:.2f} s"


ROWS: list[tuple] = []  # (threads, work, {contender: seconds or None}, unit)


def record(threads: str, work: str, times: dict, per: str = "time") -> None:
    ROWS.append((threads, work, times, per))
    fastest = min(t for t in times.values() if t is not None)
    cells = ", ".join(f"{k} {human(v)} ({v / fastest:.2f}×)" for k, v in times.items() if v is not None)
    print(f"  [{threads}] {work}: {cells}", flush=True)


# ---------------------------------------------------------------- onnxruntime and torch versions

def _session(graph_nodes, weights: dict, n_in: int, n_out: int, single: bool):
    inits = [numpy_helper.from_array(a.astype(np.float32), name) for name, a in weights.items()]
    graph = helper.make_graph(graph_nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, n_in])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, n_out])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    options = onnxruntime.SessionOptions()
    if single:
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return lambda x: session.run(None, {"x": x})[0]


def ort_leaf(spec, single):
    w = {n: spec.params[n].array for n in ("W1", "W2")}
    nodes = [helper.make_node("MatMul", ["x", "W1"], ["h"]), helper.make_node("MatMul", ["h", "W2"], ["y"])]
    return _session(nodes, w, 4, 2, single)


def ort_big(spec, single):
    names = ("W1", "bias1", "W2", "bias2", "W3", "bias3")
    w = {n: spec.params[n].array for n in names}
    nodes = [helper.make_node("Gemm", ["x", "W1", "bias1"], ["h1"]), helper.make_node("Relu", ["h1"], ["r1"]),
             helper.make_node("Gemm", ["r1", "W2", "bias2"], ["h2"]), helper.make_node("Relu", ["h2"], ["r2"]),
             helper.make_node("Gemm", ["r2", "W3", "bias3"], ["z"]), helper.make_node("Softmax", ["z"], ["y"], axis=-1)]
    return _session(nodes, w, 784, 10, single)


def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


def torch_leaf(spec):
    W1, W2 = (_t(spec.params[n].array) for n in ("W1", "W2"))

    def forward(x):
        with torch.inference_mode():
            return (torch.from_numpy(x) @ W1 @ W2).numpy()
    return forward


def torch_big(spec):
    W1, b1, W2, b2, W3, b3 = (_t(spec.params[n].array) for n in ("W1", "bias1", "W2", "bias2", "W3", "bias3"))

    def forward(x):
        with torch.inference_mode():
            h = torch.addmm(b1, torch.from_numpy(x), W1).relu_()
            h = torch.addmm(b2, h, W2).relu_()
            return torch.softmax(torch.addmm(b3, h, W3), dim=-1).numpy()
    return forward


def torch_gpt(weights: dict):
    """The tiny GPT of bench_gpt.numpy_gpt in torch float32: (rows, 12) token numbers in, (rows, 27) scores out."""
    w = {k: _t(v) for k, v in weights.items()}
    F = torch.nn.functional

    def heads(x):
        rows, n, d = x.shape
        return x.view(rows, n, 2, d // 2).transpose(1, 2)

    def forward(ids):
        with torch.inference_mode():
            x = w["E"][torch.from_numpy(ids.astype(np.int64) - 1)] + w["P"][: ids.shape[1]]
            for i in (1, 2):
                h = F.layer_norm(x, (16,), w[f"ln1_scale[{i}]"], w[f"ln1_shift[{i}]"], 1e-5)
                q, k, v = (heads(h @ w[f"W{c}[{i}]"] + w[f"b{c}[{i}]"]) for c in "qkv")
                mixed = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(x.shape)
                x = x + mixed @ w[f"WO[{i}]"] + w[f"bO[{i}]"]
                up = F.layer_norm(x, (16,), w[f"ln2_scale[{i}]"], w[f"ln2_shift[{i}]"], 1e-5) @ w[f"W1[{i}]"]
                x = x + F.gelu(up + w[f"b1[{i}]"]) @ w[f"W2[{i}]"] + w[f"b2[{i}]"]
            return (F.layer_norm(x, (16,), w["lnf_scale"], w["lnf_shift"], 1e-5)[:, -1] @ w["head"]).numpy()
    return forward


# ---------------------------------------------------------------- the comparisons

def bench_network(name, spec, numpy_forward, ort_make, torch_make, counts, single, min_time):
    plan, plan32 = netspec.compile_plan(spec), netspec.compile_plan(spec, "float32")
    ort = ort_make(spec, single) if onnxruntime else None
    tor = torch_make(spec) if torch else None
    rng = np.random.default_rng(7)
    lows = np.array([i.low if i.low is not None else 0.0 for i in spec.inputs])
    highs = np.array([i.high if i.high is not None else 100.0 for i in spec.inputs])
    for n in counts:
        x = lows + (highs - lows) * rng.random((n, len(spec.inputs)))
        x32 = x.astype(np.float32)
        expected = run_plan(plan, x).outputs
        funcs = {"netspec": lambda: run_plan(plan, x), "netspec f32": lambda: run_plan(plan32, x32),
                 "numpy": lambda: numpy_forward(x)}
        if ort:
            funcs["onnxruntime f32"] = lambda: ort(x32)
        if tor:
            funcs["torch f32"] = lambda: tor(x32)
        for who, f in funcs.items():  # every contender gives netspec's numbers, float32 to float32's precision
            got = expected if who == "netspec" else f().outputs if who == "netspec f32" else f()
            tol = 1e-9 if who in ("netspec", "numpy") else 2e-3  # float32: its own precision
            assert np.allclose(got, expected, rtol=tol, atol=tol * np.abs(expected).max()), f"{name} {n}: {who} differs"
        times = median_times(funcs, min_time, min_repeats=3 if n * len(spec.inputs) > 1e7 else 10)
        record("1 thread" if single else "default", f"{name}, {n:,} rows", times)


def bench_gpt(spec, windows, single, min_time):
    plan, plan32 = netspec.compile_plan(spec), netspec.compile_plan(spec, "float32")
    weights = {k: p.array for k, p in spec.params.items()}
    ids = np.random.default_rng(5).integers(1, 28, size=(windows, 12)).astype(np.float64)
    ids32 = ids.astype(np.float32)
    expected = run_plan(plan, ids).outputs
    funcs = {"netspec": lambda: run_plan(plan, ids), "netspec f32": lambda: run_plan(plan32, ids32),
             "numpy": lambda: numpy_gpt(weights, ids)}
    assert np.allclose(numpy_gpt(weights, ids), expected, rtol=1e-10, atol=1e-10), "tiny_gpt: numpy differs"
    assert np.allclose(run_plan(plan32, ids32).outputs, expected, rtol=1e-3, atol=1e-3), "tiny_gpt: float32 differs"
    if torch:
        tor = torch_gpt(weights)
        assert np.allclose(tor(ids), expected, rtol=1e-3, atol=1e-3), "tiny_gpt: torch differs"
        funcs["torch f32"] = lambda: tor(ids)
    record("1 thread" if single else "default", f"tiny_gpt, {windows:,} windows", median_times(funcs, min_time, 3))


def bench_generation(spec, steps: int, single: bool, runs: int):
    """Greedy tokens per second; shown as seconds per token so that smaller is better, like every row.
    netspec runs its exact float64 arithmetic (the default) and its float32 plan, against torch float32.
    Each contender generates `steps` tokens `runs` times, in turn; a cell is the median run."""
    start = "humpty dumpty"[-12:]
    vocabulary = "abcdefghijklmnopqrstuvwxyz "
    tor = torch_gpt({k: p.array for k, p in spec.params.items()}) if torch else None

    def ours():
        return generate(spec, start, steps)

    def ours32():
        return generate(spec, start, steps, dtype="float32")

    def theirs():
        numbers, chosen = [vocabulary.index(c) + 1 for c in start], []
        for _ in range(steps):
            k = int(np.argmax(tor(np.array([numbers], dtype=np.float64))[0]))
            chosen.append(k)
            numbers = [*numbers[1:], k + 1]
        return chosen

    funcs = {"netspec": ours, "netspec f32": ours32, **({"torch f32": theirs} if tor else {})}
    exact = [s.number - 1 for s in ours().steps]
    assert [s.number - 1 for s in ours32().steps] == exact, "tiny_gpt: float32 generation picked other tokens"
    if tor and exact != theirs():
        print("  note: torch float32 picked other tokens than netspec's exact run")
    samples = {who: [] for who in funcs}
    for _ in range(runs):
        for who, f in funcs.items():
            t = time.perf_counter()
            f()
            samples[who].append((time.perf_counter() - t) / steps)
    record("1 thread" if single else "default", f"greedy generation, s/token ({steps} tokens)",
           {who: statistics.median(v) for who, v in samples.items()})


def bench_loading():
    """Loading is linear in the tensors: the time per tensor of 100 repeated blocks against 10 blocks'."""
    from bench_load import timed as load_time, write as write_blocks
    kinds = ["npz"]
    try:
        import safetensors  # noqa: F401
        kinds.append("safetensors")
    except ImportError:
        print("  note: safetensors is not installed: its loading row is skipped")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            (small, n_small), (large, n_large) = (write_blocks(Path(tmp) / f"{kind}{b}", b, kind) for b in (10, 100))
            per_small, per_large = load_time(small) / n_small, load_time(large) / n_large
            record("-", f"load {n_large:,} tensors from one .{kind}, per tensor",
                   {"netspec": per_large, f"{n_small} tensors": per_small})


def bench_minilm():
    """The real all-MiniLM-L6-v2 (bench_minilm.py's 64 sentences), one thread: no target, a row of the table."""
    try:
        from bench_minilm import prepared
        with tempfile.TemporaryDirectory() as tmp:
            rows, plan, plan32, model, sentences = prepared(Path(tmp))
            ours = run_plan(plan, rows).outputs
            assert np.abs(run_plan(plan32, rows.astype(np.float32)).outputs - ours).max() < 1e-5, "MiniLM float32 differs"
            funcs = {"netspec": lambda: run_plan(plan, rows),
                     "netspec f32": lambda: run_plan(plan32, rows.astype(np.float32)),
                     "torch f32": lambda: model.encode(sentences, batch_size=64, convert_to_numpy=True)}
            record("1 thread", "all-MiniLM-L6-v2, 64 sentences (torch: sentence-transformers)",
                   median_times(funcs, 1.0, 3))
    except Exception as error:  # torch, sentence-transformers or the model package missing
        print(f"  note: the MiniLM row is skipped ({type(error).__name__}: {error})")


def _subprocess_median(argv: list[str], runs: int, env=None) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env, cwd=REPO)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_startup(runs: int):
    """Fresh processes, with bytecode caching on (as a pip install has it) in a folder of their own:
    with PYTHONDONTWRITEBYTECODE set, netspec would be compiled from source on every run while
    NumPy, Lark and click use the .pyc files pip wrote, which is no one's real start-up."""
    py = sys.executable
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    pairs = [("start-up: run specs/leaf.net", [py, "-m", "netspec", "run", "specs/leaf.net"],
              "import numpy, lark, click", [py, "-c", "import numpy, lark, click"]),
             ("start-up: --help", [py, "-m", "netspec", "--help"], "python -c pass + click", [py, "-c", "import click"])]
    for work, ours, theirs_name, theirs in pairs:
        a, b = [], []
        _subprocess_median(ours, 1, env)  # the first run writes the bytecode of each side
        _subprocess_median(theirs, 1, env)
        for _ in range(runs):  # alternating, one each
            a.append(_subprocess_median(ours, 1, env))
            b.append(_subprocess_median(theirs, 1, env))
        record("-", work, {"netspec": statistics.median(a), theirs_name: statistics.median(b)})


# Peak memory from /proc's VmHWM: ru_maxrss would carry over the forking parent's peak across exec.
MEASURE = """import sys, time
sys.path.insert(0, {repo!r})
import numpy as np, netspec
def peak():
    return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024
base = peak()
t = time.perf_counter()
{work}
print(time.perf_counter() - t, peak() - base)
"""


def _measured(works: dict[str, str], cwd=None, runs: int = 3) -> dict[str, tuple[float, int]]:
    """For each named `work`: its median seconds and its largest peak-memory growth (bytes) over `runs`
    fresh processes that have netspec imported, the works in turn, as every other row alternates its
    contenders (one process each is a single sample: on this kind of VM one run in a few takes half as
    long again). Bytecode caching is on, as bench_startup has it (netspec not compiled from source each time)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    codes = {name: MEASURE.format(repo=str(REPO), work=work) for name, work in works.items()}
    samples = {name: [] for name in works}
    for i in range(runs + 1):  # the first run of each writes the bytecode of every module its work imports
        for name, code in codes.items():
            out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=cwd,
                                 env=env).stdout.split()
            if i:
                samples[name].append((float(out[0]), int(out[1])))
    return {name: (statistics.median(s for s, _ in got), max(peak for _, peak in got)) for name, got in samples.items()}


def write_table_spec(folder: Path, n: int) -> tuple[Path, Path]:
    """A spec with one n × n inline weights table (n² numbers), and the same numbers as a plain text file."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal((n, n))
    text = [f"{v:.6g}" for v in w.ravel().tolist()]
    rows = [" ".join(text[i * n:(i + 1) * n]) for i in range(n)]
    spec = [f'network big "{n} in, {n} out."', ""] + [f"input x{i} range 0 to 1" for i in range(1, n + 1)]
    spec += ["", "weights W:", "     " + " ".join(f"y{j}" for j in range(1, n + 1))]
    spec += [f"  x{i + 1} {row}" for i, row in enumerate(rows)]
    spec += ["", "layer out = dense(input, W)", "output out", "decide largest", 'say "{decision}"', ""]
    path = folder / "big_table.net"
    path.write_text("\n".join(spec), encoding="utf-8")
    plain = folder / "big_table.txt"
    plain.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path, plain


def bench_parse(folder: Path, n: int):
    spec, plain = write_table_spec(folder, n)
    count = n * n
    measured = _measured({"netspec": f"spec = netspec.load_spec({str(spec)!r})",
                          "np.loadtxt": f"a = np.loadtxt({str(plain)!r})"})
    ours, theirs = measured["netspec"], measured["np.loadtxt"]
    record("-", f"parse {count:,} numbers (check)", {"netspec": ours[0], "np.loadtxt": theirs[0]})
    print(f"    memory per number: netspec {ours[1] / count:.0f} B, np.loadtxt {theirs[1] / count:.0f} B")
    MEMORY.append((count, ours[1] / count, theirs[1] / count))


MEMORY: list[tuple] = []


def bench_csv_text(folder: Path, rows: int):
    data = np.random.default_rng(9).random((rows, 4)) * [255, 255, 255, 100]
    path = folder / "rows.csv"
    np.savetxt(path, data, delimiter=",", header="R,G,B,Vol", comments="", fmt="%.6g")
    works = {fmt: (f"from netspec.cli import main\ntry:\n    main(['run', 'specs/leaf.net', '--csv', {str(path)!r}, "
                   f"'--format', {fmt!r}, '-o', {str(folder / f'out.{fmt}')!r}])\nexcept SystemExit:\n    pass")
             for fmt in ("text", "csv")}
    measured = _measured(works, cwd=REPO)
    peaks = {fmt: grown / 2**20 for fmt, (_, grown) in measured.items()}
    record("-", f"run --csv, {rows:,} rows", {"netspec": measured["text"][0], "--format csv": measured["csv"][0]})
    print(f"    peak memory growth: text {peaks['text']:.0f} MiB, csv {peaks['csv']:.0f} MiB")


# ---------------------------------------------------------------- the whole run

def header():
    print("netspec against NumPy, onnxruntime and torch")
    print(f"  python {platform.python_version()}, numpy {np.__version__}, "
          f"onnxruntime {onnxruntime.__version__ if onnxruntime else 'absent (skipped)'}, "
          f"torch {torch.__version__ if torch else 'absent (skipped)'}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    print(f"  {platform.machine()}, {CPUS} CPUs, load average {load[0]:.2f} at the start")
    print()


def summary():
    print("\n| threads | work | " + " | ".join(CONTENDERS) + " |")
    print("|---|---|" + "---:|" * len(CONTENDERS))
    for threads, work, times, _ in ROWS:
        fastest = min(times.values())
        cells = []
        for c in CONTENDERS:
            key = next((k for k in times if k == c or (c == "baseline" and k not in CONTENDERS)), None)
            named = f"{key}: " if c == "baseline" and key else ""
            cells.append(f"{named}{times[key] / fastest:.2f}× ({human(times[key])})" if key else "—")
        print(f"| {threads} | {work} | " + " | ".join(cells) + " |")


# (what, the row's work starts with, ours, theirs, most): each target is one ratio of two cells of a row
TARGETS = (("float32 plan vs onnxruntime", "leaf 4→3→2", "netspec f32", "onnxruntime f32", 1.0),
           ("float32 plan vs onnxruntime", "784→512→512→10", "netspec f32", "onnxruntime f32", 1.0),
           ("float32 plan vs torch", "tiny_gpt", "netspec f32", "torch f32", 1.5),
           ("float32 greedy generation vs a torch loop", "greedy generation", "netspec f32", "torch f32", 1.0),
           ("netspec run specs/leaf.net vs the bare imports", "start-up: run", "netspec", "import numpy, lark, click", 1.3),
           ("netspec --help vs python -c pass + click", "start-up: --help", "netspec", "python -c pass + click", 1.2),
           ("check of one inline table vs np.loadtxt", "parse", "netspec", "np.loadtxt", 3.0),
           ("run --csv, text vs --format csv", "run --csv", "netspec", "--format csv", 1.5),
           ("loading, per tensor: 1,605 tensors vs 165", "load", "netspec", "165 tensors", 1.25))


def targets():
    """Each target's ratio, from the rows above; a row a missing contender left out is skipped."""
    print("\n| target | threads | work | ratio | at most | met |\n|---|---|---|---:|---:|---|")
    for what, work, ours, theirs, most in TARGETS:
        for threads, done, times, _ in ROWS:
            if done.startswith(work) and times.get(ours) and times.get(theirs):
                ratio = times[ours] / times[theirs]
                print(f"| {what} | {threads} | {done} | {ratio:.2f}× | {most}× | {'yes' if ratio <= most else 'no'} |")
    for count, ours, theirs in MEMORY:
        print(f"| memory per number of the inline table | - | {count:,} numbers | {ours:.0f} B | 100 B | "
              f"{'yes' if ours <= 100 else 'no'} |")


CONTENDERS = ("netspec", "netspec f32", "numpy", "onnxruntime f32", "torch f32", "baseline")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows, shorter samples")
    args = parser.parse_args()
    min_time = 0.3 if args.quick else 1.0
    header()
    leaf = netspec.load_spec(str(REPO / "specs" / "leaf.net"))
    gpt = netspec.load_spec(str(GPT))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = netspec.load_spec(str(write_big_spec(folder)))
        for single in (True, False):
            set_threads(single)
            bench_network("leaf 4→3→2", leaf, leaf_numpy(leaf), ort_leaf, torch_leaf, (1_000, 100_000), single,
                          min_time)
            bench_network("784→512→512→10", big, big_numpy(big), ort_big, torch_big,
                          (1_000,) if args.quick else (1_000, 100_000), single, min_time)
            bench_gpt(gpt, 1_000, single, min_time)
            bench_generation(gpt, 20 if args.quick else 100, single, 3 if args.quick else 5)
            if single:
                bench_minilm()
        set_threads(False)
        bench_startup(5 if args.quick else 11)
        bench_loading()
        bench_parse(folder, 1000)  # the target's million numbers: some seconds even with --quick
        bench_csv_text(folder, 100_000 if args.quick else 1_000_000)
    summary()
    targets()
    return 0


if __name__ == "__main__":
    sys.exit(main())
