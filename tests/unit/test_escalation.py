"""Escalation queue, time to harm and alert fatigue, against independent calculations.

References used here, all written independently of the module:
exact rational arithmetic (fractions, factorials) at small headcounts; a 60-digit Decimal evaluation and
a log-space sum at up to 10,000 reviewers; the Erlang B recursion; textbook closed forms for M/M/1 and
M/M/2; a published 9-1-1 call-answering example; numerical integration (scipy.integrate.quad) of the
wait and handling densities; and a seeded discrete-event simulation of the same M/M/c queue.
"""

from __future__ import annotations

import heapq
import math
import warnings
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import gammaln, logsumexp

from nogo.errors import InputError
from nogo.models.costs import DecisionCosts
from nogo.models.escalation import (
    FATIGUE_DEFAULTS,
    catch_rate,
    delay_cost_usd,
    erlang_c,
    fatigued_miss_rate,
    late_share,
    queue_metrics,
    reviewers_needed,
    share_too_late,
    staffing_costs,
)

# --------------------------------------------------------------------------- independent references


def exact_erlang_c(load: Fraction, c: int) -> Fraction:
    """The textbook formula with factorials, in exact rational arithmetic (small c only)."""
    top = load**c / math.factorial(c) * Fraction(c) / (c - load)
    return top / (sum(load**k / math.factorial(k) for k in range(c)) + top)


def decimal_erlang_c(load: float, c: int) -> float:
    """C = 1 / (1 + (1 - rho) R), R = sum_j c!/((c-j)! A^j), by Horner's rule in 60-digit decimals."""
    with localcontext() as ctx:
        ctx.prec = 60
        a = Decimal(load)
        r = Decimal(0)
        for i in range(c - 1, -1, -1):
            r = Decimal(c - i) / a * (1 + r)
        return float(1 / (1 + (1 - a / c) * r))


def logsum_erlang_c(load: float, c: int) -> float:
    """The same ratio from log terms k log A - log k!, summed with logsumexp."""
    k = np.arange(c)
    log_terms = k * np.log(load) - gammaln(k + 1)
    log_last = c * np.log(load) - gammaln(c + 1)
    return float(1 / (1 + (1 - load / c) * np.exp(logsumexp(log_terms) - log_last)))


def recursion_erlang_c(load: float, c_max: int) -> np.ndarray:
    """Erlang C for c = 1..c_max from the Erlang B recursion B_k = A B_{k-1} / (k + A B_{k-1})."""
    out = np.ones(c_max)
    b = 1.0
    for k in range(1, c_max + 1):
        b = load * b / (k + load * b)
        if load < k:
            out[k - 1] = k * b / (k - load * (1 - b))
    return out


def simulate(rate_per_hour: float, handle_minutes: float, reviewers: int, n: int, seed: int):
    """First come, first served M/M/c: waits and handling times (minutes), warm-up dropped."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(60.0 / rate_per_hour, n))
    handle = rng.exponential(handle_minutes, n)
    free_at = [0.0] * reviewers
    wait = np.empty(n)
    for i, (t, s) in enumerate(zip(arrivals.tolist(), handle.tolist(), strict=True)):
        start = max(t, free_at[0])
        wait[i] = start - t
        heapq.heapreplace(free_at, start + s)
    warm = n // 10
    return wait[warm:], handle[warm:], rng


def assert_batch_mean(samples: np.ndarray, expected: float, batches: int = 20, z: float = 4.5) -> None:
    """Mean within z standard errors, the error from batch means (waits are autocorrelated)."""
    n = len(samples) // batches * batches
    means = samples[:n].reshape(batches, -1).mean(axis=1)
    se = means.std(ddof=1) / math.sqrt(batches)
    assert abs(means.mean() - expected) <= z * se, (means.mean(), expected, se)


# --------------------------------------------------------------------------- textbook values


def test_five_erlangs_on_six_reviewers_waits_587_percent():
    # 100 escalations an hour, 3 minutes each: 5 erlangs. The standard worked value is C(6, 5) = 0.5875.
    got = erlang_c(100, 3, 6)[0]
    assert got == pytest.approx(float(exact_erlang_c(Fraction(5), 6)), rel=1e-12)
    assert round(got, 4) == 0.5875


@pytest.mark.parametrize("load", [Fraction(1, 3), Fraction(5), Fraction(48), Fraction(119, 10)])
def test_small_headcounts_match_exact_rational_formula(load):
    reviewers = np.arange(math.floor(load) + 1, math.floor(load) + 15)
    rate = float(load) * 60 / 2.0  # handle 2 minutes
    got = erlang_c(rate, 2.0, reviewers)
    want = [float(exact_erlang_c(load, int(c))) for c in reviewers]
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_mm1_closed_forms():
    # M/M/1 (any queueing text, e.g. Kleinrock 1975): P(wait) = rho, Wq = rho / (mu - lam),
    # P(W > t) = rho exp(-(mu - lam) t).
    lam, mu = 40 / 60, 1 / 1.2  # per minute: 40 an hour, 1.2-minute handling
    rho = lam / mu
    m = queue_metrics(40, 1.2, 1, sla_minutes=2.0).iloc[0]
    assert m["p_wait"] == pytest.approx(rho, rel=1e-12)
    assert m["mean_wait_minutes"] == pytest.approx(rho / (mu - lam), rel=1e-12)
    assert m["mean_wait_if_waiting_minutes"] == pytest.approx(1 / (mu - lam), rel=1e-12)
    assert m["within_sla"] == pytest.approx(1 - rho * math.exp(-(mu - lam) * 2.0), rel=1e-12)
    assert m["mean_queue_length"] == pytest.approx(rho**2 / (1 - rho), rel=1e-12)


def test_mm2_closed_form():
    # M/M/2: P(wait) = 2 rho^2 / (1 + rho).
    rho = np.linspace(0.01, 0.99, 50)
    got = erlang_c(rho * 2 * 60 / 5.0, 5.0, 2)
    np.testing.assert_allclose(got, 2 * rho**2 / (1 + rho), rtol=1e-12)


def test_published_911_call_answering_example():
    # Footbridge "Erlang C Call Calc" application note (al911.org/qos_calc.htm): 2 call takers, 60-second
    # calls at 30 an hour: "fewer than 8 percent of callers will wait more than 10 seconds"; with calls of
    # 60 + 20 seconds "the QOS falls to 14 percent".
    over_10s = 1 - queue_metrics(30, [1.0, 80 / 60], 2, sla_minutes=10 / 60)["within_sla"]
    assert over_10s[0] < 0.08
    assert round(over_10s[1], 2) == 0.14


def test_call_centre_walkthrough_matches_exact_arithmetic():
    # The widely used walkthrough: 360 calls per half hour, 4-minute calls, 55 agents, 15-second target.
    m = queue_metrics(720, 4, 55, sla_minutes=0.25).iloc[0]
    c_exact = exact_erlang_c(Fraction(48), 55)
    assert m["offered_load_erlangs"] == pytest.approx(48)
    assert m["p_wait"] == pytest.approx(float(c_exact), rel=1e-12)
    assert m["mean_wait_minutes"] * 60 == pytest.approx(float(c_exact) * 240 / 7, rel=1e-12)
    assert m["within_sla"] == pytest.approx(1 - float(c_exact) * math.exp(-7 * 15 / 240), rel=1e-12)


# --------------------------------------------------------------------------- stability at scale


@pytest.mark.parametrize("c", [1, 2, 10, 100, 2000, 10_000])
def test_high_load_matches_high_precision_references(c):
    load = 0.95 * c
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = erlang_c(load, 60, c)[0]
    assert got == pytest.approx(decimal_erlang_c(load, c), rel=1e-9)
    assert got == pytest.approx(logsum_erlang_c(load, c), rel=1e-9)


def test_one_to_ten_thousand_reviewers_stay_finite_and_fall_with_scale():
    c = np.unique(np.geomspace(1, 10_000, 300).round())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = queue_metrics(0.95 * c * 6, 10, c, sla_minutes=0.5)  # utilisation 0.95 throughout
    for col in ("p_wait", "within_sla"):
        assert np.isfinite(m[col]).all() and m[col].between(0, 1).all()
    assert np.isfinite(m["mean_wait_minutes"]).all()
    assert (np.diff(m["p_wait"]) < 0).all()  # economies of scale at fixed utilisation


def test_more_reviewers_wait_less_at_fixed_load_and_match_recursion():
    load = 500.0
    c = np.arange(501, 2001)
    got = erlang_c(load * 60 / 30, 30, c)
    ref = recursion_erlang_c(load, 2000)[500:]
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-300)
    positive = got > 0
    assert (np.diff(got[positive]) < 0).all()
    assert got[-1] == 0.0  # underflows cleanly, no NaN


def test_huge_headcount_tiny_load_and_zero_load():
    assert erlang_c(6, 10, 10_000)[0] == 0.0
    m = queue_metrics(0, 5, [1, 3], sla_minutes=0)
    assert m["p_wait"].tolist() == [0.0, 0.0]
    assert m["within_sla"].tolist() == [1.0, 1.0]
    assert m["mean_wait_minutes"].tolist() == [0.0, 0.0]


def test_unstable_rows_report_long_run_limits():
    # 5 erlangs on 4 or 5 reviewers: the backlog grows without bound.
    m = queue_metrics(100, 3, [4, 5, 6], sla_minutes=1)
    assert m["stable"].tolist() == [False, False, True]
    assert m["p_wait"].tolist()[:2] == [1.0, 1.0]
    assert np.isinf(m["mean_wait_minutes"][:2]).all() and np.isinf(m["mean_queue_length"][:2]).all()
    assert m["within_sla"].tolist()[:2] == [0.0, 0.0]
    assert m["utilisation"].tolist()[:2] == [1.25, 1.0]
    assert share_too_late(100, 3, [4, 5], 1e6).tolist() == [1.0, 1.0]
    assert np.isinf(delay_cost_usd(100, 3, 5, cost_per_minute_usd=1)).all()
    assert delay_cost_usd(100, 3, 5, cost_per_minute_usd=0, breach_usd=7).tolist() == [7.0]


# --------------------------------------------------------------------------- against a simulation

SIM_CASES = [
    (100.0, 3.0, 6, 1),  # 5 erlangs; c - A = 1, so the wait and handling rates are equal
    (100.0, 3.0, 7, 2),
    (40.0, 1.2, 1, 3),  # M/M/1 at 80%
    (600.0, 4.0, 44, 4),  # 40 erlangs at 91%
]


@pytest.fixture(scope="module")
def sims():
    return {case: simulate(*case[:3], n=150_000, seed=case[3]) for case in SIM_CASES}


@pytest.mark.parametrize("case", SIM_CASES)
def test_simulation_agrees_on_waiting_and_service_level(sims, case):
    rate, handle, c, _ = case
    wait, _, _ = sims[case]
    m = queue_metrics(rate, handle, c, sla_minutes=0.5).iloc[0]
    assert_batch_mean((wait > 0).astype(float), m["p_wait"])
    assert_batch_mean(wait, m["mean_wait_minutes"])
    assert_batch_mean((wait <= 0.5).astype(float), m["within_sla"])
    # E[W - 1{W > 0} / theta] = 0: the waits of those who wait have mean 1 / theta.
    assert_batch_mean(wait - (wait > 0) * m["mean_wait_if_waiting_minutes"], 0.0)


@pytest.mark.parametrize("case", SIM_CASES)
def test_simulation_agrees_on_time_to_harm(sims, case):
    rate, handle, c, _ = case
    wait, service, rng = sims[case]
    done = wait + service + 0.25  # a quarter-minute of paging on top
    for deadline in (1.0, 2 * handle, 6 * handle):
        want = share_too_late(rate, handle, c, deadline, extra_latency_minutes=0.25)[0]
        assert_batch_mean((done > deadline).astype(float), want)
    # One deadline per decision: the mean of the per-decision probabilities.
    deadlines = rng.uniform(0, 5 * handle, len(done))
    per_decision = share_too_late(rate, handle, c, deadlines, extra_latency_minutes=0.25)
    assert_batch_mean((done > deadlines).astype(float) - per_decision, 0.0)


@pytest.mark.parametrize("case", SIM_CASES)
def test_simulation_agrees_on_delay_cost(sims, case):
    rate, handle, c, _ = case
    wait, _, _ = sims[case]
    grace = 0.2
    cost = 1.5 * np.maximum(wait - grace, 0) + 4.0 * (wait > grace)
    want = delay_cost_usd(rate, handle, c, cost_per_minute_usd=1.5, grace_minutes=grace, breach_usd=4.0)
    assert_batch_mean(cost, want[0])


# --------------------------------------------------------------------------- time to harm by integration


def late_by_integration(rate, handle, c, deadline, latency=0.0):
    load = rate * handle / 60
    cw = float(exact_erlang_c(Fraction(load).limit_denominator(10**12), c))
    theta, mu, x = (c - load) / handle, 1 / handle, deadline - latency
    if x <= 0:
        return 1.0
    # wait = 0: late if handling > x; wait = y > 0 (density C theta e^{-theta y}): late if handling > x - y.
    inside = quad(lambda y: theta * math.exp(-theta * y) * math.exp(-mu * (x - y)), 0, x)[0]
    return (1 - cw) * math.exp(-mu * x) + cw * (inside + math.exp(-theta * x))


@pytest.mark.parametrize(
    ("rate", "handle", "c"),
    [
        (100, 3, 6),
        (100, 3, 7),
        (100, 3, 30),
        (40, 1.2, 1),
        (59.99999, 3, 4),
        (60.000001, 3, 4),
        (10, 0.01, 3),
    ],
)
def test_share_too_late_matches_numerical_integration(rate, handle, c):
    # (59.99999, 3, 4) and (60.000001, 3, 4) put the wait's rate a hair either side of the handling rate.
    for deadline in (0.0, 0.1, 1.0, 5.0, 30.0):
        for latency in (0.0, 0.5):
            got = share_too_late(rate, handle, c, deadline, extra_latency_minutes=latency)[0]
            assert got == pytest.approx(late_by_integration(rate, handle, c, deadline, latency), abs=1e-9)


def test_share_too_late_is_continuous_where_the_rates_meet():
    rates = 60 + np.array([-1e-6, -1e-9, 0.0, 1e-9, 1e-6])  # 3 min handling, 4 reviewers: c - A = 1 at 60/h
    got = share_too_late(rates, 3, 4, 7.0)
    assert np.ptp(got) < 1e-7
    load, mu = 3.0, 1 / 3
    cw = float(exact_erlang_c(Fraction(load), 4))
    assert got[2] == pytest.approx((1 - cw) * math.exp(-mu * 7) + cw * math.exp(-mu * 7) * (1 + mu * 7))


def test_share_too_late_deadlines_per_decision_and_edges():
    deadlines = np.array([0.0, 0.3, 2.0, np.inf])
    got = share_too_late(100, 3, 7, deadlines, extra_latency_minutes=0.3)
    assert got[0] == 1.0 and got[1] == 1.0 and got[3] == 0.0  # no time left, or no deadline at all
    assert 0 < got[2] < 1
    one_by_one = [share_too_late(100, 3, 7, d, extra_latency_minutes=0.3)[0] for d in deadlines]
    np.testing.assert_array_equal(got, one_by_one)
    # Fast reviewers, short deadlines: huge rate ratios, no overflow.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast = share_too_late(1, 1e-4, 500, [1e-3, 10.0])
    assert fast[0] == pytest.approx(math.exp(-10)) and fast[1] == 0.0


def test_late_share_counts_decisions_past_their_deadline():
    # Uber ATG, Tempe 2018 (NTSB/HAR-19/03): braking was needed 1.3 s before impact; reaction times here
    # are illustrative. A decision exactly on the deadline is in time.
    reaction_s = np.array([0.8, 1.0, 1.3, 1.4, 1.5, 2.5])
    assert late_share(reaction_s / 60, 1.3 / 60) == pytest.approx(3 / 6)
    assert late_share([1.0, 2.0], [1.5, 1.5]) == 0.5
    assert late_share(5.0, [np.inf, 1.0]) == 0.5


# --------------------------------------------------------------------------- headcount and cost


def brute_force_needed(rate, handle, sla, target):
    load = rate * handle / 60
    c_max = math.floor(load) + 20 + int(10 * math.sqrt(load + 1))
    cw = recursion_erlang_c(load, c_max)
    for c in range(1, c_max + 1):
        if load < c and 1 - cw[c - 1] * math.exp(-(c - load) / handle * sla) >= target:
            return c, cw, load
    raise AssertionError("brute force search range too short")


@settings(max_examples=150, deadline=None)
@given(
    st.floats(0.5, 2000),
    st.floats(0.05, 30),
    st.floats(0, 20),
    st.floats(0.05, 0.99),
)
def test_reviewers_needed_matches_brute_force_scan(rate, handle, sla, target):
    want, cw, load = brute_force_needed(rate, handle, sla, target)

    def level(c):
        return 1 - cw[c - 1] * math.exp(-(c - load) / handle * sla) if load < c else 0.0

    # Skip near-ties, where the two computations may round to opposite sides of the target.
    assume(abs(level(want) - target) > 1e-9 and (want == 1 or abs(level(want - 1) - target) > 1e-9))
    assert reviewers_needed(rate, handle, sla, target)[0] == want


def test_reviewers_needed_vectorised_and_at_scale():
    rates = np.array([100.0, 720.0, 57_000.0, 0.0])
    handles = np.array([3.0, 4.0, 10.0, 5.0])
    got = reviewers_needed(rates, handles, 0.25, 0.8)
    assert got[3] == 1  # nobody escalates: one reviewer still on duty
    for r, h, n in zip(rates[:3], handles[:3], got[:3], strict=True):
        level = queue_metrics(r, h, [n - 1, n], sla_minutes=0.25)["within_sla"]
        assert level[0] < 0.8 <= level[1]
    # 9,500 erlangs: the answer sits between the stable minimum and square-root staffing with slack.
    assert 9500 < got[2] < 9500 + 4 * math.sqrt(9500)
    assert reviewers_needed(100, 3, 0, 0.5)[0] == brute_force_needed(100, 3, 0, 0.5)[0]


def test_delay_cost_matches_integral_over_the_wait_distribution():
    rate, handle, c, grace = 100.0, 3.0, 7, 0.4
    load = rate * handle / 60
    cw = float(exact_erlang_c(Fraction(load), c))
    theta = (c - load) / handle
    density = lambda w: cw * theta * math.exp(-theta * w)  # noqa: E731 - the waiting part of W
    minutes = quad(lambda w: (w - grace) * density(w), grace, np.inf)[0]
    breach = quad(density, grace, np.inf)[0]
    got = delay_cost_usd(rate, handle, c, cost_per_minute_usd=2.0, grace_minutes=grace, breach_usd=10.0)
    assert got[0] == pytest.approx(2.0 * minutes + 10.0 * breach, rel=1e-9)
    plain = delay_cost_usd(rate, handle, c, cost_per_minute_usd=3.0)
    assert plain[0] == pytest.approx(3.0 * queue_metrics(rate, handle, c)["mean_wait_minutes"][0])


def test_staffing_costs_add_up_and_find_the_cheapest_headcount():
    c = np.arange(6, 30)
    t = staffing_costs(100, 3, c, reviewer_cost_per_hour_usd=40, cost_per_minute_usd=2, grace_minutes=0.5)
    per_escalation = delay_cost_usd(100, 3, c, cost_per_minute_usd=2, grace_minutes=0.5)
    np.testing.assert_allclose(t["delay_cost_per_hour_usd"], 100 * per_escalation)
    np.testing.assert_allclose(t["reviewer_cost_per_hour_usd"], 40 * c)
    np.testing.assert_allclose(
        t["total_cost_per_hour_usd"], t["delay_cost_per_hour_usd"] + t["reviewer_cost_per_hour_usd"]
    )
    best = int(t.loc[t["total_cost_per_hour_usd"].idxmin(), "reviewers"])
    assert 6 < best < 29  # an interior optimum: understaffing and overstaffing both cost more


# --------------------------------------------------------------------------- alert fatigue


unit = st.floats(0, 1)
volume = st.floats(0, 1000)


@settings(max_examples=200, deadline=None)
@given(unit, unit, volume, volume)
def test_catch_rate_rises_with_precision_falls_with_volume_and_stays_bounded(p1, p2, v1, v2):
    lo_p, hi_p = sorted((p1, p2))
    lo_v, hi_v = sorted((v1, v2))
    grid = catch_rate([lo_p, hi_p, lo_p, hi_p], [lo_v, lo_v, hi_v, hi_v])
    assert grid[0] <= grid[1] and grid[2] <= grid[3]  # more precise alerts, more catches
    assert grid[0] >= grid[2] and grid[1] >= grid[3]  # more alerts per reviewer, fewer catches
    assert ((grid >= 0) & (grid <= FATIGUE_DEFAULTS["max_catch_rate"])).all()


@settings(max_examples=100, deadline=None)
@given(unit, volume, st.floats(0, 1), st.floats(0, 3), st.floats(0.1, 500), st.floats(0.1, 6))
def test_catch_rate_follows_its_stated_form(p, v, top, alpha, half, beta):
    got = catch_rate(
        p, v, max_catch_rate=top, precision_exponent=alpha, half_volume_per_hour=half, volume_exponent=beta
    )[0]
    want = top * p**alpha / (1 + (v / half) ** beta)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-300)
    assert 0 <= got <= 1


def test_catch_rate_anchor_points_and_miss_rate():
    top, half = FATIGUE_DEFAULTS["max_catch_rate"], FATIGUE_DEFAULTS["half_volume_per_hour"]
    assert catch_rate(1.0, 0.0)[0] == pytest.approx(top)  # perfect alerts, no load
    assert catch_rate(1.0, half)[0] == pytest.approx(top / 2)  # half lost at the half-volume
    assert catch_rate(0.5, 0.0, precision_exponent=0)[0] == pytest.approx(top)  # no cry-wolf effect
    assert catch_rate(0.25, 0.0, precision_exponent=1)[0] == pytest.approx(top * 0.25)  # probability matching
    assert catch_rate(0.0, 1e300)[0] == 0.0
    miss = fatigued_miss_rate([0.12, 0.9], [6.0, 1.0], precision_exponent=1.0)
    np.testing.assert_allclose(miss, 1 - catch_rate([0.12, 0.9], [6.0, 1.0], precision_exponent=1.0))
    costs = DecisionCosts(
        false_action_usd=100, missed_usd=0, escalate_usd=0, reviewer_miss_rate=float(miss[0])
    )
    # A wrong action escalated to a fatigued reviewer slips through with the miss rate.
    assert costs.expected([0.0])[0, 1] == pytest.approx(100 * miss[0])


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: erlang_c(-1, 3, 5), r"arrival_rate_per_hour: expected values >= 0, found -1.0 at row 0"),
        (
            lambda: erlang_c([1, np.nan], 3, 5),
            r"arrival_rate_per_hour: expected finite numbers, found nan at row 1",
        ),
        (lambda: erlang_c(100, 0, 5), r"handle_minutes: expected values > 0, found 0.0 at row 0"),
        (lambda: erlang_c(100, [3, -2], 5), r"handle_minutes: expected values > 0, found -2.0 at row 1"),
        (lambda: erlang_c(100, 3, [6, 6.5]), r"reviewers: expected whole numbers >= 1, found 6.5 at row 1"),
        (lambda: erlang_c(100, 3, 0), r"reviewers: expected whole numbers >= 1, found 0.0 at row 0"),
        (lambda: erlang_c(100, 3, -4), r"reviewers: expected whole numbers >= 1, found -4.0 at row 0"),
        (lambda: erlang_c(100, 3, np.inf), r"reviewers: expected finite numbers, found inf at row 0"),
        (
            lambda: erlang_c([1, 2], 3, [5, 6, 7]),
            r"reviewers: expected 2 values to match arrival_rate_per_hour, got 3",
        ),
        (lambda: erlang_c([], 3, 5), r"arrival_rate_per_hour: expected at least one value"),
        (lambda: queue_metrics(100, 3, 6, sla_minutes=-1), r"sla_minutes: expected values >= 0, found -1.0"),
        (
            lambda: queue_metrics(100, 3, 6, sla_minutes=[1, 2]),
            r"sla_minutes: expected a single number, got 2",
        ),
        (
            lambda: reviewers_needed(100, 3, 1, 0.0),
            r"target_within_sla: expected a number in \(0, 1\), got 0.0",
        ),
        (
            lambda: reviewers_needed(100, 3, 1, 1.0),
            r"target_within_sla: expected a number in \(0, 1\), got 1.0",
        ),
        (
            lambda: reviewers_needed(100, 3, 1, 1.5),
            r"target_within_sla: expected a number in \(0, 1\), got 1.5",
        ),
        (
            lambda: reviewers_needed(100, 3, 1, np.nan),
            r"target_within_sla: expected finite numbers, found nan",
        ),
        (
            lambda: reviewers_needed(100, 3, np.nan),
            r"sla_minutes: expected finite numbers, found nan at row 0",
        ),
        (lambda: reviewers_needed(-5, 3, 1), r"arrival_rate_per_hour: expected values >= 0, found -5.0"),
        (
            lambda: delay_cost_usd(100, 3, 6, cost_per_minute_usd=-1),
            r"cost_per_minute_usd: expected values >= 0, found -1.0",
        ),
        (
            lambda: delay_cost_usd(100, 3, 6, cost_per_minute_usd=[1, 2]),
            r"cost_per_minute_usd: expected a single number, got 2",
        ),
        (
            lambda: staffing_costs(100, 3, 6, reviewer_cost_per_hour_usd=np.nan),
            r"reviewer_cost_per_hour_usd: expected finite numbers",
        ),
        (
            lambda: share_too_late(100, 3, 7, [5, np.nan]),
            r"time_to_harm_minutes: expected values >= 0 \(inf for no deadline\), found nan at row 1",
        ),
        (
            lambda: share_too_late(100, 3, 7, -1),
            r"time_to_harm_minutes: expected values >= 0 \(inf for no deadline\), found -1.0 at row 0",
        ),
        (
            lambda: share_too_late(100, 3, 7, 5, extra_latency_minutes=-0.1),
            r"extra_latency_minutes: expected values >= 0, found -0.1 at row 0",
        ),
        (
            lambda: late_share([1, 2, 3], [1, 2]),
            r"time_to_harm_minutes: expected 3 values to match latency_minutes",
        ),
        (lambda: catch_rate(1.2, 5), r"precision: expected probabilities in \[0, 1\], found 1.2 at row 0"),
        (lambda: catch_rate(0.5, -5), r"alerts_per_reviewer_per_hour: expected values >= 0, found -5.0"),
        (
            lambda: catch_rate(0.5, 5, max_catch_rate=1.5),
            r"max_catch_rate: expected a number in \[0, 1\], got 1.5",
        ),
        (
            lambda: catch_rate(0.5, 5, half_volume_per_hour=0),
            r"half_volume_per_hour: expected a number in \(0, inf\)",
        ),
        (
            lambda: catch_rate(0.5, 5, volume_exponent=0),
            r"volume_exponent: expected a number in \(0, inf\), got 0",
        ),
        (
            lambda: catch_rate(0.5, 5, precision_exponent=-1),
            r"precision_exponent: expected a number in \[0, inf\)",
        ),
        (lambda: fatigued_miss_rate(0.5, 5, bogus=1.0), r"unexpected keyword argument 'bogus'"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises((InputError, TypeError), match=message) as info:
        call()
    if "bogus" not in message:
        assert info.type is InputError
