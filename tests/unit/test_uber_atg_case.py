"""The Uber ATG case (uber-atg-handoff): its kinematics by hand, the gate against the rule of three, its
signature drill against brute force, and its call against the case's own simulation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import nogo
from nogo.cases import uber_atg_handoff as uber
from nogo.cases.uber_atg_handoff.signature import TRACK
from tests.unit.test_chart_keys import unkeyed

ROOT = Path(__file__).resolve().parents[2]
CASE = nogo.load_case(ROOT / "casebook" / "uber-atg-handoff.yaml")
OPEN = nogo.open_case(CASE, ROOT / "data")


def test_kinematics_by_hand():
    v = 43 * 1609.344 / 3600  # m/s
    assert uber.mph_to_mps(43.0)[0] == pytest.approx(v, rel=1e-12)
    assert uber.distance_m(43.0, 1.3)[0] == pytest.approx(v * 1.3)
    assert uber.stopping_distance_m(43.0, 7.0, 1.5)[0] == pytest.approx(v * 1.5 + v * v / 14)
    assert uber.seconds_to_stop_short(43.0, 7.0)[0] == pytest.approx(v / 14)
    # v_i^2 = v^2 - 2 a d with d = v t: braking 0.2 s before the point
    by_hand = math.sqrt(v * v - 2 * 7.0 * v * 0.2) * 3600 / 1609.344
    assert uber.impact_speed_mph(43.0, 7.0, 0.2)[0] == pytest.approx(by_hand, rel=1e-12)
    assert uber.impact_speed_mph(43.0, 7.0, 5.6)[0] == 0.0  # braking at first detection stops short
    assert uber.harm_share(43.0, 7.0, 1.3)[0] == pytest.approx((by_hand_v := math.sqrt(v * v - 2 * 7 * v * 1.3)) ** 2 / v**2)
    assert by_hand_v > 0  # braking at 1.3 s does not quite stop short at 0.7 g


def test_the_impact_speed_check_is_within_tolerance_at_every_deceleration_a_variant_may_draw():
    figure = CASE.figure("speed_at_impact_mph")
    assert figure.kind == "consistency"  # it rests on an assumed deceleration: no independent reproduction
    for decel in (6.0, 7.0, 8.0):
        got = uber.impact_speed_mph(43.0, decel, CASE.figure("alert_seconds").value)[0]
        assert abs(got - figure.value) / figure.value <= figure.tolerance, decel


def test_the_record_and_its_kinds():
    kinds = {f.name: (f.status, f.kind) for f in CASE.published_figures}
    assert [n for n, (_s, k) in kinds.items() if k == "reproduced"] == []
    assert [n for n, (_s, k) in kinds.items() if k == "consistency"] == ["speed_at_impact_mph"]
    assert CASE.figure("detection_to_braking_needed_seconds").value == pytest.approx(5.6 - 1.3)
    assert all(s.url is None or "ipfs" not in s.url for s in CASE.sources)  # never a mirror


def test_the_gate_is_the_rule_of_three():
    for budget in (1e-4, 1e-5, 1e-6):
        n = uber.gate_miles(budget)
        assert abs(n - 3 / budget) / (3 / budget) < 0.01  # -ln(0.05) = 2.996
        # exact with no miss: 1 - 0.05 ** (1 / n) <= budget, so n >= ln(0.05) / ln(1 - budget)
        assert n == math.ceil(math.log(0.05) / math.log1p(-budget))
        ok = nogo.check_promotion_gate(0, n, error_budget=budget, min_decisions=1)["passed"].iloc[0]
        short = nogo.check_promotion_gate(0, n - 2, error_budget=budget, min_decisions=1)["passed"].iloc[0]
        assert ok and not short


def test_two_operator_miles_by_hand():
    assert uber.two_operator_miles(1e6, 3e5, 2e-6) == pytest.approx(3e5 + (1 - math.exp(-0.6)) * 7e5)
    assert uber.two_operator_miles(1e6, 2e6, 1e-6) == 1e6


def test_an_alert_at_1_3_seconds_is_too_late_and_at_5_6_in_time():
    kw = dict(reaction_seconds=1.5, reorient_seconds=1.0, attentive_share=0.8, speed_mph=43.0, decel_mps2=7.0)
    reactions = uber.reaction_times(1.5)
    stop = uber.seconds_to_stop_short(43.0, 7.0)[0]
    assert nogo.late_share(reactions, max(1.3 - stop, 0)) == 1.0
    assert nogo.late_share(reactions, 5.6 - stop) == 0.0
    assert uber.operator_harm_share(1.3, **kw) > 0.9 and uber.operator_harm_share(5.6, **kw) < 0.01


def test_the_stream_prices_an_alert_with_the_timing():
    data = OPEN.build()
    system, operator = OPEN.timing_shares(data.parameters)
    b = data.costs.reviewer_false_block_rate
    assert (1 - b) * system + b == pytest.approx(operator)  # an alert's expected harm is the operator's share


@pytest.fixture(scope="module", params=[None, 1, 2, 3])
def variant(request):
    values = {} if request.param is None else CASE.variant(request.param)
    built = OPEN.build(values)
    return values, built, OPEN.signature_task(built)


def test_the_signature_optimum_is_the_exhaustive_search_and_keeps_the_rules(variant):
    _values, _built, task = variant
    fast = task.optimum()
    kept = [(s, o) for s in task.settings() if not (o := task.evaluate(s)).broken_rules]
    slow = min(kept, key=lambda so: so[1].cost_usd)  # brute force, ties to the first setting
    assert fast[0] == slow[0] and not fast[1].broken_rules
    costs = {tuple(s.values()): task.evaluate(s) for s in task.settings()}
    allowed = [o.cost_usd for o in costs.values() if not o.broken_rules]
    assert fast[1].cost_usd == pytest.approx(min(allowed))
    for setting in task.settings():  # no braking and no alert: never allowed
        if setting["braking"].startswith("off") and setting["alert"] == "none" and setting["supervision"] != TRACK:
            assert task.score(setting).outcome.broken_rules


def test_no_constant_setting_is_right_on_every_variant():
    tasks = [OPEN.signature_task(OPEN.build(CASE.variant(s))) for s in range(10)]
    bests = [tuple(t.optimum()[0].values()) for t in tasks]
    assert len(set(bests)) >= 3
    for setting in tasks[0].settings():
        worst = max(t.score(setting).regret_usd / t.optimum()[1].cost_usd for t in tasks)
        assert worst > 0.02, setting


def test_the_optimum_moves_with_the_false_brake_price_and_the_harm():
    def best(**values):
        return OPEN.signature_task(OPEN.build(values)).optimum()[0]

    assert best(false_brake_usd=150.0)["braking"] == "on for any object in the path"
    assert best(false_brake_usd=3000.0)["braking"] != "on for any object in the path"
    assert best(vulnerable_harm_usd=8_000_000.0)["supervision"] != "one operator"


@pytest.mark.parametrize("detection", CASE.parameters["detection_seconds"].choices)
def test_the_call_flips_where_the_signature_optimum_does(detection):
    for reaction in (1.0, 2.5):
        for decel in (6.0, 8.0):
            values = {"detection_seconds": detection, "reaction_seconds": reaction, "decel_mps2": decel}
            best = OPEN.signature_task(OPEN.build(values)).optimum()[0]
            call = CASE.call_for(values).call
            assert (best["supervision"] == TRACK) == (call == "no-go"), (values, best, call)


def test_the_timeline_chart_is_keyed():
    params = CASE.defaults()
    figures = {f.name: f.value for f in CASE.published_figures}
    spec = uber.timeline_chart(uber.timeline_table(figures, params), uber.braking_curve(params)).to_dict()
    assert unkeyed(spec) == []
    assert np.isclose(uber.timeline_table(figures, params)["seconds_before_impact"].max(), 5.6)
