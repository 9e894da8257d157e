"""The command line: exit codes, the diagnostic on stderr, no traceback, no partial output file.

Exit codes: 0 success; 1 a bad spec, bad input or a failing example (NetspecError, caught
in netspec.cli.main); 2 command-line misuse (click's UsageError).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import invoke

ROOT = Path(__file__).resolve().parent.parent
LEAF = str(ROOT / "specs" / "leaf.net")
CASES = Path(__file__).resolve().parent / "cases"
LEAF_INPUT = ["-i", "R=32", "-i", "G=107", "-i", "B=56", "-i", "Vol=11.2"]


# ---- exit codes ----

def test_run_succeeds():
    result = invoke("run", LEAF, *LEAF_INPUT)
    assert result.exit_code == 0, result.stderr
    assert "Leaf" in result.stdout and result.stderr == ""


def test_check_succeeds():
    result = invoke("check", LEAF)
    assert result.exit_code == 0, result.stderr
    assert "2 of 2 examples pass" in result.stdout


@pytest.mark.parametrize(("kind", "name", "where"), [
    ("syntax", "mid_file", "18:28: error: unexpected 'W1'"),
    ("syntax", "end_of_file", "19:12: error: unexpected end of file"),
    ("check", "unknown_name", "17:19: error: unknown value `hiden`"),
    ("check", "shape_mismatch", "20:29: error: shape mismatch"),
], ids=["syntax", "end-of-file", "unknown-name", "shape"])
@pytest.mark.parametrize("command", ["run", "check", "trace"])
def test_bad_spec_exits_1_with_the_diagnostic_first(command, kind, name, where):
    """stderr starts `path:line:col: error:`, with nothing before it, and stdout stays empty."""
    path = str(CASES / kind / f"{name}.net")
    result = invoke(command, path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:{where}")
    assert result.stdout == ""


def test_several_errors_all_reach_stderr():
    path = str(CASES / "check" / "several_errors.net")
    result = invoke("check", path)
    assert result.exit_code == 1
    assert result.stderr.count(f"{path}:") == 3
    assert result.stderr.endswith("3 errors\n")


@pytest.mark.parametrize("args", [
    ["run", LEAF, "-i", "R=300", "-i", "G=107", "-i", "B=56", "-i", "Vol=11.2"],
    ["run", LEAF, "-i", "R=32"],
    ["run", LEAF, "--csv", str(CASES / "csv" / "not_a_number.csv")],
    ["trace", LEAF, "--csv", str(CASES / "csv" / "leaf_rows.csv"), "--row", "3"],
    ["run", LEAF, "--example", "no_such_example"],
    ["run", str(ROOT / "specs" / "no_such_spec.net")],
], ids=["out-of-range", "missing-input", "csv-cell", "row-past-end", "unknown-example", "no-spec-file"])
def test_bad_input_exits_1(args):
    result = invoke(*args)
    assert result.exit_code == 1
    assert "error: " in result.stderr and result.stdout == ""


def test_csv_error_names_file_line_and_column():
    path = str(CASES / "csv" / "out_of_range.csv")
    result = invoke("run", LEAF, "--csv", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:3:1: error: row 2, column R: R=300 is outside its range")


@pytest.mark.parametrize("args", [
    ["run", LEAF, "--no-such-option"],
    ["run", LEAF, "--input", "R=32", "--csv", str(CASES / "csv" / "leaf_rows.csv")],
    ["trace", LEAF, "--row", "1"],
    ["run", LEAF, "--format", "pdf"],
    ["trace", LEAF, "--format", "html5"],
    ["run"],
    ["frobnicate", LEAF],
], ids=["unknown-option", "input-and-csv", "row-without-csv", "bad-run-format", "bad-trace-format",
        "no-spec", "unknown-command"])
def test_command_line_misuse_exits_2(args):
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Usage: netspec" in result.stderr and "Error: " in result.stderr


def test_check_exits_1_when_an_example_fails(tmp_path):
    """A copy of leaf.net whose leaf example expects Leaf=0.8: the run gives 0.79584, off by 0.00416."""
    text = Path(LEAF).read_text(encoding="utf-8")
    wrong = text.replace("expect Leaf=0.79584, Flower=0.25122", "expect Leaf=0.8, Flower=0.25122")
    assert wrong != text
    spec = tmp_path / "leaf.net"
    spec.write_text(wrong, encoding="utf-8")
    line = wrong.splitlines().index("example leaf: R=32, G=107, B=56, Vol=11.2 -> Leaf") + 1
    result = invoke("check", str(spec))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{spec}:{line}:1: error: 1 of 2 examples failed")
    assert "2 of 2 examples pass" not in result.stdout
    # a tolerance of 1e-6 asks for 6 decimal places; mismatches are shown to one more
    assert "leaf: Leaf is 0.79584, expected 0.8 within 0.000001" in result.stdout


def test_check_writes_numbers_as_asked(tmp_path):
    """--ascii and --digits 3 on check: the example table with ~ and -, a failed number still to the places it needs."""
    text = Path(LEAF).read_text(encoding="utf-8").replace("  R      0.10", "  R      5.10")  # h1 += 32·5 = 160
    (tmp_path / "leaf.net").write_text(text, encoding="utf-8")
    result = invoke("check", tmp_path / "leaf.net", "--ascii", "--digits", "3")
    assert result.exit_code == 1
    assert "−" not in result.stdout and "≈" not in result.stdout
    assert "leaf: Leaf is -26.40416, expected 0.79584 within 0.000001" in result.stdout  # 0.79584 − 0.17·160


def test_csv_and_json_results_keep_a_text_input_as_text():
    """humpty_chars' example y is the text "humpty dumpt": its token numbers (h = 8, …) and the text itself."""
    spec = str(Path(LEAF).parent / "humpty_chars.net")
    lines = invoke("run", spec, "--example", "y", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("row,text,text1,text2,") and lines[1].startswith("y,humpty dumpt,8.0,21.0,")
    row = json.loads(invoke("run", spec, "--example", "y", "--format", "json").stdout)
    assert row["texts"] == {"text": "humpty dumpt"} and row["inputs"]["text1"] == 8.0


def test_digits_0_is_refused():
    """With no decimals a weight of 0.1 could only be written 1e−1: at least one place is shown."""
    result = invoke("run", LEAF, "--digits", "0")
    assert result.exit_code == 2 and "--digits" in result.stderr


def test_several_examples_are_run_in_the_order_named():
    result = invoke("run", LEAF, "--example", "sunflower", "--example", "leaf")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1].startswith("sunflower") and lines[2].startswith("leaf")


@pytest.mark.parametrize("command, suffix, start", [("trace", ".html", "<!DOCTYPE html>"), ("trace", ".md", "# "),
                                                    ("run", ".json", '{"netspec_schema": 1, "row": 1, "example": "leaf"'),
                                                     ("run", ".jsonl", '{"netspec_schema": 1, "row": 1, "example": "leaf"'), ("run", ".csv", "row,")])
def test_the_output_file_suffix_picks_the_format(tmp_path, command, suffix, start):
    out = tmp_path / f"out{suffix}"
    result = invoke(command, LEAF, "--example", "leaf", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith(start)


def test_a_suffix_the_command_cannot_write_needs_format(tmp_path):
    result = invoke("run", LEAF, "-o", tmp_path / "out.html")
    assert result.exit_code == 2 and "writes text, json, csv, not .html; give --format" in result.stderr
    assert not (tmp_path / "out.html").exists()
    result = invoke("run", LEAF, "--format", "text", "-o", tmp_path / "out.html")
    assert result.exit_code == 0 and (tmp_path / "out.html").read_text(encoding="utf-8").startswith("example")


# ---- -o FILE: the whole file or nothing ----

def test_output_file_holds_exactly_what_the_screen_shows(tmp_path):
    target = tmp_path / "result.txt"
    shown = invoke("run", LEAF, *LEAF_INPUT)
    written = invoke("run", LEAF, *LEAF_INPUT, "-o", str(target))
    assert written.exit_code == 0 and written.stdout == ""
    assert target.read_text(encoding="utf-8") == shown.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.txt"]


@pytest.mark.parametrize("command", ["run", "trace"])
def test_failed_run_leaves_the_old_file_alone(tmp_path, command):
    """Bad input: exit 1, the existing file keeps its bytes, and no `.result.txt.*.tmp` is left."""
    target = tmp_path / "result.txt"
    target.write_text("the previous result\n", encoding="utf-8")
    result = invoke(command, LEAF, "-i", "R=300", "-i", "G=107", "-i", "B=56", "-i", "Vol=11.2",
                    "-o", str(target))
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "the previous result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.txt"]


def test_failure_while_writing_leaves_no_temp_file(tmp_path, monkeypatch):
    """The rename over the target fails mid-write: exit 1, old file intact, temp file removed."""
    target = tmp_path / "result.txt"
    target.write_text("the previous result\n", encoding="utf-8")

    def failing_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("netspec.outfile.os.replace", failing_replace)
    result = invoke("run", LEAF, *LEAF_INPUT, "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot write {target}: Permission denied")
    assert target.read_text(encoding="utf-8") == "the previous result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.txt"]


def test_output_into_a_missing_folder(tmp_path):
    result = invoke("run", LEAF, *LEAF_INPUT, "-o", str(tmp_path / "no_such_folder" / "out.txt"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


# ---- end to end, as a user runs it ----

def run_module(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NETSPEC_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "netspec", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_python_m_netspec_end_to_end():
    ok = run_module("run", "specs/leaf.net")
    assert ok.returncode == 0 and "Leaf" in ok.stdout and ok.stderr == ""

    spec = "tests/cases/syntax/unclosed_paren.net"
    bad = run_module("check", spec)
    assert bad.returncode == 1
    assert bad.stderr.startswith(f"{spec}:13:31: error: unexpected end of line")
    assert bad.stdout == ""

    misuse = run_module("run", "specs/leaf.net", "--bogus")
    assert misuse.returncode == 2

    for result in (ok, bad, misuse):
        assert "Traceback" not in result.stdout + result.stderr


def test_a_whole_number_option_takes_the_digits_0_to_9_only():
    """click reads `--row ２` (a fullwidth two) as 2 through int(); netspec refuses it as misuse."""
    result = invoke("trace", LEAF, "--csv", str(ROOT / "specs" / "objects.csv"), "--row", "２")
    assert result.exit_code == 2
    assert "'２' is not a whole number written with the digits 0 to 9" in result.output
