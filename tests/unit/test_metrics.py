"""Quiet-failure metrics against brute-force recounts and planted truth; release-test sizing against
published values, the formula written out again, exact binomial enumeration and a seeded simulation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import nogo.models.metrics as met
from nogo.errors import InputError

R = met.SIMULATED_RATES


# -- recurrence --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_flag_recurrence_matches_a_pairwise_loop(data):
    n = data.draw(st.integers(1, 25))
    cust = data.draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    hours = data.draw(st.lists(st.integers(0, 96), min_size=n, max_size=n))  # ties and exact 24 h gaps
    window = data.draw(st.sampled_from([0.0, 12.0, 24.0]))
    ts = pd.Timestamp("2026-03-02") + pd.to_timedelta(hours, unit="h")
    got = met.flag_recurrence(cust, pd.Series(ts), window_hours=window)
    for i in range(n):
        # the next contact of the same customer: later in time, or at the same instant further down
        later = [j for j in range(n) if cust[j] == cust[i] and (hours[j], j) > (hours[i], i)]
        nxt = min(later, key=lambda j: (hours[j], j)) if later else None
        assert got[i] == (nxt is not None and hours[nxt] - hours[i] <= window)


def _brute_metrics(log: pd.DataFrame, log_end: pd.Timestamp) -> pd.DataFrame:
    """quiet_failure_metrics by week, one contact at a time in plain Python."""
    rows = log.to_dict("records")
    out = {}
    for i, r in enumerate(rows):
        week = (r["timestamp"].normalize() - pd.Timedelta(days=r["timestamp"].weekday())).to_datetime64()
        w = out.setdefault(week, {"n": 0, "res": 0, "esc": 0, "ovr": 0, "csat": [], "obs": 0, "rec": 0})
        w["n"] += 1
        w["res"] += r["resolved"]
        w["esc"] += r["escalated"]
        w["ovr"] += r["overridden"]
        if not math.isnan(r["csat"]):
            w["csat"].append(r["csat"])
        if r["resolved"] and r["timestamp"] + pd.Timedelta(hours=24) <= log_end:
            w["obs"] += 1
            w["rec"] += any(
                s["customer_id"] == r["customer_id"]
                and pd.Timedelta(0) <= s["timestamp"] - r["timestamp"] <= pd.Timedelta(hours=24)
                and (s["timestamp"], j) > (r["timestamp"], i)
                for j, s in enumerate(rows)
            )
    return pd.DataFrame(
        [
            {
                "period": k,
                "n_contacts": w["n"],
                "resolution_rate": w["res"] / w["n"],
                "n_csat": len(w["csat"]),
                "csat_mean": np.mean(w["csat"]) if w["csat"] else np.nan,
                "escalation_rate": w["esc"] / w["n"],
                "override_rate": w["ovr"] / w["n"],
                "n_recurrence_observed": w["obs"],
                "recurrence_24h_rate": w["rec"] / w["obs"] if w["obs"] else np.nan,
            }
            for k, w in sorted(out.items())
        ]
    )


@pytest.mark.parametrize("log_end", [None, "2026-01-30 12:00"])
def test_weekly_metrics_match_a_contact_by_contact_recount(log_end):
    log = met.simulate_quiet_failure(days=21, contacts_per_day=12, drift_start_day=3, drift_days=10, seed=5)
    log = log.sample(frac=1.0, random_state=1)  # row order must not matter
    got = met.quiet_failure_metrics(log, by="week", log_end=log_end)
    end = log["timestamp"].max() if log_end is None else pd.Timestamp(log_end)
    want = _brute_metrics(log, end)
    assert got["period"].tolist() == want["period"].tolist()
    for col in want.columns.drop("period"):
        assert got[col].to_numpy(dtype=float) == pytest.approx(
            want[col].to_numpy(dtype=float), nan_ok=True
        ), col


def test_missing_csat_is_counted_not_silently_dropped():
    log = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            "timestamp": pd.date_range("2026-01-05", periods=4, freq="h"),
            "resolved": [True] * 4,
            "escalated": [False] * 4,
            "overridden": [False] * 4,
            "csat": [5, np.nan, None, 1],
        }
    )
    m = met.quiet_failure_metrics(log, by=None).iloc[0]
    assert m["n_csat"] == 2 and m["csat_response_rate"] == 0.5 and m["csat_mean"] == 3.0
    # the last day's contacts have not had their 24 hours: no recurrence rate yet, rather than 0
    assert m["n_recurrence_observed"] == 0 and np.isnan(m["recurrence_24h_rate"])


def test_grouping_by_a_column_and_by_day():
    log = met.simulate_quiet_failure(days=14, contacts_per_day=30, seed=2)
    log["arm"] = np.where(log["customer_id"] % 2 == 0, "control", "agent")
    by_arm = met.quiet_failure_metrics(log, by="arm")
    assert by_arm["period"].tolist() == ["agent", "control"]
    assert by_arm["n_contacts"].sum() == len(log)
    by_day = met.quiet_failure_metrics(log, by="day")
    assert len(by_day) == 14 and by_day["n_contacts"].sum() == len(log)
    whole = met.quiet_failure_metrics(log, by=None)
    assert whole["resolution_rate"].iloc[0] == pytest.approx(log["resolved"].mean())


# -- the simulator's planted truth -------------------------------------------------------------


def _planted(over: float) -> dict[str, float]:
    """Per-contact rates in steady state, from the documented model (follow-ups included)."""
    s = R["solve"]
    esc = R["escalate_unsolved_before"] + over * (
        R["escalate_unsolved_after"] - R["escalate_unsolved_before"]
    )
    false_res = (1 - s) * (1 - esc)
    resolved = s + false_res
    follow = s * R["return_24h_solved"] + false_res * R["return_24h_false_resolution"]
    mean = {k: np.dot(np.arange(1, 6), R[f"csat_{k}"]) for k in ("solved", "false_resolution", "escalated")}
    csat = s * mean["solved"] + false_res * mean["false_resolution"] + (1 - s) * esc * mean["escalated"]
    return {
        "resolution_rate": resolved,
        "escalation_rate": (1 - s) * esc,
        "override_rate": false_res * R["override_false_resolution"] + (1 - false_res) * R["override_other"],
        "csat_mean": csat,
        # only first contacts return, and every contact is resolved with the same probability
        "recurrence_24h_rate": follow / (resolved * (1 + follow)),
    }


def test_simulation_recovers_its_planted_rates_and_shows_the_divergence():
    log = met.simulate_quiet_failure(days=56, contacts_per_day=400, drift_start_day=14, drift_days=28, seed=0)
    weekly = met.quiet_failure_metrics(log, by="week")
    before, after = weekly.iloc[1], weekly.iloc[6]  # days 7-13 (no drift yet), 42-48 (fully drifted)
    assert log.loc[log["timestamp"] < "2026-01-19", "overconfidence"].max() == 0.0
    for row, over in ((before, 0.0), (after, 1.0)):
        truth = _planted(over)
        for col, p in truth.items():
            n = row["n_csat"] if col == "csat_mean" else row["n_contacts"]
            sd = 1.2 if col == "csat_mean" else math.sqrt(p * (1 - p))
            assert abs(row[col] - p) < 4.5 * sd / math.sqrt(n), (col, over, row[col], p)
    # the vanity metrics rise while the quiet ones fail
    assert after["resolution_rate"] > before["resolution_rate"] + 0.1
    assert after["csat_mean"] > before["csat_mean"] + 0.1
    assert after["recurrence_24h_rate"] > before["recurrence_24h_rate"] + 0.04
    assert after["override_rate"] > before["override_rate"] + 0.03


def test_recurrence_flags_exactly_the_customers_the_simulator_sent_back():
    log = met.simulate_quiet_failure(days=10, contacts_per_day=200, seed=4)
    flagged = met.flag_recurrence(log["customer_id"], log["timestamp"])
    came_back = log["customer_id"].isin(log.loc[log["follow_up"], "customer_id"]).to_numpy()
    assert flagged.sum() == log["follow_up"].sum() > 0
    assert np.array_equal(flagged, came_back & ~log["follow_up"].to_numpy())


def test_simulation_is_reproducible_by_seed():
    a = met.simulate_quiet_failure(days=7, contacts_per_day=40, seed=9)
    b = met.simulate_quiet_failure(days=7, contacts_per_day=40, seed=9)
    c = met.simulate_quiet_failure(days=7, contacts_per_day=40, seed=10)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert a["timestamp"].is_monotonic_increasing
    assert a["timestamp"].max() < pd.Timestamp("2026-01-12")


# -- release-test sizing -----------------------------------------------------------------------


def _n_first_principles(p1, p2, alpha=0.05, power=0.8):
    """Fleiss's equal-arm formula, written out again: pooled sd under H0, unpooled under H1."""
    z_a = stats.norm.isf(alpha / 2)
    z_b = stats.norm.isf(1 - power)
    p_bar = (p1 + p2) / 2
    root = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return root**2 / (p2 - p1) ** 2


def _exact_power(p1, p2, n1, n2, alpha=0.05, cc=False):
    """Power of the two-sided pooled z test by summing over every pair of binomial outcomes."""
    x1, x2 = np.arange(n1 + 1), np.arange(n2 + 1)
    joint = np.outer(stats.binom.pmf(x1, n1, p1), stats.binom.pmf(x2, n2, p2))
    a, b = np.meshgrid(x1, x2, indexing="ij")
    pooled = (a + b) / (n1 + n2)
    diff = np.abs(b / n2 - a / n1) - ((1 / n1 + 1 / n2) / 2 if cc else 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = diff / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(joint[z > stats.norm.isf(alpha / 2)].sum())


def test_ten_versus_fifteen_percent_needs_686_per_arm():
    # The widely reproduced example: 10% -> 15%, two-sided alpha 0.05, power 0.80, no continuity
    # correction: 686 per group. Checked three independent ways.
    s = met.sample_size_two_proportions(0.10, 0.15)
    assert s.n_control == s.n_treatment == 686 and s.n_total == 1372
    assert s.n_control_exact == pytest.approx(_n_first_principles(0.10, 0.15), rel=1e-12)
    assert math.ceil(_n_first_principles(0.10, 0.15)) == 686
    assert _exact_power(0.10, 0.15, 686, 686) == pytest.approx(0.80, abs=0.01)
    # a seeded simulation of the z test itself
    rng = np.random.default_rng(20261)
    reps = 20_000
    x1 = rng.binomial(686, 0.10, reps)
    x2 = rng.binomial(686, 0.15, reps)
    pooled = (x1 + x2) / 1372
    z = (x2 - x1) / 686 / np.sqrt(pooled * (1 - pooled) * 2 / 686)
    achieved = np.mean(np.abs(z) > stats.norm.isf(0.025))
    assert achieved == pytest.approx(0.80, abs=0.015)  # about 5 standard errors of the estimate


def test_published_values():
    # Zar, Biostatistical Analysis (4th ed., 1999), Example 24.26, as reproduced in the UNISTAT
    # manual (section 6.7.6.1): p1 = 0.45, p2 = 0.25, two-tailed alpha 0.05, power 0.90 ->
    # n1 = 127.2343 with equal arms and n1 = 83.1527 with n2 = 3 n1 (continuity-corrected).
    s = met.sample_size_two_proportions(0.45, 0.25, alpha=0.05, power=0.90, continuity_correction=True)
    assert s.n_control_exact == pytest.approx(127.2343, abs=5e-5)
    s3 = met.sample_size_two_proportions(0.45, 0.25, power=0.90, ratio=3, continuity_correction=True)
    assert s3.n_control_exact == pytest.approx(83.1527, abs=5e-5)
    assert s3.n_treatment == math.ceil(3 * 83.1527)
    # JMP 13 documentation, Two Sample Proportions: 0.08 vs 0.06, two-sided alpha 0.05, power 0.80
    # -> 2554.
    assert met.sample_size_two_proportions(0.08, 0.06).n_control == 2554
    # and the continuity-corrected design reaches its power under the corrected test
    cc = met.sample_size_two_proportions(0.10, 0.15, continuity_correction=True)
    assert cc.n_control == 726
    assert _exact_power(0.10, 0.15, 726, 726, cc=True) == pytest.approx(0.80, abs=0.01)


def test_one_sided_and_unequal_arms_reach_their_power_exactly():
    for kwargs in ({"two_sided": False}, {"ratio": 2.5}, {"alpha": 0.01, "power": 0.95}):
        s = met.sample_size_two_proportions(0.2, 0.26, **kwargs)
        achieved = met.power_two_proportions(
            0.2, 0.26, s.n_control_exact, **{k: v for k, v in kwargs.items() if k != "power"}
        )
        assert achieved == pytest.approx(kwargs.get("power", 0.8), abs=1e-9)
    one = met.sample_size_two_proportions(0.2, 0.26, two_sided=False).n_control_exact
    two = met.sample_size_two_proportions(0.2, 0.26).n_control_exact
    assert one < two


@settings(max_examples=150, deadline=None)
@given(
    st.floats(0.01, 0.9),
    st.floats(50, 50_000),
    st.sampled_from([0.01, 0.05, 0.1]),
    st.sampled_from([0.5, 0.8, 0.9]),
    st.sampled_from([0.5, 1.0, 3.0]),
    st.booleans(),
    st.sampled_from(["increase", "decrease"]),
)
def test_minimum_detectable_effect_inverts_the_sample_size(p1, n, alpha, power, ratio, cc, direction):
    kw = {"alpha": alpha, "power": power, "ratio": ratio, "continuity_correction": cc}
    try:
        mde = met.minimum_detectable_effect(p1, n, direction=direction, **kw)
    except InputError:
        far = 1.0 if direction == "increase" else 0.0
        assert (
            met.power_two_proportions(p1, far, n, alpha=alpha, ratio=ratio, continuity_correction=cc) < power
        )
        return
    p2 = p1 + mde if direction == "increase" else p1 - mde
    if abs(p2 - p1) < 1e-9:
        return
    back = met.sample_size_two_proportions(p1, p2, **kw).n_control_exact
    assert back == pytest.approx(n, rel=1e-6)


def test_bigger_tests_detect_smaller_effects():
    mdes = [met.minimum_detectable_effect(0.3, n) for n in (100, 1_000, 10_000, 100_000)]
    assert all(a > b for a, b in itertools.pairwise(mdes))
    # the effect shrinks with the square root of the sample: x100 contacts, about 1/10 the effect
    assert mdes[3] == pytest.approx(mdes[1] / 10, rel=0.03)


# -- bad inputs --------------------------------------------------------------------------------


def _log(**overrides):
    base = {
        "customer_id": ["a", "b", "c"],
        "timestamp": ["2026-01-05 09:00", "2026-01-05 10:00", "2026-01-06 11:00"],
        "resolved": [1, 0, 1],
        "escalated": [0, 1, 0],
        "overridden": [0, 0, 0],
        "csat": [5, np.nan, 4],
    }
    base.update(overrides)
    return pd.DataFrame({k: v for k, v in base.items() if v is not None})


def test_bad_event_logs_name_the_column_and_row():
    with pytest.raises(
        InputError, match=r"events: missing column 'overridden'; an event log needs columns: customer_id"
    ):
        met.quiet_failure_metrics(_log(overridden=None))
    with pytest.raises(
        InputError, match=r"column 'timestamp': could not parse 'yesterday' at row 1 as a timestamp"
    ):
        met.quiet_failure_metrics(_log(timestamp=["2026-01-05 09:00", "yesterday", "2026-01-06 11:00"]))
    with pytest.raises(InputError, match=r"column 'timestamp': missing timestamp at row 2"):
        met.quiet_failure_metrics(_log(timestamp=["2026-01-05 09:00", "2026-01-05 10:00", None]))
    with pytest.raises(InputError, match=r"column 'timestamp': expected datetimes or date text, got numbers"):
        met.quiet_failure_metrics(_log(timestamp=[1, 2, 3]))
    with pytest.raises(
        InputError, match=r"column 'resolved': expected True/False or 1/0, found 'yes' at row 0"
    ):
        met.quiet_failure_metrics(_log(resolved=["yes", 0, 1]))
    with pytest.raises(
        InputError, match=r"column 'escalated': expected True/False or 1/0, found nan at row 2"
    ):
        met.quiet_failure_metrics(_log(escalated=[0, 1, np.nan]))
    with pytest.raises(
        InputError,
        match=r"column 'csat': expected a score 1, 2, 3, 4 or 5 \(or missing\), found 6.0 at row 2",
    ):
        met.quiet_failure_metrics(_log(csat=[5, np.nan, 6]))
    with pytest.raises(InputError, match=r"column 'csat': expected a score .* found 'great' at row 0"):
        met.quiet_failure_metrics(_log(csat=["great", np.nan, 4]))
    with pytest.raises(InputError, match=r"column 'customer_id': missing id at row 1"):
        met.quiet_failure_metrics(_log(customer_id=["a", None, "c"]))
    with pytest.raises(
        InputError, match=r"by: expected 'day', 'week', 'month', None or a column of events, got 'quarter'"
    ):
        met.quiet_failure_metrics(_log(), by="quarter")
    with pytest.raises(InputError, match=r"events: expected at least one contact"):
        met.quiet_failure_metrics(_log().iloc[:0])
    with pytest.raises(InputError, match=r"events: expected a pandas DataFrame, got list"):
        met.quiet_failure_metrics([1, 2])


def test_bad_design_parameters_are_named():
    with pytest.raises(InputError, match=r"p_treatment: equals p_baseline"):
        met.sample_size_two_proportions(0.1, 0.1)
    with pytest.raises(InputError, match=r"p_treatment, mde_abs: give exactly one"):
        met.sample_size_two_proportions(0.1, 0.2, mde_abs=0.1)
    with pytest.raises(InputError, match=r"mde_abs: p_baseline \+ mde_abs = 1.1 is not a rate"):
        met.sample_size_two_proportions(0.9, mde_abs=0.2)
    with pytest.raises(InputError, match=r"p_baseline: expected probabilities in \[0, 1\], found 1.5"):
        met.sample_size_two_proportions(1.5, 0.2)
    with pytest.raises(InputError, match=r"power: expected a power in \[0.5, 1\), got 1.0"):
        met.sample_size_two_proportions(0.1, 0.2, power=1.0)
    with pytest.raises(InputError, match=r"alpha: expected a significance level strictly between 0 and 1"):
        met.sample_size_two_proportions(0.1, 0.2, alpha=0)
    with pytest.raises(InputError, match=r"ratio: expected n_treatment / n_control > 0, got -1"):
        met.sample_size_two_proportions(0.1, 0.2, ratio=-1)
    with pytest.raises(InputError, match=r"n_per_arm: 5 per arm cannot detect any increase from 0.5"):
        met.minimum_detectable_effect(0.5, 5)
    with pytest.raises(InputError, match=r"direction: expected one of 'increase', 'decrease', got 'up'"):
        met.minimum_detectable_effect(0.5, 500, direction="up")
    with pytest.raises(InputError, match=r"days: expected a whole number >= 1, got 0"):
        met.simulate_quiet_failure(days=0)
