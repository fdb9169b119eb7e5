"""Thresholds: the sweeps against brute force, the analytic rule against the empirical optimum."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nogo
from nogo import DecisionCosts

_CODE = {"act": 0, "escalate": 1, "decline": 2}


@st.composite
def logs(draw, max_n: int = 9, per_decision: bool = True):
    """A small decision log with tied scores and random, possibly per-decision, costs."""
    n = draw(st.integers(1, max_n))
    levels = draw(st.integers(1, 5))
    score = np.array(draw(st.lists(st.integers(0, levels), min_size=n, max_size=n))) / levels
    outcome = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    money = st.floats(0, 100, allow_nan=False, allow_infinity=False)
    size = n if per_decision and draw(st.booleans()) else 1

    def arr():
        return np.array(draw(st.lists(money, min_size=size, max_size=size)))

    escalate = arr()
    # Escalation unavailable (inf, the default of DecisionCosts) on no row, on every row, or on some.
    unavailable = draw(st.sampled_from(["none", "all", "some"]))
    if unavailable == "all":
        escalate[:] = np.inf
    elif unavailable == "some":
        escalate = np.resize(escalate, n)
        escalate[np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))] = np.inf
    costs = DecisionCosts(
        false_action_usd=arr(),
        missed_usd=arr(),
        escalate_usd=escalate,
        act_right_usd=arr() / 10,
        hold_right_usd=arr() / 10,
        reviewer_miss_rate=draw(st.floats(0, 1)),
        reviewer_false_block_rate=draw(st.floats(0, 1)),
    )
    return score, outcome, costs


def _brute_force(score, outcome, costs, *, cap=None, budget=None, escalate=True):
    """Cheapest cost over every (t_hi, t_lo) pair of candidate thresholds, by enumeration."""
    realised = costs.realised(outcome)
    n = len(score)
    candidates = np.concatenate([[np.inf], np.unique(score)])
    best = np.inf
    for t_hi, t_lo in itertools.product(candidates, candidates):
        if t_lo > t_hi or (not escalate and t_lo != t_hi):
            continue
        action = np.where(score >= t_hi, 0, np.where(score >= t_lo, 1, 2))
        if cap is not None and (action == 1).sum() > cap:
            continue
        if budget is not None and ((action == 0) & ~outcome).sum() > budget * n + 1e-9:
            continue
        best = min(best, realised[np.arange(n), action].sum())
    return best


def _realised_cost(policy: nogo.Policy, score, outcome, costs) -> float:
    action = np.vectorize(_CODE.get)(policy.actions(score))
    return float(costs.realised(outcome)[np.arange(len(score)), action].sum())


@settings(max_examples=300, deadline=None)
@given(logs())
def test_sweep_matches_enumeration_at_every_threshold(log):
    score, outcome, costs = log
    table = nogo.sweep_thresholds(score, outcome, costs)
    realised = costs.realised(outcome)
    assert table["threshold"].iloc[0] == np.inf
    assert len(table) == len(np.unique(score)) + 1
    for row in table.itertuples():
        act = score >= row.threshold
        expected = np.where(act, realised[:, 0], realised[:, 2]).sum()
        assert row.cost_usd == pytest.approx(expected, abs=1e-6)
        assert row.n_act == act.sum()
        assert row.n_wrong_actions == (act & ~outcome).sum()
        assert row.error_rate == pytest.approx((act & ~outcome).mean())


@settings(max_examples=300, deadline=None)
@given(logs())
def test_best_single_threshold_equals_brute_force(log):
    score, outcome, costs = log
    policy = nogo.best_threshold(score, outcome, costs)
    best = _brute_force(score, outcome, costs, escalate=False)
    assert policy.cost_usd == pytest.approx(best, abs=1e-6)
    assert _realised_cost(policy, score, outcome, costs) == pytest.approx(best, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(logs())
def test_best_two_thresholds_equals_brute_force(log):
    score, outcome, costs = log
    policy = nogo.best_two_thresholds(score, outcome, costs)
    best = _brute_force(score, outcome, costs)
    assert policy.cost_usd == pytest.approx(best, abs=1e-6)
    assert _realised_cost(policy, score, outcome, costs) == pytest.approx(best, abs=1e-6)
    assert policy.t_lo <= policy.t_hi


@settings(max_examples=300, deadline=None)
@given(logs())
def test_three_way_never_costs_more_than_the_best_single_threshold(log):
    """A three-way policy can always copy the best single threshold, so it never costs more."""
    score, outcome, costs = log
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # inf - inf used to print a RuntimeWarning and pick a NaN
        three = nogo.best_two_thresholds(score, outcome, costs)
        single = nogo.best_threshold(score, outcome, costs)
        table = nogo.compare_policies(score, outcome, costs)
    assert three.cost_usd <= single.cost_usd + 1e-6
    by_label = table.set_index("policy")["cost_usd"]
    assert by_label[three.label] <= by_label[single.label] + 1e-6
    # The naive rule escalates whatever falls below its cut, so without reviewers it may cost inf;
    # the optimised rows never do, and nothing is NaN.
    assert np.isfinite(table["cost_usd"].iloc[1:]).all() and (table["regret_usd"] >= -1e-6).all()


def test_best_two_thresholds_when_escalation_is_unavailable():
    """The repros of issue 12: inf escalation costs made a running total NaN and argmin picked it."""
    c = DecisionCosts(false_action_usd=9, missed_usd=1)
    assert nogo.best_threshold([0.9, 0.2, 0.6], [1, 0, 1], c).cost_usd == 0.0
    assert nogo.best_two_thresholds([0.9, 0.2, 0.6], [1, 0, 1], c).cost_usd == 0.0
    declined = nogo.best_two_thresholds([0.3], [0], DecisionCosts(10, 1))
    assert (declined.cost_usd, declined.n_act, declined.n_escalate) == (0.0, 0, 0)
    some = DecisionCosts(false_action_usd=[8, 6, 7], missed_usd=[3, 8, 1], escalate_usd=[np.inf, np.inf, 2])
    policy = nogo.best_two_thresholds([0.5, 0.5, 1], [0, 0, 0], some)
    assert policy.cost_usd == _brute_force(np.array([0.5, 0.5, 1]), np.array([False] * 3), some) == 0.0


def test_constrained_label_holds_for_a_zero_error_budget():
    c = DecisionCosts(false_action_usd=9, missed_usd=1, escalate_usd=0.4)
    policy = nogo.best_two_thresholds([0.95, 0.7, 0.5, 0.1], [1, 0, 1, 0], c, error_budget=0.0)
    assert policy.label.endswith("(constrained)")
    assert policy.n_wrong_actions == 0


@settings(max_examples=300, deadline=None)
@given(logs(), st.integers(0, 5), st.sampled_from([None, 0.0, 0.1, 0.25, 0.5]))
def test_constrained_two_thresholds_equals_brute_force(log, cap, budget):
    score, outcome, costs = log
    policy = nogo.best_two_thresholds(
        score, outcome, costs, max_escalations_per_day=cap / 2, days=2, error_budget=budget
    )
    best = _brute_force(score, outcome, costs, cap=cap, budget=budget)
    assert policy.cost_usd == pytest.approx(best, abs=1e-6)
    assert policy.n_escalate <= cap
    if budget is not None:
        assert policy.error_rate <= budget + 1e-9
    action = policy.actions(score)
    assert (action == "escalate").sum() == policy.n_escalate
    assert ((action == "act") & ~outcome).sum() == policy.n_wrong_actions


@settings(max_examples=200, deadline=None)
@given(logs(), st.sampled_from([0.0, 0.1, 0.3]))
def test_single_threshold_error_budget_equals_brute_force(log, budget):
    score, outcome, costs = log
    policy = nogo.best_threshold(score, outcome, costs, error_budget=budget)
    assert policy.cost_usd == pytest.approx(
        _brute_force(score, outcome, costs, budget=budget, escalate=False), abs=1e-6
    )
    assert policy.error_rate <= budget + 1e-12


def test_scalar_and_per_decision_costs_agree():
    rng = np.random.default_rng(3)
    score, outcome = rng.uniform(size=500), rng.uniform(size=500) < 0.6
    scalar = DecisionCosts(false_action_usd=7.0, missed_usd=2.0, escalate_usd=1.0)
    arrays = DecisionCosts(
        false_action_usd=np.full(500, 7.0),
        missed_usd=np.full(500, 2.0),
        escalate_usd=np.full(500, 1.0),
    )
    a = nogo.sweep_thresholds(score, outcome, scalar)
    b = nogo.sweep_thresholds(score, outcome, arrays)
    np.testing.assert_allclose(a["cost_usd"], b["cost_usd"])
    assert nogo.best_two_thresholds(score, outcome, scalar) == nogo.best_two_thresholds(
        score, outcome, arrays
    )


def test_value_at_stake_moves_the_policy():
    """With error costs proportional to value, review pays on a $2M item and never on a $5 one."""
    rng = np.random.default_rng(11)
    n = 20_000
    p = rng.uniform(0.5, 1.0, size=n)
    value = np.where(rng.uniform(size=n) < 0.5, 5.0, 2_000_000.0)
    model = nogo.CostModel(
        [
            nogo.CostComponent("write-off", "false_action", value_share=0.3),
            nogo.CostComponent("lost margin", "missed", value_share=0.02),
            nogo.CostComponent("analyst review", "review", base_usd=25.0),
        ]
    )
    action = nogo.optimal_action(p, model.decision_costs(value))
    cheap, dear = value == 5.0, value == 2_000_000.0
    cut = 0.3 / (0.3 + 0.02)  # the classic cut: the same for both, since both errors scale with value
    assert "escalate" not in set(action[cheap])
    np.testing.assert_array_equal(action[cheap] == "act", p[cheap] >= cut)
    # For the dear item, escalation (cost 25) beats acting unless (1 - p) * 600,000 < 25.
    np.testing.assert_array_equal(action[dear] == "act", (1 - p[dear]) * 600_000 <= 25)
    assert (action[dear] == "escalate").mean() > 0.99


# --- the analytic rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fa", "miss", "expected"),
    [(90, 10, 0.9), (1, 1, 0.5), (1, 3, 0.25), (2_000_000, 50, 2e6 / 2_000_050)],
)
def test_classic_cut_is_the_textbook_ratio(fa, miss, expected):
    assert nogo.classic_cut(fa, miss) == pytest.approx(expected)
    lo, hi = nogo.three_way_cuts(DecisionCosts(false_action_usd=fa, missed_usd=miss))
    assert lo == hi == pytest.approx(expected)


def test_three_way_cuts_match_the_expected_cost_argmin():
    """On a fine grid, the cuts are exactly where the cheapest expected action changes."""
    grid = np.linspace(0, 1, 100_001)
    for costs in [
        DecisionCosts(false_action_usd=90, missed_usd=10, escalate_usd=2),
        DecisionCosts(false_action_usd=50, missed_usd=30, escalate_usd=5, reviewer_miss_rate=0.2),
        DecisionCosts(
            false_action_usd=40,
            missed_usd=40,
            escalate_usd=4,
            act_right_usd=1,
            hold_right_usd=2,
            reviewer_miss_rate=0.1,
            reviewer_false_block_rate=0.05,
        ),
        DecisionCosts(false_action_usd=10, missed_usd=10, escalate_usd=6),  # escalation never pays
    ]:
        lo, hi = nogo.three_way_cuts(costs)
        action = nogo.optimal_action(grid, costs)
        expected = np.where(grid >= hi, "act", np.where(grid >= lo, "escalate", "decline"))
        disagree = grid[action != expected]
        # Only grid points within rounding of a cut may disagree.
        assert np.all(np.minimum(abs(disagree - lo), abs(disagree - hi)) < 1e-9)


def test_three_way_cuts_say_never_act_when_acting_never_pays():
    """Acting right costs more than a miss and escalation is free: no p makes acting cheapest."""
    costs = DecisionCosts(
        false_action_usd=28, missed_usd=3, escalate_usd=0, act_right_usd=9.65, reviewer_false_block_rate=0.4
    )
    _lo, hi = nogo.three_way_cuts(costs)
    assert hi == np.inf  # "never act", as Policy.t_hi = inf means
    assert nogo.optimal_action([1.0], costs).tolist() == ["decline"]
    assert "act" not in set(nogo.optimal_action(np.linspace(0, 1, 1001), costs))
    # Without escalation, a classic cut above 1 is also "never act".
    assert nogo.three_way_cuts(DecisionCosts(false_action_usd=28, missed_usd=3, act_right_usd=9.65)) == (
        np.inf,
        np.inf,
    )


@st.composite
def scalar_costs(draw):
    money = st.floats(0, 100, allow_nan=False, allow_infinity=False)
    return DecisionCosts(
        false_action_usd=draw(money),
        missed_usd=draw(money),
        escalate_usd=draw(st.one_of(money, st.just(np.inf))),
        act_right_usd=draw(money) / draw(st.sampled_from([1, 10])),
        hold_right_usd=draw(money) / draw(st.sampled_from([1, 10])),
        reviewer_miss_rate=draw(st.floats(0, 1)),
        reviewer_false_block_rate=draw(st.floats(0, 1)),
    )


@settings(max_examples=400, deadline=None)
@given(scalar_costs())
def test_three_way_cuts_pick_the_strictly_cheapest_action_everywhere(costs):
    """Wherever one action is cheaper than the others by a margin, the cuts choose it (or, for cost
    models the two cuts cannot express, three_way_cuts says so)."""
    grid = np.linspace(0, 1, 2001)
    try:
        lo, hi = nogo.three_way_cuts(costs)
    except nogo.InputError as exc:
        assert "cannot be written as two cuts" in str(exc) or "must together cost more" in str(exc)
        return
    assert 0.0 <= lo <= hi and (hi <= 1.0 or hi == np.inf) and (lo <= 1.0 or lo == np.inf)
    m = costs.expected(grid)
    order = np.sort(m, axis=1)
    clear = (order[:, 1] - order[:, 0]) > 1e-6 * (1 + np.abs(order[:, 0]))
    expected = np.where(grid >= hi, "act", np.where(grid >= lo, "escalate", "decline"))
    assert (nogo.optimal_action(grid, costs)[clear] == expected[clear]).all()


def test_escalation_band_widens_as_review_gets_cheaper():
    widths = []
    for review in [40, 20, 10, 5, 1, 0.1]:
        lo, hi = nogo.three_way_cuts(DecisionCosts(false_action_usd=90, missed_usd=30, escalate_usd=review))
        widths.append(hi - lo)
    assert widths == sorted(widths)
    assert widths[-1] > 0.95
    assert widths[0] < widths[-1]


def test_escalation_band_vanishes_when_review_costs_more_than_either_error():
    for review in [30.01, 50, 90, 1000]:
        lo, hi = nogo.three_way_cuts(DecisionCosts(false_action_usd=90, missed_usd=30, escalate_usd=review))
        assert lo == hi == pytest.approx(0.75)
    p = np.linspace(0, 1, 1001)
    costs = DecisionCosts(false_action_usd=90, missed_usd=30, escalate_usd=31)
    assert "escalate" not in set(nogo.optimal_action(p, costs))


def test_analytic_rule_agrees_with_empirical_optimum_on_a_calibrated_log():
    rng = np.random.default_rng(20261125)
    n = 400_000
    p = rng.uniform(size=n)
    outcome = rng.uniform(size=n) < p  # calibrated by construction
    costs = DecisionCosts(false_action_usd=60, missed_usd=20, escalate_usd=4, reviewer_miss_rate=0.1)
    lo, hi = nogo.three_way_cuts(costs)
    empirical = nogo.best_two_thresholds(p, outcome, costs)
    assert empirical.t_lo == pytest.approx(lo, abs=0.02)
    assert empirical.t_hi == pytest.approx(hi, abs=0.02)
    analytic_action = np.vectorize(_CODE.get)(nogo.optimal_action(p, costs))
    analytic_cost = costs.realised(outcome)[np.arange(n), analytic_action].sum()
    assert empirical.cost_usd <= analytic_cost  # the in-sample optimum cannot lose
    assert analytic_cost == pytest.approx(empirical.cost_usd, rel=0.01)


def test_naive_rule_costs_more_than_the_optimum_when_errors_are_dear():
    rng = np.random.default_rng(5)
    p = rng.beta(5, 1.5, size=50_000)
    outcome = rng.uniform(size=p.size) < p
    costs = DecisionCosts(false_action_usd=500, missed_usd=20, escalate_usd=8)
    table = nogo.compare_policies(p, outcome, costs, naive_confidence=0.9)
    by = table.set_index("policy")
    naive = by.iloc[0]
    best = by.loc["best act/escalate/decline"]
    assert naive["regret_usd"] > 0.05 * best["cost_usd"]
    assert best["regret_usd"] == pytest.approx(0.0)
    assert (table["regret_usd"] >= -1e-9).all()


def test_compare_policies_flags_the_policies_that_break_capacity():
    rng = np.random.default_rng(8)
    p = rng.uniform(size=5_000)
    outcome = rng.uniform(size=p.size) < p
    costs = DecisionCosts(false_action_usd=50, missed_usd=20, escalate_usd=1)
    table = nogo.compare_policies(p, outcome, costs, max_escalations_per_day=100, days=5)
    assert table["meets_constraints"].tolist() == [False, True, False, True]
    constrained = table.iloc[-1]
    assert constrained["escalations_per_day"] <= 100
    assert constrained["regret_usd"] == pytest.approx(0.0)
    assert table.iloc[2]["cost_usd"] < constrained["cost_usd"]  # capacity has a price


def test_policy_thresholds_apply_to_new_scores():
    costs = DecisionCosts(false_action_usd=9, missed_usd=1, escalate_usd=0.4)
    policy = nogo.best_two_thresholds([0.95, 0.7, 0.5, 0.1], [1, 0, 1, 0], costs)
    assert policy.actions([0.99, 0.95, 0.6, 0.5, 0.49]).tolist() == [
        "act",
        "act",
        "escalate",
        "escalate",
        "decline",
    ]
    assert (policy.n_act, policy.n_escalate, policy.n_decline) == (1, 2, 1)
