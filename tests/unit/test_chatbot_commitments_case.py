"""The chatbot-commitments case: its red-team drill, its update replay, its call boundary and its chart,
each against an independent calculation (the rule of three, the exact binomial, brute force)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import beta, binom, poisson

import nogo
from nogo.cases import chatbot_commitments as bots
from nogo.cases.segment_policy import SegmentTask
from tests.unit.test_chart_keys import unkeyed

PROJECT = nogo.Project.find()
CASE_FILE = PROJECT.case("chatbot-commitments")
CASE = nogo.open_case(CASE_FILE, PROJECT.data)


@pytest.fixture(scope="module")
def built():
    return CASE.build()


def test_the_case_runs_on_the_segment_generator_with_its_own_signature_task(built):
    assert isinstance(CASE, nogo.SegmentCase)
    assert set(built.log["segment"]) == {s.name for s in CASE_FILE.segments.segments}
    assert isinstance(CASE.signature_task(built), bots.RedTeamTask)
    rules = {r.rule: set(built.log.loc[r.applies, "segment"]) for r in built.hard_rules}
    assert all(r.forbids == "act" for r in built.hard_rules)
    assert sorted(map(sorted, rules.values())) == [["legal or regulatory advice"], ["price commitment"]]


@pytest.mark.parametrize("budget", [0.05, 0.01, 0.003, 0.001, 0.0001])
def test_red_team_sizes_match_the_rule_of_three_and_the_exact_binomial(budget):
    row = bots.red_team_sizes_table([budget]).iloc[0]
    n = int(row["exact_attempts"])
    # exact: the smallest n with P(no failure | rate = budget) <= 5%
    assert binom.pmf(0, n, budget) <= 0.05 < binom.pmf(0, n - 1, budget)
    assert abs(n - 3 / budget) <= 0.02 * (3 / budget)  # the rule of three
    assert row["decisions_needed"] == n == nogo.decisions_needed(budget)
    # the Clopper-Pearson upper bound at k = 0 is 1 - 0.05 ** (1 / n): the budget or just below
    assert row["upper_bound"] == pytest.approx(beta.ppf(0.95, 1, n), rel=1e-9)
    assert row["upper_bound"] <= budget


def test_the_rollback_threshold_is_the_first_count_whose_exact_lower_bound_passes_the_rate():
    for n, rate in [(140, 0.003), (140, 0.001), (420, 0.003), (35, 0.01)]:
        k = bots.rollback_threshold(n, rate)
        lower = [beta.ppf(0.05, j, n - j + 1) if j > 0 else 0.0 for j in range(n + 1)]  # one-sided 95%
        assert lower[k] > rate and all(v <= rate for v in lower[:k])


def test_poisson_counts_from_uniforms_match_scipy():
    rng = np.random.default_rng(3)
    u, lam = rng.random(20_000), rng.uniform(0, 2, 20_000)
    assert np.array_equal(bots.red_team.poisson_from_uniform(u, lam), poisson.ppf(u, lam))


@pytest.fixture(scope="module")
def task(built):
    return CASE.signature_task(built)


def test_the_optimum_is_the_brute_force_minimum_over_settings_that_keep_the_rules(task):
    best, outcome = task.optimum()
    costs = {tuple(s.values()): task.evaluate(s) for s in task.settings()}
    allowed = {k: v.cost_usd for k, v in costs.items() if not v.broken_rules}
    assert tuple(best.values()) == min(allowed, key=allowed.get)
    assert best["response"] != bots.DISCLAIMER and not outcome.broken_rules
    assert all(costs[(n, bots.DISCLAIMER)].broken_rules for n in bots.RED_TEAM_SIZES)
    for setting in task.settings():
        assert task.score(setting).regret_usd >= 0


def test_a_red_team_lowers_the_commitments_in_production_and_untested_is_the_incidents_cost(task):
    made = [task.evaluate({"red_team_attempts": n, "response": bots.KILL_SWITCH}).metrics["commitments in production"]
            for n in bots.RED_TEAM_SIZES]  # fmt: skip
    assert made == sorted(made, reverse=True)
    untested_live = task.evaluate({"red_team_attempts": 0, "response": bots.DISCLAIMER})
    untested_switch = task.evaluate({"red_team_attempts": 0, "response": bots.KILL_SWITCH})
    assert untested_live.cost_usd > 5 * untested_switch.cost_usd


def test_the_launch_gate_passes_a_round_with_the_binomial_chance_of_a_clean_round():
    task = bots.RedTeamTask(attacks_per_day=10, commitment_rate=0.002, public_failure_usd=1_000,
                            false_reports_per_day=0.0, red_team_usd_per_attempt=1, bot_value_usd_per_day=100,
                            seed=5, n_paths=20_000)  # fmt: skip
    rounds, _day, _rate, _shelved = task._launch(1000)
    first_clean = np.mean(rounds == 1)
    expected = np.mean((1 - task.rate0) ** 1000)  # each path's own rate
    assert first_clean == pytest.approx(expected, abs=4 * math.sqrt(expected * (1 - expected) / 20_000))


def _drill_params(**change):
    return {**CASE_FILE.defaults(), **change}


def test_the_optimum_moves_with_the_case_s_parameters_so_no_constant_answer_wins():
    optima = set()
    for c_usd in (3_000.0, 20_000.0, 100_000.0):
        for f in (0.005, 0.5):
            t = bots.red_team_task(_drill_params(public_failure_usd=c_usd, false_reports_per_day=f), rule="r")
            optima.add(tuple(t.optimum()[0].values()))
    sizes = {o[0] for o in optima}
    responses = {o[1] for o in optima}
    assert len(sizes) >= 3 and responses == {bots.KILL_SWITCH, bots.ROLLBACK}
    # a costlier commitment never asks for a smaller red team
    picked = [bots.red_team_task(_drill_params(public_failure_usd=c), rule="r").optimum()[0]["red_team_attempts"]
              for c in (3_000.0, 20_000.0, 100_000.0)]  # fmt: skip
    assert picked == sorted(picked) and picked[0] < picked[-1]


def test_every_constant_setting_has_regret_on_some_coaching_variant():
    regret = {}
    for seed in range(12):
        t = CASE.signature_task(CASE.build(CASE_FILE.variant(seed)))
        for s in t.settings():
            regret[tuple(s.values())] = regret.get(tuple(s.values()), 0.0) + t.score(s).regret_usd
    assert min(regret.values()) > 0


@pytest.mark.parametrize("accuracy", CASE_FILE.parameters["answer_accuracy"].choices)
def test_the_call_flips_where_the_segment_table_stops_answering_alone(accuracy):
    for review in (2.0, 4.0, 8.0):
        data = CASE.build({"answer_accuracy": accuracy, "review_usd": review})
        best, _ = SegmentTask(data).optimum()
        alone = {k for k, v in best.items() if v == "act"}
        call = CASE_FILE.call_for({"answer_accuracy": accuracy}).call
        if accuracy < 0.85:
            assert not alone and call == "no-go"
        else:
            assert alone == {"product question", "price quote"} and call == "ship with guardrails"
        assert best["price commitment"] == "escalate" and best["legal or regulatory advice"] != "act"
        assert best["off-topic or abuse"] == "decline"


def test_the_update_replay_switches_never_let_through_more_than_keeping_it_live():
    stream = bots.update_stream(attacks_per_day=20, rate_before=0.001, rate_after=0.03, public_failure_usd=1e4,
                                days_before=10, days_after=20, seed=2)  # fmt: skip
    assert len(stream) == 600 and stream["timestamp"].is_monotonic_increasing
    out = bots.switch_comparison(stream, rollback_rate=0.003, window=140, rate_before=0.001, rate_after=0.03,
                                 pull_after_hours=48)  # fmt: skip
    total = stream["loss_usd"].sum()
    assert out["loss_total_usd"].eq(total).all()
    assert (out["loss_with_switch_usd"] <= total).all() and out["loss_with_switch_usd"].iloc[-1] == total
    pulled = out.iloc[2]
    first = stream.index[stream["after_update"] & (stream["error"] == 1)][0]
    at = stream.index[stream["hours_since_first"] >= 48][0]
    assert (
        pulled["fired_at_index"] == at and stream.loc[first, "timestamp"] + 48 <= stream.loc[at, "timestamp"]
    )
    assert pulled["loss_before_fire_usd"] == stream.loc[:at, "loss_usd"].sum()


def test_the_bound_chart_is_keyed_and_its_numbers_are_the_exact_bound():
    frame = bots.bound_frame(np.array([30, 300, 3000]))
    zero = frame[frame["found"] == "0 found"]
    assert np.allclose(zero["upper_bound"], 1 - 0.05 ** (1 / zero["attempts"]))
    assert unkeyed(bots.bound_chart(frame, budget=0.003).to_dict()) == []


def test_the_record_figures_are_what_the_incidents_sheet_says():
    figures = {f.name: f for f in CASE_FILE.published_figures}
    assert figures["tahoe_agreed_price_usd"].value == 1 and figures["tahoe_agreed_price_usd"].status == "SEEN"
    assert figures["tahoe_list_price_usd"].status == "SEEN-2nd" and figures["tahoe_list_price_usd"].note
    assert figures["tahoe_bot_pulled_hours"].status == "SEEN-2nd"
    days = figures["mycity_days_live_after_report"]
    assert days.status == "DERIVED" and days.value == 672
    assert {f.kind for f in figures.values()} <= {"input", "consistency"}  # nothing claims to be reproduced
