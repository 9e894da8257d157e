"""Training results in, the few lines `netspec train` prints out: what was trained, the loss, the files."""

from __future__ import annotations

from netspec.train.nudge import AGREE, Nudged


def summary(spec, trained, settings, out: str, files: list[str], accuracy: float | None, test=None) -> str:
    result = trained.result
    numbers = sum(result.weights[name].size for name in result.trained)
    frozen = [name for name in spec.params if name not in result.trained]
    batch = "all rows" if settings.batch_size is None or settings.batch_size >= len(trained.data.inputs) \
        else f"batches of {settings.batch_size}"
    lines = [f"trained {numbers:,} numbers in {len(result.trained)} tables of {spec.name} on "
             f"{len(trained.data.inputs)} rows: {settings.epochs} epochs, {batch}, {settings.optimizer} lr {settings.lr:g}, "
             f"{settings.loss} loss" + (f"; frozen: {', '.join(frozen)}" if frozen else ""),
             f"loss: epoch 1 {result.losses[0]:.6g} → epoch {settings.epochs} {result.losses[-1]:.6g}"]
    if accuracy is not None:
        lines.append(f"accuracy on the training rows: {accuracy:.1%}")
    if test is not None and test[2] is not None:
        right = round(test[2] * test[1])
        lines.append(f"accuracy on the held-out rows of {test[0]}: {test[2]:.1%} ({right} of {test[1]})")
    lines.append("wrote " + " and ".join(files))
    return "\n".join(lines) + "\n"


def nudge_table(spec, loss_name: str, rows: int, value: float, checks: list[Nudged]) -> str:
    lines = [f"gradient check of {spec.name} on {rows} row{'s' * (rows != 1)}, {loss_name} loss {value:.6g}: each number nudged by ±h, "
             "(L(w + h) − L(w − h)) / 2h against the chain rule"]
    width = max(len(c.table) for c in checks)
    for c in checks:
        index = ",".join(str(i) for i in c.where)
        lines.append(f"  {c.table.ljust(width)}  {c.checked:>5} of {c.size:<6} largest difference {c.worst:.1e}  "
                     f"at [{index}]: chain rule {c.chain:.9g}, nudge {c.nudge:.9g}  {'ok' if c.agrees else 'DIFFERS'}")
    bad = [c.table for c in checks if not c.agrees]
    lines.append(f"{'agree' if not bad else 'differ'}: " + (f"every gradient is within {AGREE:g} of its nudge" if not bad
                                                          else f"{', '.join(bad)} differ by more than {AGREE:g}"))
    return "\n".join(lines) + "\n"
