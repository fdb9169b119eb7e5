"""The Klarna case (klarna-assistant): its numbers against independent calculations, its signature drill
against brute force and scripted learners, and its call against the case's own model."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import nogo
from nogo.cases import klarna_assistant as klarna
from tests.unit.test_chart_keys import unkeyed

ROOT = Path(__file__).resolve().parents[2]
CASE = nogo.load_case(ROOT / "casebook" / "klarna-assistant.yaml")
OPEN = nogo.open_case(CASE, ROOT / "data")


@pytest.fixture(scope="module")
def data():
    return OPEN.build()


def _erlang_c_by_hand(load: float, c: int) -> float:
    """The textbook formula with factorials: (A^c/c! * c/(c-A)) / (sum_{k<c} A^k/k! + A^c/c! * c/(c-A))."""
    top = load**c / math.factorial(c) * c / (c - load)
    return top / (sum(load**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize(("load", "c"), [(2.0, 3), (3.54, 5), (8.0, 10), (0.5, 2)])
def test_erlang_c_matches_the_textbook_formula(load, c):
    # 60 an hour at `load` minutes each is `load` erlangs
    assert nogo.erlang_c(60.0, load, c)[0] == pytest.approx(_erlang_c_by_hand(load, c), rel=1e-9)
    assert _erlang_c_by_hand(2.0, 3) == pytest.approx(4 / 9)  # the textbook value: A = 2, c = 3


def test_the_largest_rate_two_agents_hold_by_brute_force():
    """80% answered within 5 minutes: 1 - C exp(-(c mu - lam) t) >= 0.8, scanned by hand on a fine grid."""
    held = float(klarna.largest_rate_held(2, 11.0, sla_minutes=5.0)[0])
    ok = []
    for rate in np.arange(0.0, 11.0, 0.05):
        load = rate * 11.0 / 60.0
        within = 1 - _erlang_c_by_hand(load, 2) * math.exp(-(2 / 11.0 - rate / 60.0) * 5.0) if load < 2 else 0
        ok.append((rate, within >= 0.8))
    assert held == pytest.approx(max(r for r, good in ok if good), abs=1e-9)
    assert held < 2 * 60 / 11.0  # below the team's capacity


def test_queue_cost_unanswered_share_and_continuity():
    cost = klarna.queue_cost_per_hour_usd(20.0, 11.0, [2, 5], hourly_usd=30.0, wait_usd_per_minute=0.5,
                                          patience_minutes=30.0, unanswered_usd=20.0)  # fmt: skip
    capacity = 2 * 60 / 11.0
    assert cost["answered_share"].iloc[0] == pytest.approx(capacity / 20.0)
    assert cost["unanswered_usd"].iloc[0] == pytest.approx((20.0 - capacity) * 20.0)
    assert cost["answered_share"].iloc[1] == 1.0 and cost["unanswered_usd"].iloc[1] == 0.0
    assert list(cost["staff_usd"]) == [60.0, 150.0]


def test_model_cost_per_contact_by_hand(data):
    p = data.parameters
    large_in = (1 - p["cache_hit_rate"]) * p["large_input_usd_per_mtok"] + p["cache_hit_rate"] * p[
        "large_cached_usd_per_mtok"
    ]
    large = (
        p["input_tokens_per_call"] * large_in + p["output_tokens_per_call"] * p["large_output_usd_per_mtok"]
    ) / 1e6
    small = (
        p["input_tokens_per_call"] * p["small_input_usd_per_mtok"]
        + p["output_tokens_per_call"] * p["small_output_usd_per_mtok"]
    ) / 1e6  # no cache price: full input
    by_hand = p["calls_per_contact"] * (
        p["routing_share_small"] * small + (1 - p["routing_share_small"]) * large
    )
    assert klarna.model_cost_per_contact_usd(p)[0] == pytest.approx(by_hand, rel=1e-12)


def test_break_even_share_by_hand(data):
    intents = klarna.intent_costs(data)
    p = data.parameters
    econ = klarna.tier_economics(intents, p, CASE.segments.costs.reviewer_miss_rate).set_index("tier")
    g = klarna.model_cost_per_contact_usd(p)[0]
    h = p["handle_minutes"] / 60 * p["reviewer_cost_per_hour_usd"]
    t1 = intents[intents["tier"] == 1]
    w = t1["share"] / t1["share"].sum()
    e = float((w * (1 - t1["accuracy"])).sum())
    c = float((w * t1["alone_usd"]).sum()) / e
    q = float((w * t1["person_error_usd"]).sum()) / c
    # blended(a) - people(a=0) = (g + h - h) - a (h + qC - eC): zero at a = g / (h + qC - eC)
    assert econ.loc["tier 1", "break_even_share"] == pytest.approx(g / (h + q * c - e * c), rel=1e-9)
    assert econ.loc["tier 1", "break_even"] == "pays above"
    assert econ.loc["tiers 1 and 2", "break_even"] == "never pays"  # plan changes at 85%: errors cost more
    people = float((intents["share"] * (h + intents["person_error_usd"])).sum())
    assert econ.loc["people only", "cost_per_contact_usd"] == pytest.approx(people, rel=1e-9)


def test_intent_costs_are_the_case_costs_at_the_planted_truth(data):
    intents = klarna.intent_costs(data).set_index("intent")
    expected = data.costs.expected(data.log["p_true"].to_numpy())
    seg = data.log["segment"].to_numpy()
    for name in intents.index:
        rows = seg == name
        assert intents.loc[name, "alone_usd"] == pytest.approx(expected[rows, 0].mean(), rel=1e-9)
        assert intents.loc[name, "unanswered_usd"] == pytest.approx(expected[rows, 2].mean(), rel=1e-9)
    assert set(intents.index[intents["forbids_alone"]]) == {"dispute with a merchant", "financial hardship",
                                                            "suspected fraud"}  # fmt: skip


def test_the_log_runs_at_contacts_per_hour(data):
    assert len(data.log) / (data.days * data.desk.hours_per_day) == pytest.approx(40.0)
    assert data.desk.handle_minutes == CASE.figure("human_resolution_minutes").value


@pytest.fixture(scope="module", params=[None, 1, 2, 3, 4])
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
    for setting in task.settings():
        score = task.score(setting)
        assert score.regret_usd >= 0
        if setting["tier"] == "everything":
            assert score.outcome.broken_rules and not score.correct  # the hard tail keeps a person


def test_no_constant_setting_is_right_on_every_variant():
    """The optimum moves with the case's parameters: no single setting is best everywhere, and each
    constant setting loses real money on some variant."""
    tasks = [OPEN.signature_task(OPEN.build(CASE.variant(s))) for s in range(8)]
    bests = [t.optimum()[0] for t in tasks]
    assert len({(b["tier"], b["agents"]) for b in bests}) >= 3
    for setting in tasks[0].settings():
        worst = max(t.score(setting).regret_usd / t.optimum()[1].cost_usd for t in tasks)
        assert worst > 0.05, setting


def test_the_informed_learner_beats_every_constant_and_the_pilot(variant):
    """Informed: reads the intent table (an intent runs alone when its wrong answers cost less than a
    person's time and mistakes) and sizes the team to the smallest offered with utilisation under 85%."""
    _values, built, task = variant
    params = built.parameters
    intents = klarna.intent_costs(built)
    person_usd = params["handle_minutes"] / 60 * params["reviewer_cost_per_hour_usd"]
    cheaper = intents["alone_usd"] < person_usd + intents["person_error_usd"]
    tier = "people only"
    for choice, top in (("tier 1", 1), ("tiers 1 and 2", 2)):
        if cheaper[intents["tier"] <= top].all():
            tier = choice
    load = params["contacts_per_hour"] * intents.loc[intents["tier"] > klarna.max_tier(tier), "share"].sum()
    load *= params["handle_minutes"] / 60
    agents = min((a for a in klarna.TEAM_SIZES if load / a <= 0.85), default=klarna.TEAM_SIZES[-1])
    informed = task.score({"tier": tier, "agents": agents})
    cost = task.optimum()[1].cost_usd
    assert informed.regret_usd <= 0.10 * cost, (tier, agents, task.optimum()[0])
    for setting in (
        {"tier": "tiers 1 and 2", "agents": 2},
        {"tier": "people only", "agents": 40},
        {"tier": "tier 1", "agents": 40},
    ):  # the launch with the pilot's team; two constants
        assert task.score(setting).regret_usd >= 2 * informed.regret_usd, setting
    assert task.score({"tier": "everything", "agents": 2}).outcome.broken_rules


@pytest.mark.parametrize("tier1", CASE.parameters["tier1_accuracy"].choices)
def test_the_call_flips_where_the_signature_optimum_does(tier1):
    """Below 0.88 the cheapest setting sends every intent to people (no-go); above, tier 1 runs alone."""
    for t2 in (0.75, 0.97):
        for rate in (15.0, 150.0):
            values = {"tier1_accuracy": tier1, "tier2_accuracy": t2, "contacts_per_hour": rate}
            best = OPEN.signature_task(OPEN.build(values)).optimum()[0]
            call = CASE.call_for(values).call
            assert (best["tier"] == "people only") == (call == "no-go"), (values, best, call)


def test_the_record_and_its_kinds():
    kinds = {f.name: (f.status, f.kind) for f in CASE.published_figures}
    assert kinds["share_of_chats_handled"] == ("SEEN", "consistency")
    assert kinds["projected_profit_improvement_usd"] == ("SEEN-2nd", "input")
    assert all(kind != "reproduced" for _status, kind in kinds.values())  # no figure is reproduced
    assert CASE.figure("projected_profit_improvement_usd").cited_as.endswith("(secondary source)")
    derived = CASE.figure("conversations_per_agent_equivalent").value
    assert derived == pytest.approx(2.3e6 / 700, rel=0.01)  # the assistant's own conversations
    assert CASE.figure("headcount_change").value == pytest.approx((3500 - 4500) / 4500, abs=0.001)


def test_the_contact_log_shows_the_planted_quiet_failure():
    weekly = klarna.weekly_metrics(klarna.contact_log(days=56, contacts_per_day=150.0, seed=20250508))
    first, last = weekly.iloc[:2].mean(), weekly.iloc[-2:].mean()
    assert last["resolution_rate"] > first["resolution_rate"]
    assert last["hard_tail_escalation_rate"] < 0.5 * first["hard_tail_escalation_rate"]
    assert last["hard_tail_recurrence_24h_rate"] > first["hard_tail_recurrence_24h_rate"]


def test_the_chart_is_keyed():
    weekly = klarna.weekly_metrics(klarna.contact_log(days=28, contacts_per_day=60.0, seed=1))
    assert unkeyed(klarna.quiet_failure_chart(weekly).to_dict()) == []
