"""--lang zh|en: every fixed word from render/words.py, in every format; the spec's own words as written.

The Chinese words are checked against the table by key (never against netspec's output),
and a printout in Chinese must hold none of the English fixed words it replaces. LaTeX
compiles in both languages: with CJKutf8 and the gbsn font when installed, and with the
stated fallback (each Chinese character a box, a note at the top) when not.
"""

from __future__ import annotations

import json
import re
import shutil
import string
import subprocess

import pytest

from clirun import invoke
from conftest import SPECS
from netspec.render.words import EN, ZH, Words

LEAF = str(SPECS / "leaf.net")
PDFLATEX = shutil.which("pdflatex")


def test_every_key_exists_in_both_languages_with_the_same_fields():
    assert set(EN) == set(ZH)
    for key in EN:
        fields = {name for _, name, _, _ in string.Formatter().parse(EN[key]) if name}
        assert fields == {name for _, name, _, _ in string.Formatter().parse(ZH[key]) if name}, key
        assert EN[key] != ZH[key] or key.startswith("serve."), key


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="en, zh"):
        Words("fr")
    result = invoke("trace", LEAF, "--lang", "fr")
    assert result.exit_code == 2 and "fr" in result.output


ENGLISH_WORDS = ("Network", "Step 1", "Decision", "numbers shown to", "no activation", "weights", "Input ")


@pytest.mark.parametrize("fmt", ["text", "md", "html", "tex"])
def test_the_teachers_printout_in_chinese(fmt):
    text = invoke("trace", LEAF, "--example", "leaf", "--format", fmt, "--lang", "zh").output
    for key in ("t.network", "t.decision", "largest_wins", "t.no_bias", "t.no_activation"):
        assert ZH[key] in text, key
    assert Words("zh")("step", n=2) in text
    assert "0 到 255" in text and "至少 0" in text  # the input ranges in Chinese
    assert "red part of the colour" in text and "The object is a Leaf." in text  # the spec's words as written
    body = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>|<svg.*?</svg>", "", text, flags=re.S))
    for word in ENGLISH_WORDS:
        assert word not in body, word
    assert "0.79584" in text and ("−26.598" in text or "{-}26.598" in text)


def test_json_keys_stay_english():
    english = json.loads(invoke("trace", LEAF, "--example", "leaf", "--format", "json").output)
    chinese = json.loads(invoke("trace", LEAF, "--example", "leaf", "--format", "json", "--lang", "zh").output)
    assert english.keys() == chinese.keys()


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_the_learners_sheet_in_chinese(fmt):
    text = invoke("trace", LEAF, "--example", "leaf", "--audience", "learner", "--format", fmt, "--lang", "zh",
                  "--no-key").output
    for key in ("worksheet", "name", "class", "date", "instruction.round", "kind.weighted sum", "times_weight"):
        assert ZH[key] in text, key
    for key in ("name", "worksheet", "times_weight", "instruction.round"):
        assert EN[key] not in text, key


def _pdflatex(folder, tex: str) -> subprocess.CompletedProcess:
    (folder / "doc.tex").write_text(tex, encoding="utf-8")
    return subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=folder,
                          capture_output=True, text=True, timeout=180)


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_latex_compiles_in_both_languages(tmp_path, lang):
    tex = invoke("trace", LEAF, "--example", "leaf", "--format", "tex", "--lang", lang, "--blank").output
    done = _pdflatex(tmp_path, tex)
    assert done.returncode == 0, done.stdout[-2000:]
    assert ("CJKutf8" in tex) == (lang == "zh")


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed")
def test_latex_without_a_cjk_font_falls_back_to_boxes_and_says_so(tmp_path):
    tex = invoke("trace", LEAF, "--example", "leaf", "--format", "tex", "--lang", "zh").output
    missing = tex.replace(r"\IfFileExists{c70gbsn.fd}", r"\IfFileExists{no-such-font.fd}")
    done = _pdflatex(tmp_path, missing)
    assert done.returncode == 0, done.stdout[-2000:]
    shown = subprocess.run(["pdftotext", str(tmp_path / "doc.pdf"), "-"], capture_output=True, text=True).stdout \
        if shutil.which("pdftotext") else ""
    if shown:
        assert "shown as boxes" in shown and "0.79584" in shown
