"""An operation's keyword options as declared: name, kind, default and allowed values.

`layer n = layer_norm(x, g, b, eps=1e-5)`: the checker (Checker.keywords) matches each
`name=value` of a call against these declarations, fills in defaults, and reports
unknown, repeated, missing or out-of-range options with the fix.
"""

from __future__ import annotations
from netspec.records import record


REQUIRED = object()  # a default that means: the spec must state this option


@record
class Option:
    """One keyword option: a number (with an optional range) or a word from `choices`."""

    name: str
    kind: str  # "number" or "word"
    default: object = REQUIRED
    choices: tuple[str, ...] = ()
    low: float | None = None  # numbers: the smallest allowed
    below: float | None = None  # numbers: every allowed number is below this
    why: str = ""  # what the option means, for hints

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def example(self) -> str:
        """`eps=1e-5`, `mode=article`: how a hint writes this option."""
        if self.kind == "word":
            return f"{self.name}={self.choices[0]}"
        return f"{self.name}={self.default if not self.required else self.low or 0:g}"

    def problem(self, value) -> str | None:
        """Why `value` is not allowed for this option, or None when it is."""
        if self.kind == "word":
            if not isinstance(value, str) or value not in self.choices:
                return f"is one of {', '.join(self.choices)}"
            return None
        if isinstance(value, str):
            return "is a number"
        if self.low is not None and value < self.low or self.below is not None and value >= self.below:
            return f"is a number {self.range_text()}"
        return None

    def range_text(self) -> str:
        if self.low is not None and self.below is not None:
            return f"from {self.low:g} up to (not including) {self.below:g}"
        return f"of at least {self.low:g}" if self.low is not None else f"below {self.below:g}"
