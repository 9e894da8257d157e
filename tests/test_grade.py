"""`netspec grade SPEC ANSWERS`: a learner's answers marked box by box against the trace.

The true answers are hand arithmetic on the leaf network (tests/test_classroom.py has it);
the boxes are numbered in reading order: h1's four products then h1, h2's, h3's, then
Leaf's three products and Leaf, Flower's, and the decision (box 24).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from clirun import invoke
from conftest import SPECS
from test_classroom import ANSWERS, W1

LEAF = str(SPECS / "leaf.net")
ORDER = [*ANSWERS[0:4], ANSWERS[12], *ANSWERS[4:8], ANSWERS[13], *ANSWERS[8:12], ANSWERS[14],
         *ANSWERS[15:18], ANSWERS[21], *ANSWERS[18:21], ANSWERS[22]]  # the boxes 1 to 23, in reading order


def _answers(tmp_path, rows, name="answers.csv") -> str:
    path = tmp_path / name
    path.write_text("box,answer\n" + "".join(f"{box},{answer}\n" for box, answer in rows), encoding="utf-8")
    return str(path)


def test_every_box_right_scores_full_marks(tmp_path):
    path = _answers(tmp_path, [(n, f"{value:.2f}") for n, value in enumerate(ORDER, 1)] + [(24, "Leaf")])
    result = invoke("grade", LEAF, path, "--example", "leaf")
    assert result.exit_code == 0, result.output
    assert "score 24 of 24" in result.output
    assert "within 0.01 of the true number" in result.output


def test_marks_right_wrong_and_missing_within_the_tolerance(tmp_path):
    path = _answers(tmp_path, [(1, "3.2"), (2, "−31.03"), (3, "3.92"), (5, "-26.6"), (6, "abc"), (24, "flower")])
    result = invoke("grade", LEAF, path, "--example", "leaf", "--format", "csv")
    marks = {int(row["box"]): row for row in csv.DictReader(io.StringIO(result.output))}
    assert len(marks) == 24
    assert marks[1]["mark"] == "right" and marks[2]["mark"] == "right"  # the true minus is read too
    assert marks[3]["mark"] == "wrong"  # the sign of 56·(−0.07) = −3.92 left off
    assert marks[5]["mark"] == "right"  # −26.6 is within 0.01 of −26.598
    assert marks[6]["mark"] == "wrong" and marks[4]["mark"] == "missing" and marks[24]["mark"] == "wrong"
    assert float(marks[5]["expected"]) == pytest.approx(-26.598, abs=1e-12)
    tight = invoke("grade", LEAF, path, "--example", "leaf", "--format", "json", "--tolerance", "0.001").output
    report = json.loads(tight)
    assert report["tolerance"] == 0.001
    sheet = report["sheets"][0]
    assert sheet["right"] == 2 and sheet["boxes"] == 24  # −26.6 is now 0.002 too far
    assert [m["mark"] for m in sheet["marks"]][:5] == ["right", "right", "wrong", "missing", "wrong"]


def test_json_answers_and_a_class_of_variants(tmp_path):
    """Two learners, each with their own variant sheet; their true h1 from the inputs drawn (read off the sheet)."""
    sheets = invoke("trace", LEAF, "--audience", "learner", "--variants", "2", "--seed", "4", "--no-key").output
    records = []
    for n, sheet in enumerate(sheets.split("\f"), 1):
        x = {name: float(value) for name, value in re.findall(r"^  (R|G|B|Vol) +([\d.]+)", sheet, re.M)}
        h1 = sum(x[i] * W1[i][0] for i in x)
        records += [{"learner": f"pupil{n}", "sheet": n, "box": 5, "answer": round(h1, 2)},
                    {"learner": f"pupil{n}", "sheet": n, "box": 1, "answer": x["R"] * W1["R"][0] + 1}]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    report = json.loads(invoke("grade", LEAF, str(path), "--variants", "2", "--seed", "4", "--format", "json").output)
    assert [(s["learner"], s["sheet"], s["right"]) for s in report["sheets"]] == [("pupil1", 1, 1), ("pupil2", 2, 1)]


def test_the_report_speaks_chinese(tmp_path):
    path = _answers(tmp_path, [(1, "3.2")])
    text = invoke("grade", LEAF, path, "--example", "leaf", "--lang", "zh").output
    assert "得分 1 / 24" in text and "对" in text and "未作答" in text


@pytest.mark.parametrize("content, message", [
    ("number,answer\n1,3\n", "the header has no box column"),
    ("box,answer\n99,3\n", "box 99, but the sheet has boxes 1 to 24"),
    ("box,answer\n1,3\n1,4\n", "box 1 of sheet 1 is answered twice"),
    ("box,answer\none,3\n", "box must be a whole number"),
    ("sheet,box,answer\n2,1,3\n", "sheet 2, but there is 1"),
])
def test_a_bad_answers_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = invoke("grade", LEAF, str(path), "--example", "leaf")
    assert result.exit_code == 1 and message in result.output and "NS322" in result.output, result.output


def test_a_missing_answers_file_is_a_clear_error(tmp_path):
    result = invoke("grade", LEAF, str(tmp_path / "absent.csv"), "--example", "leaf")
    assert result.exit_code == 1 and "absent.csv" in result.output and "NS322" in result.output
