"""Drift: the self-training loop against scikit-learn and the population limit of its refit; the
degradation run against quadrature of the same model, and nogo's own calibration error."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import integrate, optimize, stats
from scipy.special import expit, logit
from sklearn.linear_model import LogisticRegression

import nogo
from nogo import DecisionCosts, InputError
from nogo.models.drift import _ece_by_row, _fit_logistic, degradation, self_training_loop

ALPHA, BETA, T = 0.5, 1.5, 0.6
COSTS = DecisionCosts(false_action_usd=80.0, missed_usd=20.0)


def _by_day(frame, cols):
    return frame.groupby("day")[cols].mean()


# -- the agent's model fit --------------------------------------------------------------------------


@pytest.mark.parametrize("labels", ["smooth", "declined-as-failures"])
def test_newton_fit_matches_scikit_learn(labels):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4000))
    y = rng.random(x.shape) < expit(ALPHA + BETA * x)
    if labels == "declined-as-failures":
        y &= x >= 0.3
    w = np.ones_like(x)
    w[1, ::3] = 0.0  # a weighted row: dropped rows must not count
    coef = _fit_logistic(x, y.astype(float), w, np.tile([ALPHA, BETA], (3, 1)))
    for i in range(3):
        keep = w[i] > 0
        # Same objective up to the ridge on the intercept (1e-3 against thousands of rows).
        ref = LogisticRegression(C=1e3, tol=1e-12, max_iter=10_000).fit(x[i, keep, None], y[i, keep])
        assert coef[i, 0] == pytest.approx(ref.intercept_[0], abs=1e-3)
        assert coef[i, 1] == pytest.approx(ref.coef_[0, 0], abs=1e-3)


def test_first_refit_matches_the_population_limit():
    """Declined applicants recorded as failures: on day 1 the agent approves x >= c0 (its model is the
    truth), so its labels are y * 1{x >= c0}. The large-sample refit solves the population score
    equations E[(expit(a + b x) - q(x) 1{x >= c0}) (1, x)] = 0, solved here by quadrature."""
    c0 = (logit(T) - ALPHA) / BETA

    def score(theta):
        a, b = theta

        def f(x, k):
            return stats.norm.pdf(x) * (expit(a + b * x) - expit(ALPHA + BETA * x) * (x >= c0)) * x**k

        return [
            integrate.quad(f, -12, c0, args=(k,))[0] + integrate.quad(f, c0, 12, args=(k,))[0] for k in (0, 1)
        ]

    limit = optimize.fsolve(score, [ALPHA, BETA])
    f = self_training_loop(2, n_per_day=50_000, n_paths=8, alpha=ALPHA, beta=BETA, threshold=T, seed=0)
    day2 = f[f["day"] == 2]
    for col, target in zip(("model_intercept", "model_slope"), limit, strict=True):
        se = day2[col].std() / np.sqrt(len(day2))
        assert abs(day2[col].mean() - target) < 5 * se + 1e-3
    assert limit[1] > 2 * BETA  # the refit is steeper and shifted: the cut moves up
    assert (logit(T) - limit[0]) / limit[1] > c0


# -- the loop ---------------------------------------------------------------------------------------


def test_day_one_uses_the_true_model():
    f = self_training_loop(1, n_per_day=100_000, n_paths=2, alpha=ALPHA, beta=BETA, threshold=T, seed=1)
    np.testing.assert_allclose(f["estimated_positive_rate"], f["true_positive_rate"], rtol=1e-12)
    np.testing.assert_allclose(f["cut_score"], (logit(T) - ALPHA) / BETA, rtol=1e-12)
    approve = stats.norm.sf((logit(T) - ALPHA) / BETA)  # P(x >= c0)
    np.testing.assert_allclose(
        f["approval_rate"], approve, atol=5 * np.sqrt(approve * (1 - approve) / 100_000)
    )


def test_recording_declined_as_failures_ratchets_the_agent_away_from_the_truth():
    f = self_training_loop(30, n_per_day=2000, n_paths=10, declined_label="negative", seed=2)
    d = _by_day(
        f,
        [
            "approval_rate",
            "cut_score",
            "estimated_positive_rate",
            "true_positive_rate",
            "observed_positive_rate",
        ],
    )
    days = [1, 2, 5, 10, 30]
    assert (np.diff(d.loc[days, "approval_rate"]) < 0).all()
    assert (np.diff(d.loc[days, "cut_score"]) > 0).all()
    gap = d["true_positive_rate"] - d["estimated_positive_rate"]
    assert (np.diff(gap.loc[days]) > 0).all()
    assert gap.loc[30] > 0.4  # the model believes almost nobody is good; about 59% are
    assert (
        d["true_positive_rate"].sub(stats.norm.expect(lambda x: expit(ALPHA + BETA * x))).abs().max() < 0.01
    )
    # What a dashboard shows: the approved look better and better while volume collapses.
    assert (np.diff(d.loc[days, "observed_positive_rate"]) > 0).all()


def test_dropping_unlabelled_decisions_keeps_a_well_specified_model_calibrated():
    """Selection on x alone, with a correctly specified model: the refit is unbiased (the control)."""
    f = self_training_loop(40, n_per_day=2000, n_paths=10, declined_label="missing", seed=3)
    late = f[f["day"] > 10]
    assert (late["estimated_positive_rate"] - late["true_positive_rate"]).mean() == pytest.approx(0, abs=0.01)
    assert late["model_slope"].mean() == pytest.approx(BETA, abs=0.1)
    assert late["model_intercept"].mean() == pytest.approx(ALPHA, abs=0.05)
    d = _by_day(f, ["approval_rate"])
    assert d["approval_rate"].std() < 0.02


def test_exploration_slows_the_drift_and_floors_the_approval_rate():
    gaps = []
    for eps in (0.0, 0.05, 0.2):
        f = self_training_loop(30, n_per_day=2000, n_paths=6, explore_rate=eps, seed=4)
        day30 = f[f["day"] == 30]
        gaps.append((day30["true_positive_rate"] - day30["estimated_positive_rate"]).mean())
        assert (f["approval_rate"] >= eps - 5 * np.sqrt(eps * (1 - eps) / 2000)).all()
    assert gaps[0] > gaps[1] > gaps[2]


def test_self_training_is_reproducible():
    a = self_training_loop(5, n_per_day=300, n_paths=3, seed=5)
    assert a.equals(self_training_loop(5, n_per_day=300, n_paths=3, seed=5))
    assert not a.equals(self_training_loop(5, n_per_day=300, n_paths=3, seed=6))
    assert a["day"].tolist()[:5] == [1, 2, 3, 4, 5] and len(a) == 15


# -- degradation ------------------------------------------------------------------------------------


def test_vectorised_ece_equals_nogo_expected_calibration_error():
    rng = np.random.default_rng(7)
    p = rng.uniform(size=(4, 3000)) ** np.array([[0.5], [1.0], [2.0], [1.0]])
    y = rng.uniform(size=p.shape) < rng.uniform(size=p.shape)
    p[3, :10] = 1.0  # the closed top bin
    got = _ece_by_row(p, y, 10)
    for i in range(4):
        assert got[i] == pytest.approx(nogo.expected_calibration_error(p[i], y[i], n_bins=10), abs=1e-11)


def test_without_a_change_the_launch_calibration_stays_right():
    """Constant noise, or a covariate shift alone: P(right | seen) at launch is still P(right | seen)."""
    for kw in ({"input_noise_sd": 0.7}, {"input_noise_sd": 0.0, "input_shift": np.linspace(0, -1, 11)}):
        f = degradation(10, costs=COSTS, n_per_day=3000, n_paths=3, seed=8, **kw)
        np.testing.assert_array_equal(f["cost_per_decision_usd"], f["recalibrated_cost_per_decision_usd"])
        assert f["ece"].max() < 0.04  # the sampling floor of a 10-bin ECE on 3,000 decisions


def test_default_threshold_is_the_cost_optimal_cut_and_sets_the_act_rate():
    f = degradation(
        2, input_noise_sd=0.0, input_shift=[0.0, 0.5, -0.5], costs=COSTS, n_per_day=100_000, n_paths=2, seed=9
    )
    cut = (stats.norm.ppf(nogo.classic_cut(80.0, 20.0)) - 0.0) / 2.0  # Phi(0 + 2 x) >= 0.8
    for day, shift in enumerate([0.0, 0.5, -0.5]):
        rate = stats.norm.sf(cut - shift)
        got = f.loc[f["day"] == day, "act_rate"]
        assert np.all(np.abs(got - rate) < 5 * np.sqrt(rate * (1 - rate) / 100_000))


def test_degraded_cost_and_ece_match_quadrature():
    """Noise sd 1 on day 1, none at launch. Computed from x directly (no posterior formula):
    P(seen >= c | x) = Phi((x - c) / s); the recalibrated cut solves P(right | seen = c) = t, found by
    integrating over the posterior of x given seen."""
    a, b, s, t = 0.0, 2.0, 1.0, 0.8
    n = 200_000
    f = degradation(1, input_noise_sd=[0.0, s], costs=COSTS, alpha=a, beta=b, n_per_day=n, n_paths=2, seed=10)
    day1 = f[f["day"] == 1]

    def expected_cost(c):
        def integrand(x):
            q = stats.norm.cdf(a + b * x)
            act = stats.norm.cdf((x - c) / s)
            return stats.norm.pdf(x) * (act * (1 - q) * 80.0 + (1 - act) * q * 20.0)

        return integrate.quad(integrand, -10, 10)[0]

    def p_right_given_seen(c):
        post = lambda x: stats.norm.pdf(x) * stats.norm.pdf((c - x) / s)  # noqa: E731
        num = integrate.quad(lambda x: post(x) * stats.norm.cdf(a + b * x), -10, 10)[0]
        return num / integrate.quad(post, -10, 10)[0]

    stale_cut = (stats.norm.ppf(t) - a) / b
    recal_cut = optimize.brentq(lambda c: p_right_given_seen(c) - t, -5, 10)
    stale, recal = expected_cost(stale_cut), expected_cost(recal_cut)
    se = 80.0 / np.sqrt(n)
    assert abs(day1["cost_per_decision_usd"].mean() - stale) < 4 * se
    assert abs(day1["recalibrated_cost_per_decision_usd"].mean() - recal) < 4 * se
    assert recal < stale

    # Population ECE: launch bins on p = Phi(a + b seen) are intervals of seen.
    edges = np.linspace(0, 1, 11)
    cuts = np.clip((stats.norm.ppf(edges) - a) / b, -30, 30)
    sd_seen = np.sqrt(1 + s**2)
    ece = 0.0
    for lo, hi in itertools.pairwise(cuts):

        def right_in_bin(x, lo=lo, hi=hi):
            in_bin = stats.norm.cdf((hi - x) / s) - stats.norm.cdf((lo - x) / s)
            return stats.norm.pdf(x) * stats.norm.cdf(a + b * x) * in_bin

        right = integrate.quad(right_in_bin, -10, 10)[0]
        pred = integrate.quad(lambda v: stats.norm.pdf(v, 0, sd_seen) * stats.norm.cdf(a + b * v), lo, hi)[0]
        ece += abs(right - pred)
    assert ece > 0.1
    assert day1["ece"].mean() == pytest.approx(ece, abs=0.01)


def test_growing_noise_breaks_calibration_and_costs_more_than_recalibrating():
    f = degradation(
        90, input_noise_sd=np.linspace(0, 1.5, 91), costs=COSTS, n_per_day=2000, n_paths=8, seed=11
    )
    d = _by_day(f, ["ece", "cost_per_decision_usd", "recalibrated_cost_per_decision_usd", "error_rate"])
    horizons = [0, 30, 60, 90]
    assert (np.diff(d.loc[horizons, "ece"]) > 0).all()
    assert (np.diff(d.loc[horizons, "error_rate"]) > 0).all()
    extra = d["cost_per_decision_usd"] - d["recalibrated_cost_per_decision_usd"]
    assert extra.loc[0] == 0 and (extra.loc[[30, 60, 90]] > 0).all()
    table = nogo.models.dynamics.projection_table(f, "ece")
    assert table["horizon_days"].tolist() == [30, 60, 90]
    assert f.equals(
        degradation(
            90, input_noise_sd=np.linspace(0, 1.5, 91), costs=COSTS, n_per_day=2000, n_paths=8, seed=11
        )
    )


# -- bad inputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"declined_label": "zero"}, r"declined_label: expected one of 'negative', 'missing', got 'zero'"),
        ({"explore_rate": 1.5}, r"explore_rate: expected a rate in \[0, 1\], got 1.5"),
        ({"threshold": 1.0}, r"threshold: expected a probability strictly between 0 and 1, got 1.0"),
        ({"beta": -1.0}, r"beta: expected a slope > 0, got -1.0"),
        ({"window_days": 0}, r"window_days: expected a positive whole number, got 0"),
        ({"n_per_day": 10.0}, r"n_per_day: expected a positive whole number, got 10.0"),
        ({"seed": "x"}, r"seed: expected a whole number or a numpy Generator, got 'x'"),
    ],
)
def test_bad_self_training_inputs_are_named(kwargs, message):
    with pytest.raises(InputError, match=message):
        self_training_loop(**({"days": 3, "seed": 0} | kwargs))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"input_noise_sd": [0.0, 0.5]},
            r"input_noise_sd: expected one value or one per day 0..3 \(4\), got 2",
        ),
        (
            {"input_noise_sd": [0.0, -0.5, 0.1, 0.2]},
            r"input_noise_sd: expected values >= 0, found -0.5 at row 1",
        ),
        ({"input_shift": [0.0, np.nan, 0, 0]}, r"input_shift: expected finite numbers, found nan at row 1"),
        ({"costs": {"false_action_usd": 1}}, r"costs: expected DecisionCosts, got dict"),
        ({"costs": DecisionCosts([1.0, 2.0], 1.0)}, r"costs: expected scalar costs, got 2 values per cost"),
        ({"threshold": 1.2}, r"threshold: expected a probability in \[0, 1\], got 1.2"),
        ({"n_bins": 0}, r"n_bins: expected a positive whole number, got 0"),
        ({"costs": DecisionCosts(0.0, 0.0)}, r"costs: a wrong action and a miss must together cost more"),
    ],
)
def test_bad_degradation_inputs_are_named(kwargs, message):
    args = {"days": 3, "input_noise_sd": 0.5, "costs": COSTS, "seed": 0, "n_per_day": 50} | kwargs
    with pytest.raises(InputError, match=message):
        degradation(**args)
