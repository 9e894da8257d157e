"""A float in, its display text out: the one number formatter every printout uses.

Rule: show at most `digits` decimal places. A number whose shown decimal differs from
the computed float by more than float64 noise is marked with ≈ and keeps its trailing
zeros (≈ 2.21630); an exact one drops them (3.2). Negative numbers use the true minus
sign −, and are wrapped in parentheses when they are a factor or a term: (−0.29).
"""

from __future__ import annotations

import math
from decimal import Decimal
from netspec.records import record

NOISE = 1e-13  # relative; float64 artefacts such as 32·0.1 = 3.2000000000000006 are not rounding


@record
class NumberStyle:
    digits: int = 5
    ascii: bool = False

    @property
    def minus(self) -> str:
        return "-" if self.ascii else "\u2212"

    @property
    def approx(self) -> str:
        return "~" if self.ascii else "≈"

    def header(self) -> str:
        return (f"numbers shown to {self.digits} decimal places; {self.approx} marks a rounded number")


@record
class Shown:
    """A number as displayed: its text, whether it was rounded, and the decimal it shows."""

    text: str
    rounded: bool
    decimal: Decimal | None


def show(x: float, style: NumberStyle = NumberStyle()) -> Shown:
    """The display of x under `style`; `text` carries no ≈ (callers place it)."""
    x = float(x)
    if math.isnan(x):
        return Shown("NaN", False, None)
    if math.isinf(x):
        return Shown(("" if x > 0 else style.minus) + "∞", False, None)
    if abs(x) >= LARGE:  # 1e300 as three hundred digits helps no one
        return _scientific(x, style)
    fixed = f"{x:.{style.digits}f}"
    shown = Decimal(fixed)
    if shown == 0 and x != 0:
        return _scientific(x, style)
    rounded = abs(float(shown) - x) > NOISE * abs(x)
    if not rounded:
        fixed = _strip(fixed)
    if fixed.startswith("-"):
        fixed = style.minus + fixed[1:]
        if _is_zero(fixed):
            fixed = fixed[1:]
    return Shown(fixed, rounded, Decimal(_strip(f"{x:.{style.digits}f}")))


LARGE = 1e15  # from here on a number is written 1.2346e20: float64 has no more than 16 significant digits


def _scientific(x: float, style: NumberStyle) -> Shown:
    """Numbers too small for `digits` decimal places, or too large to write out, keep `digits` significant digits."""
    written = f"{x:.{max(style.digits - 1, 1)}e}"
    rounded = abs(float(written) - x) > NOISE * abs(x)
    mantissa, exponent = written.split("e")
    if not rounded:
        mantissa = _strip(mantissa)
    text = f"{mantissa}e{int(exponent)}".replace("-", style.minus)
    return Shown(text, rounded, Decimal(written))


def _strip(fixed: str) -> str:
    return fixed.rstrip("0").rstrip(".") if "." in fixed else fixed


def _is_zero(text: str) -> bool:
    return text.strip("\u2212-").replace(".", "").strip("0") == ""


def num(x: float, style: NumberStyle = NumberStyle()) -> str:
    """A standalone number: `0.79584`, `≈ 0.63289`, `−26.598`."""
    shown = show(x, style)
    return f"{style.approx} {shown.text}" if shown.rounded else shown.text


def factor(x: float, style: NumberStyle = NumberStyle()) -> str:
    """A number inside a sum or product: negatives in parentheses, `≈` inside them."""
    shown = show(x, style)
    text = f"{style.approx}{shown.text}" if shown.rounded else shown.text
    return f"({text})" if shown.text.startswith(style.minus) else text


def terms_disagree(terms, total, style: NumberStyle = NumberStyle()) -> bool:
    """True when the shown terms, added by hand, do not give the shown total."""
    shown_terms = [show(t, style).decimal for t in terms]
    shown_total = show(total, style).decimal
    if shown_total is None or any(t is None for t in shown_terms):
        return False
    return sum(shown_terms, Decimal(0)) != shown_total


MANY_OUTPUTS = 12  # with more outputs, a decision names the top few and counts the rest
TOP_SHOWN = 3


def top_outputs(outputs, style: NumberStyle | None = None, separator: str = ", ") -> str:
    """`y 22.16, a 11.2, space 10.74, … 24 more`: the largest outputs first, when there are many."""
    ranked = sorted(outputs, key=lambda lv: -lv[1])
    shown = ranked if len(ranked) <= MANY_OUTPUTS else ranked[:TOP_SHOWN]
    text = separator.join(f"{label} {num(value, style) if style else num(value)}" for label, value in shown)
    return text + (f"{separator}… {len(ranked) - len(shown)} more" if len(shown) < len(ranked) else "")


def precision_note(dtype: str) -> str:
    """What a float32 run says above its numbers; float64, the exact way, says nothing ("")."""
    if dtype == "float64":
        return ""
    return f"computed in {dtype}: the fast kernels, some 7 significant digits; the last may differ between machines"
