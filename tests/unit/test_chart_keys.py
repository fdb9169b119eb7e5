"""Every chart is keyed (issue 15, item 5): each line, rule or band a reader must interpret carries a legend
or a text label, checked through ``chart.to_dict()`` on every chart builder the casebook has.

A layer that draws a line, a rule, an area or a band is keyed when it has

- a colour, fill, stroke, dash, opacity or shape encoding (a field or a datum) whose legend is not
  disabled anywhere in its view, or
- a sibling text layer on the same position field whose rows name every value the layer draws (a label
  at each rule), or
- it is the view's one plain line, with no dash and no colour of its own, and the view's y axis is
  titled: the axis names it (the cost curve, the queue's wait, the regret of one drill).

Each builder is built on small data; a second test reads the notebooks for the builders they call, so a
builder a notebook starts using cannot skip this walk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert

import nogo
from nogo import charts
from nogo.cases import loan_steering as loans
from nogo.cases import pricing_feedback_loop as pricing
from nogo.cases import resume_proxy_bias as hiring
from nogo.cases.loan_steering import charts as loan_charts
from nogo.cases.pricing_feedback_loop import charts as pricing_charts
from nogo.cases.resume_proxy_bias import charts as hiring_charts
from nogo.charts.track_record import calibration_chart, regret_chart
from nogo.practice.policy_chart import policy_chart
from nogo.practice.stream.score import stream_chart

ROOT = Path(__file__).resolve().parents[2]
COSTS = nogo.DecisionCosts(false_action_usd=90, missed_usd=10, escalate_usd=2)
DRAWN = {"line", "rule", "area", "rect", "trail"}  # marks whose meaning a reader must be told
KEY_CHANNELS = ("color", "fill", "stroke", "strokeDash", "opacity", "shape")


# -- the builders, each on small data ---------------------------------------------------------------------


def _scores(n: int = 5_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=n)
    return p, rng.uniform(size=n) < p


def _cost_curve() -> alt.TopLevelMixin:
    p, y = _scores()
    sweep = nogo.sweep_thresholds(p, y, COSTS)
    naive = nogo.naive_policy(p, y, COSTS, confidence=0.8)
    return charts.cost_curve(sweep, naive=naive, optimal=nogo.best_threshold(p, y, COSTS))


def _tornado() -> alt.TopLevelMixin:
    model = nogo.CostModel(
        [
            nogo.CostComponent("refund", "false_action", base_usd=50, low_usd=40, high_usd=60),
            nogo.CostComponent("fine", "false_action", "legal", base_usd=100, low_usd=0, high_usd=900),
            nogo.CostComponent("review", "review", base_usd=5, low_usd=2, high_usd=9),
        ]
    )
    return charts.tornado(model.sensitivity(np.linspace(0.01, 0.99, 99)))


def _impact_grid() -> alt.TopLevelMixin:
    grid = nogo.place_in_grid(
        ["reschedule", "refund", "reprice", "close account"],
        [400, 120, 900, 2],
        [5, 40, 2_000_000, 20_000],
        frequency_cut_per_day=50,
        severity_cut_usd=1000,
    )
    return charts.impact_grid_chart(grid, frequency_cut_per_day=50, severity_cut_usd=1000)


def _fan() -> alt.TopLevelMixin:
    paths = nogo.repricing_loop(100, 0.99, 1.02, 90, noise_sd=0.02, n_paths=50, seed=1)
    return charts.fan_chart(nogo.fan(paths, "price_a_usd"), value_title="price (USD)")


def _selection_rates() -> alt.TopLevelMixin:
    rates = nogo.selection_rates(["men"] * 100 + ["women"] * 100, [1] * 40 + [0] * 60 + [1] * 25 + [0] * 75)
    return charts.selection_rates_chart(rates)


def _calibration() -> alt.TopLevelMixin:
    table = pd.DataFrame(
        {"mean_confidence": [0.55, 0.9], "share_right": [0.5, 0.6], "ci_low": [0.1, 0.3],
         "ci_high": [0.9, 0.85], "n": [2, 5]}
    )  # fmt: skip
    return calibration_chart(table)


def _regret() -> alt.TopLevelMixin:
    regret = pd.DataFrame(
        {"drill": ["stream", "stream", "premortem"], "unit": ["USD", "USD", "1 - rank correlation"],
         "answer": [1, 2, 1], "cumulative_regret": [20.0, 35.0, 0.5]}
    )  # fmt: skip
    return regret_chart(regret)


def _total_cost() -> alt.TopLevelMixin:
    offers = loans.loan_offers(loans.borrower_book(1_000, seed=2))
    return loans.total_cost_chart(pd.concat([loans.choose_offers(offers, p) for p in loans.LOAN_POLICIES]))


def _repeat_forbearance() -> alt.TopLevelMixin:
    calls = loans.simulate_hardship_calls(loans.borrower_book(500, seed=1), months=24, seed=1)
    rates = loans.repeat_forbearance_rate(calls)
    return loans.repeat_forbearance_chart(
        pd.concat([rates.assign(series="steering"), rates.assign(series="aligned")], ignore_index=True)
    )


def _price_path() -> alt.TopLevelMixin:
    guardrails = pricing.fly_guardrails(reference_usd=1e6)
    path = nogo.repricing_loop(1.7e6, 0.9983, 1.270589, 10)
    return pricing.price_path_chart(path, guardrails, cap_usd=1e7, peak_usd=23_698_655.93)


def _value_cap() -> alt.TopLevelMixin:
    log = pricing.pricing_catalogue(2_000, seed=1)
    return pricing.value_cap_chart(pricing.best_value_cap(log, pricing.review_costs(log), n_boot=50, seed=2))


def _coefficients() -> alt.TopLevelMixin:
    pool = hiring.applicant_pool(3_000, seed=0)
    features = ("skill_coding", "mentions_womens", *hiring.WOMENS_COLLEGES)
    return hiring.coefficient_chart(hiring.train_screener(pool, features=features, seed=0).coefficients)


def _impact_ratio() -> alt.TopLevelMixin:
    report = pd.DataFrame(
        {"feature_set": ["all terms"] * 4 + ["skills only"] * 4, "min_stars": [4, 4, 5, 5] * 2,
         "group": ["man", "woman"] * 4, "impact_ratio": [1.0, 0.7, 1.0, 0.5, 1.0, 0.95, 1.0, 0.9]}
    )  # fmt: skip
    return hiring.impact_ratio_chart(report)


def _policy() -> alt.TopLevelMixin:
    from nogo.models.policy_model import PolicySettings, prepare_policy_log

    log = pd.DataFrame({"value_usd": [10.0, 50.0, 900.0, 20.0], "outcome": [1, 1, 0, 0]})
    costs = nogo.DecisionCosts(false_action_usd=log["value_usd"], missed_usd=5.0, escalate_usd=2.0)
    prepared = prepare_policy_log(log, [0.95, 0.9, 0.92, 0.3], costs, days=1)
    return policy_chart(prepared, PolicySettings(0.5, 0.9, 100, 1), optimum=PolicySettings(0.4, 0.8, 50, 1))


def _stream() -> alt.TopLevelMixin:
    summary = pd.DataFrame(
        {"item": [1, 1, 1, 2, 2, 2], "policy": ["you", "cost-optimal", "naive"] * 2,
         "cumulative_cost_usd": [0.0, 5.0, 0.0, 90.0, 5.0, 90.0],
         "cumulative_expected_cost_usd": [1.0, 1.0, 4.0, 10.0, 3.0, 12.0]}
    )  # fmt: skip
    return stream_chart(summary)


BUILDERS: dict[str, Callable[[], alt.TopLevelMixin]] = {
    "cost_curve": _cost_curve,
    "three_way_regions": lambda: charts.three_way_regions(COSTS),
    "reliability_diagram": lambda: charts.reliability_diagram(nogo.reliability_table(*_scores())),
    "tornado": _tornado,
    "queue_wait": lambda: charts.queue_wait(
        nogo.queue_metrics(40, 6, list(range(3, 10)), sla_minutes=5), sla_minutes=5
    ),
    "impact_grid_chart": _impact_grid,
    "fan_chart": _fan,
    "selection_rates_chart": _selection_rates,
    "calibration_chart": _calibration,
    "regret_chart": _regret,
    "total_cost_chart": _total_cost,
    "repeat_forbearance_chart": _repeat_forbearance,
    "price_path_chart": _price_path,
    "value_cap_chart": _value_cap,
    "coefficient_chart": _coefficients,
    "impact_ratio_chart": _impact_ratio,
    "policy_chart": _policy,
    "stream_chart": _stream,
}


@cache
def _spec(name: str) -> dict:
    return BUILDERS[name]().to_dict()


# -- walking a spec ---------------------------------------------------------------------------------------


def _mark(unit: dict) -> str:
    mark = unit.get("mark", "")
    return mark if isinstance(mark, str) else mark["type"]


def _units(spec: dict, data: dict | None) -> Iterator[dict]:
    """The unit layers of a (possibly nested) layer chart, each with the data it draws."""
    data = spec.get("data", data)
    if "layer" in spec:
        for layer in spec["layer"]:
            yield from _units(layer, data)
    else:
        yield {**spec, "data": data}


def _views(spec: dict) -> Iterator[list[dict]]:
    """The layers that share one plot, for each plot of a chart (one, or one per concatenated panel)."""
    for key in ("vconcat", "hconcat", "concat"):
        for panel in spec.get(key, []):
            yield from _views({"data": spec.get("data"), **panel})
    if "layer" in spec or "mark" in spec:
        yield list(_units(spec, spec.get("data")))


def _rows(spec: dict, unit: dict) -> list[dict]:
    data = unit["data"] or {}
    return data["values"] if "values" in data else spec.get("datasets", {}).get(data.get("name"), [])


def _legend_keyed(unit: dict, view: list[dict]) -> bool:
    for channel in KEY_CHANNELS:
        encoding = unit.get("encoding", {}).get(channel) or {}
        if "field" in encoding or "datum" in encoding:
            disabled = any(
                "legend" in u.get("encoding", {}).get(channel, {})
                and u["encoding"][channel]["legend"] is None
                for u in view
            )
            if not disabled:
                return True
    return False


def _text_labelled(spec: dict, unit: dict, view: list[dict]) -> bool:
    texts = [u for u in view if _mark(u) == "text" and "text" in u.get("encoding", {})]
    for channel in ("x", "y"):
        field = unit.get("encoding", {}).get(channel, {}).get("field")
        if field is None:
            continue
        drawn = {row[field] for row in _rows(spec, unit)}
        named = {
            row[field]
            for t in texts
            if t["encoding"].get(channel, {}).get("field") == field
            for row in _rows(spec, t)
            if str(row.get(t["encoding"]["text"].get("field"), "")).strip()
        }
        if drawn and drawn <= named:
            return True
    return False


def _plain_line(unit: dict) -> bool:
    mark = unit.get("mark")
    dashed = isinstance(mark, dict) and "strokeDash" in mark
    coloured = any(c in unit.get("encoding", {}) for c in KEY_CHANNELS)
    return _mark(unit) == "line" and not dashed and not coloured


def _named_by_axis(unit: dict, view: list[dict]) -> bool:
    lines = [u for u in view if _plain_line(u)]
    y_titled = any(u.get("encoding", {}).get("y", {}).get("title") for u in view)
    return _plain_line(unit) and len(lines) == 1 and y_titled


def unkeyed(spec: dict) -> list[str]:
    """Each drawn layer of ``spec`` that no legend, label or axis explains, as ``mark(fields)``."""
    missing = []
    for view in _views(spec):
        for unit in view:
            if _mark(unit) not in DRAWN:
                continue
            if _legend_keyed(unit, view) or _text_labelled(spec, unit, view) or _named_by_axis(unit, view):
                continue
            fields = sorted(
                {
                    e["field"]
                    for e in unit.get("encoding", {}).values()
                    if isinstance(e, dict) and "field" in e
                }
            )
            missing.append(f"{_mark(unit)}({', '.join(fields)})")
    return missing


def _svg_texts(spec: dict) -> list[str]:
    """The text a reader sees in the rendered chart (labels, legends, titles, axes), in order."""
    svg = vl_convert.vegalite_to_svg(spec)
    return [re.sub(r"&amp;", "&", t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


# -- every builder, keyed ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_line_rule_and_band_is_keyed(name):
    spec = _spec(name)
    assert unkeyed(spec) == [], f"{name}: drawn with no legend, label or axis to read it by"
    assert json.dumps(BUILDERS[name]().to_dict(), sort_keys=True) == json.dumps(spec, sort_keys=True)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_chart_renders_offline_with_no_scientific_notation(name):
    texts = _svg_texts(_spec(name))
    assert texts, f"{name}: nothing rendered"
    assert not [t for t in texts if re.search(r"\d[eE][+-]?\d", t)], f"{name}: scientific notation"
    assert not [t for t in texts if re.search(r"\$-?[\d.]+[Gm]\b", t)], f"{name}: SI dollars ($1G, $500m)"


def test_the_walk_catches_an_unkeyed_rule_and_a_disabled_legend():
    line = (
        alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]}))
        .mark_line()
        .encode(x="x:Q", y=alt.Y("y:Q", title="y"))
    )
    rule = alt.Chart(pd.DataFrame({"at": [0.5], "kind": ["mean"]})).mark_rule(strokeDash=[4, 3])
    bare = alt.layer(line, rule.encode(x="at:Q"))
    assert unkeyed(bare.to_dict()) == ["rule(at)"]
    hidden = alt.layer(line, rule.encode(x="at:Q", color=alt.Color("kind:N", legend=None)))
    assert unkeyed(hidden.to_dict()) == ["rule(at, kind)"]
    labelled = alt.layer(
        line,
        rule.encode(x="at:Q"),
        charts.theme.rule_labels(pd.DataFrame({"at": [0.5], "label": ["mean"]}), x="at"),
    )
    assert unkeyed(labelled.to_dict()) == []
    two_lines = alt.layer(line, line.mark_line(color="red"))
    assert len(unkeyed(two_lines.to_dict())) == 2  # two plain lines: the axis cannot name both


def test_the_walk_covers_every_builder_and_every_builder_the_notebooks_call():
    builders = {n for n in charts.__all__ if callable(getattr(charts, n)) and n != "setup"}
    for module in (loan_charts, pricing_charts, hiring_charts):
        builders |= {n for n in module.__all__ if callable(getattr(module, n))}
    builders |= {"policy_chart", "stream_chart"}  # the drills' charts
    assert set(BUILDERS) == builders
    called = set()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                called |= set(re.findall(r"\.(\w+)\(", "".join(cell["source"])))
    shown = called & builders
    assert {"cost_curve", "three_way_regions", "queue_wait", "price_path_chart"} <= shown  # the walk reads
    assert shown <= set(BUILDERS)


# -- the two charts the issue names -----------------------------------------------------------------------


def test_the_expected_cost_chart_keys_each_action_line_and_labels_the_cut_offs():
    spec = _spec("three_way_regions")
    band, curve, _rule, labels = spec["layer"]
    colour = curve["encoding"]["color"]
    assert colour["field"] == "action" and colour["title"] == "expected cost (line)"
    assert colour["scale"]["domain"] == ["act", "escalate", "decline"]  # one legend entry per line
    assert colour["legend"]["symbolType"] == "stroke"  # drawn as lines in the legend, not squares
    assert band["encoding"]["fill"]["title"] == "cheapest (shaded)"
    assert band["encoding"]["fill"]["scale"]["domain"] == ["decline", "escalate", "act"]
    lo, hi = nogo.three_way_cuts(COSTS)
    names = [
        t["data"]["values"] if "values" in t.get("data", {}) else spec["datasets"][t["data"]["name"]]
        for t in labels["layer"]
    ]
    assert [rows[0]["label"] for rows in names] == ["escalate from 20%", "act from 97.8%"]
    assert [rows[0]["p"] for rows in names] == [lo, hi]
    texts = _svg_texts(spec)
    for text in ("expected cost (line)", "cheapest (shaded)", "act", "escalate", "decline",
                 "escalate from 20%", "act from 97.8%", "probability that acting is right"):  # fmt: skip
        assert text in texts, text
    assert "$90" in texts and "$0" in texts  # dollars on the cost axis


def test_the_queue_wait_chart_labels_the_sla_and_keys_the_unstable_headcounts():
    metrics = nogo.queue_metrics(41.7, 20, list(range(12, 20)), sla_minutes=240)
    spec = charts.queue_wait(metrics, sla_minutes=240).to_dict()
    unstable, _line, sla, labels = spec["layer"]
    assert unstable["mark"]["type"] == "rect"
    zone = unstable["encoding"]["fill"]
    assert zone["legend"] is not None and zone["field"] == "zone"
    rows = spec["datasets"][unstable["data"]["name"]]
    assert rows == [{"from": 11.5, "to": 13.5, "zone": "too few reviewers: the queue grows without end"}]
    assert sla["mark"]["type"] == "rule" and sla["mark"]["strokeDash"] == [4, 3]
    label = labels["layer"][0]
    assert label["mark"]["type"] == "text" and label["mark"]["color"] == sla["mark"]["color"]
    assert label["encoding"]["y"]["field"] == "sla_minutes" and label["encoding"]["x"] == {"value": "width"}
    assert spec["datasets"][sla["data"]["name"]] == [{"sla_minutes": 240.0, "label": "SLA: 240 min"}]
    texts = _svg_texts(spec)
    assert "SLA: 240 min" in texts and "too few reviewers: the queue grows without end" in texts
    assert "reviewers on shift" in texts and "mean wait per escalation (minutes)" in texts
    assert _svg_texts(spec) == texts  # the offline render is the same every time


# -- every case's own chart builders, found from the cases package --------------------------------------


def _case_chart_builders() -> dict[str, list[str]]:
    """Each case package's chart builders (``nogo.cases.<package>.charts``): the public functions whose
    return annotation is a chart, found by walking the cases package, never from a list kept here."""
    import importlib
    import inspect
    import pkgutil

    import nogo.cases

    found: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(nogo.cases.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"nogo.cases.{info.name}.charts")
        except ModuleNotFoundError:
            continue
        found[info.name] = [
            name
            for name in getattr(module, "__all__", [])
            if inspect.isfunction(fn := getattr(module, name))
            and "Chart" in str(inspect.signature(fn).return_annotation)
        ]
    return found


def test_every_case_chart_builder_is_walked():
    """A case's chart builder is walked here (BUILDERS) or by its case's own tests through ``unkeyed``
    (tests/unit/test_*_case.py build it on the case's data): a new case cannot add an unchecked chart."""
    found = _case_chart_builders()
    assert {"loan_steering", "pricing_feedback_loop", "resume_proxy_bias"} <= set(found)
    own_tests = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "unit").glob("test_*.py")}
    own_tests.pop(Path(__file__).name)
    unwalked = [
        f"nogo.cases.{package}.charts.{name}"
        for package, names in sorted(found.items())
        for name in names
        if name not in BUILDERS
        and not any(f"{name}(" in text and "unkeyed(" in text for text in own_tests.values())
    ]
    assert unwalked == [], f"chart builders no test walks for keys: {unwalked}"
