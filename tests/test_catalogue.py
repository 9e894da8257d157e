"""Every error code in netspec/catalogue.py is raised somewhere, and each is triggered here (issue 5)."""

from __future__ import annotations

import ast
import re

import pytest

from netspec.catalogue import CATALOGUE, CODES

from catalogue_cases import example_errors
from conftest import ROOT

ERRORS = {"fail", "InputError", "WeightFileError", "NumericError", "SpecCheckError", "SpecSyntaxError",
          "OutputFileError", "ExampleFailure"}


def _modules():
    return [p for p in (ROOT / "netspec").rglob("*.py") if p.name != "errors.py"]


def test_every_error_is_raised_with_a_code():
    """No NetspecError is made without its catalogue code (click's own `self.fail` is not ours)."""
    missing = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ERRORS and not any(k.arg == "code" for k in node.keywords):
                    missing.append(path.name)
    assert sorted(missing) == ["checker.py", "cli.py"]  # Checker.fail passes its code on; click's _Size.fail


def test_every_code_is_in_the_catalogue_and_used():
    used = set()
    for path in _modules():
        used |= set(re.findall(r'code(?:: str)? ?= ?"(NS\d{3})"', path.read_text(encoding="utf-8")))
    assert used - set(CODES) == set(), "codes raised but not catalogued"
    assert set(CODES) - used == set(), "codes catalogued but never raised"
    assert len(CODES) == len(CATALOGUE)


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    return example_errors(tmp_path_factory.mktemp("mistakes"))


@pytest.mark.parametrize("code", sorted(CODES), ids=sorted(CODES))
def test_each_code_is_raised_by_its_mistake(examples, code):
    assert examples[code].code == code
