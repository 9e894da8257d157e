"""netspec/progress.py: a bar only at a terminal, only after DELAY, wiped at the end; batch runs count rows."""

from __future__ import annotations

import io

import pytest

import netspec
from netspec import progress as progress_module
from netspec.progress import Progress
from netspec.run.batch import run_csv

from conftest import SPECS


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_nothing_is_drawn_for_short_work_or_off_a_terminal():
    clock = Clock()
    screen, pipe = Terminal(), io.StringIO()
    with Progress("running", 10, stream=screen, clock=clock) as quick, Progress("running", 10, stream=pipe, clock=clock) as piped:
        clock.now += 0.5  # under DELAY
        quick.advance(5)
        clock.now += 5
        piped.advance(5)
    assert screen.getvalue() == "" and pipe.getvalue() == ""
    assert not Progress("x", stream=Terminal(), enabled=False).enabled  # --quiet


def test_a_long_run_draws_its_share_and_wipes_the_line(monkeypatch):
    monkeypatch.delenv("TERM", raising=False)
    clock = Clock()
    screen = Terminal()
    bar = Progress("running", 1_000, stream=screen, clock=clock)
    clock.now += 2.0
    bar.advance(250)  # 250 rows in 2 s: 125 rows/s, 750 left: 6 s
    drawn = screen.getvalue()
    assert drawn.startswith("\r") and "[######..................]" in drawn and "25%" in drawn
    assert "250/1,000 rows" in drawn and "125 rows/s" in drawn and "6 s left" in drawn
    clock.now += 0.05
    bar.advance(1)  # within EVERY of the last draw: not redrawn
    assert screen.getvalue() == drawn
    bar.close()
    assert screen.getvalue().endswith("\r\x1b[K")


def test_a_csv_run_counts_its_rows(monkeypatch):
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setattr(progress_module, "EVERY", 0.0)
    spec = netspec.load(SPECS / "leaf.net")
    screen = Terminal()
    written = []
    with Progress("running", stream=screen) as bar:
        count = run_csv(spec, netspec.compile_plan(spec), str(SPECS / "objects.csv"), lambda rows, result, first: "x",
                        written.append, atomic_target=True, progress=bar)
    assert count == 4 and bar.done == 4 and bar.total == 4
    assert "[########################]  100%  4/4 rows" in screen.getvalue()


def test_a_trace_counts_the_rows_its_printout_writes_out(monkeypatch):
    """The printers tick the innermost bar under way a row at a time (progress.tick), in every format."""
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setattr(progress_module, "EVERY", 0.0)
    from netspec.render import render_trace_as
    from netspec.render.numbers import NumberStyle

    spec = netspec.load(SPECS / "leaf.net")
    traced = netspec.trace_plan(spec, [[32, 107, 56, 11.2], [241, 200, 4, 59.5], [60, 140, 40, 8]])
    for fmt in ("text", "md", "html", "tex", "json"):
        with Progress("writing out", 3, stream=Terminal()) as bar:
            render_trace_as(fmt, traced, NumberStyle())
        assert bar.done == 3, fmt
    render_trace_as("text", traced, NumberStyle())  # with no bar under way, nothing is counted anywhere
