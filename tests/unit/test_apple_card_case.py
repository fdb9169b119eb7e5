"""The apple-card-appeals case's own facts and mechanics, each against an independent calculation."""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest

import nogo
from nogo.cases import apple_card_appeals as appeals
from nogo.cases.signature import SignatureTask
from tests.unit.test_chart_keys import unkeyed

PROJECT = nogo.Project.find()
CASE_FILE = PROJECT.case("apple-card-appeals")
CASE = nogo.open_case(CASE_FILE, PROJECT.data)


@pytest.fixture(scope="module")
def built():
    return CASE.build()


def test_the_penalties_add_up_to_the_published_floor():
    figures = appeals.reconstructed_figures(CASE_FILE)
    assert figures["apple_penalty_usd"] == 25_000_000 and figures["goldman_penalty_usd"] == 45_000_000
    assert figures["goldman_redress_usd"] == 19_800_000
    assert figures["cfpb_total_usd"] == pytest.approx(89_800_000)  # 25 + 45 + 19.8, by hand
    assert figures["cfpb_total_usd"] > 89_000_000  # "over $89 million"
    assert figures["board_warning_to_launch_days"] == 20 - 16  # 16 and 20 August 2019
    table = CASE_FILE.compare_figures(figures)
    assert table["within_tolerance"].all() and set(table["kind"]) == {"input"}


def test_the_record_keeps_allegations_findings_and_orders_apart():
    timeline = appeals.record_timeline().set_index("date")
    assert timeline.loc["2019-11-07", "kind"] == "allegation"
    assert (
        timeline.loc["2021-03-23", "kind"] == "finding"
        and "no fair-lending violation" in timeline.loc["2021-03-23", "what"]
    )
    order = timeline.loc["2024-10-23"]
    assert order["kind"] == "order" and "disputes" in order["what"] and "gender" not in order["what"]
    summary = CASE_FILE.incident.summary
    assert "These were allegations" in summary and "found no fair-lending violation" in summary
    assert "57.24" not in summary  # the weak secondary figure is left out
    for call in CASE_FILE.calls:  # the order is never presented as being about gender
        assert "not gender" in call.debrief or "gender" not in call.debrief


def test_the_group_audit_passes_by_hand_while_households_are_far_apart():
    people = appeals.spousal_households(1500, seed=11)
    audit = appeals.group_audit(people)
    by_hand = people.groupby("sex")["approved"].mean()
    ratio = by_hand.min() / by_hand.max()
    rates = audit["approval"].set_index("group")
    assert rates["selection_rate"].to_dict() == pytest.approx(by_hand.to_dict())
    assert rates["impact_ratio"].min() == pytest.approx(ratio) and ratio >= 0.8
    approved = people[people["approved"]]
    median = approved["limit_usd"].median()
    above = approved.assign(a=approved["limit_usd"] > median).groupby("sex")["a"].mean()
    assert audit["limits"].set_index("group")["impact_ratio"].min() == pytest.approx(
        above.min() / above.max()
    )
    pairs = appeals.spousal_pairs(people)
    wide = approved[approved["joint_finances"]].pivot(index="household_id", columns="sex", values="limit_usd")
    wide = wide.dropna()
    by_hand_ratio = (wide.max(axis=1) / wide.min(axis=1)).to_numpy()
    np.testing.assert_allclose(np.sort(pairs["limit_ratio"].to_numpy()), np.sort(by_hand_ratio))
    summary = appeals.pair_summary(pairs, (10, 20)).set_index("line")
    assert summary.loc[20, "pairs"] == int((by_hand_ratio >= 20).sum()) > 0


def _erlang_c_brute(rate_per_hour: float, handle_minutes: float, c: int) -> float:
    a = rate_per_hour * handle_minutes / 60
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_the_desk_queue_against_a_brute_force_erlang_c(built):
    desk = built.desk
    per_hour = (200 * 0.97 + appeals.appeals_per_day(built)) / desk.hours_per_day
    for c in (7, 8, 16):
        assert nogo.erlang_c(per_hour, desk.handle_minutes, c)[0] == pytest.approx(
            _erlang_c_brute(per_hour, desk.handle_minutes, c), rel=1e-9
        )
    rule = next(r for r in built.hard_rules if r.rule == appeals.DESK_RULE)
    assert appeals.appeals_per_day(built) == pytest.approx(rule.applies.sum() / 30)


def test_the_desk_simulation_counts_what_it_prices(built):
    inputs = appeals.desk_inputs(built)
    now = appeals.simulate_desk(inputs, 8, "launch now")
    later = appeals.simulate_desk(inputs, 8, "launch after a readiness test")
    never = appeals.simulate_desk(inputs, 8, "do not launch")
    assert now["live_days"] == 365 and later["live_days"] == 365 - 30 and never["live_days"] == 0
    assert never["total_usd"] == 365 * inputs.launch_value_usd_per_day
    assert later["forgone_usd"] == 30 * inputs.launch_value_usd_per_day
    assert now["reviewers_usd"] == 8 * 45 * 12 * 365
    assert now["lost_usd"] == now["lost"] * 1000
    # about 3% of the year's disputes are lost now, about 0.1% after the test (4 standard errors)
    for sim, rate in ((now, 0.03), (later, 0.001)):
        sd = math.sqrt(sim["disputes"] * rate * (1 - rate))
        assert abs(sim["lost"] - rate * sim["disputes"]) < 4 * sd + 1
    for key in ("lost_usd", "late_usd", "reviewers_usd", "forgone_usd"):
        assert now[key] >= 0
    assert now["total_usd"] == pytest.approx(
        sum(now[k] for k in ("lost_usd", "late_usd", "reviewers_usd", "forgone_usd"))
    )


def test_the_signature_optimum_is_the_brute_force_minimum_and_never_breaks_the_rule(built):
    task = CASE.signature_task(built)
    assert isinstance(task, SignatureTask) and [lever.name for lever in task.levers] == ["reviewers", "gate"]
    outcomes = {(r, g): task.evaluate({"reviewers": r, "gate": g})
                for r, g in product(appeals.REVIEWER_CHOICES, appeals.GATES)}  # fmt: skip
    allowed = {k: o.cost_usd for k, o in outcomes.items() if not o.broken_rules}
    best, outcome = task.optimum()
    assert (best["reviewers"], best["gate"]) == min(allowed, key=allowed.get)
    assert not outcome.broken_rules
    cheapest_broken = min((o.cost_usd for o in outcomes.values() if o.broken_rules), default=math.inf)
    for r, g in outcomes:
        s = task.score({"reviewers": r, "gate": g})
        assert s.regret_usd >= 0 and (not s.correct or (r, g) == (best["reviewers"], best["gate"]))
    assert outcomes[(1, "launch now")].broken_rules == (appeals.DESK_RULE,)
    assert cheapest_broken > 0


@pytest.mark.parametrize("rate", [0.001, 0.002, 0.03, 0.08])
@pytest.mark.parametrize("volume", [60, 130, 200, 300])
def test_the_call_agrees_with_the_signature_gate_on_both_sides_of_the_line(rate, volume):
    values = {**CASE_FILE.variant(4), "forwarding_failure_rate": rate, "disputes_per_day": volume}
    best, _ = CASE.signature_task(CASE.build(values)).optimum()
    call = CASE_FILE.call_for(values).call
    if rate < 0.01:
        assert best["gate"] == "launch now" and call == "ship with guardrails"
    else:
        assert best["gate"] == "launch after a readiness test" and call == "no-go"


def test_no_constant_setting_is_best_across_variants():
    bests = set()
    for seed in range(12):
        values = CASE_FILE.variant(seed)
        bests.add(tuple(CASE.signature_task(CASE.build(values)).optimum()[0].values()))
    assert len({b[0] for b in bests}) >= 2 and len({b[1] for b in bests}) == 2  # reviewers and gate both move


def test_the_call_flips_within_the_varied_range():
    choices = CASE_FILE.parameters["forwarding_failure_rate"].choices
    calls = {CASE_FILE.call_for({"forwarding_failure_rate": c}).call for c in choices}
    assert calls == {"ship with guardrails", "no-go"}
    assert CASE_FILE.call_for({}).call == CASE_FILE.drill.launch_call == "no-go"


def test_the_readiness_test_size_bounds_the_loss():
    n = int(nogo.decisions_needed(0.005))
    assert 1 - 0.05 ** (1 / n) <= 0.005 < 1 - 0.05 ** (1 / (n - 1))  # zero losses: the exact upper bound
    assert n <= CASE_FILE.contract["promotion_gate"]["min_decisions"]


def test_the_pair_chart_is_keyed():
    pairs = appeals.spousal_pairs(appeals.spousal_households(500, seed=3))
    assert unkeyed(appeals.pair_ratio_chart(pairs, {"10x": 10, "20x": 20}).to_dict()) == []
