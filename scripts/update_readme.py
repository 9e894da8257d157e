"""README.md and docs/**/*.md in, the same files out: reruns every `$ netspec ...` line in their ```console blocks.

Every example in the documentation is real output: this script rewrites each block from the
commands' actual output (and the error catalogue between `<!-- catalogue -->` marks from the
messages netspec really prints), and tests/test_readme.py fails when a block no longer matches.

    python scripts/update_readme.py                     # README.md and every page under docs/
    python scripts/update_readme.py docs/language.md    # only the files named
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def commands(block: str) -> list[str]:
    return [line[2:] for line in block.splitlines() if line.startswith("$ ")]


def run(command: str) -> str:
    """The command's stdout and stderr, as a reader at the repository root would see them."""
    argv = shlex.split(command)
    if argv[0] == "netspec":
        argv = [sys.executable, "-m", "netspec", *argv[1:]]
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    return done.stdout


def rendered(block: str) -> str:
    return "".join(f"$ {command}\n{run(command)}" for command in commands(block))


CATALOGUE_BLOCK = re.compile(r"(<!-- catalogue -->\n).*?(<!-- /catalogue -->)", re.S)


def catalogue_table() -> str:
    """The error catalogue, each code with the message its example mistake really gets."""
    import tempfile

    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from catalogue_cases import example_errors, shown_message

    from netspec.catalogue import CATALOGUE

    with tempfile.TemporaryDirectory() as folder:
        errors = example_errors(Path(folder))
        rows = [f"| `{e.code}` | {e.title} | {_cell(shown_message(errors[e.code], Path(folder)))} | {e.fix} |"
                for e in CATALOGUE]
    return "| code | what went wrong | an example message | how to fix it |\n|---|---|---|---|\n" + "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def updated(text: str) -> str:
    text = BLOCK.sub(lambda m: f"```console\n{rendered(m.group(1))}```", text)
    if CATALOGUE_BLOCK.search(text):
        table = catalogue_table()
        text = CATALOGUE_BLOCK.sub(lambda m: m.group(1) + table + m.group(2), text)
    return text


def unclosed(text: str) -> bool:
    """An odd number of ``` fence lines: a block would run on into the prose and be rewritten with it."""
    return sum(1 for line in text.splitlines() if line.startswith("```")) % 2 == 1


def documents() -> list[Path]:
    """The files whose blocks are real output: README.md, then every Markdown page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def main(names: list[str]) -> int:
    paths = [Path(name).resolve() for name in names] or documents()
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"update_readme.py: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if unclosed(text):
            print(f"update_readme.py: {path} has a ``` fence that is not closed; left alone", file=sys.stderr)
            return 2
        new = updated(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
