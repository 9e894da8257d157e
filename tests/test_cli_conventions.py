"""The command line as click, Unix and CI users expect it: `-` for standard input and output, -o's
suffix picks the format (an unknown one is an error), --quiet, colour only where wanted, --set,
check --format json, and every JSON output valid against docs/netspec.schema.json."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from clirun import _Main, invoke
from conftest import ROOT, SPECS

LEAF = str(SPECS / "leaf.net")
OBJECTS = str(SPECS / "objects.csv")
SCHEMA = json.loads((ROOT / "docs" / "netspec.schema.json").read_text(encoding="utf-8"))


def invoke_with_stdin(stdin: str, *args):
    result = CliRunner().invoke(_Main(), [str(a) for a in args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_a_dash_reads_the_spec_from_standard_input():
    piped = invoke_with_stdin((SPECS / "leaf.net").read_text(encoding="utf-8"), "run", "-")
    assert piped.exit_code == 0 and piped.stdout == invoke("run", LEAF).stdout
    broken = invoke_with_stdin("input R\nlayer out = dense(input, W9)\n", "check", "-")
    assert broken.exit_code == 1 and "<stdin>:2:" in broken.stderr and "no such spec file" not in broken.stderr


def test_a_dash_reads_the_csv_from_standard_input():
    piped = invoke_with_stdin((SPECS / "objects.csv").read_text(encoding="utf-8"), "run", LEAF, "--csv", "-")
    assert piped.exit_code == 0 and piped.stdout == invoke("run", LEAF, "--csv", OBJECTS).stdout
    bad = invoke_with_stdin("R,G\n1,2\n", "run", LEAF, "--csv", "-")
    assert bad.exit_code == 1 and "<stdin>:1:1: error: the CSV header has missing columns B, Vol" in bad.stderr
    both = invoke_with_stdin("", "run", "-", "--csv", "-")
    assert both.exit_code == 2 and "cannot both be read from standard input" in both.stderr


def test_dash_output_is_the_screen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", LEAF, "--format", "json", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith('{"netspec_schema": 1, "row": 1')
    assert list(tmp_path.iterdir()) == []  # no file called `-`


def test_jsonl_output_is_json_lines_and_an_unknown_suffix_is_refused(tmp_path):
    out = tmp_path / "scores.jsonl"
    assert invoke("run", LEAF, "--csv", OBJECTS, "-o", out).exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == [1, 2, 3, 4] and rows[0]["decision"] == "Leaf"
    refused = invoke("run", LEAF, "--csv", OBJECTS, "-o", tmp_path / "scores.xlsx")
    assert refused.exit_code == 2 and ".xlsx names no format" in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.jsonl"]
    assert invoke("trace", LEAF, "-o", tmp_path / "t.jsonl").exit_code == 2  # a trace is one document


def test_set_changes_a_weight_as_hand_arithmetic_says():
    result = invoke("run", LEAF, "--example", "leaf", "--set", "W1[G,h1]=0.3", "--format", "json")
    row = json.loads(result.stdout)
    h1 = 32 * 0.10 + 107 * 0.3 + 56 * -0.07 + 11.2 * 0.46
    h2 = 32 * 0.12 + 107 * -0.05 + 56 * 0.04 + 11.2 * 0.16
    h3 = 32 * -0.36 + 107 * -0.21 + 56 * -0.27 + 11.2 * 0.18
    assert row["outputs"]["Leaf"] == pytest.approx(-0.17 * h1 + 0.39 * h2 + 0.10 * h3, abs=1e-12)
    assert row["decision"] == "Flower" and "note: --set: W1[G,h1] = 0.3 (was -0.29)" in result.stderr
    traced = invoke("trace", LEAF, "--example", "leaf", "--set", "W1[G,h1]=0.3")
    assert "with W1[G,h1] = 0.3 (was -0.29)" in traced.stdout  # the printout says it is not the file's numbers


def test_set_gives_an_input_one_value_checked_against_its_range():
    row = json.loads(invoke("run", LEAF, "--example", "leaf", "--set", "R=40", "--format", "json").stdout)
    # R goes from 32 to 40: Leaf moves by 8 × (0.10 × −0.17 + 0.12 × 0.39 + −0.36 × 0.10) = 8 × −0.0062
    assert row["inputs"]["R"] == 40 and row["outputs"]["Leaf"] == pytest.approx(0.79584 + 8 * -0.0062, abs=1e-12)
    out_of_range = invoke("run", LEAF, "--set", "R=400")
    assert out_of_range.exit_code == 1 and "NS304" in out_of_range.stderr


@pytest.mark.parametrize("setting, words", [("Rr=4", "did you mean `R`?"), ("W1[G,h9]=1", "W1 has no column `h9`"),
                                            ("w2[h1,Leaf]=1", "did you mean `W2`?"), ("W1=1", "W1[ROW,COLUMN]")])
def test_set_names_what_it_cannot_find(setting, words):
    result = invoke("draw", LEAF, "--set", setting)
    assert result.exit_code == 1 and "NS324" in result.stderr and words in result.stderr


def test_quiet_keeps_the_notes_off_stderr_but_not_the_errors():
    assert invoke("run", LEAF, "-q", "--set", "W1[G,h1]=0.3").stderr == ""
    assert "NS304" in invoke("run", LEAF, "--quiet", "--set", "R=400").stderr


def test_colour_only_when_wanted(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\x1b[" not in invoke("run", LEAF, "--set", "R=400").stderr  # not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = invoke("run", LEAF, "--set", "R=400").stderr
    assert "\x1b[1;31merror:\x1b[0m" in coloured and "\x1b[1;32mhint:\x1b[0m" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in invoke("run", LEAF, "--set", "R=400").stderr


def test_check_json_gives_every_diagnostic_with_its_place():
    result = invoke("check", ROOT / "docs" / "mistakes" / "typo.net", "--format", "json")
    document = json.loads(result.stdout)
    assert result.exit_code == 1 and result.stderr == "" and document["ok"] is False
    first = document["diagnostics"][0]
    assert (first["line"], first["column"], first["end_line"], first["end_column"], first["code"]) == (15, 29, 15, 31, "NS204")
    assert first["hint"] == "give W1 one row for each of R, G, B, Vol"
    assert [d["code"] for d in document["diagnostics"]] == ["NS204", "NS201", "NS202"]
    passed = json.loads(invoke("check", LEAF, "--format", "json").stdout)
    assert passed["ok"] and [e["name"] for e in passed["examples"]] == ["leaf", "sunflower"]


def _documents():
    runs = invoke("run", LEAF, "--format", "json").stdout + invoke("run", LEAF, "--csv", OBJECTS, "--format", "json").stdout
    yield from (json.loads(line) for line in runs.splitlines())
    yield from (json.loads(line) for line in invoke("run", SPECS / "humpty_embed.net", "--format", "json").stdout.splitlines())
    yield json.loads(invoke("trace", LEAF, "--format", "json").stdout)
    yield json.loads(invoke("trace", LEAF, "--csv", OBJECTS, "--format", "json").stdout)
    yield json.loads(invoke("trace", SPECS / "humpty_embed.net", "--format", "json").stdout)
    yield json.loads(invoke("generate", SPECS / "humpty_embed.net", "-t", "humpty dumpt", "--steps", "3",
                            "--format", "json").stdout)
    yield json.loads(invoke("check", LEAF, "--format", "json").stdout)
    yield json.loads(invoke("check", ROOT / "docs" / "mistakes" / "typo.net", "--format", "json").stdout)


def test_every_json_output_is_valid_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(SCHEMA)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    documents = list(_documents())
    for document in documents:
        errors = sorted(validator.iter_errors(document), key=str)
        assert not errors, f"{errors[0].message} in {json.dumps(document)[:200]}"
    rows = [d["row"] for d in documents if "rows" not in d and "decision" in d]
    assert rows and all(isinstance(r, int) for r in rows)  # "row" is always a number
    assert not validator.is_valid({**documents[0], "row": "leaf"})  # the schema holds it so


def test_ctrl_c_exits_130_and_leaves_no_file(tmp_path):
    """A real SIGINT to a real process, part way through a CSV of 400,000 rows."""
    big = tmp_path / "big.csv"
    big.write_text("R,G,B,Vol\n" + "32,107,56,11.2\n241,200,4,59.5\n" * 200_000)
    out = tmp_path / "out.txt"
    process = subprocess.Popen([sys.executable, "-m", "netspec", "run", LEAF, "--csv", big, "-o", out],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    time.sleep(2.5)
    if process.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "netspec: interrupted" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]
