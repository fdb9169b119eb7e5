"""Pricing: the catalogue generator against scipy and its planted truth; tail shares, value-cap curves,
the best cap and its bootstrap against brute-force loops; the Fly guardrails against closed forms."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import nogo
from nogo import InputError
from nogo.cases.pricing_feedback_loop import (
    GUARDRAIL_POLICIES,
    PRICING_ACTIONS,
    action_grid,
    best_value_cap,
    fly_guardrails,
    loop_projection,
    price_path_chart,
    pricing_catalogue,
    review_costs,
    tail_share,
    value_cap_chart,
    value_cap_curve,
)
from nogo.models.costs import DecisionCosts
from nogo.models.dynamics import repricing_loop

# "The Making of a Fly", April 2011 (shared/incidents.md section 1): profnath priced at 0.9983 x
# bordeebook (F2: DeLong quoting Eisen), bordeebook at 1.270589 x profnath (F2, F4); cheapest new copy when
# first noticed $1,730,045.91 (F1 Science, F2); peak $23,698,655.93 (F3, F5).
FLY_P0_USD = 1_730_045.91
FLY_A = 0.9983
FLY_B = 1.270589
FLY_PEAK_USD = 23_698_655.93
FLY_GAIN = FLY_A * FLY_B

_ROOT = Path(__file__).resolve().parents[2]
_NOTEBOOK = _ROOT / "notebooks" / "pricing-feedback-loop.ipynb"


def _case():
    return nogo.Project(_ROOT).case("pricing-feedback-loop")


# -- brute-force references (plain loops over caps and rows) ---------------------------------------------


def _row_costs(right, fa, ar, hr, miss, esc, m, b):
    """Cost of one decision alone and reviewed, given the probability (or 0/1) that acting is right."""
    alone = right * ar + (1 - right) * fa
    reviewed = esc + right * ((1 - b) * ar + b * miss) + (1 - right) * (m * fa + (1 - m) * hr)
    return alone, reviewed


def _brute_curve(rows, caps, esc, m, b):
    """rows: (value, right, fa, ar, hr, missed). Returns {cap: (total, alone, fee, n_alone, errors)}."""
    out = {}
    for cap in caps:
        total = alone_sum = fee = errors = 0.0
        n_alone = 0
        for value, right, fa, ar, hr, missed in rows:
            alone, reviewed = _row_costs(right, fa, ar, hr, missed, esc, m, b)
            if value <= cap:
                total += alone
                alone_sum += alone
                n_alone += 1
                errors += 1 - right
            else:
                total += reviewed
                fee += esc
        out[cap] = (total, alone_sum, fee, n_alone, errors)
    return out


@st.composite
def cap_logs(draw, max_n: int = 25):
    """Small logs with tied values, integer costs and exactly representable rates (sums are exact)."""
    n = draw(st.integers(1, max_n))
    ints = st.integers(0, 50)
    value = draw(st.lists(st.sampled_from([0.0, 5.0, 10.0, 10.0, 40.0, 1000.0]), min_size=n, max_size=n))
    quarters = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    frame = pd.DataFrame(
        {
            "value_usd": value,
            "outcome": [q >= 2 for q in quarters],
            "score": np.array(quarters) / 4,
            "fa": np.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype=float),
            "ar": np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=float),
            "hr": np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=float),
            "missed": np.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype=float),
        }
    )
    esc = float(draw(st.integers(0, 20)))
    m = draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))
    b = draw(st.sampled_from([0.0, 0.25, 0.5]))
    costs = DecisionCosts(
        false_action_usd=frame["fa"],
        missed_usd=frame["missed"],
        escalate_usd=esc,
        act_right_usd=frame["ar"],
        hold_right_usd=frame["hr"],
        reviewer_miss_rate=m,
        reviewer_false_block_rate=b,
    )
    return frame, costs, esc, m, b


def _rows(frame, basis):
    right = frame["outcome"].astype(float) if basis == "realised" else frame["score"]
    return list(
        zip(frame["value_usd"], right, frame["fa"], frame["ar"], frame["hr"], frame["missed"], strict=True)
    )


# -- value cap curve and best cap --------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(cap_logs(), st.lists(st.sampled_from([0.0, 4.0, 5.0, 10.0, 39.5, 40.0, 1e4, math.inf]), max_size=6),
       st.sampled_from(["realised", "expected"]))  # fmt: skip
def test_value_cap_curve_matches_a_loop_over_caps_and_rows(drawn, caps, basis):
    frame, costs, esc, m, b = drawn
    caps = caps or [0.0]
    out = value_cap_curve(frame, costs, caps, basis=basis)
    assert out["cap_usd"].tolist() == sorted(set(caps))
    ref = _brute_curve(_rows(frame, basis), sorted(set(caps)), esc, m, b)
    n = len(frame)
    for _, row in out.iterrows():
        total, alone, fee, n_alone, errors = ref[row["cap_usd"]]
        assert row["total_cost_usd"] == total  # exact: integer costs and binary-fraction rates
        assert row["alone_cost_usd"] == alone
        assert row["review_fee_usd"] == fee
        assert row["residual_cost_usd"] == total - alone - fee
        assert row["n_alone"] == n_alone and row["n_reviewed"] == n - n_alone
        assert row["errors_alone"] == errors
        assert row["share_reviewed"] == pytest.approx((n - n_alone) / n)
        v = frame["value_usd"]
        above = v[v > row["cap_usd"]].sum()
        assert row["value_share_reviewed"] == pytest.approx(above / v.sum() if v.sum() > 0 else 0.0)


@settings(max_examples=100, deadline=None)
@given(cap_logs(), st.sampled_from(["realised", "expected"]))
def test_best_cap_is_the_brute_force_argmin_over_every_distinct_policy(drawn, basis):
    frame, costs, esc, m, b = drawn
    r = best_value_cap(frame, costs, n_boot=3, seed=0, basis=basis)
    caps = sorted({0.0, *frame["value_usd"]})
    ref = _brute_curve(_rows(frame, basis), caps, esc, m, b)
    best_cost = min(v[0] for v in ref.values())
    assert r.cost_usd == best_cost
    assert r.cap_usd == min(c for c in caps if ref[c][0] == best_cost)  # ties: the lowest cap
    # The default grid (0 and every value) covers every policy: no cap, finite or not, does better.
    for cap in (0.5, 7.0, 25.0, 500.0, math.inf):
        assert _brute_curve(_rows(frame, basis), [cap], esc, m, b)[cap][0] >= best_cost


def test_bootstrap_replicates_equal_a_loop_over_explicit_resamples():
    rng = np.random.default_rng(5)
    n = 40
    frame = pd.DataFrame(
        {
            "value_usd": rng.choice([10.0, 50.0, 50.0, 200.0, 5000.0, 1e5], size=n),
            "outcome": rng.uniform(size=n) < 0.8,
        }
    )
    frame["cost_if_wrong_usd"] = np.round(frame["value_usd"] * 0.25)
    costs = review_costs(frame, review_usd=30.0, reviewer_miss_rate=0.25)
    caps = [0.0, 10.0, 50.0, 200.0, 5000.0, 1e5]
    r = best_value_cap(frame, costs, caps, n_boot=6, seed=123)
    # The same resamples, drawn explicitly: each replicate takes n rows with replacement.
    idx = np.random.default_rng(123).integers(0, n, size=(6, n))
    for rep in range(6):
        sample = frame.iloc[idx[rep]]
        rows = [
            (v, float(y), c, 0.0, 0.0, 0.0)
            for v, y, c in sample[["value_usd", "outcome", "cost_if_wrong_usd"]].values
        ]
        ref = _brute_curve(rows, caps, 30.0, 0.25, 0.0)
        best = min(v[0] for v in ref.values())
        cap = min(c for c in caps if ref[c][0] == best)
        got = r.replicates.iloc[rep]
        assert got["cap_usd"] == cap
        assert got["cost_usd"] == pytest.approx(best, rel=1e-12)
        assert got["share_reviewed"] == pytest.approx((sample["value_usd"] > cap).mean())
        # Out of bag: that cap priced on the rows this resample never drew, per row.
        left_out = frame.drop(index=np.unique(idx[rep]))
        rows = [
            (v, float(y), c, 0.0, 0.0, 0.0)
            for v, y, c in left_out[["value_usd", "outcome", "cost_if_wrong_usd"]].values
        ]
        oob = _brute_curve(rows, [cap], 30.0, 0.25, 0.0)[cap][0] / len(left_out)
        assert got["out_of_sample_cost_per_decision_usd"] == pytest.approx(oob, rel=1e-12)
    again = best_value_cap(frame, costs, caps, n_boot=6, seed=123)
    pd.testing.assert_frame_equal(r.replicates, again.replicates)
    assert not best_value_cap(frame, costs, caps, n_boot=6, seed=124).replicates.equals(r.replicates)


def test_bootstrap_summary_is_percentiles_of_the_replicates_across_blocks():
    log = pricing_catalogue(3000, seed=3)
    r = best_value_cap(log, review_costs(log), n_boot=400, seed=9)  # 400 x 3000 cells: two blocks
    assert len(r.replicates) == 400
    s = r.summary(level=0.8)
    for stat in ("cap_usd", "cost_usd", "cost_per_decision_usd", "share_reviewed"):
        rep = r.replicates[stat].to_numpy()
        assert s.loc[stat, "low"] == pytest.approx(np.percentile(rep, 10))
        assert s.loc[stat, "high"] == pytest.approx(np.percentile(rep, 90))
    assert s.loc["cap_usd", "estimate"] == r.cap_usd
    assert s.loc["cost_per_decision_usd", "estimate"] == pytest.approx(r.cost_usd / 3000)
    assert r.replicates["cap_usd"].isin(r.curve["cap_usd"]).all()
    oob = r.replicates["out_of_sample_cost_per_decision_usd"].to_numpy()
    assert np.isfinite(oob).all()
    assert s.loc["out_of_sample_cost_per_decision_usd", "estimate"] == pytest.approx(oob.mean())
    assert s.loc["out_of_sample_cost_per_decision_usd", "low"] == pytest.approx(np.percentile(oob, 10))
    assert s.loc["out_of_sample_cost_per_decision_usd", "high"] == pytest.approx(np.percentile(oob, 90))


def test_out_of_bag_cost_is_nan_when_a_resample_leaves_nothing_out():
    log = pd.DataFrame({"value_usd": [10.0], "outcome": [True], "cost_if_wrong_usd": [5.0]})
    r = best_value_cap(log, review_costs(log), n_boot=4, seed=0)
    assert r.replicates["out_of_sample_cost_per_decision_usd"].isna().all()
    assert r.summary().loc["out_of_sample_cost_per_decision_usd"].isna().all()


# The catalogue's truth in closed form (pricing_catalogue's defaults): values a bounded Pareto on
# [250, 4M] with tail index 0.8, p_right independent of value with mean 0.93, loss share independent of
# value with mean LBAR. At a cap c, one new SKU costs, in expectation,
# 0.07 LBAR E[V; V <= c] + 100 P(V > c) + 0.07 x 0.1 LBAR E[V; V > c] (review_costs' defaults).
_LO, _HI, _ALPHA, _ACC = 250.0, 4e6, 0.8, 0.93
_Z = 1 - (_LO / _HI) ** _ALPHA
_LBAR = sum(s * loss for s, loss in PRICING_ACTIONS.values()) / sum(s for s, _ in PRICING_ACTIONS.values())


def _mean_below(c):
    c = np.clip(c, _LO, _HI)
    return _ALPHA * _LO**_ALPHA / _Z * (c ** (1 - _ALPHA) - _LO ** (1 - _ALPHA)) / (1 - _ALPHA)


def _true_cost_per_sku(c):
    tail = ((_LO / np.clip(c, _LO, _HI)) ** _ALPHA - (_LO / _HI) ** _ALPHA) / _Z
    below, everything = _mean_below(c), _mean_below(_HI)
    return (1 - _ACC) * _LBAR * below + 100.0 * tail + (1 - _ACC) * 0.1 * _LBAR * (everything - below)


def test_the_closed_form_truth_matches_scipy_and_a_large_catalogue():
    d = stats.truncpareto(b=_ALPHA, c=_HI / _LO, scale=_LO)
    assert _mean_below(_HI) == pytest.approx(d.mean(), rel=1e-9)
    assert _mean_below(1e4) == pytest.approx(d.expect(lambda v: v, ub=1e4), rel=1e-6)
    log = pricing_catalogue(400_000, seed=4)
    got = value_cap_curve(log, review_costs(log), [1e3], basis="expected", prob_col="p_right")
    assert got["cost_per_decision_usd"].iloc[0] == pytest.approx(_true_cost_per_sku(1e3), rel=0.02)


def test_out_of_bag_interval_covers_what_the_chosen_cap_really_costs():
    # 100 synthetic catalogues of 2,000 SKUs with a known truth. The cap chosen on each is priced exactly
    # on new SKUs (the closed form). The out-of-bag 90% interval must cover that cost at least 80% of the
    # time. The in-sample interval on the optimal cost re-optimises on the rows it prices: it is biased low
    # and covers even the true optimum (which the chosen cap can only match) less often.
    true_best = min(_true_cost_per_sku(c) for c in np.geomspace(_LO, _HI, 20_001))
    n, runs = 2000, 100
    out_hits = in_sample_hits = 0
    for k in range(runs):
        log = pricing_catalogue(n, seed=1000 + k)
        r = best_value_cap(log, review_costs(log), n_boot=200, seed=k, basis="expected", prob_col="p_right")
        s = r.summary(0.9)
        cost = _true_cost_per_sku(r.cap_usd)
        assert cost >= true_best - 1e-9
        out, ins = s.loc["out_of_sample_cost_per_decision_usd"], s.loc["cost_per_decision_usd"]
        out_hits += out["low"] <= cost <= out["high"]
        in_sample_hits += ins["low"] <= true_best <= ins["high"]
    assert out_hits >= 0.8 * runs  # 91 of 100 when written
    assert in_sample_hits < out_hits  # 78 of 100 when written


def test_value_cap_beats_both_extremes_on_the_default_catalogue():
    log = pricing_catalogue(20_000, seed=0)
    r = best_value_cap(log, review_costs(log), n_boot=50, seed=1, basis="expected", prob_col="p_right")
    curve = r.curve
    assert r.cost_usd < curve["total_cost_usd"].iloc[-1]  # everything alone
    assert r.cost_usd < curve["total_cost_usd"].iloc[0]  # everything reviewed
    # Closed form: with one decision's expected cost (1-p) c alone and 100 + 0.1 (1-p) c reviewed, review
    # pays when 0.9 (1-p) c > 100; with loss shares 0.05..0.5 that is above about $3k-$32k of value.
    assert 3_000 < r.cap_usd < 35_000
    assert 0.005 < r.share_reviewed < 0.15


# -- the synthetic catalogue --------------------------------------------------------------------------------


@pytest.mark.parametrize("accuracy", [0.8, 0.93, 0.99])
def test_planted_accuracy_is_recovered_within_sampling_error(accuracy):
    n = 50_000
    log = pricing_catalogue(n, seed=11, accuracy=accuracy)
    k = int(log["outcome"].sum())
    # The expected accuracy is exactly the planted one (a Beta mixture of Bernoullis is Bernoulli).
    assert stats.binomtest(k, n, p=accuracy).pvalue > 1e-3
    assert abs(k / n - accuracy) < 4 * math.sqrt(accuracy * (1 - accuracy) / n)
    assert log.attrs["planted"]["accuracy"] == accuracy


def test_calibrated_score_matches_the_outcome_rate_and_overconfidence_inflates_it():
    log = pricing_catalogue(60_000, seed=2)
    bins = pd.cut(log["score"], [0, 0.85, 0.9, 0.95, 0.975, 1.0])
    table = log.groupby(bins, observed=True).agg(
        score=("score", "mean"), rate=("outcome", "mean"), n=("outcome", "size")
    )
    se = np.sqrt(table["rate"] * (1 - table["rate"]) / table["n"])
    assert (np.abs(table["score"] - table["rate"]) < 4 * se + 1e-3).all()
    over = pricing_catalogue(60_000, seed=2, overconfidence=3.0)
    assert over["outcome"].equals(log["outcome"])  # same draws, only the stated confidence moves
    assert over["score"].mean() > log["score"].mean() + 0.03
    np.testing.assert_allclose(over["score"], stats.logistic.cdf(3 * stats.logistic.ppf(log["p_right"])))


def test_values_follow_the_documented_bounded_pareto_and_costs_its_loss_shares():
    log = pricing_catalogue(20_000, seed=4)
    dist = stats.truncpareto(b=0.8, c=4e6 / 250, scale=250)
    assert stats.kstest(log["value_usd"], dist.cdf).pvalue > 1e-3
    assert log["value_usd"].between(250, 4e6).all()
    loss = log["action_type"].map({k: v[1] for k, v in PRICING_ACTIONS.items()})
    np.testing.assert_allclose(log["cost_if_wrong_usd"], loss * log["value_usd"], rtol=1e-15)
    counts = log["action_type"].value_counts().reindex(list(PRICING_ACTIONS))
    expected = np.array([v[0] for v in PRICING_ACTIONS.values()]) * len(log)
    assert stats.chisquare(counts.to_numpy(), expected).pvalue > 1e-3
    assert log["decision_id"].tolist() == list(range(len(log)))
    assert log["day"].between(0, 29).all() and log["day"].is_monotonic_increasing
    # The tail reaches the prompt's ~$2M errors: SKUs worth over $1M, a wrong delist of the largest $2M.
    assert (log["value_usd"] > 1e6).sum() > 5
    assert max(v[1] for v in PRICING_ACTIONS.values()) * log.attrs["planted"]["value_max_usd"] == 2e6
    pd.testing.assert_frame_equal(log, pricing_catalogue(20_000, seed=4))


def test_expected_error_cost_is_carried_by_the_tail_at_defaults():
    # Closed form for the default value distribution: share of the mean above the 99th percentile.
    dist = stats.truncpareto(b=0.8, c=4e6 / 250, scale=250)
    q99 = dist.ppf(0.99)
    analytic = dist.expect(lambda x: x, lb=q99, ub=4e6) / dist.mean()
    assert analytic > 0.55
    for seed in range(3):
        t = tail_share(pricing_catalogue(20_000, seed=seed), [0.01]).iloc[0]
        assert t["error_cost_share"] > 0.5  # top 1% of SKUs: more than half the expected cost of error
        assert t["error_share"] == pytest.approx(0.01, abs=0.002)  # ...but only their share of errors
        assert t["n_skus"] == 200


@settings(max_examples=150, deadline=None)
@given(cap_logs(), st.lists(st.sampled_from([0.01, 0.1, 0.25, 0.3, 0.5, 0.99, 1.0]), min_size=1, max_size=4),
       st.sampled_from(["realised", "expected"]))  # fmt: skip
def test_tail_share_matches_a_loop_over_tie_groups(drawn, shares, basis):
    frame = drawn[0].rename(columns={"fa": "cost_if_wrong_usd"})
    out = tail_share(frame, shares, basis=basis)
    n = len(frame)
    err = 1 - (frame["outcome"].astype(float) if basis == "realised" else frame["score"])
    for x, (_, row) in zip(shares, out.iterrows(), strict=True):
        want = x * n
        taken = cost = errors = value = 0.0
        for v in sorted(set(frame["value_usd"]), reverse=True):  # tie groups, highest value first
            group = frame["value_usd"] == v
            size = int(group.sum())
            part = min(size, max(0.0, want - taken)) / size
            cost += part * (err[group] * frame.loc[group, "cost_if_wrong_usd"]).sum()
            errors += part * err[group].sum()
            value += part * v * size
            taken += part * size
        assert row["error_cost_usd"] == pytest.approx(cost, abs=1e-9)
        total = (err * frame["cost_if_wrong_usd"]).sum()
        if total > 0:
            assert row["error_cost_share"] == pytest.approx(cost / total)
        if err.sum() > 0:
            assert row["error_share"] == pytest.approx(errors / err.sum())
        if frame["value_usd"].sum() > 0:
            assert row["value_share"] == pytest.approx(value / frame["value_usd"].sum())
        assert (
            row["value_cut_usd"]
            == sorted(frame["value_usd"], reverse=True)[max(math.ceil(want - 1e-9), 1) - 1]
        )


# -- the Impact Grid -----------------------------------------------------------------------------------


def test_action_grid_cuts_mean_what_they_say_and_place_the_default_actions():
    log = pricing_catalogue(20_000, seed=0)
    g = action_grid(log, review_usd=100.0, reviewer_miss_rate=0.1, error_budget=0.10, gate_window_days=7)
    e = 1 - log["outcome"].mean()
    # Severity cut: the cost of error at which acting alone and a person's approval cost the same.
    cut = g.attrs["severity_cut_usd"]
    alone, reviewed, _ = review_costs(pd.DataFrame({"cost_if_wrong_usd": [cut]})).expected([1 - e])[0]
    assert alone == pytest.approx(reviewed)
    # Frequency cut: a week of decisions at that rate is the fewest whose exact 95% upper bound on the
    # error rate (Clopper-Pearson, scipy's beta quantile, e * n errors) is within the 10% budget.
    n = round(g.attrs["frequency_cut_per_day"] * 7)
    assert (
        stats.beta.ppf(0.95, e * n + 1, n - e * n)
        <= 0.10
        < stats.beta.ppf(0.95, e * (n - 1) + 1, (n - 1) - e * (n - 1))
    )
    by_type = g.set_index("action_type")
    assert by_type["decisions_per_day"].to_dict() == pytest.approx(
        (log["action_type"].value_counts() / 30).to_dict()
    )
    q95 = log.groupby("action_type")["cost_if_wrong_usd"].quantile(0.95)
    assert by_type["severity_usd"].to_dict() == pytest.approx(q95.to_dict())
    assert by_type["quadrant"].to_dict() == {
        "small markdown": "frequent, minor",
        "price increase": "frequent, minor",
        "large markdown": "frequent, severe",
        "delist": "rare, severe",
    }
    fixed = action_grid(log, frequency_cut_per_day=500, severity_cut_usd=1e7)
    assert set(fixed["quadrant"]) == {"rare, minor"}


# -- the Fly run's guardrails -------------------------------------------------------------------------------


def test_fly_defaults_reach_the_published_peak():
    g = fly_guardrails(reference_usd=1e9)  # a cap that never binds
    assert g["peak_usd"].iloc[0] == pytest.approx(FLY_PEAK_USD, rel=1e-5)
    assert not g.set_index("switch").loc["price cap", "fired"]


def test_the_replay_reaches_the_published_peak_on_the_case_files_daily_cycles():
    # bordeebook's price is p0 x m_b x gain^k after k cycles: the published peak falls on a whole day, 10
    # (not 11: dividing the peak by the cheapest price counts bordeebook's first markup as a cycle).
    fig = {f.name: f for f in _case().published_figures}
    p0, m_a, m_b = (fig[k].value for k in ("start_price_usd", "multiplier_a", "multiplier_b"))
    peak = fig["peak_price_usd"].value
    month = repricing_loop(p0, m_a, m_b, 30)
    high = np.maximum(month["price_a_usd"], month["price_b_usd"]).to_numpy()
    day = int(np.argmin(np.abs(np.log(high / peak))))
    assert day == fig["daily_cycles"].value == 10
    assert fly_guardrails(reference_usd=1e9)["peak_usd"].iloc[0] == high[day]  # the default run's last day
    assert high[day] / peak - 1 == pytest.approx(1.44e-6, rel=0.01)  # $23,698,690.10 against ...55.93
    assert abs(np.log(peak / (p0 * m_b)) / np.log(m_a * m_b) - day) < 1e-5


def test_the_case_files_daily_cycles_derivation_evaluates_to_its_value():
    fig = {f.name: f for f in _case().published_figures}
    text = fig["daily_cycles"].derivation
    number = r"([\d,]+(?:\.\d+)?)"
    m = re.match(rf"ln\({number} / \({number} x {number}\)\) / ln\({number} x {number}\) = {number}:", text)
    assert m, text
    peak, p0, m_b, m_a, m_b2, result = (float(g.replace(",", "")) for g in m.groups())
    assert (peak, p0, m_b, m_a, m_b2) == tuple(
        fig[k].value
        for k in ("peak_price_usd", "start_price_usd", "multiplier_b", "multiplier_a", "multiplier_b")
    )
    assert math.log(peak / (p0 * m_b)) / math.log(m_a * m_b) == pytest.approx(result, abs=5e-5)
    assert result == fig["daily_cycles"].value


def _markdown(nb):
    return [c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            for c in nb["cells"] if c["cell_type"] == "markdown"]  # fmt: skip


def test_no_text_of_the_case_says_eleven_cycles():
    case = _case()
    nb = json.loads(_NOTEBOOK.read_text(encoding="utf-8"))
    texts = [
        case.incident.summary,
        case.debrief,
        *_markdown(nb),
        *(f.derivation or "" for f in case.published_figures),
    ]
    for text in texts:
        # "11" as a number of its own (not in 2011 or 1,730,045.11), or "eleven", anywhere in the prose
        assert not re.search(r"(?<![\d,.])11(?![\d,.])|\beleven\b", text, re.IGNORECASE), text


def test_notebook_markdown_escapes_every_dollar():
    # JupyterLab typesets text between two bare $ as LaTeX: a currency $ must be written \$.
    nb = json.loads(_NOTEBOOK.read_text(encoding="utf-8"))
    for text in _markdown(nb):
        prose = re.sub(r"`[^`]*`", "", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
        bare = [m.start() for m in re.finditer(r"(?<!\\)\$", prose)]
        assert not bare, f"unescaped $ in: {prose[:200]!r}"


def test_notebook_check_table_says_which_figures_are_evidence():
    nb = json.loads(_NOTEBOOK.read_text(encoding="utf-8"))
    (cell,) = [
        c for c in nb["cells"] if c["cell_type"] == "code" and "compare_figures" in "".join(c["source"])
    ]
    (table,) = [o for o in cell["outputs"] if o["output_type"] == "execute_result"]
    plain = "".join(table["data"]["text/plain"])
    assert "kind" in plain and "reproduced" in plain and "input" in plain
    kinds = {f.name: f.kind for f in _case().published_figures}
    assert {k for k, v in kinds.items() if v == "reproduced"} == {
        "day2_high_price_usd",
        "peak_price_usd",
        "daily_cycles",
    }


@settings(max_examples=60, deadline=None)
@given(st.floats(2e6, 2e9), st.sampled_from(["a", "highest"]), st.integers(5, 40))
def test_price_cap_fires_on_the_closed_form_cycle(cap, seller, days):
    start = FLY_P0_USD * (1.0 if seller == "a" else FLY_B)  # price_k = start * g**k
    k = math.log(cap / start) / math.log(FLY_GAIN)
    if abs(k - round(k)) < 1e-9:
        return  # on a boundary: rounding decides
    g = fly_guardrails(reference_usd=cap / 4, cap_multiple=4.0, seller=seller, days=days).set_index("switch")
    row = g.loc["price cap"]
    day = max(math.ceil(k), 0)
    if day > days:
        assert not row["fired"] and pd.isna(row["fired_day"]) and np.isnan(row["price_at_fire_usd"])
        assert row["peak_avoided_usd"] == 0
        return
    assert row["fired_day"] == day
    assert row["price_at_fire_usd"] == pytest.approx(start * FLY_GAIN**day, rel=1e-9)
    assert row["peak_avoided_usd"] == pytest.approx(start * (FLY_GAIN**days - FLY_GAIN**day), rel=1e-9)


@pytest.mark.parametrize(("limit", "day"), [(0.05, 1), (0.2684, 1), (0.2685, None), (1.0, None)])
def test_daily_change_limit_fires_on_day_one_when_the_gain_exceeds_it(limit, day):
    # Every daily change of the unbounded loop is g - 1 = 0.268427... (DERIVED from F2, F4).
    row = (
        fly_guardrails(reference_usd=1e9, max_daily_change=limit)
        .set_index("switch")
        .loc["daily change limit"]
    )
    assert (row["fired_day"] if row["fired"] else None) == day


@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 0.6), st.integers(0, 2**31))
def test_daily_change_limit_fires_on_the_first_day_a_noisy_change_reaches_it(limit, seed):
    g = fly_guardrails(reference_usd=1e12, max_daily_change=limit, noise_sd=0.2, seed=seed, days=20)
    path = repricing_loop(FLY_P0_USD, FLY_A, FLY_B, 20, noise_sd=0.2, seed=seed)
    price = np.maximum(path["price_a_usd"], path["price_b_usd"]).to_numpy()
    hits = [d for d in range(1, 21) if abs(price[d] / price[d - 1] - 1) >= limit]
    row = g.set_index("switch").loc["daily change limit"]
    if not hits:
        assert not row["fired"]
        return
    assert row["fired_day"] == hits[0]
    assert row["price_at_fire_usd"] == price[hits[0]]
    assert row["peak_avoided_usd"] == pytest.approx(price.max() - price[: hits[0] + 1].max())


@pytest.mark.parametrize(("p0", "p1", "h"), [(0.05, 0.5, 5.0), (0.01, 0.2, 4.0), (0.1, 0.9, 10.0)])
def test_anomaly_switch_fires_after_the_closed_form_run_of_anomalous_days(p0, p1, h):
    # Every day from day 1 moves 26.8% (>= 10%): the CUSUM adds log(p1 / p0) a day from 0.
    g = fly_guardrails(reference_usd=1e12, anomaly_cusum=(p0, p1, h), days=30)
    row = g.set_index("switch").loc["anomaly kill switch"]
    assert row["fired_day"] == math.ceil(h / math.log(p1 / p0))


# -- bad inputs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_skus": 0}, r"n_skus: expected a positive whole number, got 0"),
        ({"accuracy": 1.0}, r"accuracy: expected a share in \(0, 1\), got 1.0"),
        ({"accuracy": float("nan")}, r"accuracy: expected finite numbers, found nan"),
        ({"value_max_usd": 100.0}, r"value_max_usd: expected a value > 250, got 100.0"),
        ({"actions": {"a": (0.5, 0.1)}}, r"actions: expected the shares of decisions to sum to 1, got 0.5"),
        (
            {"actions": {"a": (1.0, 1.5)}},
            r"actions: loss_share: expected probabilities in \[0, 1\], found 1.5 at row 0",
        ),
        (
            {"actions": {"a": 1.0}},
            r"actions: expected a mapping name -> pair \(share, loss_share\), got \{'a': 1.0\}",
        ),
        ({"actions": {"a": ("x", 1)}}, r"actions: expected a mapping name -> pair \(share, loss_share\)"),
        ({"overconfidence": 0}, r"overconfidence: expected a number > 0, got 0"),
        ({"seed": "x"}, r"seed: expected a whole number or a numpy Generator, got 'x'"),
    ],
)
def test_pricing_catalogue_rejects_bad_parameters(kwargs, message):
    args = {"n_skus": 10, "seed": 0} | kwargs
    with pytest.raises(InputError, match=message):
        pricing_catalogue(**args)


def test_analysis_functions_reject_bad_inputs():
    log = pricing_catalogue(50, seed=0)
    costs = review_costs(log)
    with pytest.raises(InputError, match=r"log: expected a pandas DataFrame \(a decision log\), got list"):
        value_cap_curve([1, 2], costs)
    with pytest.raises(InputError, match=r"log: expected at least one decision, got an empty decision log"):
        tail_share(log.iloc[:0])
    with pytest.raises(
        InputError, match=r"value_cap_curve: column 'value' not in the decision log \(columns: decision_id"
    ):
        value_cap_curve(log, costs, value_col="value")
    with pytest.raises(InputError, match=r"caps: expected values >= 0, found -1.0 at row 1"):
        value_cap_curve(log, costs, [10.0, -1.0])
    with pytest.raises(InputError, match=r"caps: expected numbers >= 0 \(inf: no cap\), found nan"):
        value_cap_curve(log, costs, [np.nan])
    with pytest.raises(InputError, match=r"basis: expected one of 'realised', 'expected', got 'mean'"):
        value_cap_curve(log, costs, basis="mean")
    with pytest.raises(InputError, match=r"costs: expected DecisionCosts \(see review_costs\), got dict"):
        value_cap_curve(log, {"review_usd": 5})
    with pytest.raises(InputError, match=r"costs: expected one value per decision \(50\) or a scalar, got 3"):
        value_cap_curve(
            log, DecisionCosts(false_action_usd=[1.0, 2.0, 3.0], missed_usd=0.0, escalate_usd=1.0)
        )
    with pytest.raises(InputError, match=r"costs: escalate_usd must be finite"):
        value_cap_curve(log, DecisionCosts(false_action_usd=1.0, missed_usd=0.0))
    bad = log.assign(value_usd=log["value_usd"].where(log.index != 7, -3.0))
    with pytest.raises(
        InputError, match=r"value_cap_curve: column 'value_usd': expected values >= 0, found -3.0 at row 7"
    ):
        value_cap_curve(bad, costs)
    bad = log.assign(score=log["score"].where(log.index != 4, 1.2))
    with pytest.raises(
        InputError,
        match=r"tail_share: column 'score': expected probabilities in \[0, 1\], found 1.2 at row 4",
    ):
        tail_share(bad)
    bad = log.assign(outcome=log["outcome"].astype(object).where(log.index != 2, "yes"))
    with pytest.raises(
        InputError,
        match=r"best_value_cap: column 'outcome': expected 0/1 or True/False outcomes, found 'yes' at row 2",
    ):
        best_value_cap(bad, costs, seed=0)
    with pytest.raises(InputError, match=r"top_shares: expected shares above 0, found 0 at row 1"):
        tail_share(log, [0.5, 0.0])
    with pytest.raises(InputError, match=r"n_boot: expected a positive whole number, got 0"):
        best_value_cap(log, costs, n_boot=0, seed=0)
    with pytest.raises(InputError, match=r"seed: expected a whole number, got 1.5"):
        best_value_cap(log, costs, seed=1.5)
    with pytest.raises(InputError, match=r"level: expected a value strictly between 0 and 1, got 1.0"):
        best_value_cap(log, costs, n_boot=2, seed=0).summary(level=1.0)
    with pytest.raises(
        InputError, match=r"reviewer_miss_rate: expected probabilities in \[0, 1\], found 1.5"
    ):
        review_costs(log, reviewer_miss_rate=1.5)
    with pytest.raises(InputError, match=r"review_usd: expected a cost >= 0, got -1"):
        review_costs(log, review_usd=-1)
    with pytest.raises(
        InputError, match=r"error_budget: the log's error rate 0.5 is not below the budget 0.1"
    ):
        action_grid(log.assign(outcome=np.arange(50) % 2 == 0))
    with pytest.raises(InputError, match=r"action_grid: column 'day' not in the decision log"):
        action_grid(log.drop(columns="day"))


def test_fly_guardrails_rejects_bad_inputs():
    with pytest.raises(InputError, match=r"reference_usd: expected a price > 0, got 0"):
        fly_guardrails(reference_usd=0)
    with pytest.raises(InputError, match=r"seller: expected one of 'a', 'b', 'highest', got 'c'"):
        fly_guardrails(reference_usd=1e6, seller="c")
    with pytest.raises(InputError, match=r"max_daily_change: expected a share > 0, got -0.1"):
        fly_guardrails(reference_usd=1e6, max_daily_change=-0.1)
    with pytest.raises(InputError, match=r"p0, p1: expected 0 < p0 < p1 < 1"):
        fly_guardrails(reference_usd=1e6, anomaly_cusum=(0.5, 0.1, 3.0))
    with pytest.raises(InputError, match=r"anomaly_cusum: expected \(p0, p1, h\), got \(0.05, 0.5\)"):
        fly_guardrails(reference_usd=1e6, anomaly_cusum=(0.05, 0.5))
    with pytest.raises(InputError, match=r"seed: a simulation with noise_sd > 0 needs an explicit seed"):
        fly_guardrails(reference_usd=1e6, noise_sd=0.1)


# -- holding back: the third action of review_costs ------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(1.0, 1e7), min_size=1, max_size=20),
    st.floats(0.0, 1.0),
    st.floats(0.0, 0.2),
    st.floats(0.0, 500.0),
)
def test_review_costs_prices_each_action_as_documented(values, p, missed_share, fee):
    value = np.array(values)
    log = pd.DataFrame({"value_usd": value, "cost_if_wrong_usd": 0.3 * value})
    m = review_costs(log, review_usd=fee, reviewer_miss_rate=0.1, missed_share=missed_share).expected(
        np.full(len(value), p)
    )
    # By hand: act loses the cost of error when wrong; a person costs the fee and lets 10% of the wrong
    # ones through; holding back forgoes missed_share of the value when the repricing was right.
    np.testing.assert_allclose(m[:, 0], (1 - p) * 0.3 * value, rtol=1e-12)
    np.testing.assert_allclose(m[:, 1], fee + (1 - p) * 0.1 * 0.3 * value, rtol=1e-12)
    np.testing.assert_allclose(m[:, 2], p * missed_share * value, rtol=1e-12, atol=1e-300)


def test_review_costs_needs_values_only_to_price_holding_back():
    costs_only = pd.DataFrame({"cost_if_wrong_usd": [5.0, 50.0]})
    assert review_costs(costs_only).expected([0.5, 0.5])[:, 2].tolist() == [0.0, 0.0]
    with pytest.raises(InputError, match=r"review_costs: column 'value_usd' not in the decision log"):
        review_costs(costs_only, missed_share=0.01)
    with pytest.raises(InputError, match=r"missed_share: expected probabilities in \[0, 1\], found 1.5"):
        review_costs(costs_only, missed_share=1.5)


# -- the loop run forward -----------------------------------------------------------------------------------


def test_loop_projection_without_noise_follows_each_policy_closed_form():
    f = loop_projection(reference_usd=300.0, noise_sd=0.0, seed=0, days=40, n_paths=2)
    d = np.arange(41)
    for policy, want in [
        ("no guardrail", FLY_B * FLY_P0_USD * FLY_GAIN**d),  # bordeebook, the higher, grows by g a day
        ("daily change limit", FLY_B * FLY_P0_USD * 1.1**d),  # g > 1.1, so +10% binds every day
        ("price cap", np.where(d == 0, FLY_P0_USD, 3000.0)),  # the sighting, then the $3,000 cap
    ]:
        part = f[(f["policy"] == policy) & (f["path"] == 1)]
        np.testing.assert_allclose(part["price_usd"], want, rtol=1e-12)
        np.testing.assert_allclose(part["log10_price_usd"], np.log10(want), rtol=1e-12)
    assert f["policy"].unique().tolist() == list(GUARDRAIL_POLICIES)
    assert f.attrs["cap_usd"] == 3000.0


def test_loop_projection_noise_makes_the_log_price_a_gaussian_random_walk():
    # log bordeebook[d] = log(p0 m_b) + d log g + z_b[0] + sum_k (z_a[k] + z_b[k]): mean grows by log g a
    # day, variance (2d + 1) sd^2. Bordeebook is the higher seller unless a jitter beats log(m_b) / sd ~ 4.8 sd.
    sd, day = 0.05, 90
    f = loop_projection(reference_usd=100.0, noise_sd=sd, seed=17, days=day, n_paths=2000)
    x = np.log(f.loc[(f["policy"] == "no guardrail") & (f["day"] == day), "price_usd"].to_numpy())
    mean = np.log(FLY_P0_USD * FLY_B) + day * np.log(FLY_GAIN)
    assert stats.kstest(x, stats.norm(mean, sd * np.sqrt(2 * day + 1)).cdf).pvalue > 1e-3


@settings(max_examples=20, deadline=None)
@given(st.floats(0.01, 0.3), st.floats(0.02, 0.5), st.floats(20.0, 5000.0), st.integers(0, 2**31))
def test_loop_projection_guardrails_bound_every_path(sd, limit, reference, seed):
    f = loop_projection(
        reference_usd=reference, noise_sd=sd, seed=seed, max_daily_change=limit, days=15, n_paths=20
    )
    capped = f[(f["policy"] == "price cap") & (f["day"] >= 1)]
    assert (capped["price_usd"] <= 10 * reference * (1 + 1e-12)).all()
    limited = f[f["policy"] == "daily change limit"].pivot(index="day", columns="path", values="price_usd")
    ratio = limited.to_numpy()[2:] / limited.to_numpy()[1:-1]  # day 1 on: each seller within the limit
    assert (ratio <= 1 + limit + 1e-9).all() and (ratio >= 1 - limit - 1e-9).all()
    again = loop_projection(
        reference_usd=reference, noise_sd=sd, seed=seed, max_daily_change=limit, days=15, n_paths=20
    )
    pd.testing.assert_frame_equal(f, again)


def test_loop_projection_replays_one_stream_for_every_policy():
    rng = np.random.default_rng(3)
    f = loop_projection(reference_usd=1e12, noise_sd=0.1, seed=rng, days=10, n_paths=5)
    base = int(np.random.default_rng(3).integers(2**63 - 1))
    ref = repricing_loop(FLY_P0_USD, FLY_A, FLY_B, 10, noise_sd=0.1, n_paths=5, seed=base)
    want = np.maximum(ref["price_a_usd"], ref["price_b_usd"]).to_numpy()
    for policy in ("no guardrail", "price cap"):  # a $10 trillion cap never binds: the same paths
        np.testing.assert_allclose(f.loc[f["policy"] == policy, "price_usd"], want, rtol=1e-12)


def test_loop_projection_rejects_bad_inputs():
    with pytest.raises(InputError, match=r"reference_usd: expected a price > 0, got -5"):
        loop_projection(reference_usd=-5, noise_sd=0.1, seed=0)
    with pytest.raises(InputError, match=r"noise_sd: expected a number >= 0, got -0.1"):
        loop_projection(reference_usd=100, noise_sd=-0.1, seed=0)
    with pytest.raises(InputError, match=r"seed: expected a whole number or a numpy Generator, got 'x'"):
        loop_projection(reference_usd=100, noise_sd=0.1, seed="x")
    with pytest.raises(InputError, match=r"cap_multiple: expected a multiple > 0, got 0"):
        loop_projection(reference_usd=100, noise_sd=0.1, seed=0, cap_multiple=0)


# -- charts ---------------------------------------------------------------------------------------------------


def _layers(spec):
    """(mark type, data rows) per layer of a chart spec."""
    data = spec.get("datasets", {})
    return [
        (layer["mark"]["type"], data.get(layer.get("data", {}).get("name"), [])) for layer in spec["layer"]
    ]


def test_price_path_chart_marks_each_fire_day_and_the_cap():
    reference = 5e5  # a $5M cap (10x): the highest price reaches it after k cycles (closed form)
    g = fly_guardrails(reference_usd=reference)
    path = repricing_loop(FLY_P0_USD, FLY_A, FLY_B, 10)
    spec = price_path_chart(
        path, g, cap_usd=10 * reference, peak_usd=FLY_PEAK_USD, seller_labels=("p", "b")
    ).to_dict()
    layers = _layers(spec)
    assert [m for m, _ in layers] == ["line", "rule", "point", "rule", "text"]
    line = pd.DataFrame(layers[0][1])
    assert len(line) == 22 and set(line["series"]) == {"p", "b"}
    np.testing.assert_allclose(
        line.loc[line["series"] == "b", "price_usd"], FLY_B * FLY_P0_USD * FLY_GAIN ** np.arange(11)
    )
    fires = pd.DataFrame(layers[1][1]).set_index("series")["day"].to_dict()
    cap_day = math.ceil(math.log(10 * reference / (FLY_B * FLY_P0_USD)) / math.log(FLY_GAIN))
    assert fires == {"price cap": cap_day, "daily change limit": 1, "anomaly kill switch": 3}
    assert pd.DataFrame(layers[2][1])["day"].tolist() == list(fires.values())
    assert pd.DataFrame(layers[3][1])["price_usd"].tolist() == [5e6, FLY_PEAK_USD]
    assert pd.DataFrame(layers[4][1])["label"].tolist() == ["price cap: $5M", "published peak: $23.7M"]
    assert spec["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["p", "b", "price cap", "daily change limit", "anomaly kill switch"]


def test_price_path_chart_leaves_out_switches_that_never_fired_and_rejects_bad_input():
    g = fly_guardrails(reference_usd=1e9, max_daily_change=0.5, anomaly_move=0.5)  # nothing fires
    path = repricing_loop(FLY_P0_USD, FLY_A, FLY_B, 10)
    layers = _layers(price_path_chart(path, g).to_dict())
    assert [m for m, _ in layers] == ["line", "rule", "point"] and layers[1][1] == []
    two = repricing_loop(FLY_P0_USD, FLY_A, FLY_B, 5, noise_sd=0.1, n_paths=2, seed=0)
    with pytest.raises(InputError, match=r"path: expected one simulated path, got 2"):
        price_path_chart(two, g)
    with pytest.raises(InputError, match=r"guardrails: missing column\(s\) fired_day"):
        price_path_chart(path, g.drop(columns="fired_day"))
    with pytest.raises(InputError, match=r"seller_labels: expected two names"):
        price_path_chart(path, g, seller_labels=("one",))
    with pytest.raises(InputError, match=r"price cap: expected a number > 0, got -1"):
        price_path_chart(path, g, cap_usd=-1)


def test_value_cap_chart_draws_the_argmin_its_interval_and_the_extremes():
    log = pricing_catalogue(3000, seed=5)
    r = best_value_cap(log, review_costs(log), n_boot=100, seed=6, basis="expected", prob_col="p_right")
    spec = value_cap_chart(r, level=0.8).to_dict()
    layers = _layers(spec)
    assert [m for m, _ in layers] == ["rect", "rule", "line", "point", "text"]
    band = layers[0][1][0]
    reps = r.replicates["cap_usd"].to_numpy()
    assert band["low_usd"] == pytest.approx(np.percentile(reps, 10))
    assert band["high_usd"] == pytest.approx(np.percentile(reps, 90))
    # The marked best cap is the brute-force argmin of total cost over every distinct cap.
    caps = np.unique(np.concatenate([[0.0], log["value_usd"]]))
    curve = value_cap_curve(log, review_costs(log), caps, basis="expected", prob_col="p_right")
    assert layers[3][1][0]["cap_usd"] == caps[int(np.argmin(curve["total_cost_usd"]))]
    extremes = pd.DataFrame(layers[1][1]).set_index("policy")["total_cost_usd"]
    assert extremes["a person approves everything"] == pytest.approx(
        len(log) * 100 + 0.1 * ((1 - log["p_right"]) * log["cost_if_wrong_usd"]).sum()
    )
    assert extremes["the agent alone on everything"] == pytest.approx(
        ((1 - log["p_right"]) * log["cost_if_wrong_usd"]).sum()
    )
    line = pd.DataFrame(layers[2][1])
    assert len(line) <= 401 and (line["cap_usd"] > 0).all() and line["cap_usd"].is_monotonic_increasing
    # keyed: the band and the extremes in the legend, the best cap labelled under its point
    assert band["interval"] == "where the best cap could be (80% interval)"
    assert spec["layer"][0]["encoding"]["fill"]["field"] == "interval"
    assert layers[4][1][0]["label"] == (
        f"best cap {nogo.format_usd(r.cap_usd, compact=True)}: {nogo.format_usd(r.cost_usd, compact=True)} in total"
    )
    with pytest.raises(
        InputError, match=r"result: expected a ValueCapResult \(see best_value_cap\), got dict"
    ):
        value_cap_chart({})


def test_the_case_interface_builds_what_the_module_functions_give_for_a_variant():
    # A variant (not the defaults, so nothing is read from a snapshot), rebuilt here from the generator and
    # the documented cost formulas, against what nogo.open_case(...).build(...) gives.
    case_file = _case()
    values = case_file.variant(11)
    defaults = case_file.defaults()
    assert all(values[k] != defaults[k] for k in ("n_skus", "seed", "review_usd", "missed_share"))
    data = nogo.open_case(case_file, _ROOT / "data").build(values)

    (catalogue,) = case_file.data  # the case file's one dataset: its fixed values, then the references
    fixed = {k: v for k, v in catalogue.parameters.items() if not str(v).startswith("${")}
    assert {k: v for k, v in catalogue.parameters.items() if k not in fixed} == {
        "n_skus": "${n_skus}", "seed": "${seed}", "accuracy": "${accuracy}"
    }  # fmt: skip
    assert values["accuracy"] != defaults["accuracy"]
    log = pricing_catalogue(values["n_skus"], seed=values["seed"], accuracy=values["accuracy"], **fixed)
    pd.testing.assert_frame_equal(data.log, log)

    # p: the agent's score, calibrated by construction: the planted probability of being right.
    np.testing.assert_array_equal(data.p, log["p_right"].to_numpy())
    np.testing.assert_array_equal(data.p, log["score"].to_numpy())

    # Costs: act pays a wrong price; escalate pays the review and the wrong prices the analyst misses;
    # hold back forgoes missed_share of the value of a right repricing (review_costs' documented model).
    p, wrong, value = data.p, log["cost_if_wrong_usd"].to_numpy(), log["value_usd"].to_numpy()
    fee, miss, share = values["review_usd"], values["reviewer_miss_rate"], values["missed_share"]
    by_hand = np.column_stack([(1 - p) * wrong, fee + (1 - p) * miss * wrong, p * share * value])
    np.testing.assert_allclose(data.expected_costs(), by_hand, rtol=1e-12)
    module = review_costs(log, review_usd=fee, reviewer_miss_rate=miss, missed_share=share)
    np.testing.assert_array_equal(data.expected_costs(), module.expected(p))

    assert data.cost_model is None  # this case prices decisions directly
    assert data.days == fixed["days"] == log["day"].nunique() == 30
    assert data.desk == nogo.PolicyAssumptions.from_case(case_file)  # no desk parameter in this case
    assert data.hard_rules == () and data.allowed().all()  # its guardrails are levers, not fixed rules
    assert {k: data.parameters[k] for k in values} == values
