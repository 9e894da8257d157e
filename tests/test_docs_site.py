"""The documentation site: `mkdocs build --strict` passes (a broken link, anchor or page fails it),
and every page under docs/ is in the site's navigation."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / "scripts" / "mkdocs_hooks.py")
hooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hooks)


def test_mkdocs_build_strict_passes(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr
    for page in sorted((ROOT / "docs").glob("*.md")):
        built = site / ("index.html" if page.stem == "index" else f"{page.stem}/index.html")
        assert built.is_file(), f"{page.name} was not built"
    home = (site / "index.html").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs").glob("*.md")):  # each page in the navigation of the home page
        assert page.stem == "index" or f'href="{page.stem}/"' in home, f"{page.name} is not in the navigation"
    # a page's link to the repository's ../specs/leaf.net leads to the spec, published beside the pages
    tutorial = (site / "tutorial" / "index.html").read_text(encoding="utf-8")
    assert 'href="../specs/leaf.net"' in tutorial
    assert (site / "specs" / "leaf.net").read_bytes() == (ROOT / "specs" / "leaf.net").read_bytes()
    assert (site / "specs" / "weights" / "leaf.npz").is_file()
    gallery = (site / "printouts" / "index.html").read_text(encoding="utf-8")
    for src in re.findall(r'<img alt="[^"]*" src="([^"]+)"', gallery):
        assert (site / "printouts" / src).resolve().is_file(), src


def test_nav_keeps_pages_that_exist_and_adds_the_others(tmp_path):
    for name in ("index.md", "tutorial.md", "extra.md"):
        (tmp_path / name).write_text(f"# {name}\n")
    config = {"docs_dir": str(tmp_path), "nav": [{"Home": "index.md"}, {"Training": "training.md"},
                                                 {"Your first spec": "tutorial.md"}]}
    assert hooks.on_config(config)["nav"] == [{"Home": "index.md"}, {"Your first spec": "tutorial.md"}, "extra.md"]
