"""Worked items in, the text of their pieces out: the formatting every printout shares.

A number inside a sum is a factor (negatives in parentheses), a number alone is shown
with `=` or `≈`, and a total whose rounded terms do not add up to it is marked ‡. Every
format (text, Markdown, HTML, LaTeX, SVG) builds on these, so they all agree.
"""

from __future__ import annotations

from netspec.phrases import in_language
from netspec.render.words import ENGLISH, Words, meaning
from netspec.render.numbers import MANY_OUTPUTS, TOP_SHOWN, NumberStyle, factor, num, show, terms_disagree
from netspec.render.worked import Arg, Chain, Num, Sum, WorkedRow
from netspec.run.trace import Trace

DAGGER = "‡"
def input_rows(row: WorkedRow, spec, style: NumberStyle, words: Words = ENGLISH) -> list[tuple[str, str, str]]:
    """(input, value, meaning) per input neuron; a token neuron's meaning shows its tokenization, `"h" → 8`."""
    meanings = {i.label: meaning(i, words) for i in spec.inputs}
    tokens = {position: token for text in spec.texts.values() for position, token in tokens_of(row, text)}
    padded = {p for text in spec.texts.values() if text.padded for p in text.positions} - set(tokens)
    rows = []
    for label, x in row.inputs:
        if label in padded:  # `tokens up to N`: past the text's end, not shown
            continue
        if label in tokens:
            info = next(i for i in spec.inputs if i.label == label)
            meanings[label] = f'{info.description}: {_quoted(tokens[label])} → {num(x, style)}'
        rows.append((label, num(x, style), meanings.get(label, "")))
    return rows


def text_lines(row: WorkedRow, spec, words: Words = ENGLISH) -> list[str]:
    """`text = "humpty dumpt", tokenized by chars: a = 1, b = 2, …, z = 26, space = 27 (numbered from 1)`;
    for sub-words the split, `word = "cats", tokenized by pieces: "cats" → cat + ##s → 3, 7 (…)`."""
    values = dict(row.inputs)
    lines = []
    for text in spec.texts.values():
        numbers = [values[p] for p in text.positions]
        lines.append(f"{text.name} = {text.shown(numbers)}, {words('t.tokenized', name=text.vocabulary.name)}: "
                     f"{in_language(text.numbering(numbers), words.lang)}")
    return lines


def tokens_of(row: WorkedRow, text) -> list[tuple[str, str]]:
    """(input neuron, token label) for each token of a text input, read back from its numbers."""
    values = dict(row.inputs)
    real = len(text.real([values[position] for position in text.positions]))  # padding is not shown
    return [(position, text.vocabulary.label_of(values[position])) for position in text.positions[:real]]


def _quoted(label: str) -> str:
    from netspec.check.vocabulary import SHOWN_AS

    spelled = {name: char for char, name in SHOWN_AS.items()}
    return f'"{spelled[label]}" ({label})' if label in spelled else f'"{label}"'


def total_parts(item: Sum, elided: int, style: NumberStyle, words: Words = ENGLISH) -> tuple[str, str, str]:
    """(`=` or `≈`, the total, a note or ""): the note counts an elided sum's terms, or marks ‡ a
    total whose shown (rounded) terms do not add up to it. Kept apart so no printout parses them back."""
    shown = show(item.total, style)
    sign = style.approx if shown.rounded else "="
    if elided:
        return sign, shown.text, words("t.all_terms_bias" if item.bias else "t.all_terms", n=len(item.terms))
    parts = [t.product for t in item.terms] + ([item.bias.value] if item.bias else [])
    if terms_disagree(parts, item.total, style):
        by_hand = show(float(sum(show(p, style).decimal for p in parts)), style).text
        return sign, shown.text, f"{DAGGER}  {words('t.rounded_terms', total=by_hand)}"
    return sign, shown.text, ""


def total_text(item: Sum, elided: int, style: NumberStyle) -> str:
    """`= 0.79584`, or `≈ 0.80 ‡ (...)` when the shown terms do not add up to the shown total."""
    sign, total, note = total_parts(item, elided, style)
    return f"{sign} {total}" + (("   " if elided else " ") + note if note else "")


def chain_text(item: Chain, style: NumberStyle, label: str) -> str:
    """`label = 1 / (1 + e^(−0.79584)) = 1 / (1 + ≈0.4512) ≈ 0.68906`."""
    text = label
    for stage in item.stages:
        if len(stage) == 1 and isinstance(stage[0], Num):
            shown = show(stage[0], style)
            text += f" {style.approx if shown.rounded else '='} {shown.text}"
        else:
            text += " = " + "".join(piece_text(p, style) for p in stage)
    return text


def piece_text(piece, style: NumberStyle) -> str:
    """A piece of a chain: an argument as it stands, a factor in parentheses when negative, or text."""
    if isinstance(piece, Arg):
        shown = show(piece, style)
        return f"{style.approx}{shown.text}" if shown.rounded else shown.text
    return factor(piece, style) if isinstance(piece, Num) else str(piece)


def example_mismatch(row: WorkedRow, trace: Trace, words: Words = ENGLISH) -> str | None:
    """`example leaf expects Leaf, but the network decides Flower`: a traced example that no longer holds
    (after a weight was changed, say); `netspec check` lists every number that differs."""
    if not row.row_id.startswith("example "):
        return None
    name = row.row_id.removeprefix("example ")
    example = next((e for e in trace.spec.examples if e.name == name), None)
    if example is None or example.decision == row.decision:
        return None
    return words("t.mismatch", name=name, expected=example.decision, decided=row.decision)


def decision_text(row: WorkedRow, trace: Trace, style: NumberStyle, words: Words = ENGLISH) -> str:
    """`Decision · the largest output wins: Leaf 0.79584 > Flower 0.25122  →  Leaf`."""
    decision = trace.spec.decision
    if decision.kind == "none":
        return f"{words('t.decision')} · {rule_text(decision, words)}"
    outputs = row.outputs
    if decision.reads:  # a sequence's scores: the last position's, by token
        outputs = list(zip(decision.labels, (value for _, value in outputs[-decision.reads:])))
    if decision.kind == "sign":
        label, value = row.outputs[0]
        relation = ">" if value > 0 else "≤"
        return (f"{words('t.decision')} · {rule_text(decision, words)}: {label} = {num(value, style)} {relation} 0"
                f"  →  {row.decision}")
    ranked = sorted(outputs, key=lambda lv: -lv[1])
    if len(ranked) > MANY_OUTPUTS:  # a 27-way output: the top few, and how many more
        ranked = ranked[:TOP_SHOWN]
        more = f" > {words('t.more', n=len(outputs) - TOP_SHOWN)}"
    else:
        more = ""
    relations = " ".join(("=" if a[1] == b[1] else ">") + f" {b[0]} {num(b[1], style)}"
                         for a, b in zip(ranked, ranked[1:]))
    tie = f"  {words('t.tie')}" if len(ranked) > 1 and ranked[0][1] == ranked[1][1] else ""
    return (f"{words('t.decision')} · {rule_text(decision, words)}: {ranked[0][0]} {num(ranked[0][1], style)} {relations}{more}"
            f"  →  {row.decision}{tie}")


def rule_text(decision, words: Words = ENGLISH) -> str:
    """`the largest output wins`, or `Leaf if the output is positive, otherwise Flower`, in the words' language."""
    if decision.kind == "none":
        return words("no_decision")
    if words.lang == "en" or decision.kind not in ("largest", "sign") or getattr(decision, "reads", None):
        return decision.describe()  # English, and any rule the table has no words for, as the spec's model says it
    if decision.kind == "largest":
        return words("largest_last_wins" if decision.reads else "largest_wins")
    return words("sign_rule", first=decision.labels[0], second=decision.labels[1])
