"""Fairness: published worked examples, brute-force recounts and scipy/scikit-learn references."""

from __future__ import annotations

import statistics
from fractions import Fraction
from math import comb

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency
from sklearn.metrics import confusion_matrix, recall_score

import nogo.models.fairness as fair
from nogo.errors import InputError


def _applicants(counts: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """One row per applicant from {group: (selected, applicants)}."""
    rows = [(g, int(i < k)) for g, (k, n) in counts.items() for i in range(n)]
    return pd.DataFrame(rows, columns=["race", "hired"])


# -- published examples ------------------------------------------------------------------------


def test_uniform_guidelines_worked_example():
    # Uniform Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D) (the four-fifths rule),
    # and its worked example in the agencies' Questions and Answers (44 Fed. Reg. 11996, 1979): 80
    # white applicants, 48 hired (60%); 40 Black applicants, 12 hired (30%); 30/60 = 50% < 80%:
    # adverse impact is indicated.
    df = _applicants({"White": (48, 80), "Black": (12, 40)})
    t = fair.selection_rates("race", "hired", data=df).set_index("group")
    assert t.loc["White", "selection_rate"] == pytest.approx(0.60)
    assert t.loc["Black", "selection_rate"] == pytest.approx(0.30)
    assert t.loc["Black", "impact_ratio"] == pytest.approx(0.50)
    assert not t.loc["Black", "passes_four_fifths"]
    assert t.loc["White", "passes_four_fifths"]
    assert t.attrs["reference_group"] == "White"
    assert fair.adverse_impact_ratio(12, 40, 48, 80) == pytest.approx(0.5)
    check = fair.four_fifths(12, 40, 48, 80)
    assert check.impact_ratio == pytest.approx(0.5) and not check.passes_four_fifths


def test_uniform_guidelines_multi_group_example_and_the_exact_four_fifths_boundary():
    # Same Q&A document: hiring rates of 60% (whites), 45% (American Indians), 48% (Hispanics) and
    # 51% (Blacks) give impact ratios 75%, 80% and 85%; "adverse impact is indicated for American
    # Indians but not for Hispanics or Blacks". 48/60 is exactly 4/5, which floating point makes
    # 0.7999...: the rule must still pass it.
    df = _applicants({"White": (60, 100), "AmInd": (45, 100), "Hispanic": (48, 100), "Black": (51, 100)})
    t = fair.selection_rates("race", "hired", data=df).set_index("group")
    assert t["impact_ratio"].to_dict() == pytest.approx(
        {"White": 1.0, "AmInd": 0.75, "Hispanic": 0.80, "Black": 0.85}
    )
    assert t["passes_four_fifths"].to_dict() == {
        "White": True,
        "AmInd": False,
        "Hispanic": True,
        "Black": True,
    }
    assert fair.four_fifths(48, 100, 60, 100).passes_four_fifths


# -- brute force -------------------------------------------------------------------------------

labels = st.sampled_from(["a", "b", "c", "d"])


@st.composite
def applicants(draw, max_n: int = 40):
    n = draw(st.integers(1, max_n))
    group = draw(st.lists(labels, min_size=n, max_size=n))
    selected = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return group, selected


@settings(max_examples=200, deadline=None)
@given(applicants())
def test_selection_rates_match_a_recount_in_exact_fractions(data):
    group, selected = data
    t = fair.selection_rates(group, selected)
    assert t["group"].tolist() == sorted(set(group))
    rates = {
        g: Fraction(sum(s for x, s in zip(group, selected, strict=True) if x == g), group.count(g))
        for g in set(group)
    }
    best = max(rates.values())
    for row in t.itertuples():
        assert row.n == group.count(row.group)
        assert row.selection_rate == pytest.approx(float(rates[row.group]))
        if best == 0:
            assert np.isnan(row.impact_ratio) and pd.isna(row.passes_four_fifths)
        else:
            exact = rates[row.group] / best
            assert row.impact_ratio == pytest.approx(float(exact))
            assert bool(row.passes_four_fifths) == (exact >= Fraction(4, 5))


def test_intersectional_categories_match_a_recount_of_label_pairs():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], 500),
            "race": rng.choice(["Asian", "Black", "Hispanic", "White"], 500),
            "hired": rng.random(500) < 0.3,
        }
    )
    t = fair.impact_ratios(["sex", "race"], selected="hired", data=df)
    for row in t.itertuples():
        mask = (df["sex"] == row.sex) & (df["race"] == row.race)
        assert row.group == f"{row.sex} / {row.race}"
        assert row.n == mask.sum()
        assert row.selection_rate == pytest.approx(df.loc[mask, "hired"].mean())
    top = t["selection_rate"].max()
    assert t["impact_ratio"].to_numpy() == pytest.approx(t["selection_rate"].to_numpy() / top)
    # the same numbers from arrays given as a mapping
    u = fair.impact_ratios({"sex": df["sex"].to_numpy(), "race": df["race"].to_numpy()}, selected=df["hired"])
    assert u["impact_ratio"].to_numpy() == pytest.approx(t["impact_ratio"].to_numpy())


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_scoring_rate_matches_a_brute_force_median(data):
    # 6 RCNY 5-300: scoring rate = share of a category scoring above the sample's median score.
    n = data.draw(st.integers(1, 40))
    group = data.draw(st.lists(labels, min_size=n, max_size=n))
    score = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))  # many ties at the median
    t = fair.impact_ratios(group, score=score, method="scoring")
    median = statistics.median(score)
    assert t.attrs["median_score"] == pytest.approx(median)
    rates = {}
    for g in sorted(set(group)):
        mine = [s for x, s in zip(group, score, strict=True) if x == g]
        rates[g] = sum(s > median for s in mine) / len(mine)
    assert t["scoring_rate"].tolist() == pytest.approx(list(rates.values()))
    best = max(rates.values())
    if best > 0:
        assert t["impact_ratio"].tolist() == pytest.approx([r / best for r in rates.values()])
        assert t.attrs["reference_group"] == max(rates, key=rates.get)
    else:
        assert t["impact_ratio"].isna().all() and t.attrs["reference_group"] is None


def test_small_categories_are_flagged_and_kept_not_dropped():
    # The DCWP rules let an auditor exclude categories under 2% of the data from the impact-ratio
    # calculation; the excluded category's count and rate must still be reported.
    df = _applicants({"A": (30, 60), "B": (20, 59), "Z": (1, 1)})  # Z: 1 of 120 rows, rate 100%
    plain = fair.impact_ratios("race", selected="hired", data=df).set_index("group")
    assert plain.attrs["reference_group"] == "Z" and plain.loc["A", "impact_ratio"] == pytest.approx(0.5)
    t = fair.impact_ratios("race", selected="hired", data=df, exclude_below_share=0.02).set_index("group")
    assert t.loc["Z", "excluded"] and not t.loc[["A", "B"], "excluded"].any()
    assert t.loc["Z", "n"] == 1 and t.loc["Z", "selection_rate"] == 1.0
    assert np.isnan(t.loc["Z", "impact_ratio"]) and pd.isna(t.loc["Z", "passes_four_fifths"])
    assert t.attrs["reference_group"] == "A" and t.attrs["excluded_groups"] == ["Z"]
    assert t.loc["B", "impact_ratio"] == pytest.approx((20 / 59) / 0.5)


def test_unknown_categories_are_counted_apart():
    t = fair.impact_ratios(["a", None, "b", np.nan, "a"], selected=[1, 1, 0, 1, 0])
    assert t.attrs["n_unknown"] == 2
    assert t["n"].tolist() == [2, 1]
    assert t["share_of_data"].tolist() == pytest.approx([2 / 3, 1 / 3])


# -- two groups: significance ------------------------------------------------------------------


def _fisher_two_sided(a: int, n1: int, c: int, n2: int) -> float:
    """Fisher's exact test by enumerating every table with the same margins."""
    k = a + c
    total = comb(n1 + n2, k)
    probs = [comb(n1, x) * comb(n2, k - x) / total for x in range(max(0, k - n2), min(k, n1) + 1)]
    observed = comb(n1, a) * comb(n2, c) / total
    return sum(p for p in probs if p <= observed * (1 + 1e-7))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.data())
def test_significance_matches_chi_square_and_an_enumerated_fisher_test(n1, n2, data):
    k1 = data.draw(st.integers(0, n1))
    k2 = data.draw(st.integers(0, n2))
    c = fair.four_fifths(k1, n1, k2, n2)
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    if 0 < k1 + k2 < n1 + n2:
        chi2, p, _, _ = chi2_contingency(table, correction=False)
        assert c.z_statistic**2 == pytest.approx(chi2, rel=1e-9, abs=1e-12)
        assert c.p_value_z == pytest.approx(p, rel=1e-9, abs=1e-12)
        assert np.sign(c.z_statistic) == np.sign(k1 / n1 - k2 / n2)
    assert c.p_value_fisher == pytest.approx(_fisher_two_sided(k1, n1, k2, n2), rel=1e-6)
    assert c.significant == (c.p_value_fisher < 0.05)


# -- error rates -------------------------------------------------------------------------------


def test_equal_opportunity_matches_scikit_learn_per_group():
    rng = np.random.default_rng(7)
    n = 2000
    group = rng.choice(["x", "y", "z"], n)
    qualified = rng.random(n) < np.where(group == "z", 0.3, 0.5)
    selected = rng.random(n) < np.where(qualified, 0.7, 0.2) * np.where(group == "y", 0.6, 1.0)
    t = fair.equal_opportunity_gap(group, qualified, selected).set_index("group")
    for g in ["x", "y", "z"]:
        m = group == g
        tn, fp, fn, tp = confusion_matrix(qualified[m], selected[m]).ravel()
        assert t.loc[g, "tpr"] == pytest.approx(recall_score(qualified[m], selected[m]))
        assert t.loc[g, "fpr"] == pytest.approx(fp / (fp + tn))
        assert t.loc[g, "n_qualified"] == tp + fn
    assert t.attrs["max_tpr_gap"] == pytest.approx(t["tpr"].max() - t["tpr"].min())
    assert t.attrs["max_fpr_gap"] == pytest.approx(t["fpr"].max() - t["fpr"].min())
    assert t.attrs["equalized_odds_gap"] == pytest.approx(max(t.attrs["max_tpr_gap"], t.attrs["max_fpr_gap"]))
    assert t["tpr_gap"].to_numpy() == pytest.approx(t["tpr"].max() - t["tpr"].to_numpy())


def test_a_group_with_nobody_qualified_has_no_tpr_and_is_left_out_of_the_gap():
    t = fair.equal_opportunity_gap(["a", "a", "b", "b"], [1, 0, 0, 0], [1, 1, 0, 1]).set_index("group")
    assert np.isnan(t.loc["b", "tpr"]) and t.attrs["max_tpr_gap"] == 0.0
    assert t.attrs["max_fpr_gap"] == pytest.approx(0.5)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_threshold_by_group_matches_a_loop_over_thresholds_and_rows(data):
    n = data.draw(st.integers(1, 30))
    group = data.draw(st.lists(labels, min_size=n, max_size=n))
    score = [v / 4 for v in data.draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))]
    outcome = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    grid = data.draw(
        st.one_of(st.none(), st.lists(st.sampled_from([-1.0, 0.0, 0.3, 0.5, 1.0, 2.5, np.inf]), min_size=1))
    )
    t = fair.threshold_by_group(score, group, outcome, grid)
    thresholds = sorted(set(score if grid is None else grid))
    groups = sorted(set(group))
    assert len(t) == len(thresholds) * len(groups)
    rows = iter(t.itertuples())
    for th in thresholds:
        rates = {}
        for g in groups:
            row = next(rows)
            assert (row.threshold, row.group) == (th, g)
            idx = [i for i in range(n) if group[i] == g]
            sel = [i for i in idx if score[i] >= th]
            pos = [i for i in idx if outcome[i]]
            neg = [i for i in idx if not outcome[i]]
            assert row.n_selected == len(sel)
            rates[g] = len(sel) / len(idx)
            assert row.selection_rate == pytest.approx(rates[g])
            tpr = sum(score[i] >= th for i in pos) / len(pos) if pos else np.nan
            fpr = sum(score[i] >= th for i in neg) / len(neg) if neg else np.nan
            assert row.tpr == pytest.approx(tpr, nan_ok=True)
            assert row.fpr == pytest.approx(fpr, nan_ok=True)
        best = max(rates.values())
        got = t[t["threshold"] == th]["impact_ratio"].to_numpy()
        want = [rates[g] / best if best > 0 else np.nan for g in groups]
        assert got == pytest.approx(want, nan_ok=True)


def test_threshold_by_group_agrees_with_selection_rates_at_one_threshold():
    rng = np.random.default_rng(11)
    score = rng.normal(size=3000) + np.repeat([0.0, 0.4, -0.3], 1000)
    group = np.repeat(["p", "q", "r"], 1000)
    t = fair.threshold_by_group(score, group, thresholds=0.5)
    s = fair.selection_rates(group, score >= 0.5)
    assert t["impact_ratio"].to_numpy() == pytest.approx(s["impact_ratio"].to_numpy())
    assert t["passes_four_fifths"].tolist() == s["passes_four_fifths"].tolist()
    assert "tpr" not in t.columns


# -- bad inputs --------------------------------------------------------------------------------


def test_missing_column_names_it_and_lists_the_available_ones():
    df = pd.DataFrame({"race": ["a", "b"], "hired": [1, 0]})
    with pytest.raises(
        InputError, match=r"group: column 'gender' not found in data; available columns: 'race', 'hired'"
    ):
        fair.selection_rates("gender", "hired", data=df)
    with pytest.raises(
        InputError, match=r"selected: column 'picked' not found in data; available columns: 'race'"
    ):
        fair.selection_rates("race", "picked", data=df)
    with pytest.raises(InputError, match=r"score: column 'rank' not found"):
        fair.impact_ratios("race", score="rank", method="scoring", data=df)


def test_a_group_with_zero_applicants_is_refused():
    group = pd.Categorical(["a", "b", "a"], categories=["a", "b", "c"])
    with pytest.raises(InputError, match=r"group: category 'c' of 'group' has zero applicants"):
        fair.selection_rates(group, [1, 0, 1])
    with pytest.raises(InputError, match=r"n_focal: a group with zero applicants has no selection rate"):
        fair.four_fifths(0, 0, 5, 10)
    with pytest.raises(InputError, match=r"n_reference: a group with zero applicants"):
        fair.adverse_impact_ratio(1, 10, 0, 0)


def test_nan_score_is_named_with_its_row():
    with pytest.raises(InputError, match=r"score: expected finite numbers, found nan at row 2"):
        fair.impact_ratios(["a", "b", "a"], score=[0.1, 0.5, np.nan], method="scoring")
    with pytest.raises(InputError, match=r"score: expected finite numbers, found nan at row 1"):
        fair.threshold_by_group(pd.Series([0.2, None, 0.4], dtype="Float64"), ["a", "b", "a"])
    with pytest.raises(InputError, match=r"score: expected numbers, found 'high' at row 1"):
        fair.threshold_by_group([0.2, "high"], ["a", "b"])


def test_selected_must_be_zero_or_one_and_the_row_is_named():
    with pytest.raises(InputError, match=r"selected: expected 0/1 or True/False, found 2 at row 3"):
        fair.selection_rates(["a", "b", "a", "b"], [1, 0, 1, 2])
    with pytest.raises(InputError, match=r"selected: expected 0/1 or True/False, found 'yes' at row 0"):
        fair.selection_rates(["a", "b"], ["yes", 1])
    with pytest.raises(InputError, match=r"selected: expected 0/1 or True/False, found <NA> at row 1"):
        fair.selection_rates(["a", "b"], pd.array([True, None], dtype="boolean"))
    with pytest.raises(InputError, match=r"outcome: expected 0/1 or True/False, found -1 at row 0"):
        fair.equal_opportunity_gap(["a", "b"], [-1, 1], [1, 0])


def test_other_bad_inputs_are_named():
    with pytest.raises(InputError, match=r"selected: expected 3 values to match group, got 2"):
        fair.selection_rates(["a", "b", "a"], [1, 0])
    with pytest.raises(InputError, match=r"group: missing group label at row 1"):
        fair.selection_rates(["a", None], [1, 0])
    with pytest.raises(InputError, match=r"method: expected one of 'selection', 'scoring', got 'ranking'"):
        fair.impact_ratios(["a"], selected=[1], method="ranking")
    with pytest.raises(InputError, match=r"selected: method='selection' needs selected"):
        fair.impact_ratios(["a"], score=[1.0])
    with pytest.raises(
        InputError, match=r"exclude_below_share: expected probabilities in \[0, 1\], found 2.0"
    ):
        fair.impact_ratios(["a"], selected=[1], exclude_below_share=2)
    with pytest.raises(InputError, match=r"group: every row has a missing category"):
        fair.impact_ratios([None, None], selected=[1, 0])
    with pytest.raises(InputError, match=r"min_ratio: expected a ratio in \(0, 1\], got 1.5"):
        fair.selection_rates(["a"], [1], min_ratio=1.5)
    with pytest.raises(InputError, match=r"selected_focal: expected at most n_focal=3, got 4"):
        fair.four_fifths(4, 3, 1, 3)
    with pytest.raises(InputError, match=r"thresholds: expected numbers, found nan at row 0"):
        fair.threshold_by_group([0.1], ["a"], thresholds=[np.nan])
    with pytest.raises(InputError, match=r"group: expected at least one applicant"):
        fair.selection_rates([], [])
    with pytest.raises(InputError, match=r"data: expected a pandas DataFrame, got dict"):
        fair.selection_rates("a", "b", data={"a": [1]})
