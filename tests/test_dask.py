"""docs/python-api.md's Dask recipe, run as written on a local dask.distributed cluster of two
worker processes: the plan is pickled to them, and every row's answer is the article's."""

from __future__ import annotations

import re

import numpy as np
import pytest

import netspec

from conftest import ROOT, SPECS

pd = pytest.importorskip("pandas")
distributed = pytest.importorskip("dask.distributed")

PAGE = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
RECIPE = PAGE[PAGE.index("### Scoring a large CSV"):]
RECIPE = re.search(r"```python\n(.*?)```", RECIPE, re.S).group(1)


def test_the_dask_recipe_scores_a_csv_on_worker_processes(tmp_path):
    path = tmp_path / "objects.csv"
    # the article's leaf and sunflower, in the columns' other order, 3,000 times each
    pd.DataFrame({"Vol": [11.2, 59.5] * 3000, "B": [56, 4] * 3000, "G": [107, 200] * 3000,
                  "R": [32, 241] * 3000}).to_csv(path, index=False)
    recipe: dict = {}
    exec(compile(RECIPE, "docs/python-api.md", "exec"), recipe)
    plan = netspec.compile_plan(netspec.load(SPECS / "leaf_relu.net"))  # an activation: its kernel is a closure
    # by hand: only h2 passes ReLU for both; leaf h2 = 2.522, sunflower h2 = 241·0.12 − 200·0.05 + 4·0.04 + 59.5·0.16 = 28.6
    expected = np.array([[0.39 * 2.522, -0.12 * 2.522], [0.39 * 28.6, -0.12 * 28.6]])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  local_directory=str(tmp_path / "dask")) as cluster, \
            distributed.Client(cluster) as client:
        lazy = recipe["score_file"](plan, str(path))
        lazy = lazy.repartition(npartitions=4)
        scored = client.compute(lazy).result()
        workers = client.run(lambda: 1)
    assert len(workers) == 2 and len(scored) == 6000
    np.testing.assert_allclose(scored[["Leaf", "Flower"]].to_numpy()[:2], expected, rtol=1e-12)
    assert set(scored["decision"]) == {"Leaf"}
    np.testing.assert_allclose(scored[["Leaf", "Flower"]].to_numpy(), np.tile(expected, (3000, 1)), rtol=1e-12)


def test_an_empty_partition_scores_to_nothing():
    recipe: dict = {}
    exec(compile(RECIPE, "docs/python-api.md", "exec"), recipe)
    plan = netspec.compile_plan(netspec.load(SPECS / "leaf.net"))
    empty = pd.DataFrame({"R": [], "G": [], "B": [], "Vol": []})
    assert list(recipe["scores"](plan, empty).columns) == ["Leaf", "Flower", "decision"]
