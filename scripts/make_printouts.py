"""specs/*.net in, docs/printouts/ out: every printout of every spec, written by one command.

    python scripts/make_printouts.py          # from the top of the repository

Each spec is traced on its own examples and written as text, Markdown, HTML and LaTeX,
with a blank worksheet (answer key last) in each of the last three, its diagram with the
weights only (`SPEC.svg`) and one diagram per example with every value
(`SPEC.EXAMPLE.svg`). A printout over the printout limit (tiny_gpt.net's HTML of four
examples) is left out and named on stderr.

Kept in git, and shown in the gallery of docs/printouts.md (between its `<!-- gallery -->`
marks, rewritten here): every printout of leaf.net, and each spec's drawing of its first
example when that is under GALLERY_BYTES; docs/printouts/.gitignore, written here too,
keeps exactly those. tests/test_printouts.py checks that they are what this script writes today.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path("docs") / "printouts"
PAGE = Path("docs") / "printouts.md"
GALLERY_BYTES = 100_000  # a drawing larger than this (the 27-output humpty networks, the GPT) is not kept
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

    from netspec.errors import NetspecError

    spec = netspec.load_spec(path)
    plan = netspec.compile_plan(spec)
    rows = from_examples(spec)
    traced = trace(plan, rows.values, rows.ids)
    files = {}
    for suffix, fmt, options in PRINTOUTS:
        try:
            files[f"{path.stem}.{suffix}"] = render_trace_as(fmt, traced, NumberStyle(), **options)
        except NetspecError as error:  # over the printout limit: said, not written
            print(f"left out {path.stem}.{suffix}: {error.message}", file=sys.stderr)
    files[f"{path.stem}.svg"] = render_drawing(spec)
    for name, values in zip(rows.names, rows.values):
        one = trace(plan, values[None, :], (f"example {name}",))
        files[f"{path.stem}.{name}.svg"] = render_drawing(spec, PrintOptions(), one)
    return files


def first_drawing(path: Path) -> tuple[str, str]:
    """The file name and SVG of a spec's drawing with every value of its first example."""
    import netspec
    from netspec.render.diagram import render_drawing
    from netspec.render.view import PrintOptions
    from netspec.run.inputs import from_examples
    from netspec.run.runner import trace

    spec = netspec.load_spec(path)
    rows = from_examples(spec)
    one = trace(netspec.compile_plan(spec), rows.values[:1], (f"example {rows.names[0]}",))
    return f"{path.stem}.{rows.names[0]}.svg", render_drawing(spec, PrintOptions(), one)


def gallery_drawings() -> dict[str, str]:
    """spec stem → (file name, SVG) of every first-example drawing small enough to keep."""
    found = {}
    for path in spec_paths():
        name, svg = first_drawing(path)
        if len(svg.encode("utf-8")) <= GALLERY_BYTES:
            found[path.stem] = (name, svg)
    return found


def kept(leaf_files: list[str], drawings: dict) -> list[str]:
    """The files of docs/printouts/ kept in git: leaf.net's printouts and the gallery's drawings."""
    return sorted(set(leaf_files) | {name for name, _ in drawings.values()})


def gitignore(names: list[str]) -> str:
    return ("# Written by `python scripts/make_printouts.py`, like everything in this folder.\n"
            "# Kept in git: leaf.net's printouts and each spec's drawing in the gallery of docs/printouts.md.\n"
            "*\n!.gitignore\n" + "".join(f"!{name}\n" for name in names))


def gallery(leaf_files: list[str], drawings: dict) -> str:
    """The gallery of docs/printouts.md: leaf.net's every printout, then one drawing per spec."""
    lines = ["Every printout of [`leaf.net`](../specs/leaf.net), as the script writes it:", "",
             "| file | what it is |", "|---|---|"]
    for name in leaf_files:
        lines.append(f"| [`{name}`](printouts/{name}) | {_what(name)} |")
    lines += ["", "Each spec drawn with every value of its first example (a spec whose drawing is over "
              f"{GALLERY_BYTES // 1000} kB, such as the 27-output character networks and the GPT, is drawn by the script but not kept):", ""]
    for stem, (name, _) in drawings.items():
        example = name[len(stem) + 1:-len(".svg")]
        lines += [f"### `{stem}.net`", "",
                  f"[`specs/{stem}.net`](../specs/{stem}.net), example `{example}`: [`{name}`](printouts/{name})", "",
                  f"![{stem}.net, example {example}](printouts/{name})", ""]
    return "\n".join(lines) + "\n"


def _what(name: str) -> str:
    parts = name.split(".")
    blank = "a blank worksheet, the answer key last, " if "blank" in parts else ""
    kind = {"txt": "the terminal trace", "md": "Markdown", "html": "HTML, the network drawn",
            "tex": "LaTeX, for pdflatex"}.get(parts[-1])
    if kind:
        return f"{blank}{kind}" if not blank else f"{blank}in {kind}"
    return "the drawing, weights only" if len(parts) == 2 else f"the drawing with every value of example `{parts[1]}`"


GALLERY_BLOCK = re.compile(r"(<!-- gallery -->\n).*?(<!-- /gallery -->)", re.S)


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
    drawings = gallery_drawings()
    write_atomic(str(OUT / ".gitignore"), gitignore(kept(written["leaf"], drawings)))
    page = PAGE.read_text(encoding="utf-8")
    table = gallery(written["leaf"], drawings)
    write_atomic(str(PAGE), GALLERY_BLOCK.sub(lambda m: m.group(1) + table + m.group(2), page))
    print(f"wrote {sum(len(v) for v in written.values())} printouts of {len(written)} specs into {OUT}/, "
          f"and the gallery of {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
