"""A spec, a starting text and a number of steps in, a Generation out: text made by the sliding window.

The article's generation (notes §1.3, §2.5): run the network on the window, pick the next
token, append it and drop the oldest, so "humpty dumpt" → y, then "umpty dumpty" → space,
"mpty dumpty " → s, and so on.

How the next token is picked (notes §1.8, §2.9):

* greedy, the default: the largest output, as `decide largest` picks it.
* sampling: the outputs become probabilities, p = softmax((outputs − max) / T), and one
  number u is drawn uniformly from [0, 1) with numpy.random.default_rng(seed). The token
  is the first whose running total of probabilities passes u, so a reader can redo each
  draw by hand from the printed u and probabilities. T, the temperature, is above 0:
  below 1 sharpens the choice (T → 0 is greedy), above 1 flattens it.

When the network's own last layer already makes probabilities (`softmax` or
`divide_by_sum`), they are not put through softmax a second time: they are sampled as
they are, and T reshapes them as p^(1/T), renormalised. That is softmax(log p / T), so a
spec that ends in `softmax(out)` samples exactly as the same spec without it would.

Both ways, each step records the window, the token, the network's output for it and its
probability (for greedy: softmax of the outputs, or the outputs themselves when they are
probabilities).

In which arithmetic: a float64 plan (the default) runs every window by the explaining
kernels, so each printed number is the one `netspec trace` works out for that window, and
the same on every machine. A float32 plan (`dtype float32` in the spec, `--dtype float32`,
dtype="float32") runs the fast kernels, as `netspec run` does in float32: some four times
as fast a token, with some 7 digits, whose last may differ between machines (and so, where
two outputs tie to float32's precision, the token picked).
"""

from __future__ import annotations

import math
import secrets

import numpy as np

from netspec.check.checker import load_spec
from netspec.errors import InputError, SpecCheckError
from netspec.limits import MAX_GENERATE_STEPS
from netspec.check.cost import work_fits
from netspec.check.model import CheckedSpec
from netspec.ops import lookup
from netspec.ops.arithmetic import EXACT, FAST
from netspec.progress import advance_by
from netspec.run.plan import compile_plan
from netspec.run.growing import grow, keep_likeliest
from netspec.run.runner import finite_total, run
from netspec.source import Span
from netspec.check.vocabulary import TextInput
from netspec.records import record



@record
class GenerationStep:
    """One turn of the window: what the network read and what was picked."""

    window: str  # the text the network read
    number: int  # the token number picked, in the vocabulary's numbering
    token: str  # the token picked, as it enters the text (" " for the space)
    label: str  # its name in printouts and decisions ("space")
    output: float  # the network's output for that token (its score)
    probability: float  # its chance at this step
    draw: float | None  # the uniform number u that picked it, when sampling

    def __repr__(self) -> str:
        return f'"{self.window}" → {self.label}'


@record
class Generation:
    """The whole run: the starting text, every step, and how tokens were picked."""

    spec: CheckedSpec
    start: str
    start_numbers: tuple[int, ...]
    steps: tuple[GenerationStep, ...]
    sample: bool
    temperature: float
    seed: int | None
    seed_chosen: bool  # True when no seed was given and one was picked at random (and is stated)
    from_probabilities: bool  # True when the network's outputs are already probabilities
    top_k: int | None = None  # when sampling: only the k likeliest tokens could be drawn
    dtype: str = "float64"  # the plan's: float64 by the exact kernels, float32 by the fast ones

    @property
    def generated(self) -> str:
        """Only the new tokens, joined as the tokenizer joins them."""
        return self._decode([step.number for step in self.steps])

    @property
    def text(self) -> str:
        """The starting text followed by every generated token."""
        return self._decode([*self.start_numbers, *(step.number for step in self.steps)])

    def _decode(self, numbers) -> str:
        (text_input,) = self.spec.texts.values()
        return text_input.decode(numbers)

    def __repr__(self) -> str:
        how = f"sampled at temperature {self.temperature:g}, seed {self.seed}" if self.sample else "greedy"
        return f'<Generation {self.spec.name}: "{self.start}" + {len(self.steps)} steps ({how}) → "{self.text}">'


def generate(spec, text: str, steps: int, sample: bool = False, temperature: float = 1.0,
             seed: int | None = None, limits=None, top_k: int | None = None, progress=None,
             dtype=None) -> Generation:
    """Continue `text` by `steps` tokens with the spec's network (a path or a loaded spec).

    Greedy unless `sample`; then `temperature` (> 0) and `seed` (a whole number ≥ 0; None
    picks one at random and records it in the result, so the run can be repeated); `top_k` keeps only the
    k likeliest tokens to draw from. A real model's text (a tokenizer.json vocabulary) grows to the
    model's context limit instead of sliding (netspec/run/growing.py). A run whose
    steps would do more operations than limits.max_operations is refused before the first step.
    `progress` (netspec/progress.py) counts the tokens as they are made. `dtype` ("float64" or
    "float32"; None: the spec's `dtype` line, else float64) is the plan's (see the module's docstring).
    """
    if not isinstance(spec, CheckedSpec):
        spec = load_spec(spec, limits)
    _check_settings(steps, sample, temperature, seed, top_k)
    text_input = generating_input(spec)
    if spec.cost is not None:  # steps × one run's operations, against --max-operations (netspec/check/cost.py)
        work_fits(spec.cost, steps, limits or spec.cost.limits)
    seed_chosen = sample and seed is None
    if seed_chosen:
        seed = secrets.randbits(32)
    rng = np.random.default_rng(seed) if sample else None
    plan = compile_plan(spec, dtype)
    arith = EXACT if plan.dtype == np.float64 else FAST  # a float32 run's chances: NumPy's exp, as its kernels'
    choose = _chooser(temperature if sample else 1.0, rng, outputs_are_probabilities(spec), top_k, arith)
    if text_input.vocabulary.kind == "tokenizer":
        numbers, grown = grow(plan, text_input, text, steps, choose, progress)
        made = [_step(text_input, window, k, output, chance, draw) for window, k, output, chance, draw in grown]
    else:
        numbers = text_input.tokenize(text, "the starting text")
        made = _run(plan, text_input, numbers, steps, choose, progress)
    return Generation(spec, text, tuple(numbers), tuple(made), sample, temperature, seed, seed_chosen,
                      outputs_are_probabilities(spec), top_k if sample else None, plan.dtype.name)


def _run(plan, text_input: TextInput, numbers: list[int], steps: int, choose, progress=None):
    """The sliding window: run, pick, append, drop the oldest; `steps` times."""
    window = Window(plan)
    made = []
    for done in range(steps):
        outputs = window.outputs(numbers, first=done == 0)  # (n_tokens,)
        k, chance, draw = choose(outputs)
        made.append(_step(text_input, text_input.decode(numbers), k, float(outputs[k]), chance, draw))
        numbers = [*numbers[1:], text_input.vocabulary.start + k]
        advance_by(progress)
    return made


class Window:
    """A plan's steps, gathered once, run on one window after another: the numbers of
    run(plan, window, exact=True), bit for bit, without what one window's outputs do not need.
    That is the exact kernels for a float64 plan, and the fast ones for a float32 plan, as run takes.

    A generated token is picked from the outputs of one window, so the generation loop pays
    for each step's call, not for a batch's bookkeeping: the limits are checked on the first window
    (by run itself); every later window is the start's tokens slid on by tokens the network picked.
    Only the results a batch searches for NaN and infinity are searched (Plan.checks), and the
    numbers an operation refuses (OpDef.validate) are looked for as run looks for them; either fault
    runs the window again through run, whose error names the step where it first appears."""

    def __init__(self, plan):
        self.plan = plan
        checks = plan.checks or (True,) * len(plan.steps)
        exact = plan.dtype == np.float64  # run's own choice: the exact arithmetic is float64's
        slots = {plan.spec.input_value: 0}  # each value's place in one window's list of results
        for step in plan.steps:
            slots.setdefault(step.step.output, len(slots))
        self.size, self.output = len(slots), slots[plan.spec.output]
        self.steps = [(step.op.exact_kernel if exact else step.op.kernel, tuple(slots[n] for n in step.step.inputs),
                       step.params, step.step.options, slots[step.step.output], check, self._refuses(step))
                      for step, check in zip(plan.steps, checks)]

    def _refuses(self, step):
        """x → True when the step's operation refuses a number of its input x, or None when it refuses none."""
        if step.op.validate is None:
            return None
        source = step.step.inputs[0]
        labels = self.plan.spec.values[source].labels
        return lambda x: step.op.validate(x, source, labels, lambda row: f"row {row + 1}") is not None

    def outputs(self, numbers, first: bool = False) -> np.ndarray:
        """The network's outputs for the window `numbers` (one row), as run gives them."""
        given = np.array([numbers], dtype=self.plan.dtype)  # (1, n_tokens)
        if first or self.plan.program is not None:  # a float32 program (run/fused.py) is run's own way
            return run(self.plan, given, exact=True).outputs[0]
        values = [given, *(None,) * (self.size - 1)]  # by slot: a list is read faster than a dict of names
        with np.errstate(all="ignore"):
            for kernel, inputs, params, options, output, check, refuses in self.steps:
                xs = [values[i] for i in inputs]
                if refuses is not None and refuses(xs[0]):
                    return run(self.plan, given, exact=True).outputs[0]  # raises run's own error
                result = kernel(xs, params, options)
                if check and not finite_total(result):  # (a total that overflows: run finds no fault then)
                    return run(self.plan, given, exact=True).outputs[0]  # raises at the first step it shows in
                values[output] = result
        return values[self.output][0]


def _chooser(temperature: float, rng, as_probabilities: bool, k: int | None, arith=EXACT):
    """outputs → (the token picked, counted from 0; its chance; the draw u or None when greedy)."""
    def choose(outputs):
        chances = keep_likeliest(probabilities(outputs, temperature, as_probabilities, arith), k)
        draw = None if rng is None else float(rng.random())
        picked = int(np.argmax(outputs)) if draw is None else pick(chances, draw)
        return picked, float(chances[picked]), draw
    return choose


def _step(text_input: TextInput, window: str, k: int, output: float, chance: float, draw) -> GenerationStep:
    vocabulary = text_input.vocabulary
    return GenerationStep(window, vocabulary.start + k, vocabulary.entries[k], vocabulary.labels[k], output, chance,
                          draw)


def probabilities(outputs: np.ndarray, temperature: float = 1.0, are_probabilities: bool = False,
                  arith=EXACT) -> np.ndarray:
    """softmax((outputs − max) / T); or, for outputs that are probabilities already, p^(1/T) renormalised.
    By the exact arithmetic (ops/arithmetic.py), or, for a float32 run, `arith` FAST.

    The max is subtracted before dividing by T, so a tiny T gives 0s and a 1, never NaN.
    """
    if not are_probabilities and temperature == 1:
        top = np.maximum.reduce(outputs, axis=None)  # outputs.max() without its wrappers
        if math.isfinite(top):  # outputs − top ≤ 0: no fault to quiet (the errstate costs a token's tenth)
            return _normalised(arith.exp(outputs - top), arith)
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        logits = arith.log(outputs) if are_probabilities else outputs  # log 0 = −∞: a token that cannot come
        shifted = logits - logits.max()
        return _normalised(arith.exp(shifted / temperature if temperature != 1 else shifted), arith)


def _normalised(scaled: np.ndarray, arith) -> np.ndarray:
    """scaled / Σ scaled: the largest of `scaled` is exactly 1."""
    return scaled / arith.sum(scaled, axis=-1)


def pick(chances: np.ndarray, draw: float) -> int:
    """The first token whose running total of `chances` passes `draw` (uniform in [0, 1))."""
    running = np.cumsum(chances)  # (n_tokens,)
    k = int(np.searchsorted(running, draw * running[-1], side="right"))
    return min(k, int(np.flatnonzero(chances)[-1]))  # rounding can leave the last total a hair under the draw


def outputs_are_probabilities(spec: CheckedSpec) -> bool:
    """True when the step that makes the output is softmax or divide_by_sum."""
    return any(step.output == spec.output and lookup(step.op).probabilities for step in spec.steps)


def generating_input(spec: CheckedSpec) -> TextInput:
    """The spec's one text input, once the spec is known to continue its own text; else SpecCheckError."""
    texts = list(spec.texts.values())
    others = [info.label for info in spec.inputs if info.text is None]
    if len(texts) != 1 or others:
        found = {0: "no text input", 1: "one text input"}.get(len(texts), f"{len(texts)} text inputs")
        found += f" and the number inputs {', '.join(others)}" if others else ""
        raise SpecCheckError(
            f"generating text needs a spec with exactly one text input and no other inputs; {spec.name} has {found}",
            _spec_span(spec), hint='declare one input such as `input text "the last twelve characters" tokens 12 '
            'from chars`', code="NS801")
    text = texts[0]
    if text.vocabulary.kind == "tokenizer":  # a real model: its scores at each position (netspec/run/growing.py)
        return text
    if tuple(spec.output_labels) != text.vocabulary.labels:
        raise SpecCheckError(
            f"generating text needs one output per token of {text.vocabulary.name}, in its order, so the picked "
            f"output is the next token; the output `{spec.output}` is labelled {_few(spec.output_labels)}",
            spec.values[spec.output].span or _spec_span(spec),
            hint=f"label the outputs with `output {spec.output} labels from {text.vocabulary.name}`", code="NS802")
    return text


def _check_settings(steps, sample: bool, temperature, seed, k=None) -> None:
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1):
        raise InputError(f"top_k must be a whole number of 1 or more, not {k!r}", code="NS803",
                         hint="the likeliest k tokens are kept to draw from; 1 is greedy")
    problem = _settings_problem(steps, sample, temperature, seed)
    if problem:
        raise InputError(problem[0], hint=problem[1], code="NS803")


def _settings_problem(steps, sample, temperature, seed) -> tuple[str, str] | None:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_GENERATE_STEPS:
        return f"steps must be a whole number from 1 to {MAX_GENERATE_STEPS:,}, not {steps!r}", \
            "each step adds one token; ask for at least one"
    if not isinstance(temperature, (int, float, np.number)) or not math.isfinite(temperature) or temperature <= 0:
        return f"temperature must be a number above 0, not {temperature!r}", \
            "1 samples by the softmax of the outputs; nearer 0 is nearer greedy"
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        return f"seed must be a whole number of 0 or more, not {seed!r}", "any fixed seed, such as 1, repeats a run"
    if not sample and (temperature != 1.0 or seed is not None):
        return "temperature and seed only apply when sampling; greedy generation has no chance in it", \
            "pass sample=True (on the command line, --sample)"
    return None


def _spec_span(spec: CheckedSpec) -> Span:
    """The whole spec file: the diagnostic starts with its path."""
    return Span(spec.sources[-1], 1, 1, 1, 1)


def _few(labels) -> str:
    shown = ", ".join(labels[:6]) + (f", … ({len(labels)} in all)" if len(labels) > 6 else "")
    return shown
