"""netspec: a readable .net text file in, a running network and its worked calculation out.

    >>> spec = load_spec("specs/leaf.net")
    >>> plan = compile_plan(spec)
    >>> run_plan(plan, [[32, 107, 56, 11.2]]).decisions
    ['Leaf']
"""

from __future__ import annotations

from netspec.version import __version__


def load_spec(path, limits=None):
    """Read, parse and check a spec file; raise NetspecError with every problem found.

    limits: a netspec.limits.Limits (memory for tensors, files outside the spec's folder, steps once
    repeats are written out).
    """
    from netspec.check.checker import load_spec as _load

    return _load(path, limits)


def compile_plan(spec, dtype=None):
    """The NumPy plan of a loaded spec. dtype: "float64" or "float32" (default: the spec's `dtype`
    line, else float64); a float32 plan runs batches in float32, its traces stay float64."""
    from netspec.run.plan import compile_plan as _compile

    return _compile(spec, dtype)


def run_plan(plan, rows, row_ids=None):
    """Run rows (a list of lists or an array, one row per input) through the plan."""
    from netspec.run.runner import run as _run

    return _run(plan, _rows(plan, rows), row_ids)


def trace_plan(plan, rows, row_ids=None):
    """Run rows through the plan's explaining kernels and return the Trace."""
    from netspec.run.runner import trace as _trace

    array = _rows(plan, rows)
    ids = row_ids or [f"row {i + 1}" for i in range(len(array))]
    return _trace(plan, array, ids)


def _rows(plan, rows):
    """rows as a float64 array (rows, inputs): one row may be given flat; any other shape is an InputError."""
    import numpy as np

    from netspec.errors import InputError

    array = np.asarray(rows, dtype=np.float64)
    width = len(plan.spec.inputs)
    if array.ndim == 1 and array.size == width:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != width:
        raise InputError(f"rows must have {width} numbers each ({', '.join(plan.spec.input_labels)}); "
                         f"got an array of shape {array.shape}", code="NS318")
    return array


def printout(spec, inputs=None, **options):
    """Trace a spec (path or loaded) on inputs ({"R": 32, ...}); a notebook shows the result as the
    HTML printout and print() as the text trace. Options: see netspec/notebook.py."""
    from netspec.notebook import printout as _printout

    return _printout(spec, inputs, **options)


def generate(spec, text, steps, sample=False, temperature=1.0, seed=None, limits=None):
    """Continue `text` (exactly the window's length) by `steps` tokens, sliding the window each time.

    spec: a path or a loaded spec with one text input and outputs `labels from` its vocabulary.
    Greedy (the largest output) unless sample=True: then probabilities = softmax(outputs / temperature),
    drawn with numpy.random.default_rng(seed); seed=None picks one and records it in the result.
    Returns a netspec.run.generation.Generation: .text, .generated, .steps (window, token, output, probability).

        >>> generate("specs/humpty_embed.net", "humpty dumpt", 15).text
        'humpty dumpty sat on a wall'
    """
    from netspec.run.generation import generate as _generate

    return _generate(spec, text, steps, sample, temperature, seed, limits)


__all__ = ["load_spec", "compile_plan", "run_plan", "trace_plan", "printout", "generate", "__version__"]
