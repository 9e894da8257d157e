"""specs/*.net in, docs/printouts/ out: every printout of every spec, written by one command.

    python scripts/make_printouts.py          # from the top of the repository

Each spec is traced on its own examples and written as text, Markdown, HTML and LaTeX,
with a blank worksheet (answer key last) in each of the last three, its diagram with the
weights only (`SPEC.svg`) and one diagram per example with every value
(`SPEC.EXAMPLE.svg`). docs/printouts/.gitignore keeps only leaf.net's printouts in git;
tests/test_printouts.py checks that those are what this script writes today.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path("docs") / "printouts"
PRINTOUTS = (  # suffix, format, options
    ("txt", "text", {}),
    ("md", "md", {}),
    ("html", "html", {}),
    ("tex", "tex", {}),
    ("blank.md", "md", {"blank": True}),
    ("blank.html", "html", {"blank": True}),
    ("blank.tex", "tex", {"blank": True, "label_terms": True}),
)


def spec_paths() -> list[Path]:
    """Every spec, as the reader names it from the top of the repository: specs/leaf.net, …"""
    return sorted(Path("specs").glob("*.net"))


def printouts(path: Path) -> dict[str, str]:
    """File name → text of every printout of one spec (run from the repository's top folder)."""
    import netspec
    from netspec.run.inputs import from_examples
    from netspec.render import render_trace_as
    from netspec.render.diagram import render_drawing
    from netspec.render.numbers import NumberStyle
    from netspec.render.view import PrintOptions
    from netspec.run.runner import trace

    spec = netspec.load_spec(path)
    plan = netspec.compile_plan(spec)
    rows = from_examples(spec)
    traced = trace(plan, rows.values, rows.ids)
    files = {f"{path.stem}.{suffix}": render_trace_as(fmt, traced, NumberStyle(), **options)
             for suffix, fmt, options in PRINTOUTS}
    files[f"{path.stem}.svg"] = render_drawing(spec)
    for name, values in zip(rows.names, rows.values):
        one = trace(plan, values[None, :], (f"example {name}",))
        files[f"{path.stem}.{name}.svg"] = render_drawing(spec, PrintOptions(), one)
    return files


def index(written: dict[str, list[str]]) -> str:
    """docs/printouts/README.md: what each file is, and which are kept in git."""
    lines = ["# Printouts", "",
             "Written by `python scripts/make_printouts.py` from every spec in [`specs/`](../../specs), each traced",
             "on its own examples. Only `leaf.*` is kept in git; run the script for the others.", "",
             "![leaf.net, the leaf example](leaf.leaf.svg)", "",
             "| spec | files |", "|---|---|"]
    for spec, names in written.items():
        kept = spec == "leaf"
        shown = [f"[`{n}`]({n})" if kept else f"`{n}`" for n in names]
        lines.append(f"| `{spec}.net` | " + " ".join(shown) + " |")
    lines += ["", "`.txt` is the terminal trace; `.md`, `.html` and `.tex` are the printouts, `.blank.*` their",
              "worksheets with the answer key on the last page; `SPEC.svg` is the drawing with the weights",
              "only and `SPEC.EXAMPLE.svg` the drawing with every value of that example."]
    return "\n".join(lines) + "\n"


def main() -> int:
    os.chdir(ROOT)  # specs are named as from the top of the repository, as the README shows them
    sys.path.insert(0, str(ROOT))
    from netspec.outfile import write_atomic

    written: dict[str, list[str]] = {}
    for path in spec_paths():
        files = printouts(path)
        for name, text in files.items():
            write_atomic(str(OUT / name), text)
        written[path.stem] = list(files)
    write_atomic(str(OUT / "README.md"), index(written))
    print(f"wrote {sum(len(v) for v in written.values())} printouts of {len(written)} specs into {OUT}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
