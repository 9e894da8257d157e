"""The architecture holds: netspec's modules import only their own stage and the stages before it.

source → parse → nodes → expand → check (and the operations) → plan → run → render → cli and
notebook. The import graph is read from the source (every `import`, the ones inside
functions too), so a lazy import that runs against the flow fails here as well. And no
module outside netspec/ops/ asks which operation a step is by name: what an operation is
and how it is shown is declared on its OpDef.
"""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatch
from pathlib import Path

import pytest

from netspec import ops

PACKAGE = Path(ops.__file__).resolve().parent.parent

STAGES = (  # (stage, module patterns); a module imports only modules of its own stage or earlier ones
    ("base", ("records", "source", "errors", "phrases", "limits", "version", "signals", "files", "subwords", "catalogue", "outfile", "diagnostics", "terminal", "progress",
              "examplespecs")),
    ("parse", ("lang", "lang.grammar", "lang.nodes", "lang.transform", "lang.tablerows", "lang.inputranges",
               "lang.plaintables", "lang.parser", "lang.tidy",
               "lang.highlight")),
    ("expand", ("lang.expand", "lang.loader")),
    ("check", ("check", "check.model", "check.vocabulary", "check.vocabfile", "check.hftokenizer", "check.weights", "check.cost",
               "check.rules", "check.rules.*", "check.checker", "check.whatif", "ops", "ops.*")),
    ("plan", ("run.fused", "run.plan", "run.trace")),
    ("run", ("run", "run.decision", "run.runner", "run.fields", "run.inputs", "run.csvinput", "run.batch", "run.answers",
             "run.examples", "run.cached", "run.growing", "run.generation", "run.variants", "run.frames", "run.sets")),
    ("train", ("train", "train.*")),
    ("render", ("render", "render.*")),
    ("interop", ("interop", "interop.*")),  # a model from elsewhere in, the text of a spec out
    ("top", ("cli", "lazygroup", "launch", "classroom_cli", "clitools", "serve", "serve_page", "notebook", "__main__", "")),  # "": the package itself, netspec.load_spec and the rest
)


def _modules() -> dict[str, Path]:
    """`render.html` → its file, for every module of the package ("" is netspec/__init__.py)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imported(name: str, path: Path) -> set[str]:
    """The package's modules that `name` imports anywhere in its source (`from netspec import nodes` is netspec.lang.nodes)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from .worked import Sum
                here = package.split(".") if package else []
                base = ".".join(["netspec", *here[:len(here) - node.level + 1], *([base] if base else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in (t for t in targets if t == "netspec" or t.startswith("netspec.")):
            inner = target[len("netspec."):]
            while inner not in MODULES:  # a name inside a module: the module
                inner = inner.rpartition(".")[0]
            found.add(inner)
    found.discard(name)
    return found


GRAPH = {name: _imported(name, path) for name, path in MODULES.items()}


def _stage(name: str) -> int:
    matches = [i for i, (_, patterns) in enumerate(STAGES) if any(fnmatch(name, p) for p in patterns)]
    assert len(matches) == 1, f"netspec.{name or '__init__'} belongs to {len(matches)} stages: place it in STAGES"
    return matches[0]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports_only_its_stage_and_earlier_ones(name):
    stage = _stage(name)
    later = sorted(target for target in GRAPH[name] if _stage(target) > stage)
    assert not later, (f"netspec.{name} ({STAGES[stage][0]}) imports later stages: "
                       + ", ".join(f"{t} ({STAGES[_stage(t)][0]})" for t in later))


def test_no_import_cycle():
    """Depth-first through the whole graph; a module met again on the current path is a cycle."""
    done: set[str] = set()

    def visit(name, path):
        if name in path:
            raise AssertionError("import cycle: " + " → ".join([*path[path.index(name):], name]))
        if name in done:
            return
        for target in sorted(GRAPH[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(GRAPH):
        visit(name, [])


def test_the_graph_is_read_from_real_imports():
    """The reader sees top-level, relative and function-level imports (not an empty graph that always passes)."""
    assert "lang.nodes" in GRAPH["lang.expand"] and "lang.expand" in GRAPH["check.checker"]
    assert "ops.worked" in GRAPH["render.worked"] and "run.runner" in GRAPH[""]  # the facade's imports sit in functions
    assert "render.numbers" in GRAPH["render.report"]


OP_NAMES = set(ops.REGISTRY) | set(ops.ALIASES)
ASKS_OP = re.compile(r"\bop\b|\.op\b|op_name")


def _op_name_constants(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value in OP_NAMES else []
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [name for element in node.elts for name in _op_name_constants(element)]
    return []


def test_no_operation_is_named_in_a_comparison_outside_ops():
    """`step.op == "dense"` or `op in ("softmax", …)` outside netspec/ops/: ask the OpDef instead."""
    found = []
    for name, path in MODULES.items():
        if name == "ops" or name.startswith("ops."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            named = [n for operand in operands for n in _op_name_constants(operand)]
            if named and any(ASKS_OP.search(ast.unparse(o)) for o in operands if not _op_name_constants(o)):
                found.append(f"netspec/{path.relative_to(PACKAGE)}:{node.lineno}: {ast.unparse(node)}")
    assert not found, "\n".join(found)


def test_the_answer_key_and_the_blank_decision_are_written_once():
    """Only render/printer.py walks rows for an answer key (`options.answers()`) or writes a blank decision's sentence."""
    found = []
    for name in ("render.text", "render.markdown", "render.html", "render.tex"):
        source = MODULES[name].read_text(encoding="utf-8")
        found += [f"{name}: {what}" for what in ("answers()", "sentence(", "worked_rows(", "step_views(")
                  if what in source]
    assert not found, found
    assert "answers()" in MODULES["render.printer"].read_text(encoding="utf-8")
