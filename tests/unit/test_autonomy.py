"""Autonomy surface, Impact Grid and promotion gates: against per-row references, scipy and brute force."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats import binomtest

from nogo.errors import InputError
from nogo.models.autonomy import (
    AUTONOMY_LEVELS,
    QUADRANT_LEVELS,
    VERDICTS,
    AllowedActions,
    AutonomySurface,
    Never,
    SegmentRule,
    TopShare,
    ValueCap,
    When,
    check_promotion_gate,
    decisions_needed,
    impact_grid,
    place_in_grid,
)

ACTIONS = ["refund", "reschedule", "wire", "close_account"]
SEGMENTS = ["retail", "smb", "minor"]


@st.composite
def logs(draw, max_n: int = 30):
    """A small decision log with values on and around a $50 cap, tied scores and missing actions."""
    n = draw(st.integers(1, max_n))
    value = draw(
        st.lists(st.sampled_from([0.0, 10.0, 49.99, 50.0, 50.01, 120.0, 5000.0]), min_size=n, max_size=n)
    )
    score = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    action = draw(st.lists(st.sampled_from([*ACTIONS, None]), min_size=n, max_size=n))
    segment = draw(st.lists(st.sampled_from(SEGMENTS), min_size=n, max_size=n))
    index = draw(st.permutations(range(100, 100 + n)))
    return pd.DataFrame(
        {"value_usd": value, "score": np.array(score) / 4, "action_type": action, "segment": segment},
        index=index,
    )


# Per-row references, written from the rules' plain-language statements (a Python loop over rows).
def _ref_value_cap(row, cap, over):
    return over if row.value_usd > cap else "alone"


def _ref_allowed(row, allowed, otherwise):
    return "alone" if row.action_type in allowed else otherwise


def _ref_segment(row, values, verdict):
    return verdict if row.segment in values else "alone"


def _ref_top_share(frame, share, otherwise):
    scores = list(frame["score"])
    allowed = math.floor(share * len(scores) + 1e-9)
    out = []
    for s in scores:
        at_least = sum(1 for other in scores if other >= s)
        out.append("alone" if at_least <= allowed else otherwise)
    return out


def _ref_when(row):
    return "approval" if (row.value_usd > 100 and row.segment == "smb") else "alone"


def _ref_never(row):
    return "blocked" if row.action_type == "close_account" else "alone"


@settings(max_examples=150, deadline=None)
@given(logs(), st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]), st.sampled_from(["approval", "blocked"]))
def test_each_rule_matches_a_per_row_reference(log, share, verdict):
    rows = list(log.itertuples())
    cases = [
        (ValueCap(50, over=verdict), [_ref_value_cap(r, 50, verdict) for r in rows]),
        (
            AllowedActions({"refund", "reschedule"}),
            [_ref_allowed(r, {"refund", "reschedule"}, "blocked") for r in rows],
        ),
        (SegmentRule({"minor"}, verdict=verdict), [_ref_segment(r, {"minor"}, verdict) for r in rows]),
        (TopShare(share), _ref_top_share(log, share, "approval")),
        (When("value_usd > 100 and segment == 'smb'"), [_ref_when(r) for r in rows]),
        (Never("action_type == 'close_account'"), [_ref_never(r) for r in rows]),
    ]
    for rule, expected in cases:
        assert rule.evaluate(log).tolist() == expected, rule.name


@settings(max_examples=150, deadline=None)
@given(logs(), st.permutations(range(5)), st.integers(1, 5))
def test_surface_takes_the_most_restrictive_verdict_and_names_the_first_rule(log, order, k):
    pool = [
        ValueCap(50),
        ValueCap(1000, over="blocked"),
        AllowedActions({"refund", "reschedule", "wire"}, otherwise="approval"),
        TopShare(0.3),
        Never("action_type == 'close_account'"),
    ]
    rules = [pool[i] for i in order[:k]]
    out = AutonomySurface(rules).evaluate(log)
    assert out.index.equals(log.index)
    per_rule = [rule.evaluate(log) for rule in rules]
    for i in range(len(log)):
        ranks = [VERDICTS.index(v[i]) for v in per_rule]
        worst = max(ranks)
        assert out["verdict"].iloc[i] == VERDICTS[worst]
        expected_by = rules[ranks.index(worst)].name if worst > 0 else "none"
        assert out["decided_by"].iloc[i] == expected_by


@settings(max_examples=100, deadline=None)
@given(logs(), st.sampled_from([0.05, 0.1, 0.3, 0.6]), st.randoms(use_true_random=False))
def test_top_share_never_exceeds_the_share_and_ignores_row_order(log, share, rnd):
    verdict = TopShare(share).evaluate(log)
    assert (verdict == "alone").sum() <= math.floor(share * len(log) + 1e-9)
    perm = list(range(len(log)))
    rnd.shuffle(perm)
    shuffled = TopShare(share).evaluate(log.iloc[perm])
    assert shuffled.tolist() == verdict[perm].tolist()


def test_top_ten_percent_of_a_ranking_without_ties():
    log = pd.DataFrame({"score": np.arange(100.0)})
    alone = TopShare(0.10).evaluate(log) == "alone"
    assert np.flatnonzero(alone).tolist() == list(range(90, 100))


@settings(max_examples=100, deadline=None)
@given(logs())
def test_summary_matches_a_groupby_of_the_verdicts(log):
    surface = AutonomySurface([ValueCap(50), AllowedActions({"refund", "reschedule"})])
    verdict = surface.evaluate(log)["verdict"]
    summary = surface.summary(log).set_index("verdict")
    assert list(summary.index) == list(VERDICTS)
    for v in VERDICTS:
        mask = (verdict == v).to_numpy()
        assert summary.loc[v, "n_decisions"] == mask.sum()
        assert summary.loc[v, "share"] == pytest.approx(mask.mean())
        assert summary.loc[v, "value_usd"] == pytest.approx(log["value_usd"].to_numpy()[mask].sum())
    assert summary["share"].sum() == pytest.approx(1.0)


def test_an_empty_surface_leaves_everything_alone():
    log = pd.DataFrame({"value_usd": [1.0, 2.0]})
    out = AutonomySurface([]).evaluate(log)
    assert out["verdict"].tolist() == ["alone", "alone"]
    assert out["decided_by"].tolist() == ["none", "none"]


def test_rule_errors_name_the_rule_the_column_and_the_row():
    log = pd.DataFrame({"value_usd": [10.0, np.nan], "action_type": ["refund", "refund"]})
    with pytest.raises(
        InputError,
        match=r"credit cap: column 'amount_usd' not in the decision log \(columns: value_usd, action_type\)",
    ):
        ValueCap(50, column="amount_usd", label="credit cap").evaluate(log)
    with pytest.raises(InputError, match=r"column 'value_usd': expected finite numbers, found nan at row 1"):
        AutonomySurface([ValueCap(50)]).evaluate(log)
    with pytest.raises(
        InputError, match=r"outside top 10% of score: approval: column 'score' not in the decision log"
    ):
        TopShare(0.1).evaluate(log)
    with pytest.raises(
        InputError, match=r"never: segment == 'x': name 'segment' is not defined in the decision log"
    ):
        Never("segment == 'x'").evaluate(log)
    with pytest.raises(
        InputError, match=r"value_usd \+ 1: approval: expected the query to give True/False per row"
    ):
        When("value_usd + 1").evaluate(log)
    with pytest.raises(InputError, match=r"could not evaluate the query"):
        When("value_usd >").evaluate(log)
    neg = pd.DataFrame({"value_usd": [1.0, -5.0]})
    with pytest.raises(InputError, match=r"column 'value_usd': expected values >= 0, found -5.0 at row 1"):
        ValueCap(50).evaluate(neg)


def test_bad_rule_settings_and_surfaces_are_named():
    with pytest.raises(InputError, match=r"over: expected one of 'approval', 'blocked', got 'alone'"):
        ValueCap(50, over="alone")
    with pytest.raises(InputError, match=r"share: expected probabilities in \[0, 1\], found 10.0 at row 0"):
        TopShare(10)
    with pytest.raises(InputError, match=r"max_usd: expected values >= 0, found -1.0"):
        ValueCap(-1)
    with pytest.raises(InputError, match=r"rules: expected a Rule, got str at position 1"):
        AutonomySurface([ValueCap(50), "no refunds"])
    with pytest.raises(InputError, match=r"rules: two share the name 'value_usd above 50: approval'"):
        AutonomySurface([ValueCap(50), ValueCap(50)])
    with pytest.raises(InputError, match=r"frame: expected at least one decision, got an empty decision log"):
        AutonomySurface([ValueCap(50)]).evaluate(pd.DataFrame({"value_usd": []}))
    with pytest.raises(InputError, match=r"frame: expected a pandas DataFrame \(a decision log\), got dict"):
        AutonomySurface([ValueCap(50)]).evaluate({"value_usd": [1.0]})
    with pytest.raises(InputError, match=r"summary: column 'value_usd' not in the decision log"):
        AutonomySurface([TopShare(0.5)]).summary(pd.DataFrame({"score": [1.0]}))


# --- Impact Grid -------------------------------------------------------------------------------------


def test_grid_quadrants_on_hand_made_log():
    # Ten days of decisions: reschedule 500/day at $5-$20; refund 3/day at $30; reprice 200/day with a
    # $2M tail (frameworks.md, item 4); wire transfer 1/day at $40k.
    rng = np.random.default_rng(0)
    parts = [
        ("reschedule", rng.uniform(5, 20, 5000)),
        ("refund", np.full(30, 30.0)),
        ("reprice", np.concatenate([np.full(1900, 10.0), np.full(100, 2e6)])),
        ("wire", np.full(10, 40_000.0)),
    ]
    log = pd.DataFrame(
        {
            "action_type": np.concatenate([[a] * len(c) for a, c in parts]),
            "cost_if_wrong_usd": np.concatenate([c for _, c in parts]),
        }
    )
    grid = impact_grid(log, days=10, frequency_cut_per_day=50, severity_cut_usd=1000).set_index("action_type")
    assert grid.loc["reschedule", "quadrant"] == "frequent, minor"
    assert grid.loc["refund", "quadrant"] == "rare, minor"
    assert grid.loc["reprice", "quadrant"] == "frequent, severe"  # the 95th percentile sees the $2M tail
    assert grid.loc["wire", "quadrant"] == "rare, severe"
    assert grid.loc["reschedule", "decisions_per_day"] == 500
    assert grid.loc["wire", "n_decisions"] == 10
    for action, costs in parts:
        assert grid.loc[action, "severity_usd"] == pytest.approx(np.quantile(costs, 0.95))
    # Full autonomy only where frequent and minor; a person in the loop (or draft) everywhere else.
    assert grid.loc["reschedule", "recommended_level"] == "constrained execution"
    assert grid.loc["refund", "recommended_level"] == "approval"
    assert grid.loc["reprice", "recommended_level"] == "approval"
    assert grid.loc["wire", "recommended_level"] == "draft"


def test_grid_cut_semantics_and_level_order():
    g = place_in_grid(
        ["a", "b", "c"], [50, 49.9, 50], [100, 100, 100.01], frequency_cut_per_day=50, severity_cut_usd=100
    )
    assert g["frequent"].tolist() == [True, False, True]  # frequent at or above the frequency cut
    assert g["severe"].tolist() == [False, False, True]  # minor up to and including the severity cut
    levels = [
        AUTONOMY_LEVELS.index(QUADRANT_LEVELS[q]) for q in ["frequent, minor", "rare, minor", "rare, severe"]
    ]
    assert levels == sorted(levels, reverse=True)
    assert max(QUADRANT_LEVELS.values(), key=AUTONOMY_LEVELS.index) == QUADRANT_LEVELS["frequent, minor"]


def test_grid_bad_inputs_are_named():
    log = pd.DataFrame({"action_type": ["a", None], "cost_if_wrong_usd": [1.0, 2.0]})
    with pytest.raises(InputError, match=r"impact_grid: column 'action_type' is missing at row 1"):
        impact_grid(log, days=1, frequency_cut_per_day=1, severity_cut_usd=1)
    with pytest.raises(InputError, match=r"days: expected a positive number of days the log covers, got 0"):
        impact_grid(log.dropna(), days=0, frequency_cut_per_day=1, severity_cut_usd=1)
    with pytest.raises(InputError, match=r"impact_grid: column 'severity_usd' not in the decision log"):
        impact_grid(log, days=1, frequency_cut_per_day=1, severity_cut_usd=1, severity_col="severity_usd")
    with pytest.raises(InputError, match=r"expected one value each per action type, got 2, 1, 2"):
        place_in_grid(["a", "b"], [1.0], [1.0, 2.0], frequency_cut_per_day=1, severity_cut_usd=1)


# --- Promotion gates ---------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 3000),
    st.data(),
    st.sampled_from([0.005, 0.01, 0.02, 0.05, 0.1]),
    st.sampled_from([0.9, 0.95, 0.99]),
)
def test_gate_matches_scipy_one_sided_binomtest(n, data, budget, level):
    k = data.draw(st.integers(0, min(n, 200)))
    min_n = data.draw(st.integers(0, 3000))
    gate = check_promotion_gate(k, n, error_budget=budget, min_decisions=min_n, level=level).iloc[0]
    ref = binomtest(k, n, p=budget, alternative="less")
    assert gate["upper_bound"] == pytest.approx(
        ref.proportion_ci(confidence_level=level, method="exact").high, abs=1e-9
    )
    # Duality: the exact upper bound is within budget exactly when the one-sided test rejects rate >= budget.
    if abs(gate["upper_bound"] - budget) > 1e-9:
        assert gate["passed"] == (n >= min_n and ref.pvalue <= 1 - level)
    expected_reason = (
        "too few decisions" if n < min_n else ("passed" if gate["passed"] else "upper bound above budget")
    )
    assert gate["reason"] == expected_reason


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 500)), min_size=1, max_size=8))
def test_gate_vectorised_equals_one_at_a_time_with_wilson(pairs):
    errors = [min(k, n) for k, n in pairs]
    decisions = [n for _, n in pairs]
    table = check_promotion_gate(errors, decisions, error_budget=0.05, min_decisions=100, method="wilson")
    for i, (k, n) in enumerate(zip(errors, decisions, strict=True)):
        one = check_promotion_gate(k, n, error_budget=0.05, min_decisions=100, method="wilson").iloc[0]
        assert table.iloc[i].equals(one)
        if n > 0:
            ref = binomtest(k, n, alternative="less").proportion_ci(confidence_level=0.95, method="wilson")
            assert one["upper_bound"] == pytest.approx(ref.high, abs=1e-9)
        else:
            assert one["upper_bound"] == 1.0 and not one["passed"]


def test_gate_rule_of_three():
    # Zero errors in n decisions: the exact 95% upper bound is 1 - 0.05**(1/n), about 3/n.
    g = check_promotion_gate(0, [298, 299], error_budget=0.01, min_decisions=1)
    assert g["upper_bound"].tolist() == pytest.approx([1 - 0.05 ** (1 / 298), 1 - 0.05 ** (1 / 299)])
    assert g["passed"].tolist() == [False, True]


def _scan_decisions_needed(budget, rate, level, method):
    """Brute force: walk n = 1, 2, ... with the bound computed from scipy's distributions directly."""
    alpha = 1 - level
    z = stats.norm.ppf(level)
    n = np.arange(1, 20001, dtype=float)
    k = rate * n
    if method == "clopper-pearson":
        ub = stats.beta.ppf(level, k + 1, n - k)
    else:
        ub = (k + z**2 / 2 + z * np.sqrt(k * (n - k) / n + z**2 / 4)) / (n + z**2)
    assert alpha > 0 and np.all(np.diff(ub) <= 1e-12)  # the bound never rises with n at a fixed rate
    return int(n[np.argmax(ub <= budget)])


@pytest.mark.parametrize("method", ["clopper-pearson", "wilson"])
@pytest.mark.parametrize(
    ("budget", "rate", "level"),
    [(0.01, 0.0, 0.95), (0.02, 0.01, 0.95), (0.05, 0.02, 0.9), (0.1, 0.05, 0.99), (0.03, 0.025, 0.95)],
)
def test_decisions_needed_matches_a_brute_force_scan(budget, rate, level, method):
    assert decisions_needed(budget, rate, level=level, method=method) == _scan_decisions_needed(
        budget, rate, level, method
    )


def test_decisions_needed_rule_of_three_closed_form_and_vectorised():
    # With no errors expected, Clopper-Pearson needs the smallest n with 1 - alpha**(1/n) <= budget.
    for budget in [0.001, 0.01, 0.05]:
        assert decisions_needed(budget) == math.ceil(math.log(0.05) / math.log(1 - budget))
    out = decisions_needed(0.05, [0.0, 0.01, 0.02])
    assert out.tolist() == [decisions_needed(0.05, r) for r in [0.0, 0.01, 0.02]]
    assert np.all(np.diff(out) > 0)


def test_gate_bad_inputs_are_named():
    with pytest.raises(InputError, match=r"errors: expected errors <= decisions, found 5 > 3 at row 1"):
        check_promotion_gate([0, 5], [3, 3], error_budget=0.1, min_decisions=1)
    with pytest.raises(InputError, match=r"errors: expected whole numbers, found 1.5 at row 0"):
        check_promotion_gate(1.5, 10, error_budget=0.1, min_decisions=1)
    with pytest.raises(InputError, match=r"decisions: expected 2 values to match errors, got 3"):
        check_promotion_gate([0, 1], [3, 3, 3], error_budget=0.1, min_decisions=1)
    with pytest.raises(InputError, match=r"error_budget: expected probabilities in \[0, 1\], found 5.0"):
        check_promotion_gate(0, 10, error_budget=5, min_decisions=1)
    with pytest.raises(InputError, match=r"method: expected one of 'wilson', 'clopper-pearson', got 'exact'"):
        check_promotion_gate(0, 10, error_budget=0.1, min_decisions=1, method="exact")
    with pytest.raises(
        InputError, match=r"expected_error_rate: must be below error_budget=0.01 .* found 0.01 at row 1"
    ):
        decisions_needed(0.01, [0.0, 0.01])
    with pytest.raises(InputError, match=r"more than max_decisions=100 needed at row 0"):
        decisions_needed(0.01, 0.005, max_decisions=100)
