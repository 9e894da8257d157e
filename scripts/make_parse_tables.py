"""grammars/netspec.lark in, netspec/lang/parse_tables.json out: the LALR tables the package loads.

Run after every change to the grammar:

    python scripts/make_parse_tables.py

`--check` writes nothing and exits 1 when the committed tables are not those of the grammar.
Lark numbers its states in an order that changes from run to run, so two correct tables
can differ in their bytes; the check compares them as automata (same_automaton), not as text.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netspec.lang.grammar import build_parser, grammar_text, make_tables, packaged_parser, tables_path  # noqa: E402


def write() -> Path:
    path = tables_path()
    path.write_text(json.dumps(make_tables(grammar_text()), sort_keys=True, separators=(",", ":")) + "\n",
                    encoding="utf-8")
    return path


def automaton(parser) -> tuple:
    """A parser's lexer and LALR table with the states renumbered in the order a walk from the start meets them."""
    table = parser.parser.parser.parser.parse_table
    order = {table.start_states["start"]: 0}
    queue, states = [table.start_states["start"]], []
    while queue:
        actions = table.states[queue.pop(0)]
        row = []
        for token in sorted(actions):
            action, arg = actions[token]
            if action.name == "Shift":
                if arg not in order:
                    order[arg] = len(order)
                    queue.append(arg)
                row.append((token, "shift", order[arg]))
            else:
                row.append((token, "reduce", arg.origin.name, tuple(s.name for s in arg.expansion), arg.alias,
                            repr(arg.options)))
        states.append(tuple(row))
    terminals = sorted((t.name, t.pattern.type, t.pattern.value, tuple(t.pattern.flags), t.priority)
                       for t in parser.terminals)
    return tuple(states), tuple(terminals), tuple(sorted(parser.lexer_conf.ignore))


def same_automaton(loaded, built) -> bool:
    return automaton(loaded) == automaton(built)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        text = grammar_text()
        loaded = packaged_parser(text)
        same = loaded is not None and same_automaton(loaded, build_parser(text))
        print("parse tables match the grammar" if same else "parse tables are out of date: run scripts/make_parse_tables.py")
        return 0 if same else 1
    print(f"wrote {write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
