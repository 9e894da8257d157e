"""A plan and tokens in, a token at a time, the next token's scores out: generation with a key/value cache.

A language model reads its whole text again for every new token if it is run as it is
written: n tokens cost n² attention scores and n times every weighted sum. But with a
causal mask, what a position computes never changes once it is there; only the new
position is new. So each step runs only the new positions, and each attention step keeps
the keys and values of the earlier ones (the key/value cache, as every serving library
does). Each operation says how it runs on only the new positions (OpDef.cached); a plan
with one that cannot (a query that sees later keys, a dense layer reading the whole
sequence side by side) is not cached, and `CachedRun.of` says None.

The numbers are the ones the whole text gives: the same kernels, the same order of sums
(exact=True, the explaining kernels, as every printed generation step is computed).
"""

from __future__ import annotations

import numpy as np

from netspec.run.plan import Plan


class NotCached(Exception):
    """An operation of the plan cannot run on only the new positions."""


class CachedRun:
    """One text being continued: feed() its tokens, all at first, then one at a time."""

    def __init__(self, plan: Plan, exact: bool = True):
        self.plan, self.exact = plan, exact
        self.states = [{} for _ in plan.steps]
        self.offset = 0
        spec = plan.spec
        self.limit = len(spec.values[spec.input_value].names)  # the context: the spec's input positions
        self.sequence = [spec.values[step.step.inputs[0]].is_sequence or step.step.inputs[0] == spec.input_value
                         for step in plan.steps]

    @classmethod
    def of(cls, plan: Plan, numbers, exact: bool = True):
        """(a run fed with `numbers`, its outputs), or None when the plan cannot be cached."""
        if any(step.op.cached is None for step in plan.steps):
            return None
        run = cls(plan, exact)
        try:
            return run, run.feed(numbers)
        except NotCached:
            return None

    def feed(self, numbers) -> np.ndarray:
        """The network's outputs for the last of `numbers`, read after every token fed before."""
        new = len(numbers)
        if self.offset + new > self.limit:
            raise ValueError(f"the context holds {self.limit} tokens")
        values = {self.plan.spec.input_value: np.asarray([numbers], dtype=self.plan.dtype)}
        with np.errstate(all="ignore"):
            for step, state, sequence in zip(self.plan.steps, self.states, self.sequence):
                state.update(offset=self.offset, new=new, positions=self.limit, sequence=sequence)
                found = step.op.cached([values[name] for name in step.step.inputs], list(step.params),
                                       step.step.options, state)
                if found is None:
                    raise NotCached(step.step.output)
                xs, ps, options = found
                kernel = step.op.exact_kernel if self.exact else step.op.kernel
                values[step.step.output] = kernel(xs, ps, options)
        self.offset += new
        return values[self.plan.spec.output][0]
