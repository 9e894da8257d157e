"""A learner's filled-in answers (CSV or JSON) in, one Answer per box out, for `netspec grade`.

CSV: a header with `box` and `answer` columns, optionally `sheet` (which of --variants
N sheets, from 1) and `learner` (a name, to grade a whole class from one file):

    learner,sheet,box,answer
    Mei,1,1,3.2

JSON: `{"1": 3.2, "2": -31.03, ...}` (box → answer, one sheet), or a list of objects
with the same fields as the CSV columns. An answer is kept as written (text): a number
written badly is the learner's mistake, marked wrong by the grader, not an error here.
A file that cannot be read, or lacks a column, is an InputError naming the file and line.
"""

from __future__ import annotations

import csv
import io
import json

from netspec.errors import InputError
from netspec.files import FileRefused, open_checked
from netspec.records import record

MOST_BYTES = 16 * 1024 * 1024  # a class's answers are a few kilobytes


@record
class Answer:
    learner: str
    sheet: int
    box: int
    text: str
    line: int  # where it was written (the CSV line; 0 in JSON)


def read_answers(path: str) -> list[Answer]:
    text = _read(path)
    if path.lower().endswith(".json"):
        return _from_json(path, text)
    return _from_csv(path, text)


def _read(path: str) -> str:
    try:
        with open_checked(path, None, MOST_BYTES, "answers file") as opened:
            data = opened.stream.read()
    except FileRefused as refused:
        raise InputError(refused.message, hint="give a CSV or JSON file of box, answer", code="NS322") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: the answers file is not UTF-8 text", hint="save it as UTF-8", code="NS322") from None


def _from_csv(path: str, text: str) -> list[Answer]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError(f"{path}: the answers file is empty", hint="write a header: box,answer", code="NS322")
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in ("box", "answer") if name not in header]
    if missing:
        raise InputError(f"{path}:1: the header has no {' and no '.join(missing)} column",
                         hint="write a header such as box,answer (and sheet, learner if you need them)", code="NS322")
    found = []
    for line, cells in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in cells):
            continue
        record = dict(zip(header, (cell.strip() for cell in cells)))
        found.append(_answer(path, line, record))
    return found


def _from_json(path: str, text: str) -> list[Answer]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}:{error.lineno}:{error.colno}: not JSON: {error.msg}", code="NS322") from None
    if isinstance(data, dict):
        return [_answer(path, 0, {"box": key, "answer": value}) for key, value in data.items()]
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        return [_answer(path, 0, item) for item in data]
    raise InputError(f"{path}: expected an object of box → answer, or a list of objects",
                     hint='write {"1": 3.2, "2": -31.03} or [{"box": 1, "answer": 3.2}]', code="NS322")


def _answer(path: str, line: int, record: dict) -> Answer:
    where = f"{path}:{line}" if line else path
    box = _whole(record.get("box"), f"{where}: box")
    sheet = _whole(record.get("sheet") or 1, f"{where}: sheet")
    answer = record.get("answer")
    text = "" if answer is None else str(answer)
    return Answer(str(record.get("learner") or ""), sheet, box, text.strip(), line)


def _whole(value, where: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(f"{where} must be a whole number, not {value!r}", hint="boxes are numbered 1, 2, 3, …",
                         code="NS322") from None
    if number < 1:
        raise InputError(f"{where} must be 1 or more, not {number}", code="NS322")
    return number
