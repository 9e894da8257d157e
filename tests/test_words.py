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


# ---- the operations' own words (netspec/phrases.py) ----

def _phrases() -> dict:
    """Every Phrase declared in netspec's modules (an operation's, the vocabulary's, the checker's), by name."""
    import importlib
    import pkgutil

    import netspec
    from netspec.phrases import Phrase

    found = {}
    for module in pkgutil.walk_packages(netspec.__path__, "netspec."):
        if module.name.endswith("__main__"):
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            for key, phrase in (value.items() if isinstance(value, dict) else [(None, value)]):
                if isinstance(phrase, Phrase):
                    found[f"{module.name}.{name}" + (f"[{key}]" if key else "")] = phrase
    return found


PHRASES = _phrases()
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_phrase_of_every_operation_is_in_both_languages():
    assert len(PHRASES) > 50 and any(name.startswith("netspec.ops.attention.") for name in PHRASES)
    for name, phrase in PHRASES.items():
        en, zh = phrase.templates["en"], phrase.templates["zh"]
        assert en.strip() and CJK.search(zh), name
        assert not re.search(r"\b(the|each|every|of|is|and)\b", zh), name  # no English sentence left in the Chinese


def _english_pieces(template: str) -> list[str]:
    """The runs of English words in a phrase's fixed text (between its fields), the ones a printout could leave."""
    return [text.strip() for text, _, _, _ in string.Formatter().parse(template)
            if len(re.findall(r"[a-z]{2,}", text)) >= 2]


SPECS_TRACED = sorted(p for p in SPECS.glob("*.net") if p.stem != "tiny_gpt")  # tiny_gpt's trace takes a minute


@pytest.mark.parametrize("fmt", ["text", "md", "html", "tex", "json"])
def test_no_operation_sentence_stays_english_in_any_format(fmt):
    """Every spec, traced at neuron detail: each English sentence of an operation that the English printout shows
    is gone from the Chinese one, unless the spec itself wrote it (a description, a sentence)."""
    shown = left = 0
    for spec in SPECS_TRACED:
        source = spec.read_text(encoding="utf-8")
        detail = () if fmt == "json" else ("--detail", "neuron")  # JSON holds every number at any detail
        english = invoke("trace", spec, *detail, "--format", fmt).output
        chinese = invoke("trace", spec, *detail, "--format", fmt, "--lang", "zh").output
        for name, phrase in PHRASES.items():
            for piece in _english_pieces(phrase.templates["en"]):
                if piece in english and piece not in source:
                    shown += 1
                    assert piece not in chinese, (spec.name, fmt, name, piece)
    assert shown > (5 if fmt == "json" else 40)  # the check saw the operations' words in the English printouts
    # (JSON holds no preamble: its words are the numberings and the text pieces of chains)


def test_the_names_operations_give_their_numbers_are_chinese():
    layernorm = invoke("trace", SPECS / "layernorm.net", "--example", "classic", "--detail", "neuron", "--lang", "zh").output
    for word in ("平均数", "方差", "标准差", "标准化后", "（文章的写法）"):
        assert word in layernorm, word
    assert "mean" not in layernorm.replace("mean_pool", "") and "variance" not in layernorm
    softmax = invoke("trace", SPECS / "leaf_softmax.net", "--example", "leaf", "--detail", "neuron", "--lang", "zh").output
    assert re.search(r"最大值 += max\(0\.79584, 0\.25122\) = 0\.79584", softmax) and re.search(r"\n  和 += 1 \+", softmax)
    assert "先减去最大的数" in softmax and "largest" not in softmax
    # --focus names a number by its address, which stays English in every language
    focused = invoke("trace", SPECS / "layernorm.net", "--example", "classic", "--focus", "normed.h1", "--lang", "zh")
    assert focused.exit_code == 0 and "标准差" in focused.output


def test_a_text_input_and_a_row_are_named_in_chinese():
    text = invoke("trace", SPECS / "attention_3tok.net", "--example", "sat", "--lang", "zh").output
    assert "例子 sat" in text and "（从 1 开始编号）" in text and "numbered from" not in text
    assert "── example" not in text
    sub = invoke("trace", SPECS / "subword.net", "--example", "cats", "--lang", "zh").output
    assert "先取最长的片段" in sub and "longest piece" not in sub
    picked = invoke("trace", SPECS / "sentence_embedding.net", "--example", "wall", "--lang", "zh").output
    assert "text 的词元" in picked and "the tokens of" not in picked


def test_json_words_follow_the_language_and_its_keys_and_addresses_do_not():
    english = json.loads(invoke("trace", SPECS / "layernorm.net", "--example", "classic", "--format", "json").output)
    chinese = json.loads(invoke("trace", SPECS / "layernorm.net", "--example", "classic", "--format", "json",
                                "--lang", "zh").output)
    assert chinese["decision_rule"] == ZH["largest_wins"] and english["decision_rule"] == "the largest output wins"
    addresses = lambda doc: [i["address"] for s in doc["rows"][0]["steps"] for i in s["items"]]  # noqa: E731
    assert addresses(english) == addresses(chinese)
    attention = json.loads(invoke("trace", SPECS / "attention_3tok.net", "--example", "sat", "--format", "json",
                                  "--lang", "zh").output)
    assert "从 1 开始编号" in attention["rows"][0]["texts"]["text"]["numbering"]


def test_the_drawing_speaks_the_printouts_language():
    html = invoke("trace", LEAF, "--example", "leaf", "--format", "html", "--lang", "zh").output
    drawing = " ".join(re.findall(r"<svg.*?</svg>", re.sub(r"<style>.*?</style>", "", html, flags=re.S), flags=re.S))
    for key in ("d.positive", "d.negative", "d.thicker", "largest_wins"):
        assert ZH[key] in drawing, key
    for key in ("d.positive", "d.negative", "d.thicker", "largest_wins"):
        assert EN[key] not in drawing, key
    assert "0 到 255" in drawing and "red part of the colour" in drawing
    sequence = invoke("trace", SPECS / "attention_3tok.net", "--example", "sat", "--format", "html", "--lang", "zh").output
    assert "a：注意力权重" in sequence and "attention weights" not in sequence


@pytest.mark.parametrize("spec, english, chinese", [
    ("leaf.net", "positive weight", "正权重"),
    ("attention_3tok.net", "attention weights", "注意力权重"),
])
def test_draw_speaks_the_language_asked(spec, english, chinese):
    """`netspec draw --lang zh`: the drawing's own words in Chinese (the legend, the attention map's
    caption), the spec's words as written; English by default."""
    plain = invoke("draw", SPECS / spec, "--example", "leaf" if spec == "leaf.net" else "sat")
    zh = invoke("draw", SPECS / spec, "--example", "leaf" if spec == "leaf.net" else "sat", "--lang", "zh")
    assert plain.exit_code == zh.exit_code == 0, zh.stderr
    assert english in plain.stdout and chinese not in plain.stdout
    assert chinese in zh.stdout and english not in zh.stdout
    if spec == "leaf.net":
        assert "The object is a Leaf." in zh.stdout  # the spec's own sentence stays as written
