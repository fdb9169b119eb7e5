"""Kill switches and rollback triggers: against plain-loop references, Wald's formulas, scipy and seeded
simulations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats import binomtest

from nogo.errors import InputError
from nogo.models.killswitch import (
    CumulativeLossCap,
    CusumErrorRate,
    ErrorRateRollback,
    LossRateCap,
    SignalCap,
    SprtErrorRate,
    evaluate_kill_switches,
    kill_switch_trace,
    rollback_trigger,
)

rates = st.tuples(st.sampled_from([0.01, 0.05, 0.1, 0.2]), st.sampled_from([1.5, 2.0, 3.0, 4.0]))


def _first(flags):
    """First index where a flag is set, by a plain loop."""
    for i, flag in enumerate(flags):
        if flag:
            return i
    return None


def _loop_cusum(error, p0, p1):
    """Page's recursion S_t = max(0, S_{t-1} + x_t), one observation at a time."""
    s, out = 0.0, []
    for e in error:
        x = math.log(p1 / p0) if e else math.log((1 - p1) / (1 - p0))
        s = max(0.0, s + x)
        out.append(s)
    return np.array(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=200), rates, st.floats(0.5, 8.0))
def test_cusum_equals_the_sequential_recursion(error, rate, h):
    p0, mult = rate
    p1 = min(p0 * mult, 0.9)
    stream = pd.DataFrame({"error": error})
    switch = CusumErrorRate(p0, p1, h)
    expected = _loop_cusum(error, p0, p1)
    trace = switch.trace(stream)
    assert trace["statistic"].to_numpy() == pytest.approx(expected, abs=1e-9)
    assume(np.all(np.abs(expected - h) > 1e-9))  # rounding could flip an exact tie with h
    assert switch.first_fire(stream) == _first(expected >= h)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-50, 200), min_size=1, max_size=120), st.integers(1, 30), st.integers(0, 2000))
def test_loss_caps_equal_brute_force_sums(loss, window, cap):
    stream = pd.DataFrame({"loss_usd": np.array(loss, dtype=float)})  # whole dollars: exact float sums
    running = [sum(loss[: i + 1]) for i in range(len(loss))]
    rolling = [sum(loss[max(0, i - window + 1) : i + 1]) for i in range(len(loss))]
    assert CumulativeLossCap(cap).trace(stream)["statistic"].tolist() == running
    assert LossRateCap(cap, window=window).trace(stream)["statistic"].tolist() == rolling
    assert CumulativeLossCap(cap).first_fire(stream) == _first([r >= cap for r in running])
    assert LossRateCap(cap, window=window).first_fire(stream) == _first([r >= cap for r in rolling])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 600), st.integers(0, 100)), min_size=1, max_size=80),
    st.sampled_from(["1min", "5min", "30min", "2h"]),
)
def test_time_window_equals_brute_force(rows, window):
    minutes = np.sort(np.array([m for m, _ in rows]))  # ties in time included
    loss = [float(x) for _, x in rows]
    t = pd.Timestamp("2012-08-01 09:30") + pd.to_timedelta(minutes, unit="min")
    stream = pd.DataFrame({"timestamp": t, "loss_usd": loss})
    w = pd.Timedelta(window)
    expected = [sum(loss[j] for j in range(i + 1) if t[j] > t[i] - w) for i in range(len(loss))]
    assert LossRateCap(100, window=window).trace(stream)["statistic"].tolist() == expected


def test_sprt_boundaries_are_walds():
    for alpha, beta in [(0.05, 0.2), (0.01, 0.1), (0.1, 0.1)]:
        s = SprtErrorRate(0.02, 0.06, alpha=alpha, beta=beta)
        assert s.upper == pytest.approx(math.log((1 - beta) / alpha))
        assert s.lower == pytest.approx(math.log(beta / (1 - alpha)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=150), rates)
def test_sprt_stops_at_the_first_boundary_it_meets(error, rate):
    p0, mult = rate
    p1 = min(p0 * mult, 0.9)
    s = SprtErrorRate(p0, p1, alpha=0.05, beta=0.2)
    llr, outcome, stop = 0.0, "not fired", None
    for i, e in enumerate(error):
        llr += math.log(p1 / p0) if e else math.log((1 - p1) / (1 - p0))
        assume(abs(llr - s.upper) > 1e-9 and abs(llr - s.lower) > 1e-9)
        if llr >= s.upper:
            outcome, stop = "fired", i
            break
        if llr <= s.lower:
            outcome, stop = "concluded p0", i
            break
    out = evaluate_kill_switches(pd.DataFrame({"error": error, "loss_usd": 0.0}), s).iloc[0]
    assert out["status"] == outcome
    assert s.first_fire(pd.DataFrame({"error": error})) == (stop if outcome == "fired" else None)


def _sprt_fire_rate(p_true, n_streams=3000, length=600, seed=7):
    """Share of seeded streams on which the SPRT fires, and the share it left undecided."""
    rng = np.random.default_rng(seed)
    s = SprtErrorRate(0.05, 0.15, alpha=0.05, beta=0.1)
    errors = rng.random((n_streams, length)) < p_true
    fired = np.mean([s.first_fire(pd.DataFrame({"error": row})) is not None for row in errors])
    last = np.array([s.trace(pd.DataFrame({"error": row}))["statistic"].iloc[-1] for row in errors[:300]])
    undecided = np.mean((last > s.lower) & (last < s.upper))  # NaN (stopped earlier) compares False
    return fired, undecided


def test_sprt_error_rates_on_seeded_streams():
    # Wald (1945): with his boundaries the real error rates are at most alpha/(1-beta) and beta/(1-alpha);
    # in practice (overshoot) close to alpha and beta. 3000 streams: a binomial standard error near 0.4%.
    alpha, beta, n = 0.05, 0.1, 3000
    false_alarm, undecided = _sprt_fire_rate(0.05)
    assert undecided < 0.01  # the streams are long enough to decide
    assert false_alarm <= alpha / (1 - beta) + 3 * math.sqrt(alpha * (1 - alpha) / n)
    assert false_alarm <= alpha + 0.01
    detected, undecided = _sprt_fire_rate(0.15, seed=8)
    assert undecided < 0.01
    assert 1 - detected <= beta / (1 - alpha) + 3 * math.sqrt(beta * (1 - beta) / n)


def test_cusum_false_alarm_run_length_is_at_least_exp_h():
    # Lorden (1971): with no shift the CUSUM's average run length to a false alarm is at least exp(h).
    # Streams that never fire count as their length, which only lowers the estimate.
    rng = np.random.default_rng(11)
    h, length = 3.0, 3000
    switch = CusumErrorRate(0.05, 0.15, h)
    runs = []
    for row in rng.random((400, length)) < 0.05:
        fire = switch.first_fire(pd.DataFrame({"error": row}))
        runs.append(length if fire is None else fire + 1)
    assert np.mean(runs) >= math.exp(h)
    # ... and after a shift to p1 it fires far sooner than under p0.
    shifted = [switch.first_fire(pd.DataFrame({"error": row})) for row in rng.random((400, length)) < 0.15]
    assert np.mean([length if f is None else f + 1 for f in shifted]) < np.mean(runs) / 3


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.booleans(), min_size=1, max_size=80), st.integers(1, 40), st.sampled_from([0.01, 0.05, 0.2])
)
def test_rolling_rollback_equals_a_window_by_window_bound(error, window, rollback_rate):
    switch = ErrorRateRollback(rollback_rate, window=window, level=0.9)
    expected = []
    for i in range(len(error)):
        part = error[max(0, i - window + 1) : i + 1]
        k, n = sum(part), len(part)
        expected.append(0.0 if k == 0 else stats.beta.ppf(0.1, k, n - k + 1))  # exact one-sided lower bound
    trace = switch.trace(pd.DataFrame({"error": error}))
    assert trace["statistic"].to_numpy() == pytest.approx(np.array(expected), abs=1e-9)
    assume(np.all(np.abs(np.array(expected) - rollback_rate) > 1e-9))
    assert switch.first_fire(pd.DataFrame({"error": error})) == _first([b > rollback_rate for b in expected])


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 1000), st.data(), st.sampled_from([0.01, 0.05, 0.1]), st.sampled_from([0.9, 0.95, 0.99])
)
def test_rollback_trigger_matches_scipy_binomtest(n, data, rate, level):
    k = data.draw(st.integers(0, n))
    out = rollback_trigger(k, n, rollback_rate=rate, level=level).iloc[0]
    ref = binomtest(k, n, p=rate, alternative="greater")
    assert out["lower_bound"] == pytest.approx(ref.proportion_ci(confidence_level=level).low, abs=1e-9)
    if abs(out["lower_bound"] - rate) > 1e-9:  # duality with the one-sided exact test
        assert out["fired"] == (ref.pvalue < 1 - level)


def test_price_cap_fires_on_the_first_day_the_ratchet_crosses():
    # The Amazon "Making of a Fly" repricers (incidents.md, case 1): the two rules multiplied the price by
    # 0.9983 * 1.270589 per cycle from about $1.73M. A cap at $10M must fire on the first cycle at or above it.
    factor = 0.9983 * 1.270589
    price = 1.73e6 * factor ** np.arange(15)
    stream = pd.DataFrame({"price_usd": price, "loss_usd": np.diff(price, prepend=price[0])})
    first_day = math.ceil(math.log(10e6 / 1.73e6) / math.log(factor))
    assert SignalCap("price_usd", 10e6).first_fire(stream) == first_day
    out = evaluate_kill_switches(stream, SignalCap("price_usd", 10e6)).iloc[0]
    assert out["loss_before_fire_usd"] == pytest.approx(price[first_day] - price[0])
    assert out["loss_avoided_usd"] == pytest.approx(price[-1] - price[first_day])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-20, 100), st.booleans()), min_size=1, max_size=60),
    st.integers(0, 800),
    st.integers(0, 10),
)
def test_loss_accounting_equals_brute_force(rows, cap, fallback):
    loss = np.array([float(x) for x, _ in rows])
    t = pd.date_range("2024-01-01", periods=len(rows), freq="D")
    stream = pd.DataFrame({"timestamp": t, "loss_usd": loss, "error": [e for _, e in rows]})
    switches = [CumulativeLossCap(cap), LossRateCap(cap / 4, window=3), CusumErrorRate(0.1, 0.4, 2.5)]
    out = evaluate_kill_switches(stream, switches, fallback_loss_usd=fallback).set_index("switch")
    for s in switches:
        i = s.first_fire(stream)
        row = out.loc[s.name]
        total = loss.sum()
        if i is None:
            assert not row["fired"] and pd.isna(row["fired_at_index"]) and pd.isna(row["fired_at"])
            assert row["loss_before_fire_usd"] == total and row["loss_avoided_usd"] == 0
            continue
        before = loss[: i + 1].sum()
        with_switch = before + fallback * (len(loss) - i - 1)
        assert row["fired"] and row["fired_at_index"] == i and row["fired_at"] == t[i]
        assert row["decisions_before_fire"] == i + 1
        assert row["loss_before_fire_usd"] == pytest.approx(before)
        assert row["loss_total_usd"] == pytest.approx(total)
        assert row["loss_with_switch_usd"] == pytest.approx(with_switch)
        assert row["loss_avoided_usd"] == pytest.approx(total - with_switch)


def test_trace_is_long_and_agrees_with_first_fire():
    stream = pd.DataFrame(
        {"loss_usd": [10.0, 30.0, 5.0, 80.0], "timestamp": pd.date_range("2024-01-01", periods=4)}
    )
    switches = [CumulativeLossCap(40, label="cap"), LossRateCap(60, window=2, label="rate")]
    trace = kill_switch_trace(stream, switches)
    assert list(trace.columns) == ["switch", "index", "timestamp", "statistic", "limit", "tripped"]
    assert len(trace) == 8
    for s in switches:
        part = trace[trace["switch"] == s.name]
        assert int(part["index"][part["tripped"]].iloc[0]) == s.first_fire(stream)


def test_bad_streams_and_switches_are_named():
    stream = pd.DataFrame(
        {"loss_usd": [1.0, np.nan], "timestamp": pd.to_datetime(["2024-01-02", "2024-01-01"])}
    )
    with pytest.raises(
        InputError, match=r"timestamp: expected a time-ordered stream, time goes back at row 1"
    ):
        evaluate_kill_switches(stream, CumulativeLossCap(5))
    with pytest.raises(
        InputError,
        match=r"cumulative loss_usd >= 5: column 'loss_usd': expected finite numbers, found nan at row 1",
    ):
        CumulativeLossCap(5).first_fire(stream)
    with pytest.raises(
        InputError,
        match=r"CUSUM on error, 0.1 -> 0.3, h=3: column 'error' not in the stream \(columns: loss_usd, timestamp\)",
    ):
        CusumErrorRate(0.1, 0.3, 3).first_fire(stream)
    with pytest.raises(
        InputError, match=r"column 'error': expected 0/1 or True/False outcomes, found 2 at row 1"
    ):
        CusumErrorRate(0.1, 0.3, 3).first_fire(pd.DataFrame({"error": [0, 2]}))
    with pytest.raises(InputError, match=r"a time window needs a datetime column 'timestamp'"):
        LossRateCap(5, window="1h").first_fire(pd.DataFrame({"loss_usd": [1.0]}))
    with pytest.raises(InputError, match=r"stream: expected at least one row, got an empty stream"):
        CumulativeLossCap(5).first_fire(pd.DataFrame({"loss_usd": []}))
    with pytest.raises(InputError, match=r"evaluate_kill_switches: column 'loss_usd' not in the stream"):
        evaluate_kill_switches(pd.DataFrame({"error": [0, 1]}), CusumErrorRate(0.1, 0.3, 3))
    with pytest.raises(InputError, match=r"fallback_loss_usd: expected a single value or 2 values, got 3"):
        evaluate_kill_switches(
            pd.DataFrame({"loss_usd": [1.0, 2.0]}), CumulativeLossCap(5), fallback_loss_usd=[1, 2, 3]
        )
    with pytest.raises(InputError, match=r"switches: two share the name 'cumulative loss_usd >= 5'"):
        evaluate_kill_switches(
            pd.DataFrame({"loss_usd": [1.0]}), [CumulativeLossCap(5), CumulativeLossCap(5)]
        )
    with pytest.raises(InputError, match=r"switches: expected at least one kill switch"):
        evaluate_kill_switches(pd.DataFrame({"loss_usd": [1.0]}), [])
    with pytest.raises(InputError, match=r"switches: expected a KillSwitch, got float at position 0"):
        evaluate_kill_switches(pd.DataFrame({"loss_usd": [1.0]}), [5.0])


def test_bad_switch_settings_are_named():
    with pytest.raises(
        InputError,
        match=r"p0, p1: expected 0 < p0 < p1 < 1 \(in-control and alarm error rates\), got 0.3, 0.1",
    ):
        CusumErrorRate(0.3, 0.1, 3)
    with pytest.raises(InputError, match=r"h: expected a positive decision threshold, got 0"):
        CusumErrorRate(0.1, 0.3, 0)
    with pytest.raises(InputError, match=r"alpha, beta: expected alpha \+ beta < 1, got 0.6 \+ 0.5"):
        SprtErrorRate(0.1, 0.3, alpha=0.6, beta=0.5)
    with pytest.raises(InputError, match=r"window: expected at least 1 row, got 0"):
        LossRateCap(5, window=0)
    with pytest.raises(
        InputError, match=r"window: expected a number of rows or a time span like '1h', got 'soon'"
    ):
        LossRateCap(5, window="soon")
    with pytest.raises(InputError, match=r"window: expected a whole number of decisions >= 1, got 2.5"):
        ErrorRateRollback(0.05, window=2.5)
    with pytest.raises(InputError, match=r"level: expected a confidence level between 0.5 and 1, got 0.4"):
        rollback_trigger(1, 10, rollback_rate=0.05, level=0.4)
    with pytest.raises(InputError, match=r"errors: expected errors <= decisions, found 11 > 10 at row 0"):
        rollback_trigger(11, 10, rollback_rate=0.05)
