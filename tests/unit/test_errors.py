"""Every bad input gets the package's error, naming the argument, the row and what was expected."""

from __future__ import annotations

import numpy as np
import pytest

import nogo
from nogo import CostComponent, CostModel, DecisionCosts, InputError

COSTS = DecisionCosts(false_action_usd=9, missed_usd=1, escalate_usd=0.5)


@pytest.mark.parametrize(
    ("score", "outcome", "message"),
    [
        ([0.1, np.nan, 0.3], [1, 0, 1], r"score: expected finite numbers, found nan at row 1"),
        ([0.1, 0.2, np.inf], [1, 0, 1], r"score: expected finite numbers, found inf at row 2"),
        ([0.1, 0.2], [1, 0, 1], r"outcome: expected 2 values to match score, got 3"),
        ([], [], r"score: expected at least one value, got an empty array"),
        ([0.1, 0.2], [1, 2], r"outcome: expected 0/1 or True/False outcomes, found 2 at row 1"),
        (
            [0.1, 0.2],
            ["yes", "no"],
            r"outcome: expected 0/1 or True/False outcomes, found 'yes' at row 0",
        ),
        (["a", "b"], [1, 0], r"score: expected numbers, could not convert"),
        ([[0.1, 0.2]], [[1, 0]], r"score: expected a scalar or a 1-d array, got shape \(1, 2\)"),
    ],
)
@pytest.mark.parametrize(
    "fn", [nogo.sweep_thresholds, nogo.best_threshold, nogo.best_two_thresholds, nogo.naive_policy]
)
def test_bad_logs_are_named(fn, score, outcome, message):
    with pytest.raises(InputError, match=message):
        fn(score, outcome, COSTS)


def test_input_error_is_a_value_error():
    with pytest.raises(ValueError):
        nogo.sweep_thresholds([np.nan], [1], COSTS)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"false_action_usd": -1, "missed_usd": 1},
            r"false_action_usd: expected values >= 0, found -1.0 at row 0",
        ),
        (
            {"false_action_usd": [1, 2, -3], "missed_usd": 1},
            r"false_action_usd: .* found -3.0 at row 2",
        ),
        (
            {"false_action_usd": 1, "missed_usd": np.nan},
            r"missed_usd: expected finite numbers, found nan at row 0",
        ),
        (
            {"false_action_usd": 1, "missed_usd": 1, "escalate_usd": -2},
            r"escalate_usd: expected values >= 0 \(or inf\)",
        ),
        (
            {"false_action_usd": [1, 2], "missed_usd": [1, 2, 3]},
            r"missed_usd: expected 2 values to match false_action_usd, got 3",
        ),
        (
            {"false_action_usd": 1, "missed_usd": 1, "reviewer_miss_rate": 1.5},
            r"reviewer_miss_rate: expected probabilities in \[0, 1\], found 1.5",
        ),
    ],
)
def test_bad_costs_are_named(kwargs, message):
    with pytest.raises(InputError, match=message):
        DecisionCosts(**kwargs)


def test_costs_of_the_wrong_length_for_the_log():
    costs = DecisionCosts(false_action_usd=[1, 2, 3], missed_usd=1)
    with pytest.raises(InputError, match=r"costs: expected one value per decision \(2\) or a scalar, got 3"):
        nogo.sweep_thresholds([0.1, 0.2], [1, 0], costs)


def test_probabilities_outside_the_unit_interval():
    with pytest.raises(InputError, match=r"p: expected probabilities in \[0, 1\], found 1.2 at row 1"):
        nogo.optimal_action([0.5, 1.2], COSTS)
    with pytest.raises(InputError, match=r"p: expected probabilities in \[0, 1\], found -0.1 at row 0"):
        nogo.reliability_table([-0.1, 0.5], [0, 1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"outcome": "wrong_action"},
            r"component 'x': outcome: expected one of 'act_right', 'false_action'",
        ),
        (
            {"outcome": "missed", "category": "moral"},
            r"component 'x': category: expected one of 'financial', 'reputational', 'legal', got 'moral'",
        ),
        (
            {"outcome": "missed", "base_usd": -5},
            r"component 'x': usd \(base\): expected values >= 0, found -5.0 at row 0",
        ),
        (
            {"outcome": "missed", "base_usd": 5, "low_usd": 6},
            r"component 'x': usd: expected low <= base <= high",
        ),
        (
            {"outcome": "missed", "value_share": 0.2, "value_share_high": 0.1},
            r"component 'x': value_share: expected low <= base <= high",
        ),
    ],
)
def test_bad_components_are_named(kwargs, message):
    with pytest.raises(InputError, match=message):
        CostComponent("x", **kwargs)


def test_value_share_without_value_is_named():
    model = CostModel([CostComponent("write-off", "false_action", value_share=0.3)])
    with pytest.raises(
        InputError,
        match=r"component 'write-off': is a share of the value at stake, so value_usd is needed",
    ):
        model.decision_costs()
    with pytest.raises(InputError, match=r"value_usd: expected values >= 0, found -4.0 at row 1"):
        model.decision_costs([1.0, -4.0])


def test_duplicate_and_foreign_components():
    c = CostComponent("refund", "false_action", base_usd=1)
    with pytest.raises(InputError, match="names must be unique, repeated: refund"):
        CostModel([c, c])
    with pytest.raises(InputError, match="expected CostComponent objects, got dict"):
        CostModel([{"name": "refund"}])
    with pytest.raises(InputError, match="no component named 'fine'"):
        CostModel([c]).decision_costs(levels={"fine": "high"})
    with pytest.raises(InputError, match=r"level: expected one of 'low', 'base', 'high', got 'worst'"):
        CostModel([c]).decision_costs(level="worst")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"otherwise": "ignore"},
            r"otherwise: expected one of 'decline', 'escalate', got 'ignore'",
        ),
        ({"error_budget": 2}, r"error_budget: expected probabilities in \[0, 1\], found 2.0"),
    ],
)
def test_bad_policy_options(kwargs, message):
    with pytest.raises(InputError, match=message):
        nogo.best_threshold([0.1, 0.2], [1, 0], COSTS, **kwargs)


def test_bad_capacity_options():
    with pytest.raises(InputError, match=r"max_escalations_per_day: expected values >= 0, found -1.0"):
        nogo.best_two_thresholds([0.1, 0.2], [1, 0], COSTS, max_escalations_per_day=-1)
    with pytest.raises(InputError, match=r"days: expected the log's span in days \(> 0\), got 0"):
        nogo.best_two_thresholds([0.1, 0.2], [1, 0], COSTS, max_escalations_per_day=1, days=0)


def test_three_way_cuts_needs_scalar_costs_and_a_positive_regret():
    with pytest.raises(InputError, match="three_way_cuts needs scalar costs"):
        nogo.three_way_cuts(DecisionCosts(false_action_usd=[1, 2], missed_usd=1))
    with pytest.raises(InputError, match="must together cost more than the right outcomes"):
        nogo.three_way_cuts(DecisionCosts(false_action_usd=1, missed_usd=1, act_right_usd=3))
    with pytest.raises(InputError, match="at least one must be positive"):
        nogo.classic_cut(0, 0)
