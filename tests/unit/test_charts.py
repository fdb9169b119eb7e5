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


def _data(spec: dict, layer: dict, parent: dict | None = None) -> list[dict]:
    """Rows a layer draws: its inline values, or the named dataset it points to (its own, else its
    parent layer's, else the chart's)."""
    data = layer.get("data") or (parent or {}).get("data") or spec.get("data")
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
    line, rule, point, labels = spec["layer"]
    assert point["mark"]["type"] == "point"
    assert line["mark"]["type"] == "line"
    assert line["encoding"]["x"]["field"] == "threshold"
    assert line["encoding"]["y"]["field"] == "cost_usd"
    rows = _data(spec, line)
    assert len(rows) <= 402  # thinned from 50,001 thresholds
    assert min(r["cost_usd"] for r in rows) == pytest.approx(best.cost_usd)  # the optimum survives thinning
    assert rule["mark"]["type"] == "rule"
    marked = {r["kind"]: r["threshold"] for r in _data(spec, rule)}
    assert marked == {"naive rule": 0.9, "cheapest threshold": best.t_hi}
    # Each rule is named above the plot, in its own colour, with its threshold and its cost.
    texts = [_data(spec, layer, labels)[0]["label"] for layer in labels["layer"]]
    assert texts == [
        f"naive rule: act at 0.9, {nogo.format_usd(naive.cost_usd, compact=True)}",
        f"cheapest threshold: act at {nogo.format_number(best.t_hi, significant=2)}, "
        f"{nogo.format_usd(best.cost_usd, compact=True)}",
    ]
    assert rule["encoding"]["color"]["legend"] is None  # the labels are the key: no legend repeats them
    json.dumps(spec)  # serialisable: no numpy scalars left in the spec


def test_three_way_regions_shade_the_cheapest_action():
    spec = charts.three_way_regions(COSTS).to_dict()
    band, curve, rule, _labels = spec["layer"]
    lo, hi = nogo.three_way_cuts(COSTS)
    regions = {r["cheapest"]: (r["start"], r["end"]) for r in _data(spec, band)}
    assert regions == {"decline": (0.0, lo), "escalate": (lo, hi), "act": (hi, 1.0)}
    assert band["mark"]["type"] == "rect"
    assert [r["p"] for r in _data(spec, rule)] == [lo, hi]
    # The colour scale is the shared action palette.
    assert curve["encoding"]["color"]["scale"]["range"] == [charts.ACTION_COLOURS[a] for a in nogo.ACTIONS]


def test_three_way_regions_without_escalation_has_one_cut():
    spec = charts.three_way_regions(nogo.DecisionCosts(false_action_usd=90, missed_usd=10)).to_dict()
    band, curve, rule, labels = spec["layer"]
    assert {r["cheapest"] for r in _data(spec, band)} == {"decline", "act"}
    assert [_data(spec, layer, labels)[0]["label"] for layer in labels["layer"]] == ["act from 90%"]
    assert [r["p"] for r in _data(spec, rule)] == [pytest.approx(0.9)]
    assert "escalate" not in {r["action"] for r in _data(spec, curve)}  # infinite cost is not drawn


def test_three_way_regions_when_acting_never_pays_shade_no_act_region():
    never_act = nogo.DecisionCosts(
        false_action_usd=28, missed_usd=3, escalate_usd=0, act_right_usd=9.65, reviewer_false_block_rate=0.4
    )
    spec = charts.three_way_regions(never_act).to_dict()
    band = spec["layer"][0]
    regions = {r["cheapest"]: (r["start"], r["end"]) for r in _data(spec, band)}
    assert "act" not in regions and max(end for _, end in regions.values()) == 1.0
    rules = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]
    assert all(0.0 <= r["p"] < 1.0 for rule in rules for r in _data(spec, rule))


def test_reliability_diagram_has_diagonal_intervals_and_points(log):
    p, y = log
    table = nogo.reliability_table(p**0.5, y)
    spec = charts.reliability_diagram(table).to_dict()
    diagonal, bars, points = spec["layer"]
    assert [(r["mean_p"], r["observed_rate"]) for r in _data(spec, diagonal)] == [(0.0, 0.0), (1.0, 1.0)]
    assert bars["encoding"]["y"]["field"] == "ci_low" and bars["encoding"]["y2"]["field"] == "ci_high"
    assert points["encoding"]["y"]["field"] == "observed_rate"
    assert bars["data"] == points["data"]  # the intervals and the points draw one table
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
    bars, base, labels = spec["layer"]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["y"]["sort"] == sens["component"].tolist()
    base_usd = sens.attrs["base_cost_usd"]
    assert _data(spec, base) == [{"base_cost_usd": base_usd, "label": f"base case: {nogo.format_usd(base_usd, compact=True)}"}]
    assert labels["layer"][0]["encoding"]["x"]["field"] == "base_cost_usd"


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


def test_queue_wait_drops_unstable_headcounts_from_the_line_and_marks_them():
    metrics = nogo.queue_metrics(100, 3, list(range(3, 12)), sla_minutes=1)  # 5 erlangs offered
    spec = charts.queue_wait(metrics, sla_minutes=1).to_dict()
    unstable, line, sla, _labels = spec["layer"]
    assert [r["reviewers"] for r in _data(spec, line)] == list(range(6, 12))
    assert [(r["from"], r["to"]) for r in _data(spec, unstable)] == [(2.5, 5.5)]  # headcounts 3, 4 and 5
    assert _data(spec, sla) == [{"sla_minutes": 1.0, "label": "SLA: 1 min"}]
    waits = [r["mean_wait_minutes"] for r in _data(spec, line)]
    assert waits == sorted(waits, reverse=True)  # more reviewers, shorter waits
    json.dumps(spec)  # no inf left in the spec


def test_impact_grid_chart_places_action_types_on_log_axes_with_the_cuts():
    grid = nogo.place_in_grid(
        ["reschedule", "refund < $50", "reprice SKU", "close account"],
        [400, 120, 900, 2],
        [5, 40, 2_000_000, 20_000],
        frequency_cut_per_day=50,
        severity_cut_usd=1000,
    )
    spec = charts.impact_grid_chart(grid, frequency_cut_per_day=50, severity_cut_usd=1000).to_dict()
    v, h, points, labels, _v_label, _h_label = spec["layer"]
    assert _data(spec, v) == [{"cut": 50.0, "label": "50 a day"}]
    assert _data(spec, h) == [{"cut": 1000.0, "label": "$1K if wrong"}]
    assert points["encoding"]["x"]["scale"]["type"] == "log"
    assert points["encoding"]["y"]["scale"]["type"] == "log"
    levels = {r["action_type"]: r["recommended_level"] for r in _data(spec, points)}
    assert levels["reschedule"] == "constrained execution"
    assert levels["reprice SKU"] == "approval"
    assert levels["close account"] == "draft"
    assert points["encoding"]["color"]["scale"]["domain"] == list(charts.LEVEL_COLOURS)
    assert labels["mark"]["type"] == "text"


def test_fan_chart_has_two_bands_a_median_and_the_horizons():
    paths = nogo.repricing_loop(100, 0.99, 1.02, 90, noise_sd=0.02, n_paths=200, seed=1)
    fan = nogo.fan(paths, "price_a_usd")
    spec = charts.fan_chart(fan, value_title="price (USD)").to_dict()
    outer, inner, median, median_label, rules, _rule_labels = spec["layer"]
    assert (outer["encoding"]["y"]["field"], outer["encoding"]["y2"]["field"]) == ("q05", "q95")
    assert (inner["encoding"]["y"]["field"], inner["encoding"]["y2"]["field"]) == ("q25", "q75")
    assert median["encoding"]["y"]["field"] == "q50"
    assert [r["day"] for r in _data(spec, rules)] == [30, 60, 90]
    assert [r["label"] for r in _data(spec, rules)] == ["day 30", "day 60", "day 90"]
    assert _data(spec, median_label) == [{"day": 90, "q50": fan["q50"].iloc[-1], "label": "median"}]
    short = charts.fan_chart(fan[fan["day"] <= 45], value_title="price (USD)").to_dict()
    assert [r["day"] for r in _data(short, short["layer"][4])] == [30]


def test_selection_rates_chart_draws_the_four_fifths_line_at_four_fifths_of_the_top_rate():
    rates = nogo.selection_rates(["men"] * 100 + ["women"] * 100, [1] * 40 + [0] * 60 + [1] * 25 + [0] * 75)
    spec = charts.selection_rates_chart(rates).to_dict()
    bars, rule, _labels = spec["layer"]
    assert _data(spec, rule) == [
        {"four_fifths_line": pytest.approx(0.8 * 0.40), "label": "four-fifths of the top rate: 32%"}
    ]
    verdicts = {r["group"]: r["verdict"] for r in _data(spec, bars)}
    assert verdicts == {"men": "passes", "women": "fails"}  # 0.25 / 0.40 = 0.625 < 0.8
