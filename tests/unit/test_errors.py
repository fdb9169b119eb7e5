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
        ([[0.1, 0.2]], [[1, 0]], r"score: expected a 1-d array \(one value per decision\), got shape \(1, 2\)"),
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


# -- shapes: a decision log is 1-d and of one length; only costs broadcast (issue 16, item 3) -----

_N = 20
_SCORE = np.linspace(0.0, 1.0, _N)
_OUTCOME = np.array([1, 0] * (_N // 2))
_LOG_FUNCTIONS = {
    "sweep_thresholds": nogo.sweep_thresholds,
    "best_threshold": nogo.best_threshold,
    "best_two_thresholds": nogo.best_two_thresholds,
    "naive_policy": nogo.naive_policy,
    "compare_policies": nogo.compare_policies,
    "bootstrap_policy": lambda s, y, c: nogo.bootstrap_policy(s, y, c, n_boot=3, seed=0),
}


@pytest.mark.parametrize(
    ("score", "outcome", "message"),
    [
        (np.array(0.5), _OUTCOME, r"score: expected a 1-d array \(one value per decision\), got a single value"),
        ([0.5], _OUTCOME, r"score: expected 20 values to match outcome, got 1"),
        (_SCORE, np.array(1), r"outcome: expected a 1-d array \(one value per decision\), got a single value"),
        (_SCORE, [1], r"outcome: expected 20 values to match score, got 1"),
        (0.5, 1, r"score: expected a 1-d array \(one value per decision\), got a single value"),
    ],
    ids=["0-d score", "one score", "0-d outcome", "one outcome", "both scalars"],
)
@pytest.mark.parametrize("fn", list(_LOG_FUNCTIONS.values()), ids=list(_LOG_FUNCTIONS))
def test_a_single_value_does_not_stand_for_a_whole_log(fn, score, outcome, message):
    with pytest.raises(InputError, match=message):
        fn(score, outcome, COSTS)


@pytest.mark.parametrize(
    ("score", "outcome", "message"),
    [
        (np.array(0.5), _OUTCOME, r"(score|p): expected a 1-d array \(one value per decision\), got a single value"),
        ([0.5], _OUTCOME, r"(score|p): expected 20 values to match outcome, got 1"),
        (_SCORE, np.array(1), r"outcome: expected a 1-d array \(one value per decision\), got a single value"),
        (_SCORE, [1], r"outcome: expected 20 values to match (score|p), got 1"),
        (_SCORE[:19], _OUTCOME, r"outcome: expected 19 values to match (score|p), got 20"),
    ],
    ids=["0-d score", "one score", "0-d outcome", "one outcome", "19 against 20"],
)
@pytest.mark.parametrize(
    "fn",
    [
        nogo.reliability_table,
        nogo.expected_calibration_error,
        nogo.fit_calibrator,
        nogo.calibrate_out_of_fold,
    ],
    ids=lambda f: f.__name__,
)
def test_calibration_checks_the_shape_of_the_log(fn, score, outcome, message):
    with pytest.raises(InputError, match=message):
        fn(score, outcome)


def test_costs_do_not_broadcast_a_single_outcome_or_probability():
    per_decision = DecisionCosts(false_action_usd=np.arange(1.0, _N + 1), missed_usd=1)
    with pytest.raises(InputError, match=r"outcome: expected 20 values to match false_action_usd, got 1"):
        per_decision.realised([1])
    with pytest.raises(InputError, match=r"p: expected 20 values to match false_action_usd, got 1"):
        per_decision.expected([0.5])
    with pytest.raises(InputError, match=r"p: expected 20 values to match false_action_usd, got 1"):
        nogo.optimal_action(0.5, per_decision)
    # Scalar costs still broadcast over any log, and per-decision costs of the log's length still work.
    assert COSTS.realised(_OUTCOME).shape == (_N, 3)
    assert per_decision.realised(_OUTCOME).shape == (_N, 3)


def test_per_decision_costs_of_another_length_name_the_cost():
    costs = DecisionCosts(false_action_usd=np.ones(_N), missed_usd=1)
    with pytest.raises(InputError, match=r"costs: expected one value per decision \(1\) or a scalar, got 20"):
        nogo.sweep_thresholds([0.5], [1], costs)


def test_a_mixed_outcome_names_the_row_that_is_not_0_or_1():
    with pytest.raises(InputError, match=r"outcome: expected 0/1 or True/False outcomes, found 'yes' at row 4"):
        nogo.sweep_thresholds(_SCORE[:6], [1, 0, 1, 0, "yes", 1], COSTS)
    with pytest.raises(InputError, match=r"outcome: .* found None at row 2"):
        nogo.fit_calibrator(_SCORE[:4], [True, False, None, True])
    with pytest.raises(InputError, match=r"outcome: .* found '1' at row 1"):  # text is not a number
        nogo.best_two_thresholds(_SCORE[:3], [1, "1", 0], COSTS)


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ([0.1, 0.2, "abc", 0.4], r"score: expected numbers, could not convert 'abc' at row 2"),
        ([0.1, [0.2, 0.3], 0.4, 0.5], r"score: expected numbers, could not convert \[0.2, 0.3\] at row 1"),
        ([0.1, 0.2, 0.3, {}], r"score: expected numbers, could not convert \{\} at row 3"),
        ([0.1, 0.2, 1j, 0.4], r"score: expected numbers, could not convert 1j at row 2"),
        ([0.1, None, 0.3, 0.4], r"score: expected finite numbers, found nan at row 1"),
    ],
    ids=["text", "a list", "a dict", "complex", "None"],
)
def test_a_score_that_is_not_a_number_names_its_row(score, message):
    with pytest.raises(InputError, match=message):
        nogo.sweep_thresholds(score, [1, 0, 1, 0], COSTS)
    with pytest.raises(InputError, match=message):
        nogo.fit_calibrator(score, [1, 0, 1, 0])


@pytest.mark.parametrize("n_folds", [1, 0, -3, 21, 50, 2.5, True, "5", None])
def test_out_of_fold_calibration_checks_the_number_of_folds(n_folds):
    with pytest.raises(InputError, match=r"n_folds: expected a whole number from 2 to 20 \(the decisions\), got"):
        nogo.calibrate_out_of_fold(_SCORE, _OUTCOME, n_folds=n_folds)


def test_out_of_fold_calibration_accepts_every_valid_number_of_folds():
    for n_folds in (2, 20, np.int64(4)):
        assert nogo.calibrate_out_of_fold(_SCORE, _OUTCOME, n_folds=n_folds).shape == (_N,)


@pytest.mark.parametrize("days", [-1, 0, np.nan, np.inf, [1.0, 2.0], "a week"])
def test_compare_policies_needs_a_positive_span_of_days(days):
    with pytest.raises(InputError, match=r"days: expected"):
        nogo.compare_policies(_SCORE, _OUTCOME, COSTS, days=days)
    with pytest.raises(InputError, match=r"days: expected"):
        nogo.best_two_thresholds(_SCORE, _OUTCOME, COSTS, max_escalations_per_day=5, days=days)


def test_scalar_options_refuse_several_values():
    with pytest.raises(InputError, match=r"max_escalations_per_day: expected a single number, got 2 values"):
        nogo.best_two_thresholds(_SCORE, _OUTCOME, COSTS, max_escalations_per_day=[1, 2])
    with pytest.raises(InputError, match=r"confidence: expected a single number, got 2 values"):
        nogo.naive_policy(_SCORE, _OUTCOME, COSTS, confidence=[0.9, 0.5])
    with pytest.raises(InputError, match=r"error_budget: expected a single number, got 3 values"):
        nogo.best_threshold(_SCORE, _OUTCOME, COSTS, error_budget=[0.1, 0.2, 0.3])


def test_the_checks_that_moved_to_validate_are_still_importable_from_errors():
    import nogo._validate as validate
    import nogo.errors as errors
    from nogo.errors import as_float_array, check_rate

    assert check_rate is validate.check_rate and as_float_array is validate.as_float_array
    moved = {"as_float_array", "as_outcome_array", "as_scalar", "check_choice", "check_rate",
             "check_same_length", "check_whole_number"}
    assert all(getattr(errors, name) is getattr(validate, name) for name in moved)
    assert moved <= set(dir(errors))
    with pytest.raises(AttributeError, match="has no attribute 'as_rng'"):
        errors.as_rng  # noqa: B018 - only the names that used to live in nogo.errors are re-exported
    with pytest.raises(InputError, match=r"rate: expected probabilities in \[0, 1\], found 2.0 at row 0"):
        check_rate("rate", 2)
