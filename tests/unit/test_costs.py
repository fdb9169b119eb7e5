"""Cost of error: expected costs by hand, value-dependent components, sensitivity."""

from __future__ import annotations

import numpy as np
import pytest

import nogo
from nogo import CostComponent, CostModel, DecisionCosts


def test_expected_costs_match_hand_calculation():
    costs = DecisionCosts(
        false_action_usd=100,
        missed_usd=30,
        escalate_usd=5,
        act_right_usd=1,
        hold_right_usd=2,
        reviewer_miss_rate=0.1,
        reviewer_false_block_rate=0.2,
    )
    p = 0.7
    act = p * 1 + (1 - p) * 100
    decline = p * 30 + (1 - p) * 2
    escalate = 5 + p * (0.8 * 1 + 0.2 * 30) + (1 - p) * (0.1 * 100 + 0.9 * 2)
    np.testing.assert_allclose(costs.expected([p])[0], [act, escalate, decline])


def test_realised_costs_follow_the_outcome():
    costs = DecisionCosts(
        false_action_usd=[10, 20], missed_usd=[3, 4], escalate_usd=1, reviewer_miss_rate=0.5
    )
    got = costs.realised([1, 0])
    np.testing.assert_allclose(got, [[0, 1, 3], [20, 1 + 0.5 * 20, 0]])


def test_components_sum_by_outcome_and_scale_with_value():
    model = CostModel(
        [
            CostComponent("refund", "false_action", base_usd=40),
            CostComponent("inventory write-off", "false_action", value_share=0.25),
            CostComponent("regulator", "false_action", "legal", base_usd=1000, low_usd=0, high_usd=5000),
            CostComponent("lost sale", "missed", value_share=0.1),
            CostComponent("review", "review", base_usd=6),
            CostComponent("customer waits", "delay", "reputational", base_usd=2),
        ],
        reviewer_miss_rate=0.05,
    )
    value = np.array([10.0, 2_000_000.0])
    c = model.decision_costs(value)
    np.testing.assert_allclose(c.array("false_action_usd"), 40 + 0.25 * value + 1000)
    np.testing.assert_allclose(c.array("missed_usd"), 0.1 * value)
    np.testing.assert_allclose(c.array("escalate_usd"), [8.0])
    high = model.decision_costs(value, levels={"regulator": "high"})
    np.testing.assert_allclose(high.array("false_action_usd") - c.array("false_action_usd"), 4000)


def test_no_review_component_means_escalation_is_unavailable():
    model = CostModel(
        [
            CostComponent("error", "false_action", base_usd=10),
            CostComponent("miss", "missed", base_usd=10),
        ]
    )
    frame = model.expected_costs([0.2, 0.9])
    assert np.isinf(frame["escalate_usd"]).all()
    assert frame["best_action"].tolist() == ["decline", "act"]


def test_sensitivity_ranks_components_by_swing_and_matches_a_recomputation():
    model = CostModel(
        [
            CostComponent("refund", "false_action", base_usd=50, low_usd=40, high_usd=60),
            CostComponent("fine", "false_action", "legal", base_usd=100, low_usd=0, high_usd=900),
            CostComponent("lost value", "missed", base_usd=30, low_usd=10, high_usd=50),
            CostComponent("review", "review", base_usd=5),  # no range: not in the table
        ]
    )
    rng = np.random.default_rng(4)
    p = rng.uniform(size=2000)
    table = model.sensitivity(p)
    assert table["component"].tolist()[0] == "lost value"  # escalation caps the fine's reach
    assert "review" not in set(table["component"])
    assert (np.diff(table["swing_usd"]) <= 0).all()
    # Recompute the "fine at high" row by hand.
    high = DecisionCosts(false_action_usd=50 + 900, missed_usd=30, escalate_usd=5)
    m = high.expected(p)
    row = table.set_index("component").loc["fine"]
    assert row["cost_high_usd"] == pytest.approx(m.min(axis=1).sum())
    base_action = np.argmin(
        DecisionCosts(false_action_usd=150, missed_usd=30, escalate_usd=5).expected(p), axis=1
    )
    assert row["changed_high"] == pytest.approx(np.mean(np.argmin(m, axis=1) != base_action))
    assert row["changed_high"] > 0
    low = DecisionCosts(false_action_usd=150, missed_usd=10, escalate_usd=5).expected(p)
    assert table.set_index("component").loc["lost value", "cost_low_usd"] == pytest.approx(
        low.min(axis=1).sum()
    )
    assert table.attrs["base_cost_usd"] == pytest.approx(
        DecisionCosts(false_action_usd=150, missed_usd=30, escalate_usd=5).expected(p).min(axis=1).sum()
    )


def test_component_lookup_names_the_known_components():
    model = CostModel([CostComponent("refund", "false_action", base_usd=1)])
    with pytest.raises(nogo.InputError, match="no component named 'fine'; known: refund"):
        model.component("fine")
