"""`netspec trace --format html|tex|md` and `netspec draw` on the command line (issue 3).

Exit codes as everywhere: 0, 1 for a bad spec or input (an unknown --focus too), 2 for an
option the format cannot honour. Output files are written whole or not at all.
"""

from __future__ import annotations

import pytest

from clirun import invoke
from conftest import SPECS

LEAF = str(SPECS / "leaf.net")
LEAF_INPUT = ["-i", "R=32", "-i", "G=107", "-i", "B=56", "-i", "Vol=11.2"]


def test_the_done_when_command_writes_the_html_printout(tmp_path):
    """`netspec trace specs/leaf.net --input … --format html -o leaf.html` (the issue's own words)."""
    target = tmp_path / "leaf.html"
    result = invoke("trace", LEAF, *LEAF_INPUT, "--format", "html", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="hidden.h1"' in page and "The object is a Leaf." in page
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaf.html"]


@pytest.mark.parametrize("fmt, start", [("tex", "% netspec"), ("md", "# leaf_or_flower")])
def test_other_printouts_on_the_screen(fmt, start):
    result = invoke("trace", LEAF, "--example", "leaf", "--format", fmt, "--blank")
    assert result.exit_code == 0 and result.stdout.startswith(start) and "Answer key" in result.stdout


def test_draw_with_values_and_without(tmp_path):
    target = tmp_path / "leaf.svg"
    assert invoke("draw", LEAF, *LEAF_INPUT, "-o", str(target)).exit_code == 0
    drawn = target.read_text(encoding="utf-8")
    assert drawn.startswith("<?xml") and ">−26.598<" in drawn and ">0.79584<" in drawn
    bare = invoke("draw", LEAF)
    assert bare.exit_code == 0 and ">−0.29<" in bare.stdout and "26.598" not in bare.stdout


def test_draw_needs_one_row():
    result = invoke("draw", LEAF, "--csv", str(SPECS / "objects.csv"))
    assert result.exit_code == 2 and "--row N" in result.stderr
    assert invoke("draw", LEAF, "--csv", str(SPECS / "objects.csv"), "--row", "2").exit_code == 0


@pytest.mark.parametrize("args, word", [
    (["--format", "md", "--label-terms"], "--label-terms"), (["--format", "json", "--blank"], "--blank"),
    (["--format", "json", "--focus", "hidden.h1"], "--focus"), (["--paper", "letter"], "--paper"),
    (["--format", "md", "--paper", "letter"], "--paper"),
], ids=["label-terms-md", "blank-json", "focus-json", "paper-text", "paper-md"])
def test_an_option_the_format_cannot_honour_exits_2(args, word):
    result = invoke("trace", LEAF, "--example", "leaf", *args)
    assert result.exit_code == 2 and word in result.stderr and "it works with --format" in result.stderr


def test_text_takes_scalar_detail():
    assert invoke("trace", LEAF, "--example", "leaf", "--detail", "scalar").exit_code == 0


def test_unknown_focus_exits_1_with_a_hint():
    result = invoke("trace", LEAF, "--example", "leaf", "--format", "html", "--focus", "W1[G,h4]")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --focus W1[G,h4]: no value, neuron or weight has this address")
    assert "did you mean" in result.stderr and "`W1[G,h1]`" in result.stderr


@pytest.mark.parametrize("command", [["trace", "--format", "html"], ["trace", "--format", "tex"], ["draw"]])
def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch, command):
    """The rename over the target fails: exit 1, the old file keeps its bytes, no `.leaf.*.tmp` is left."""
    target = tmp_path / "leaf.out"
    target.write_text("the previous printout\n", encoding="utf-8")

    def failing_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("netspec.outfile.os.replace", failing_replace)
    result = invoke(command[0], LEAF, *LEAF_INPUT, *command[1:], "-o", str(target))
    assert result.exit_code == 1 and "Permission denied" in result.stderr
    assert target.read_text(encoding="utf-8") == "the previous printout\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaf.out"]


def test_a_bad_input_leaves_the_old_printout_alone(tmp_path):
    target = tmp_path / "leaf.html"
    target.write_text("the previous printout\n", encoding="utf-8")
    result = invoke("trace", LEAF, "-i", "R=300", "-i", "G=107", "-i", "B=56", "-i", "Vol=11.2",
                    "--format", "html", "-o", str(target))
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "the previous printout\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaf.html"]
