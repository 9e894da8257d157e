"""Hostile text in, a clean verdict out: any spec either works or ends in `path:line:col: error:` (issue 5).

Three kinds of input go through `netspec tidy`, `netspec check` and `netspec run` (and
`netspec trace` when `run` succeeds), called in-process through netspec.cli.main as a user
would call them:

* text drawn from the grammar (grammars/netspec.lark, via hypothesis.extra.lark): as Lark
  would write it, with its tokens spaced and its names shared so that it gets past the
  parser into the checker and the runner, and as a soup of the language's words;
* every spec in specs/, mutated: characters and lines deleted, duplicated and swapped,
  random bytes, invalid UTF-8, extreme numbers, very long lines, deep nesting; sometimes
  the mutated file is the `leaf.net` that another spec uses;
* every spec in specs/, truncated at every byte;
* hostile free text (controls, bidi overrides, LaTeX, HTML and Markdown markup) in every
  quoted string of a spec, traced in every format: no raw control reaches any output,
  no LaTeX command or HTML tag of the text reaches the printout unescaped;
* resource bombs: long token counts, deep repeats, wide layers and many placeholders,
  under lowered limits, which must be refused or run within them.

The property: exit 0 with nothing on stderr, or exit 1 with a first stderr line
`<path>:LINE:COL: error: ` (for a problem with the whole file, such as a file that is not
UTF-8: starting with `<path>` and containing `error:`), where <path> is a file of the
spec's folder. Never another exit code, never "internal error", never a traceback:
NETSPEC_DEBUG is set during each call, so a bug surfaces as its own exception and
hypothesis reports each distinct bug with its smallest input.

Profiles. The quick one (a few hundred cases, derandomized) runs with the normal suite.
The long one runs 100,000 cases and fails any command that takes a second of CPU time or
more on an input under 10 kB:

    NETSPEC_FUZZ_LONG=1 python -m pytest tests/test_fuzz.py -p no:cacheprovider   # or --fuzz-long

It prints the number of cases, the slowest command and the total time at the end, and
writes them as JSON to NETSPEC_FUZZ_REPORT=FILE when that is set.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import pickle
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from netspec import cli, ops  # noqa: E402

from conftest import SPECS  # noqa: E402
from grammar_texts import KEYWORDS, grammar_texts, spaced_grammar_texts  # noqa: E402

LONG = os.environ.get("NETSPEC_FUZZ_LONG") == "1"
# CPU seconds per command, asserted in the long profile only. CPU time, not the wall clock:
# the limit is about netspec's work, and a 2-core machine busy with other work stretched the
# wall clock of the same command from 0.6 s to 1.2 s.
TIME_LIMIT = 1.0
TIMED_BELOW = 10_000  # bytes: larger inputs are measured but not held to the limit
# bytes: what one bomb's commands may add to a process, measured in a child of its own. Its
# tensors may take --max-memory 64MB; reading and checking the spec (a 5,000-token text, a
# table of 10,000 placeholders) take the rest.
BOMB_LIMIT = 256 * 2**20
SPEC_NAMES = sorted(path.name for path in SPECS.glob("*.net"))
USERS_OF_LEAF = [name for name in SPEC_NAMES if b'use "leaf.net"' in (SPECS / name).read_bytes()]

# Cases per test, (quick, long). The long column and the truncations at every byte of
# every spec (about 22,000 for the 15 specs of today) add up to more than 100,000.
BUDGET = {
    "grammar": (30, 10_000),
    "spaced_grammar": (60, 22_000),
    "token_soup": (40, 10_000),
    "mutation": (120, 40_000),
    "hostile_text": (20, 6_000),
    "resource": (20, 3_000),
}
TRUNCATE_EVERY = 1 if LONG else 127  # bytes between truncation points
SCALE = 10 if LONG else 1  # the extremes below are this much larger in the long profile


# No explain phase: after a first failure it traces every line of every later case, which
# makes commands ten times slower and would fail the time limit for the wrong reason.
PHASES = [phase for phase in Phase if phase is not Phase.explain]


def profile(kind: str) -> settings:
    quick, long = BUDGET[kind]
    if LONG:
        return settings(max_examples=long, deadline=None, database=None, print_blob=True, phases=PHASES,
                        suppress_health_check=list(HealthCheck))
    return settings(max_examples=quick, derandomize=True, deadline=None, database=None, phases=PHASES,
                    suppress_health_check=list(HealthCheck))


# ---- running netspec as a user would ----

@dataclass(frozen=True)
class Outcome:
    command: str
    code: object
    stdout: str
    stderr: str
    seconds: float  # CPU time (time.process_time) of the call


@dataclass
class Stats:
    """What the long run reports: how many cases and commands, the slowest commands, the time taken."""

    cases: int = 0
    commands: int = 0
    slowest: dict = field(default_factory=lambda: {"seconds": 0.0})  # on any input
    slowest_small: dict = field(default_factory=lambda: {"seconds": 0.0})  # on an input under TIMED_BELOW
    started: float = field(default_factory=time.perf_counter)
    bomb_peak: dict = field(default_factory=lambda: {"mib": 0.0})  # the largest growth one bomb caused

    def record(self, outcome: Outcome, size: int, data: bytes):
        self.commands += 1
        which = "slowest_small" if size < TIMED_BELOW else "slowest"
        for name in {which, "slowest"}:
            if outcome.seconds > getattr(self, name)["seconds"]:
                setattr(self, name, {"seconds": outcome.seconds, "command": outcome.command, "bytes": size,
                                     "input": data[:300].decode("utf-8", "replace")})

    def summary(self) -> dict:
        return {"cases": self.cases, "commands": self.commands, "slowest": self.slowest,
                "slowest_under_10kB": self.slowest_small,
                "total_seconds": round(time.perf_counter() - self.started, 1), "long": LONG,
                "largest_resource_bomb": self.bomb_peak}

    def record_bomb(self, grown: int, size: int, data: bytes):
        if grown / 2**20 > self.bomb_peak["mib"]:
            self.bomb_peak = {"mib": round(grown / 2**20, 1), "bytes": size,
                              "input": data[:300].decode("utf-8", "replace")}


STATS = Stats()


@pytest.fixture(scope="module", autouse=True)
def report_figures(request):
    """At the end of the module: the figures on the terminal, and as JSON in NETSPEC_FUZZ_REPORT."""
    STATS.started = time.perf_counter()
    yield
    summary = STATS.summary()
    slow, small = summary["slowest"], summary["slowest_under_10kB"]
    line = (f"fuzz: {summary['cases']:,} cases, {summary['commands']:,} commands in {summary['total_seconds']} s; "
            f"slowest {slow['seconds']:.3f} s ({slow.get('command')} on {slow.get('bytes')} bytes), "
            f"under 10 kB {small['seconds']:.3f} s ({small.get('command')} on {small.get('bytes')} bytes)")
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if reporter is not None and LONG:
        reporter.write_line("\n" + line)
    if os.environ.get("NETSPEC_FUZZ_REPORT"):
        Path(os.environ["NETSPEC_FUZZ_REPORT"]).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


@contextlib.contextmanager
def _debugging():
    """NETSPEC_DEBUG=1: a bug raises its own exception instead of the one-line internal error."""
    before = os.environ.get("NETSPEC_DEBUG")
    os.environ["NETSPEC_DEBUG"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["NETSPEC_DEBUG"]
        else:
            os.environ["NETSPEC_DEBUG"] = before


def run_netspec(command: str, path: Path, extra: tuple[str, ...] = ()) -> Outcome:
    """`netspec COMMAND PATH [EXTRA]` in this process; any exception but SystemExit escapes as a failure."""
    out, err = io.StringIO(), io.StringIO()
    code = None
    start = time.process_time()
    with _debugging(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.main([command, str(path), *extra])
        except SystemExit as done:
            code = done.code
    return Outcome(" ".join([command, *extra]), code, out.getvalue(), err.getvalue(), time.process_time() - start)


def timed(command: str, path: Path, size: int, extra: tuple[str, ...] = ()) -> Outcome:
    """In the long profile, a command over the limit is timed twice more: the best of three counts."""
    outcome = run_netspec(command, path, extra)
    if LONG and size < TIMED_BELOW and outcome.seconds >= TIME_LIMIT:
        retries = [run_netspec(command, path, extra) for _ in range(2)]
        outcome = min([outcome, *retries], key=lambda o: o.seconds)
    return outcome


HEADER = re.compile(r"(?P<path>[^\n]+?):(?P<line>\d+):(?P<col>\d+): error: ")


def assert_clean(outcome: Outcome, folder: Path):
    """Exit 0 and nothing on stderr but notes, or exit 1 and a diagnostic naming a file of `folder` first."""
    shown = f"`netspec {outcome.command}` exited {outcome.code!r}\n--- stderr:\n{outcome.stderr}"
    assert outcome.code in (0, 1), shown
    assert "Traceback" not in outcome.stdout + outcome.stderr, shown
    assert "internal error" not in outcome.stderr, shown
    if outcome.code == 0:  # success is silent on stderr, but for a `note:` (a large network traced in short)
        assert all(line.startswith("note: ") for line in outcome.stderr.splitlines()), shown
        return
    first = outcome.stderr.split("\n", 1)[0]
    assert first.startswith(str(folder) + os.sep), shown
    assert HEADER.match(first) or "error: " in first, shown


COMMANDS = (("tidy",), ("check",), ("run",), ("trace",))


class Workspace:
    """A copy of specs/ (with its weight files), where each case writes its files and is run."""

    def __init__(self, folder: Path):
        self.folder = folder
        shutil.copytree(SPECS, folder)
        self.pristine = {path.name: path.read_bytes() for path in folder.glob("*.net")}

    def check(self, files: dict[str, bytes], spec: str = "case.net", commands=COMMANDS) -> list[Outcome]:
        """Write `files`, then check and run `spec` (and trace it if it runs); restore the copies."""
        STATS.cases += 1
        size = sum(map(len, files.values())) + (0 if spec in files else len(self.pristine[spec]))
        try:
            for name, data in files.items():
                (self.folder / name).write_bytes(data)
            return self._commands(self.folder / spec, size, b"".join(files.values()), commands)
        finally:
            for name in files:
                if name in self.pristine:
                    (self.folder / name).write_bytes(self.pristine[name])

    def _commands(self, path: Path, size: int, data: bytes, commands) -> list[Outcome]:
        done = []
        for command, *extra in commands:
            outcome = timed(command, path, size, tuple(extra))
            done.append(outcome)
            STATS.record(outcome, size, data)
            assert_clean(outcome, self.folder)
            if LONG and size < TIMED_BELOW:
                assert outcome.seconds < TIME_LIMIT, f"`netspec {command}` took {outcome.seconds:.2f} s"
            if command == "run" and outcome.code != 0:
                break  # trace reads the same spec and inputs; it is only worth running when run works
        return done


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    space = Workspace(tmp_path_factory.mktemp("fuzz") / "specs")
    space.check({"case.net": space.pristine["leaf.net"]})  # warm up: imports and the parse tables
    STATS.__init__()
    return space


def _encoded(text: str) -> bytes:
    """Generated text may hold lone surrogates: they become bytes that are not UTF-8, also worth a try."""
    return text.encode("utf-8", "surrogatepass")


# ---- (a) text from the grammar ----

@profile("grammar")
@given(text=st.deferred(grammar_texts))
def test_grammar_text_works_or_fails_cleanly(workspace, text):
    workspace.check({"case.net": _encoded(text)})


@profile("spaced_grammar")
@given(text=st.deferred(spaced_grammar_texts))
def test_spaced_grammar_text_works_or_fails_cleanly(workspace, text):
    workspace.check({"case.net": _encoded(text)})


SOUP = [*KEYWORDS, "dense", "\n", "#", "0.5", "-1", "W", "h1", "R", '"', " ", "\t"]


@profile("token_soup")
@given(words=st.lists(st.sampled_from(SOUP), max_size=60))
def test_token_soup_fails_cleanly(workspace, words):
    workspace.check({"case.net": " ".join(words).encode()})


# ---- (b) every spec in specs/, mutated ----

INVALID_UTF8 = [b"\xff", b"\xfe", b"\x80", b"\xc3", b"\xc3(", b"\xe2\x88", b"\xed\xa0\x80", b"\xc0\xaf",
                b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xef\xbb"]
EXTREME_NUMBERS = ["1e400", "-1e400", "1e308", "-1e308", "1.7976931348623157e308", "1e-400", "5e-324", "0",
                   "-0", "−0", "0.000", "9" * 400, "1" + "0" * 400, ".5", "5.", "1e", "1e+", "−1e−3", "+1",
                   "١٢", "\U0001d7d9", "nan", "inf", "-inf", "1_000", "1,000", "0x10", "--1", "1e-3.5"]
INSERTS = [*KEYWORDS, *ops.known_names(), '"', "#", "\n",
           "\r\n", "\r", "\t", "\x0c", "\x0b", "\x00", "\u2028", "\x85", "\ufeff", "\u200b", "é", "e\u0301",
           "漢字", "😀", "١", "ǅ", "İ", "{", "}", "{x}", "{decision}", "\\", "input", "W1", "hidden", "out", "Leaf",
           "dense(input, W1)", "softmax(", "divide_by_sum(out)", "relu", "layer x = dense(input, W1)\n",
           'use "leaf.net"\n', 'use "case.net"\n', 'use "weights/leaf.npz"\n', 'use "weights"\n',
           '"../leaf.net"', '"/dev/null"', 'from "leaf.net"', 'key "W9"', "shape (0, 3)", "shape (4)",
           "shape (1e400, 3)", "shape (-4, 3)", "shape (4.5, 3)", "shape (99999999999, 99999999999)"]
NUMBER_BYTES = re.compile(rb"[+\-]?(\d+(\.\d*)?|\.\d+)([eE][+\-]?\d+)?")
WORD_BYTES = re.compile(rb"[A-Za-z_]\w*")


def _at(draw, data: bytes) -> int:
    return draw(st.integers(0, max(len(data) - 1, 0)))


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _delete_char(draw, data):
    i = _at(draw, data)
    return data[:i] + data[i + 1:]


def _duplicate_char(draw, data):
    i = _at(draw, data)
    return data[:i + 1] + data[i:]


def _swap_chars(draw, data):
    i = _at(draw, data)
    return data[:i] + data[i + 1:i + 2] + data[i:i + 1] + data[i + 2:]


def _delete_line(draw, data):
    lines = _lines(data)
    del lines[draw(st.integers(0, len(lines) - 1))]
    return b"\n".join(lines)


def _duplicate_line(draw, data):
    lines = _lines(data)
    i = draw(st.integers(0, len(lines) - 1))
    return b"\n".join(lines[:i + 1] + lines[i:])


def _swap_lines(draw, data):
    lines = _lines(data)
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _truncate(draw, data):
    return data[:_at(draw, data)]


def _insert(draw, data, piece: bytes):
    i = draw(st.integers(0, len(data)))
    return data[:i] + piece + data[i:]


def _random_bytes(draw, data):
    return _insert(draw, data, draw(st.binary(min_size=1, max_size=12)))


def _invalid_utf8(draw, data):
    return _insert(draw, data, draw(st.sampled_from(INVALID_UTF8)))


def _insert_word(draw, data):
    return _insert(draw, data, draw(st.sampled_from(INSERTS)).encode())


def _replace_match(draw, data, pattern, replacements):
    found = list(pattern.finditer(data))
    if not found:
        return data
    match = draw(st.sampled_from(found))
    return data[:match.start()] + draw(st.sampled_from(replacements)) + data[match.end():]


def _extreme_number(draw, data):
    return _replace_match(draw, data, NUMBER_BYTES, [n.encode() for n in EXTREME_NUMBERS])


def _swap_word(draw, data):
    """A word replaced by another word of the same spec: duplicate, unknown and misplaced names."""
    words = sorted(set(WORD_BYTES.findall(data))) or [b"x"]
    return _replace_match(draw, data, WORD_BYTES, words)


def _long_line(draw, data):
    """A piece of the text repeated until its line is thousands of bytes long."""
    i = _at(draw, data)
    piece = data[i:i + draw(st.integers(1, 12))] or b"x"
    return data[:i] + piece * draw(st.integers(100, 30_000)) + data[i:]


def _deep_nesting(draw, data):
    depth = draw(st.integers(1, 20_000))
    opening = draw(st.sampled_from([b"dense(", b"relu(", b"(", b'"', b"[", b"{"]))
    closing = draw(st.sampled_from([b"", b")" * depth, b"input, W1" + b")" * depth]))
    return _insert(draw, data, opening * depth + closing)


MUTATIONS = [_delete_char, _duplicate_char, _swap_chars, _delete_line, _duplicate_line, _swap_lines, _truncate,
             _random_bytes, _invalid_utf8, _insert_word, _extreme_number, _swap_word, _long_line, _deep_nesting]


def _mutated(draw, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        data = draw(st.sampled_from(MUTATIONS))(draw, data)
    return data


@st.composite
def mutated_cases(draw):
    """(files to write, spec to run): a mutated spec as case.net, or a mutated leaf.net under its users."""
    if USERS_OF_LEAF and draw(st.integers(0, 5)) == 0:
        user = draw(st.sampled_from(USERS_OF_LEAF))
        return {"leaf.net": _mutated(draw, (SPECS / "leaf.net").read_bytes())}, user
    name = draw(st.sampled_from(SPEC_NAMES))
    return {"case.net": _mutated(draw, (SPECS / name).read_bytes())}, "case.net"


@profile("mutation")
@given(case=mutated_cases())
def test_mutated_spec_works_or_fails_cleanly(workspace, case):
    files, spec = case
    workspace.check(files, spec)


# ---- every spec in specs/, truncated at every byte ----

@pytest.mark.parametrize("name", SPEC_NAMES)
def test_truncated_spec_fails_cleanly(workspace, name):
    data = (SPECS / name).read_bytes()
    for end in range(0, len(data) + 1, TRUNCATE_EVERY):
        workspace.check({"case.net": data[:end]})


# ---- extremes, one by one ----

def _leaf_with(old: bytes, new: bytes) -> bytes:
    data = (SPECS / "leaf.net").read_bytes()
    assert old in data
    return data.replace(old, new, 1)


def _many_inputs(count: int) -> bytes:
    names = [f"x{i}" for i in range(count)]
    lines = [f"input {n}" for n in names] + ["weights W:", "  y z", *[f"  {n} 1 -1" for n in names],
                                              "layer out = dense(input, W)"]
    return "\n".join(lines).encode()


def _chain_of_layers(count: int) -> bytes:
    layers = [f"layer l{i} = relu(l{i - 1})" for i in range(1, count)]
    head = ["input a", "input b", "weights W:", "  y z", "  a 1 2", "  b 3 4", "layer l0 = dense(input, W)"]
    return "\n".join(head + layers + ["example e: a=1, b=2 -> z"]).encode()


EXTREMES = {
    "nested-dense-100": _leaf_with(b"dense(input, W1)", b"dense(" * 100 + b"input, W1" + b")" * 100),
    "nested-dense-100000": _leaf_with(b"dense(input, W1)", b"dense(" * 100_000 + b"input, W1" + b")" * 100_000),
    "open-parens-100000": _leaf_with(b"dense(input, W1)", b"(" * 100_000),
    "quotes-100001": _leaf_with(b'"red part', b'"' * 100_001),
    "name-100000": _leaf_with(b"layer hidden", b"layer " + b"h" * 100_000),
    "comment-1MB": b"#" * 1_000_000 + b"\n" + (SPECS / "leaf.net").read_bytes(),
    "row-of-5000-numbers": _leaf_with(b"  R      0.10    0.12   -0.36", b"  R" + b" 0.5" * 5000),
    "header-of-5000-labels": _leaf_with(b"          h1      h2      h3",
                                        b" " + b" h".join(b"%d" % i for i in range(5000))),
    "many-inputs": _many_inputs(500 * SCALE),
    "many-layers": _chain_of_layers(200 * SCALE),
    "100000-blank-lines": b"\n" * 100_000,
    "nul-bytes": b"\x00" * 5000,
    "bom-only": b"\xef\xbb\xbf",
    "empty": b"",
    "not-utf8-on-line-3": _leaf_with(b"input R", b"input \xff"),
    "number-1e400-everywhere": re.sub(rb"-?\d+\.\d+", b"1e400", (SPECS / "leaf.net").read_bytes()),
    "number-1e308-everywhere": re.sub(rb"-?\d+\.\d+", b"1e308", (SPECS / "leaf.net").read_bytes()),
}


@pytest.mark.parametrize("name", list(EXTREMES))
def test_extreme_input_fails_cleanly(workspace, name):
    workspace.check({"case.net": EXTREMES[name]})


# ---- hostile free text in every quoted string ----

HOSTILE_PIECES = ["\x1b[2J", "\x1b]0;t\x07", "\r", "\x00", "\x9b", "\x7f", "\u202e", "\u2066", "\u200f",
                  "\\input{x}", "\\write18{x}", "^^5c", "}{", "$", "%", "#", "&", "~", "_", "^",
                  "<script>", "<img onerror=x>", "|", "*", "`", "[x](javascript:x)", "\f}}", "é", "中", " "]
TRACE_FORMATS = (("trace", "--format", "text"), ("trace", "--format", "md"), ("trace", "--format", "html"),
                 ("trace", "--format", "tex"), ("trace", "--format", "json"), ("draw",))
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
QUOTED = re.compile(rb'"[^"\n]*"')
SPECS_WITH_TEXT = [name for name in SPEC_NAMES if QUOTED.search((SPECS / name).read_bytes())
                   and b'use "' not in (SPECS / name).read_bytes()]


@st.composite
def hostile_specs(draw):
    """A spec of specs/ with some of its quoted strings replaced by hostile pieces."""
    data = (SPECS / draw(st.sampled_from(SPECS_WITH_TEXT))).read_bytes()
    quoted = list(QUOTED.finditer(data))
    chosen = draw(st.sets(st.integers(0, len(quoted) - 1), min_size=1, max_size=len(quoted)))
    for index in sorted(chosen, reverse=True):
        text = "".join(draw(st.lists(st.sampled_from(HOSTILE_PIECES), min_size=1, max_size=6)))
        match = quoted[index]
        data = data[:match.start()] + b'"' + text.replace('"', "").encode("utf-8", "surrogatepass") + b'"' + \
            data[match.end():]
    return data


def assert_escaped(outcome: Outcome):
    """Whatever the text held, no output carries a raw control or bidi character, no LaTeX command
    written in the text reaches a LaTeX printout, and no tag reaches Markdown or HTML."""
    assert not RAW_CONTROL.search(outcome.stdout + outcome.stderr), outcome.command
    shown_as = outcome.command.split()[-1]  # the format, or `draw`
    if shown_as == "tex":
        assert "\\input{x}" not in outcome.stdout and "\\write18" not in outcome.stdout and "^^5c" not in outcome.stdout
    if shown_as in ("md", "html", "draw"):
        assert "<script>" not in outcome.stdout and "<img onerror" not in outcome.stdout


@profile("hostile_text")
@given(data=hostile_specs())
def test_hostile_text_is_printed_harmlessly(workspace, data):
    for outcome in workspace.check({"case.net": data}, commands=(("check",), *TRACE_FORMATS)):
        assert_escaped(outcome)


# ---- resource bombs under lowered limits ----

LOWERED = ("--max-memory", "64MB", "--max-steps", "300")


@st.composite
def resource_bombs(draw):
    """A spec whose size comes from a few numbers: tokens, a repeat count, a width, placeholders."""
    tokens = draw(st.sampled_from([1, 3, 12, 500, 5_000, 50_000, 10**6, 10**9]))
    copies = draw(st.sampled_from([1, 2, 50, 299, 300, 301, 10_000, 10**7]))
    width = draw(st.sampled_from([1, 3, 64, 4_096, 10**6]))
    placeholders = draw(st.sampled_from([1, 10, 10_000, 100_000]))
    kind = draw(st.sampled_from(["attention", "repeat", "wide", "say"]))
    vocabulary = 'vocabulary words words "humpty", "dumpty", "sat" numbered from 1\n'
    text_input = f'input text "words" tokens {tokens} from words\n'
    table = "weights E:\n       e1 e2\n  humpty 1 0\n  dumpty 0 1\n  sat 1 1\nlayer x = embed(input, E)\n"
    if kind == "attention":
        body = "layer a = attention(x, x, x)\nlayer out = last(a)\noutput out labels \"p\", \"q\"\ndecide largest\n"
    elif kind == "repeat":
        body = (f"repeat {copies} times as block:\n  layer x = relu(x)\nend\nlayer out = last(x)\n"
                "output out labels \"p\", \"q\"\ndecide largest\n")
    elif kind == "wide":
        return (f"input a\ninput b\nweights W from \"none.npy\" shape 2x{width}\n"
                "layer out = dense(input, W)\ndecide largest\n").encode()
    else:
        body = ("layer out = last(x)\noutput out labels \"p\", \"q\"\ndecide largest\n"
                f'say "{"{decision} " * placeholders}"\n')
    words = " ".join(["humpty", "dumpty", "sat"][i % 3] for i in range(min(tokens, 20_000)))
    example = f'example e: text="{words}" -> p\n' if tokens <= 20_000 else ""  # run and trace need rows
    return (vocabulary + text_input + table + body + example).encode()


def _resident_bytes() -> int:
    """This process's resident memory now (Linux /proc), for a child's growth over what it inherited."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def in_child(work):
    """`work()` in a forked child: (its result, the child's peak growth in bytes over its start).

    The parent's own peak says nothing about one bomb: it keeps the highest of every case
    and of pytest itself. A fork starts from the parent's pages, so its high-water mark
    (ru_maxrss, from wait4) less its resident size at the start is what this case took.
    A failed assertion in the child comes back as text and fails the test here.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report through the pipe, and leave without pytest's clean-up
        os.close(read)
        try:
            start = _resident_bytes()
            payload = {"value": work(), "start": start}
        except BaseException:  # noqa: BLE001 - the parent shows it as the failure
            payload = {"error": traceback.format_exc()}
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(payload, pipe)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        payload = pickle.load(pipe)
    _, status, usage = os.wait4(pid, 0)
    assert status == 0, f"the child ended with status {status}"
    if "error" in payload:
        pytest.fail(payload["error"], pytrace=False)
    return payload["value"], usage.ru_maxrss * 1024 - payload["start"]


@profile("resource")
@given(data=resource_bombs())
def test_resource_bombs_are_refused_or_run_within_the_limits(workspace, data):
    """Each bomb's commands run in a child, whose own peak growth is held to BOMB_LIMIT."""
    commands = tuple((command, *LOWERED) for command in ("check", "run", "trace"))
    STATS.cases += 1
    outcomes, grown = in_child(lambda: workspace.check({"case.net": data}, commands=commands))
    for outcome in outcomes:
        STATS.record(outcome, len(data), data)
    STATS.record_bomb(grown, len(data), data)
    assert grown < BOMB_LIMIT, f"one bomb's commands took {grown / 2**20:.0f} MiB (limit {BOMB_LIMIT / 2**20:.0f} MiB)"
