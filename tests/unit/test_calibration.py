"""Calibration: reliability tables by hand, ECE on planted miscalibration, the price of a raw score."""

from __future__ import annotations

import numpy as np
import pytest

import nogo
from nogo import DecisionCosts, InputError


def _overconfident_log(n: int, seed: int):
    """True probability q; the agent reports q ** 0.25 (always surer than it should be)."""
    rng = np.random.default_rng(seed)
    q = rng.uniform(size=n)
    outcome = rng.uniform(size=n) < q
    return q, q**0.25, outcome


def test_reliability_table_by_hand():
    p = np.array([0.05, 0.15, 0.25, 0.55, 0.65, 0.95, 1.0])
    y = np.array([0, 0, 1, 1, 0, 1, 1])
    t = nogo.reliability_table(p, y, n_bins=2)
    assert t["n"].tolist() == [3, 4]
    assert t["mean_p"].tolist() == pytest.approx([0.15, (0.55 + 0.65 + 0.95 + 1.0) / 4])
    assert t["observed_rate"].tolist() == pytest.approx([1 / 3, 3 / 4])
    assert (t["ci_low"] <= t["observed_rate"]).all() and (t["observed_rate"] <= t["ci_high"]).all()


def test_quantile_bins_have_equal_counts():
    rng = np.random.default_rng(1)
    p = rng.beta(2, 5, size=10_000)
    t = nogo.reliability_table(p, rng.uniform(size=p.size) < p, n_bins=10, strategy="quantile")
    assert t["n"].sum() == 10_000
    assert t["n"].min() >= 999 and t["n"].max() <= 1001


def test_ece_is_near_zero_when_calibrated_and_large_when_not():
    q, raw, y = _overconfident_log(100_000, seed=2)
    assert nogo.expected_calibration_error(q, y) < 0.01
    # The planted gap: E[q**0.25 - q] over U(0,1) is 0.8 - 0.5 = 0.3.
    assert nogo.expected_calibration_error(raw, y) == pytest.approx(0.3, abs=0.01)


@pytest.mark.parametrize("method", ["isotonic", "platt"])
def test_out_of_fold_calibration_repairs_an_overconfident_score(method):
    _, raw, y = _overconfident_log(40_000, seed=3)
    cal = nogo.calibrate_out_of_fold(raw, y, method=method, seed=0)
    tolerance = 0.02 if method == "isotonic" else 0.06  # a sigmoid cannot fit q ** 4 exactly
    assert nogo.expected_calibration_error(cal, y) < tolerance
    assert nogo.expected_calibration_error(cal, y) < nogo.expected_calibration_error(raw, y) / 4
    again = nogo.calibrate_out_of_fold(raw, y, method=method, seed=0)
    np.testing.assert_array_equal(cal, again)


def test_a_threshold_on_the_raw_score_costs_more():
    """The analytic cut applied to an uncalibrated score acts far too often."""
    q, raw, y = _overconfident_log(40_000, seed=4)
    costs = DecisionCosts(false_action_usd=80, missed_usd=20)
    cut = nogo.classic_cut(80, 20)  # 0.8
    cal = nogo.calibrate_out_of_fold(raw, y, seed=0)
    realised = costs.realised(y)

    def cost(score):
        return np.where(score >= cut, realised[:, 0], realised[:, 2]).sum()

    assert cost(raw) > 1.5 * cost(cal)
    assert cost(cal) == pytest.approx(cost(q), rel=0.03)


def test_calibration_needs_both_outcomes():
    with pytest.raises(InputError, match=r"outcome: calibration needs both right \(1\) and wrong \(0\)"):
        nogo.fit_calibrator([0.1, 0.2], [1, 1])
    with pytest.raises(InputError, match=r"n_bins: expected a positive whole number, got 0"):
        nogo.reliability_table([0.1], [1], n_bins=0)
    with pytest.raises(InputError, match=r"method: expected one of 'isotonic', 'platt', got 'beta'"):
        nogo.fit_calibrator([0.1, 0.2], [1, 0], method="beta")


def test_platt_fits_on_one_native_thread(monkeypatch):
    """Platt scaling (one feature) runs with native thread pools limited to one thread: the same fit, without
    the thread synchronisation that made a case's per-segment folds ~20x slower on a busy 2-core machine."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_info

    seen: list[int] = []
    fit = LogisticRegression.fit

    def spy(self, *args, **kwargs):
        seen.extend(pool["num_threads"] for pool in threadpool_info())
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(LogisticRegression, "fit", spy)
    rng = np.random.default_rng(3)
    score = rng.uniform(size=400)
    outcome = rng.uniform(size=400) < score
    p = nogo.calibrate_out_of_fold(score, outcome, method="platt", n_folds=4, seed=1)
    assert seen and set(seen) == {1}
    monkeypatch.setattr(LogisticRegression, "fit", fit)
    unlimited = np.empty_like(p)  # the same folds fitted by hand, pools as they are: same numbers
    from sklearn.model_selection import KFold

    for train, test in KFold(4, shuffle=True, random_state=1).split(score):
        model = fit(LogisticRegression(C=1e6), score[train].reshape(-1, 1), outcome[train])
        unlimited[test] = model.predict_proba(score[test].reshape(-1, 1))[:, 1]
    np.testing.assert_allclose(p, unlimited, rtol=1e-9)
