"""Charts are checked through their Vega-Lite spec: marks, encodings, the rules that carry the message."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

import nogo
from nogo import charts
from nogo.errors import InputError

COSTS = nogo.DecisionCosts(false_action_usd=90, missed_usd=10, escalate_usd=2)


def _layers(chart: alt.LayerChart) -> list[dict]:
    spec = chart.to_dict()
    return spec["layer"]


def _data(spec: dict, layer: dict) -> list[dict]:
    """Rows a layer draws: its inline values, or the named dataset it points to."""
    data = layer.get("data", spec.get("data"))
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


@pytest.fixture(scope="module")
def log():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=50_000)
    return p, rng.uniform(size=p.size) < p


def test_cost_curve_marks_both_policies_and_stays_small(log):
    p, y = log
    sweep = nogo.sweep_thresholds(p, y, COSTS)
    naive = nogo.naive_policy(p, y, COSTS, confidence=0.9)
    best = nogo.best_threshold(p, y, COSTS)
    chart = charts.cost_curve(sweep, naive=naive, optimal=best)
    spec = chart.to_dict()
    line, rule, point = spec["layer"]
    assert point["mark"]["type"] == "point"
    assert line["mark"]["type"] == "line"
    assert line["encoding"]["x"]["field"] == "threshold"
    assert line["encoding"]["y"]["field"] == "cost_usd"
    rows = _data(spec, line)
    assert len(rows) <= 402  # thinned from 50,001 thresholds
    assert min(r["cost_usd"] for r in rows) == pytest.approx(best.cost_usd)  # the optimum survives thinning
    assert rule["mark"]["type"] == "rule"
    marked = {r["kind"]: r["threshold"] for r in _data(spec, rule)}
    assert marked == {"naive": 0.9, "optimal": best.t_hi}
    json.dumps(spec)  # serialisable: no numpy scalars left in the spec


def test_three_way_regions_shade_the_cheapest_action():
    spec = charts.three_way_regions(COSTS).to_dict()
    band, curve, rule = spec["layer"]
    lo, hi = nogo.three_way_cuts(COSTS)
    regions = {r["action"]: (r["start"], r["end"]) for r in _data(spec, band)}
    assert regions == {"decline": (0.0, lo), "escalate": (lo, hi), "act": (hi, 1.0)}
    assert band["mark"]["type"] == "rect"
    assert [r["p"] for r in _data(spec, rule)] == [lo, hi]
    # The colour scale is the shared action palette.
    assert curve["encoding"]["color"]["scale"]["range"] == [charts.ACTION_COLOURS[a] for a in nogo.ACTIONS]


def test_three_way_regions_without_escalation_has_one_cut():
    spec = charts.three_way_regions(nogo.DecisionCosts(false_action_usd=90, missed_usd=10)).to_dict()
    band, curve, rule = spec["layer"]
    assert {r["action"] for r in _data(spec, band)} == {"decline", "act"}
    assert [r["p"] for r in _data(spec, rule)] == [pytest.approx(0.9)]
    assert "escalate" not in {r["action"] for r in _data(spec, curve)}  # infinite cost is not drawn


def test_reliability_diagram_has_diagonal_intervals_and_points(log):
    p, y = log
    table = nogo.reliability_table(p**0.5, y)
    spec = charts.reliability_diagram(table).to_dict()
    diagonal, bars, points = spec["layer"]
    assert _data(spec, diagonal) == [{"x": 0.0, "y": 0.0}, {"x": 1.0, "y": 1.0}]
    assert bars["encoding"]["y"]["field"] == "ci_low" and bars["encoding"]["y2"]["field"] == "ci_high"
    assert points["encoding"]["y"]["field"] == "observed_rate"
    assert len(_data(spec, points)) == len(table)


def test_tornado_orders_by_swing_and_draws_the_base():
    model = nogo.CostModel(
        [
            nogo.CostComponent("refund", "false_action", base_usd=50, low_usd=40, high_usd=60),
            nogo.CostComponent("fine", "false_action", "legal", base_usd=100, low_usd=0, high_usd=900),
            nogo.CostComponent("review", "review", base_usd=5),
        ]
    )
    sens = model.sensitivity(np.linspace(0.01, 0.99, 99))
    spec = charts.tornado(sens).to_dict()
    bars, base = spec["layer"]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["y"]["sort"] == sens["component"].tolist()
    assert _data(spec, base) == [{"base_cost_usd": sens.attrs["base_cost_usd"]}]


def test_setup_enables_theme_and_offline_renderer():
    charts.setup()
    assert alt.theme.active == charts.THEME
    assert alt.renderers.active == "svg"
    charts.setup("html")
    assert alt.renderers.active == "html"
    charts.setup()


def test_chart_inputs_are_checked():
    with pytest.raises(
        InputError, match=r"sweep: missing column\(s\) cost_usd, act_rate; expected threshold"
    ):
        charts.cost_curve(pd.DataFrame({"threshold": [0.5]}))
    with pytest.raises(InputError, match=r"table: expected a pandas DataFrame, got dict"):
        charts.reliability_diagram({"mean_p": [0.5]})
    with pytest.raises(InputError, match=r"renderer: expected one of 'svg', 'html', got 'default'"):
        charts.setup("default")
