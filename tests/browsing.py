"""Debian's Chromium, driven by Playwright, for the tests that look at a page as a person does.

Never `playwright install`: .ci/run installs the system's chromium when it is missing. A test
that asks for a browser skips, saying why, when Playwright or Chromium is absent; the other
tests of its module still run.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
# No network of its own (updates, sync, first-run pages): a page under test fetches only what it asks for.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@contextmanager
def chromium():
    """A launched headless Chromium, closed afterwards; skips the test when there is none."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()
