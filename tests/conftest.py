"""Shared fixtures: the repository's folders, spec loading, golden files (--update-golden), a browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/* from current output")
    parser.addoption("--fuzz-long", action="store_true",
                     help="run tests/test_fuzz.py's long profile, 100,000 cases (same as NETSPEC_FUZZ_LONG=1)")


def pytest_configure(config):
    if config.getoption("--fuzz-long"):
        os.environ["NETSPEC_FUZZ_LONG"] = "1"  # read when tests/test_fuzz.py is imported


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module (tests/browsing.py); skips where there is none."""
    from browsing import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def golden(request):
    """golden(name, text): compare text with tests/golden/NAME, or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def compare(name: str, text: str):
        path = GOLDEN / name
        if update:
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}; run pytest --update-golden and review the diff"
        assert text == path.read_text(encoding="utf-8")

    return compare


@pytest.fixture
def leaf():
    """The checked leaf spec and its compiled plan."""
    import netspec

    spec = netspec.load_spec(SPECS / "leaf.net")
    return spec, netspec.compile_plan(spec)
