"""Case files in, expectations out: `tests/cases/<kind>/<stem>.net` and its `# expect:` lines.

A case file starts with comment lines that state what loading it must report:

    # expect: 12:19: unknown value `hiden`      one per error, in the order they are reported
    # hint: did you mean `hidden`?              belongs to the `expect` line above it
    # note: 5:1: W1 is declared                 likewise; LINE:COL of the note's place

`expect` may name another file (`# expect: other.net:3:1: ...`) when the error is found in
a file the case uses. Every other comment or blank line ends the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CASES = Path(__file__).parent / "cases"
_PLACE = re.compile(r"(?:(?P<file>[^:\s]+\.net):)?(?P<line>\d+):(?P<col>\d+): (?P<text>.+)")
_HEADER = re.compile(r"#\s*(?P<key>expect|hint|note):\s*(?P<value>.*\S)")


@dataclass
class Expected:
    """One error a case must produce: where, a substring of its message, hint and notes."""

    line: int
    col: int
    message: str
    file: str | None = None
    hint: str | None = None
    notes: list[tuple[int, int, str]] = field(default_factory=list)


def all_cases(kind: str) -> list[str]:
    """The stems of every case of `kind` ("syntax" or "check"), sorted."""
    return sorted(path.stem for path in (CASES / kind).glob("*.net"))


def case_path(kind: str, name: str) -> Path:
    return CASES / kind / f"{name}.net"


def read_expectations(path: Path) -> list[Expected]:
    """The `# expect:` blocks at the top of a case file; a case without one is a broken case."""
    expected: list[Expected] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        found = _HEADER.match(line.strip())
        if not found:
            break
        _add(expected, found["key"], found["value"], path)
    if not expected:
        raise ValueError(f"{path} has no `# expect: LINE:COL: message` line at the top")
    return expected


def _add(expected: list[Expected], key: str, value: str, path: Path) -> None:
    if key != "expect" and not expected:
        raise ValueError(f"{path}: `# {key}:` comes before any `# expect:` line")
    if key == "hint":
        expected[-1].hint = value
        return
    place = _PLACE.fullmatch(value)
    if not place:
        raise ValueError(f"{path}: `# {key}: {value}` is not `LINE:COL: text`")
    line, col, text = int(place["line"]), int(place["col"]), place["text"]
    if key == "note":
        expected[-1].notes.append((line, col, text))
    else:
        expected.append(Expected(line, col, text, place["file"]))


def actual_fields(error) -> dict:
    """The fields of one NetspecError that a case compares, in the same shape as Expected."""
    span = error.span
    return {
        "file": Path(span.source.path).name if span else None,
        "line": span.line if span else None,
        "col": span.column if span else None,
        "message": error.message,
        "hint": error.hint,
        "notes": [(n.span.line if n.span else None, n.span.column if n.span else None, n.message)
                  for n in error.notes],
    }


def mismatches(expected: Expected, actual: dict, case_file: Path) -> list[str]:
    """What differs between one expectation and one error's fields; empty when they agree."""
    problems = []
    want_file = expected.file or case_file.name
    if actual["file"] != want_file:
        problems.append(f"file {actual['file']!r}, expected {want_file!r}")
    if (actual["line"], actual["col"]) != (expected.line, expected.col):
        problems.append(f"at {actual['line']}:{actual['col']}, expected {expected.line}:{expected.col}")
    if expected.message not in actual["message"]:
        problems.append(f"message {actual['message']!r} lacks {expected.message!r}")
    if expected.hint is not None and expected.hint not in (actual["hint"] or ""):
        problems.append(f"hint {actual['hint']!r} lacks {expected.hint!r}")
    for line, col, text in expected.notes:
        if not any((l, c) == (line, col) and text in m for l, c, m in actual["notes"]):
            problems.append(f"no note {line}:{col} containing {text!r} among {actual['notes']!r}")
    return problems
