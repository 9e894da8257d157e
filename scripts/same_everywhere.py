"""Every printout under five BLAS kernels: are they byte for byte the same?

OpenBLAS picks a kernel for the CPU it runs on, and each kernel adds in its own order;
OPENBLAS_CORETYPE forces one, so one machine can show what five kinds of machine print.
This runs, once per kernel in a fresh process, every spec's trace (text, Markdown, HTML,
LaTeX, JSON), the drawing (SVG), `run --format json` on its examples, `check`, and the documentation's `generate`
commands, and reports any output that differs between kernels.

    python scripts/same_everywhere.py            # all five kernels; exit 1 on any difference
    python scripts/same_everywhere.py Haswell Prescott

A kernel the OpenBLAS build lacks falls back silently to another, so this is safe on any
x86 machine (and compares fewer real kernels on older ones).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNELS = ("Haswell", "SkylakeX", "Zen", "Sandybridge", "Prescott")
NEEDS = {"SkylakeX": "avx512f"}  # a kernel forced on a CPU without its instructions dies of SIGILL


def runnable(kernels: list[str]) -> list[str]:
    """The kernels this CPU can run; each left out is said, so the comparison never claims it."""
    flags = set(Path("/proc/cpuinfo").read_text().split()) if Path("/proc/cpuinfo").exists() else set()
    kept = [k for k in kernels if NEEDS.get(k, "") in flags or k not in NEEDS]
    for kernel in sorted(set(kernels) - set(kept)):
        print(f"{kernel:12} left out: this CPU lacks {NEEDS[kernel]}")
    return kept
TRACE_FORMATS = ("text", "md", "html", "tex", "json")


def commands() -> list[list[str]]:
    """The commands compared: every spec in every printout format, and the documentation's generate lines."""
    found = []
    for spec in sorted((ROOT / "specs").glob("*.net")):
        name = f"specs/{spec.name}"
        found += [["trace", name, "--format", fmt, "--max-printout", "500MB"] for fmt in TRACE_FORMATS]
        found += [["run", name, "--format", "json"], ["check", name], ["draw", name]]
        found += [["draw", name, "--example", example] for example in _examples(spec)[:1]]
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        found += [shlex.split(line) for line in re.findall(r"^\$ netspec (generate .*)$", text, re.M)]
    return found


def _examples(spec: Path) -> list[str]:
    """The spec's example names, to draw one with every value; none when it does not load."""
    import netspec

    try:
        return [example.name for example in netspec.load_spec(spec).examples]
    except Exception:  # a spec that does not load is compared by its error message alone
        return []


def worker() -> None:
    """In this process: run every command in-process and print {command: sha256 of its output}."""
    from click.testing import CliRunner

    from netspec import cli

    class _Main:
        name = "netspec"

        def main(self, args, prog_name, **extra):
            cli.main(list(args))

    os.chdir(ROOT)
    hashes = {}
    for argv in commands():
        result = CliRunner().invoke(_Main(), argv)
        if result.exit_code != 0:  # a refusal would compare as the same empty output everywhere
            sys.exit(f"netspec {' '.join(argv)} exited {result.exit_code}: {result.stderr}")
        hashes[" ".join(argv)] = hashlib.sha256(result.stdout_bytes).hexdigest()
    print(json.dumps({"hashes": hashes}))


def main(kernels: list[str]) -> int:
    runs = {}
    for kernel in kernels:
        started = time.perf_counter()
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "COLUMNS": "100"}
        done = subprocess.run([sys.executable, __file__, "--worker"], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
        runs[kernel] = json.loads(done.stdout)["hashes"]
        print(f"{kernel:12} {len(runs[kernel])} outputs in {time.perf_counter() - started:.1f} s")
    first = kernels[0]
    different = [c for c in runs[first] if len({runs[k][c] for k in kernels}) > 1]
    for command in different:
        print(f"DIFFERS: netspec {command}")
        for kernel in kernels:
            print(f"    {kernel:12} {runs[kernel][command][:16]}")
    print(f"{len(runs[first])} outputs compared under {len(kernels)} kernels: "
          f"{'all byte-identical' if not different else f'{len(different)} differ'}")
    return 1 if different else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        worker()
    else:
        sys.exit(main(runnable(sys.argv[1:] or list(KERNELS))))
