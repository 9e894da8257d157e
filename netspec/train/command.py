"""`netspec train` apart from its options: refuse early, train, write each file whole, say what was done.

Every output path is checked before the first epoch (an input spec is never overwritten
unless --in-place), then the weight file, the spec and the log are written in that order,
each whole or not at all (netspec/outfile.py); a run that diverges writes none of them.
"""

from __future__ import annotations

from pathlib import Path

from netspec.outfile import check_writable, write_atomic, write_atomic_bytes
from netspec.run.plan import compile_plan
from netspec.train.data import read_data
from netspec.train.report import nudge_table, summary
from netspec.train.session import accuracy, check_gradients, run_training


def train_command(checked, data_path: str, out: str, log_path: str | None, test_path: str | None, settings,
                  reads: frozenset, bar=None) -> str:
    """Train and write; the summary to print. `bar` (netspec/progress.py) counts the epochs."""
    paths = [out, str(Path(out).with_suffix(".safetensors")), *([log_path] if log_path else [])]
    for path in paths:
        check_writable(path, reads)
    held_out = read_data(checked, test_path) if test_path else None  # refused now, not after the epochs
    trained = run_training(checked, data_path, out, settings, None if bar is None else epochs_on(bar))
    files = write_trained(trained, out, log_path, reads)
    plan = compile_plan(checked)
    test = (test_path, len(held_out.inputs), accuracy(plan, trained.result.weights, held_out)) if held_out else None
    return summary(checked, trained, settings, out, files, accuracy(plan, trained.result.weights, trained.data), test)


def gradient_check(checked, data_path: str, settings) -> tuple[str, bool]:
    """The nudge table, and whether every table's gradients agree with their nudges."""
    value, checks = check_gradients(checked, data_path, settings)
    rows = len(read_data(checked, data_path).inputs)
    rows = min(rows, settings.batch_size or rows)
    return nudge_table(checked, settings.loss, rows, value, checks), all(c.agrees for c in checks)


def epochs_on(bar):
    """The trainer's word after each epoch: one more on the bar, whose label carries the loss."""
    def show(epoch: int, loss: float):
        bar.label = f"training, loss {loss:.6g}"
        bar.advance()
    return show


def write_trained(trained, out: str, log_path: str | None, reads: frozenset) -> list[str]:
    """The weight file first, then the spec, then the log: each whole or not at all."""
    files = [out]
    if trained.weight_file is not None:
        weights = str(Path(out).with_suffix(".safetensors"))
        write_atomic_bytes(weights, trained.weight_file, reads)
        files.append(weights)
    write_atomic(out, trained.spec_text, reads)
    if log_path:
        write_atomic(log_path, trained.log, reads)
        files.append(log_path)
    return files
