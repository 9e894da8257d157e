"""netspec: a readable .net text file in, a running network and its worked calculation out.

    >>> spec = load("specs/leaf.net")
    >>> plan = compile_plan(spec)
    >>> run_plan(plan, {"R": 32, "G": 107, "B": 56, "Vol": 11.2}).decisions
    ['Leaf']
"""

from __future__ import annotations

from netspec.version import __version__


def load(path, limits=None):
    """Read, parse and check a spec file; raise NetspecError with every problem found (str() lists
    each with its file:line:col, code and hint).

    limits: a netspec.limits.Limits (memory for tensors, files outside the spec's folder, steps once
    repeats are written out).
    """
    from netspec.check.checker import load_spec as _load

    return _load(path, limits)


load_spec = load  # the first name of netspec.load, kept


def loads(text, path="<string>", limits=None):
    """Parse and check spec text held in a string, like json.loads. `path` is the name errors give
    it, and the folder beside it is where its weight files and a `use` are looked for."""
    from netspec.check.checker import load_text

    return load_text(text, str(path), limits)


def compile_plan(spec, dtype=None):
    """The NumPy plan of a loaded spec. dtype: "float64" or "float32" (default: the spec's `dtype`
    line, else float64); a float32 plan runs batches in float32, its traces stay float64.
    Cheap to build, and it pickles (to send to worker processes)."""
    from netspec.run.plan import compile_plan as _compile

    return _compile(spec, dtype)


def run_plan(plan, rows, row_ids=None):
    """Run rows through the plan (or a spec); outputs and decisions. rows: a dict ({"R": 32, ...} one
    row, {"R": [32, 241], ...} columns), a list of dicts, a pandas DataFrame or Series or a structured
    array, all matched to the inputs by NAME; or rows of numbers (list of lists, 2-D array) in the
    spec's input order. Every value is checked as the CLI checks it (finite, inside its range)."""
    from netspec.run.runner import run as _run

    plan = _plan(plan)
    return _run(plan, _rows(plan, rows).values, row_ids)


def trace_plan(plan, rows, row_ids=None):
    """Run rows (as run_plan takes them) through the plan's explaining kernels and return the Trace."""
    from netspec.run.runner import trace as _trace

    plan = _plan(plan)
    found = _rows(plan, rows)
    return _trace(plan, found.values, row_ids or found.ids)


def _plan(plan_or_spec):
    from netspec.check.model import CheckedSpec

    return compile_plan(plan_or_spec) if isinstance(plan_or_spec, CheckedSpec) else plan_or_spec


def _rows(plan, rows):
    from netspec.run.frames import rows_of

    return rows_of(plan.spec, rows)


def printout(spec, inputs=None, **options):
    """Trace a spec (path or loaded) on inputs ({"R": 32, ...}); a notebook shows the result as the
    HTML printout and print() as the text trace. Options: see netspec/notebook.py."""
    from netspec.notebook import printout as _printout

    return _printout(spec, inputs, **options)


def generate(spec, text, steps, sample=False, temperature=1.0, seed=None, limits=None, top_k=None, progress=None,
             dtype=None):
    """Continue `text` (exactly the window's length) by `steps` tokens, sliding the window each time;
    a real model's text (a tokenizer.json vocabulary) grows instead, to the model's context limit,
    and stops at its end token. top_k: with sampling, draw among the k likeliest tokens only.

    spec: a path or a loaded spec with one text input and outputs `labels from` its vocabulary.
    Greedy (the largest output) unless sample=True: then probabilities = softmax(outputs / temperature),
    drawn with numpy.random.default_rng(seed); seed=None picks one and records it in the result.
    dtype: "float64" (the article's models: the exact arithmetic, the same on every machine) or "float32"
    (the fast kernels in float32, several times as fast a token); None takes the spec's `dtype` line.
    Returns a netspec.run.generation.Generation: .text, .generated, .steps (window, token, output, probability).

        >>> generate("specs/humpty_embed.net", "humpty dumpt", 15).text
        'humpty dumpty sat on a wall'
    """
    from netspec.run.generation import generate as _generate

    return _generate(spec, text, steps, sample, temperature, seed, limits, top_k, progress, dtype)


def __getattr__(name):
    """netspec.NetspecError (every error netspec raises), imported only when asked for."""
    if name == "NetspecError":
        from netspec.errors import NetspecError

        return NetspecError
    raise AttributeError(f"module 'netspec' has no attribute {name!r}")


__all__ = ["NetspecError", "load", "loads", "load_spec", "compile_plan", "run_plan", "trace_plan", "printout", "generate", "__version__"]
