"""mkdocs.yml's hooks: the site's navigation from the pages that exist, and specs/ beside the pages.

The pages in docs/ link to the example specs as the repository holds them (`../specs/leaf.net`),
which a reader on GitHub follows; the site has no `..`, so these hooks publish every file of
specs/ at `specs/` in the site and point those links there. Pages are written by several
people at once: an entry of mkdocs.yml's `nav` whose page does not exist (yet) is left out,
and a page under docs/ that `nav` does not name is added at its end, so the site always
shows every page and never fails on one still to come.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
LINK = re.compile(r"(\]\()((?:\.\./)+)specs/")


def on_config(config):
    """The nav's entries whose pages exist, then every other top-level page under docs/."""
    docs = Path(config["docs_dir"])
    nav = [entry for entry in config["nav"] or [] if (docs / _page(entry)).is_file()]
    named = {_page(entry) for entry in nav}
    nav += [path.name for path in sorted(docs.glob("*.md")) if path.name not in named]
    config["nav"] = nav
    return config


def _page(entry) -> str:
    return next(iter(entry.values())) if isinstance(entry, dict) else entry


def on_files(files, config):
    """Every file of specs/ (weights, CSV), published at specs/ in the site."""
    for path in sorted(SPECS.rglob("*")):
        if path.is_file() and not any(part.startswith((".", "__")) for part in path.relative_to(SPECS).parts):
            uri = "specs/" + path.relative_to(SPECS).as_posix()
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown, page, config, files):
    """`../specs/x` (from docs/) becomes the site's `specs/x`, relative to the page."""
    depth = page.file.src_uri.count("/")
    here = posixpath.dirname(page.file.src_uri)

    def relink(match):
        ups = match.group(2).count("../")
        if ups != depth + 1:  # not a link from docs/ out to the repository's specs/
            return match.group(0)
        return match.group(1) + posixpath.relpath("specs", here or ".") + "/"

    return LINK.sub(relink, markdown)
