"""Peak memory of `netspec run --csv` on CSV files of growing size: it must stay flat.

    python bench/bench_csv_memory.py               # 10 MB, 100 MB and 1 GB files
    python bench/bench_csv_memory.py --quick       # 10 MB and 100 MB

Each run is a fresh `python -m netspec run specs/leaf.net --csv FILE --format csv -o OUT`
process; its peak resident memory (ru_maxrss) is compared with the same process on the
smallest file, in the same session, and with a process that only imports netspec and
NumPy. Bounded memory shows as a ratio near 1.0 however large the file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW_BLOCK = "".join(f"{(i * 37) % 256},{(i * 91) % 256},{(i * 13) % 256},{(i % 997) / 10}\n" for i in range(20_000))


def make_csv(path: Path, size: int) -> int:
    """A CSV of about `size` bytes made of one repeated block; returns its row count."""
    block = ROW_BLOCK.encode()
    repeats = max(1, size // len(block))
    with path.open("wb") as stream:
        stream.write(b"R,G,B,Vol\n")
        for _ in range(repeats):
            stream.write(block)
    return repeats * 20_000


def peak_rss(argv: list[str]) -> tuple[float, float]:
    """(peak resident memory in MiB, seconds) of one child process run to its end."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:]); d = time.perf_counter() - t; "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, d, r.returncode)")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT, check=True)
    kib, seconds, returncode = out.stdout.split()
    if returncode != "0":
        raise SystemExit(f"netspec failed: {argv}")
    return int(kib) / 1024, float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1 GB file")
    sizes = [10 * 2**20, 100 * 2**20] + ([] if parser.parse_args().quick else [2**30])
    baseline, _ = peak_rss([sys.executable, "-c", "import numpy, netspec.cli, netspec.run.runner, netspec.run.csvinput"])
    print(f"python {sys.version.split()[0]}, baseline (import netspec and NumPy): {baseline:.0f} MiB peak")
    print(f"{'file':>10} {'rows':>12} {'seconds':>8} {'rows/s':>10} {'peak MiB':>9} {'vs smallest':>11} {'vs import':>9}")
    first = None
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            csv_path, out_path = Path(folder) / "rows.csv", Path(folder) / "out.csv"
            rows = make_csv(csv_path, size)
            mib, seconds = peak_rss([sys.executable, "-m", "netspec", "run", "specs/leaf.net", "--csv", str(csv_path),
                                     "--format", "csv", "-o", str(out_path)])
            first = first or mib
            print(f"{os.path.getsize(csv_path) / 2**20:>8.0f}MB {rows:>12,} {seconds:>8.1f} {rows / seconds:>10,.0f} "
                  f"{mib:>9.0f} {mib / first:>10.2f}x {mib / baseline:>8.2f}x", flush=True)
            csv_path.unlink()
            out_path.unlink()


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - started:.0f} s; ru_maxrss from getrusage(RUSAGE_CHILDREN)")
    del resource
