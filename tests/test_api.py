"""The Python API: specs from files and strings, rows by column NAME (dicts, DataFrames, structured
arrays), the CLI's checks, errors that say everything, plans that pickle, what-if weights.

Every number is the article's (leaf: Leaf 0.79584, Flower 0.25122; sunflower: 0.3987, 0.9927) or
worked by hand in the test.
"""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import netspec
from netspec.errors import InputError, NetspecError

from conftest import SPECS

pd = pytest.importorskip("pandas")

LEAF = SPECS / "leaf.net"
ARTICLE = np.array([[0.79584, 0.25122], [0.3987, 0.9927]])
# the leaf and the sunflower, with the columns in another order than the spec declares them
SHUFFLED = {"Vol": [11.2, 59.5], "B": [56, 4], "G": [107, 200], "R": [32, 241]}


@pytest.fixture(scope="module")
def plan():
    return netspec.compile_plan(netspec.load(LEAF))


def test_a_dataframe_is_matched_by_column_name_not_position(plan):
    result = netspec.run_plan(plan, pd.DataFrame(SHUFFLED))
    np.testing.assert_allclose(result.outputs, ARTICLE, atol=1e-12)
    assert list(result.decisions) == ["Leaf", "Flower"]


@pytest.mark.parametrize("form", ["dict-of-columns", "list-of-dicts", "series", "structured", "one-dict"])
def test_every_named_form_gives_the_same_answer(plan, form):
    frame = pd.DataFrame(SHUFFLED)
    data = {"dict-of-columns": SHUFFLED, "list-of-dicts": frame.to_dict("records"), "series": frame.iloc[0],
            "structured": frame.to_records(index=False), "one-dict": {"B": 56, "R": 32, "Vol": 11.2, "G": 107}}[form]
    outputs = netspec.run_plan(plan, data).outputs
    np.testing.assert_allclose(outputs, ARTICLE[: len(outputs)], atol=1e-12)


def test_rows_without_names_are_read_in_the_spec_order(plan):
    np.testing.assert_allclose(netspec.run_plan(plan, [[32, 107, 56, 11.2]]).outputs, ARTICLE[:1], atol=1e-12)


@pytest.mark.parametrize("data, code, words", [
    ({"R": 300, "G": 107, "B": 56, "Vol": 11.2}, "NS304", "R=300 is outside its range"),
    ({"R": 32, "G": 107, "B": 56, "Vol": -1}, "NS304", "Vol=-1 is outside its range"),
    ({"R": 32, "G": 107, "B": 56, "Vol": float("nan")}, "NS302", "is not a finite number"),
    ({"R": 32, "G": 107, "B": 56}, "NS308", "missing column Vol"),
    ({"R": 32, "G": 107, "B": 56, "Vol": 1, "id": 7}, "NS308", "unknown column id"),
    ({"r": 32, "G": 107, "B": 56, "Vol": 1}, "NS308", "missing column R and unknown column r"),
    ({"R": "lots", "G": 107, "B": 56, "Vol": 1}, "NS301", "'lots' is not a number"),
    ([[32, 107, 56]], "NS318", "rows must have 4 numbers each"),
])
def test_the_api_checks_what_the_command_line_checks(plan, data, code, words):
    with pytest.raises(InputError) as caught:
        netspec.run_plan(plan, data)
    assert caught.value.code == code and words in str(caught.value)


def test_an_extra_dataframe_column_says_how_to_pick_the_inputs(plan):
    with pytest.raises(InputError) as caught:
        netspec.run_plan(plan, pd.DataFrame({**SHUFFLED, "label": ["leaf", "flower"]}))
    assert "unknown column label" in str(caught.value) and "df[['R', 'G', 'B', 'Vol']]" in str(caught.value)


def test_loads_reads_a_spec_from_a_string_and_names_it_in_errors():
    spec = netspec.loads(LEAF.read_text(encoding="utf-8"))
    assert netspec.run_plan(spec, {"R": 241, "G": 200, "B": 4, "Vol": 59.5}).decisions == ["Flower"]
    with pytest.raises(NetspecError) as caught:
        netspec.loads("input R\nlayer out = dense(input, W9)\n", path="mine.net")
    assert "mine.net:2:" in str(caught.value)


def test_loads_finds_weight_files_beside_the_path_it_is_given():
    text = (SPECS / "leaf_from_file.net").read_text(encoding="utf-8")
    spec = netspec.loads(text, path=SPECS / "leaf_from_file.net")
    np.testing.assert_allclose(netspec.run_plan(spec, [[32, 107, 56, 11.2]]).outputs, ARTICLE[:1], atol=1e-12)


def test_an_error_shows_every_diagnostic_with_place_and_hint():
    text = (LEAF.read_text(encoding="utf-8").replace("dense(hidden, W2)", "dense(hiden, W2)")
            .replace("dense(input, W1)", "dense(input, W7)"))
    with pytest.raises(NetspecError) as caught:
        netspec.loads(text, path="typos.net")
    shown, represented = str(caught.value), repr(caught.value)
    assert shown.count("error:") >= 2  # both mistakes, not the first alone
    assert "typos.net:35:19: error: unknown value `hiden` [NS201]" in shown
    assert "hint: did you mean `hidden`?" in shown
    assert "typos.net:27:29: error: unknown weights `W7`" in shown
    assert represented.startswith("<SpecErrors NS") and "typos.net:35:19" in represented and "hint:" in represented


def test_an_error_pickles_with_its_place_and_hint():
    with pytest.raises(NetspecError) as caught:
        netspec.loads("input R\nlayer out = dense(input, W9)\n", path="mine.net")
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is type(caught.value) and str(again) == str(caught.value) and again.code == caught.value.code


def _score(plan_and_rows):
    plan, rows = plan_and_rows
    return netspec.run_plan(plan, rows).outputs


def test_a_plan_with_an_activation_runs_in_worker_processes():
    plan = netspec.compile_plan(netspec.load(SPECS / "leaf_relu.net"))
    again = pickle.loads(pickle.dumps(plan))
    rows = [[32, 107, 56, 11.2], [241, 200, 4, 59.5]]
    expected = netspec.run_plan(plan, rows).outputs
    np.testing.assert_array_equal(netspec.run_plan(again, rows).outputs, expected)
    with ProcessPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(_score, [(plan, rows[:1]), (plan, rows[1:])]))
    np.testing.assert_array_equal(np.concatenate(parts), expected)


def test_with_weight_answers_what_if_and_leaves_the_spec_alone(plan):
    spec = plan.spec
    changed = spec.with_weight("W1", "G", "h1", 0.3)
    # by hand, with W1[G,h1] = 0.3 instead of -0.29, for the leaf (R=32, G=107, B=56, Vol=11.2):
    h1 = 32 * 0.10 + 107 * 0.3 + 56 * -0.07 + 11.2 * 0.46      # 36.532
    h2 = 32 * 0.12 + 107 * -0.05 + 56 * 0.04 + 11.2 * 0.16     # 2.522
    h3 = 32 * -0.36 + 107 * -0.21 + 56 * -0.27 + 11.2 * 0.18   # -47.094
    leaf, flower = -0.17 * h1 + 0.39 * h2 + 0.10 * h3, 0.05 * h1 - 0.12 * h2 - 0.04 * h3
    result = netspec.run_plan(changed, {"R": 32, "G": 107, "B": 56, "Vol": 11.2})
    np.testing.assert_allclose(result.outputs, [[leaf, flower]], atol=1e-12)
    assert result.decisions == ["Flower"]
    assert spec.with_weight("W1[G,h1]", 0.3).params["W1"].array[1, 0] == 0.3
    np.testing.assert_allclose(netspec.run_plan(plan, [[32, 107, 56, 11.2]]).outputs, ARTICLE[:1], atol=1e-12)
    assert spec.params["W1"].array[1, 0] == -0.29 and str(changed.changes[0]) == "W1[G,h1] = 0.3 (was -0.29)"


def test_with_weight_sets_a_bias():
    spec = netspec.load(SPECS / "leaf_bias.net").with_weight("b1", "h1", 1.5)
    assert spec.params["b1"].array.tolist()[0] == 1.5


@pytest.mark.parametrize("args, words", [
    (("w1", "G", "h1", 0.3), "did you mean `W1`?"),
    (("W1", "g", "h1", 0.3), "did you mean `G`?"),
    (("W1", "G", "h7", 0.3), "W1 has no column `h7`"),
    (("W1", "G", 0.3), "name one number as W1[ROW,COLUMN]"),
    (("W1", "G", "h1", "lots"), "'lots' is not a number"),
])
def test_with_weight_errors_name_what_is_wrong(plan, args, words):
    with pytest.raises(InputError) as caught:
        plan.spec.with_weight(*args)
    assert caught.value.code == "NS324" and words in str(caught.value)


def test_a_printout_takes_a_dataframe():
    sheet = netspec.printout(LEAF, pd.DataFrame(SHUFFLED))
    assert sheet.trace.decisions == ("Leaf", "Flower")
    np.testing.assert_allclose(sheet.trace.outputs, ARTICLE, atol=1e-12)


def test_a_notebook_printout_of_a_large_network_is_shortened_as_the_cli_shortens_it():
    sheet = netspec.printout(SPECS / "tiny_gpt.net")
    assert sheet.options.focus == sheet.trace.spec.output and sheet.notes
    page = sheet._repr_html_()
    assert len(page.encode()) < 2_000_000 and "note:" in page
    full = netspec.printout(SPECS / "leaf.net")
    assert full.options.focus is None and not full.notes


def test_a_notebook_printout_keeps_the_working_it_shows_and_writes_what_the_command_writes():
    """tiny_gpt is a large network: its notebook printout, like `netspec trace`, works out the output
    and shows every other step in short, so only the output step keeps its working; every format it
    writes is the command's, byte for byte (JSON, which writes every record, is traced again in full)."""
    from clirun import invoke

    sheet = netspec.printout(SPECS / "tiny_gpt.net", example="y")
    output = sheet.trace.spec.output
    assert [step.name for step in sheet.trace.steps if step.record is not None] == [output]
    for fmt in ("text", "md", "tex", "html", "json"):
        written = invoke("trace", SPECS / "tiny_gpt.net", "--example", "y", "--format", fmt)
        assert written.exit_code == 0 and sheet.as_format(fmt) == written.stdout, fmt
