"""Dynamics: the Fly repricing loop against the published record and closed forms; adverse selection
in binding offers against closed forms, numerical integration and brute-force recomputation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from nogo import InputError
from nogo.models.dynamics import (
    OfferMarket,
    binding_offers,
    fan,
    inventory_projection,
    offer_summary,
    offer_sweep,
    projection_table,
    repricing_loop,
)

# "The Making of a Fly", April 2011 (shared/incidents.md section 1). Michael Eisen's figures as quoted by
# Brad DeLong, "Disequilibrium Economics: Algorithmic Trading Department" (April 2011), and Science,
# "The $23 Million Textbook" (April 2011): profnath priced at 0.9983 x bordeebook, bordeebook at
# 1.270589 x profnath, once a day each; cheapest new copy at first sighting $1,730,045.91; bordeebook's
# price at the end of the second day $3,536,675.57; peak $23,698,655.93 on 18 April 2011.
FLY_P0_USD = 1_730_045.91
FLY_PROFNATH = 0.9983
FLY_BORDEEBOOK = 1.270589
FLY_DAY2_HIGH_USD = 3_536_675.57
FLY_PEAK_USD = 23_698_655.93


def _prices(frame: pd.DataFrame, col: str) -> np.ndarray:
    """(paths, days) array of one seller's prices."""
    return frame.pivot(index="path", columns="day", values=col).to_numpy()


# -- the published Fly run ----------------------------------------------------------------------------


def test_fly_run_reproduces_the_published_peak_after_the_closed_form_number_of_cycles():
    gain = FLY_PROFNATH * FLY_BORDEEBOOK
    assert gain == pytest.approx(1.26843, abs=5e-6)  # the loop gain in incidents.md
    # Closed form: bordeebook's price on day k is p0 * m_b * g**k, so the peak is reached after
    # k = ln(peak / (p0 * m_b)) / ln(g) cycles; the cheapest copy (profnath, p0 * g**k) after about 11.
    k_peak = np.log(FLY_PEAK_USD / (FLY_P0_USD * FLY_BORDEEBOOK)) / np.log(gain)
    assert k_peak == pytest.approx(round(k_peak), abs=0.01)
    k_peak = round(k_peak)
    assert k_peak == 10  # 8 April (first sighting) + 10 days = 18 April, the published peak date
    assert np.log(FLY_PEAK_USD / FLY_P0_USD) / np.log(gain) == pytest.approx(11, abs=0.05)

    f = repricing_loop(FLY_P0_USD, FLY_PROFNATH, FLY_BORDEEBOOK, k_peak + 1)
    b = f["price_b_usd"].to_numpy()
    a = f["price_a_usd"].to_numpy()
    assert b[: k_peak + 1].max() == b[k_peak]
    assert b[k_peak] == pytest.approx(FLY_PEAK_USD, rel=0.01)
    assert b[k_peak] == pytest.approx(FLY_PEAK_USD, rel=1e-5)  # within the rounding of the multipliers
    assert b[k_peak - 1] < 0.8 * FLY_PEAK_USD  # not reached a day early
    assert a[11] == pytest.approx(FLY_PEAK_USD, rel=0.01)  # the cheapest copy, 11 cycles on
    assert b[2] == pytest.approx(FLY_DAY2_HIGH_USD, rel=1e-5)
    # The first day's gap was "~$400,000"; later both stood near $2.8M under $5,000 apart: bordeebook's
    # day-1 price and profnath's undercut of it on day 2, before bordeebook reacted.
    assert 400_000 < b[0] - a[0] < 500_000
    assert 0 < b[1] - a[2] < 5_000 and a[2] == pytest.approx(2.8e6, rel=0.01)


@settings(max_examples=60, deadline=None)
@given(
    m_a=st.floats(0.5, 1.5),
    m_b=st.floats(0.5, 1.5),
    p0=st.floats(1.0, 1e6),
    days=st.integers(1, 40),
)
def test_unbounded_loop_is_geometric_in_the_loop_gain(m_a, m_b, p0, days):
    f = repricing_loop(p0, m_a, m_b, days)
    g = m_a * m_b
    d = np.arange(days + 1)
    np.testing.assert_allclose(f["price_a_usd"], p0 * g**d, rtol=1e-10)
    np.testing.assert_allclose(f["price_b_usd"], m_b * p0 * g**d, rtol=1e-10)


@pytest.mark.parametrize(("m_a", "m_b", "grows"), [(0.9983, 1.270589, True), (0.9983, 0.98, False)])
def test_gain_above_one_diverges_and_below_one_converges(m_a, m_b, grows):
    f = repricing_loop(100.0, m_a, m_b, 400)
    a = f["price_a_usd"].to_numpy()
    ratios = a[1:] / a[:-1]
    np.testing.assert_allclose(ratios, m_a * m_b, rtol=1e-12)
    if grows:
        assert a[-1] > 1e18
    else:
        assert a[-1] < 0.1


def test_a_cap_gives_the_closed_form_fixed_point():
    """With gain > 1 and m_a < 1 < m_b, B hits the cap C first, on the first day d* with
    m_b p0 g**d* >= C; from the next day A = m_a C and B = C for ever."""
    cap = 5e6
    f = repricing_loop(FLY_P0_USD, FLY_PROFNATH, FLY_BORDEEBOOK, 30, cap_usd=cap)
    g = FLY_PROFNATH * FLY_BORDEEBOOK
    d_star = int(np.ceil(np.log(cap / (FLY_BORDEEBOOK * FLY_P0_USD)) / np.log(g)))
    a, b = f["price_a_usd"].to_numpy(), f["price_b_usd"].to_numpy()
    d = np.arange(d_star)
    np.testing.assert_allclose(a[:d_star], FLY_P0_USD * g**d, rtol=1e-12)
    assert b[d_star] == cap and b[d_star - 1] < cap
    np.testing.assert_allclose(a[d_star + 1 :], FLY_PROFNATH * cap, rtol=1e-12)
    np.testing.assert_allclose(b[d_star + 1 :], cap, rtol=0)


def test_a_floor_gives_the_closed_form_fixed_point_of_a_falling_loop():
    floor = 50.0
    f = repricing_loop(1000.0, 0.99, 1.001, 2000, floor_usd=floor)
    assert f["price_a_usd"].iloc[-1] == floor
    assert f["price_b_usd"].iloc[-1] == pytest.approx(1.001 * floor, rel=1e-12)
    assert f["price_a_usd"].min() == floor


def test_a_cap_on_one_seller_alone_stops_the_loop():
    f = repricing_loop(FLY_P0_USD, FLY_PROFNATH, FLY_BORDEEBOOK, 60, cap_usd=(None, 2e6))
    assert f["price_b_usd"].max() == 2e6
    assert f["price_a_usd"].iloc[-1] == pytest.approx(FLY_PROFNATH * 2e6, rel=1e-12)


def test_rate_limit_bounds_every_daily_change_and_binds_exactly_on_the_fly_run():
    r = 0.05
    f = repricing_loop(FLY_P0_USD, FLY_PROFNATH, FLY_BORDEEBOOK, 60, max_daily_change=r)
    # Closed form: A's first target (g p0) exceeds 1.05 p0, and B's target m_b * 1.05 p0 equals its own
    # bound 1.05 * m_b p0, so from day 1 both sellers grow by exactly 5% a day.
    d = np.arange(61)
    np.testing.assert_allclose(f["price_a_usd"], FLY_P0_USD * 1.05**d, rtol=1e-12)
    np.testing.assert_allclose(f["price_b_usd"], FLY_BORDEEBOOK * FLY_P0_USD * 1.05**d, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(rate=st.floats(0.001, 0.5), sd=st.floats(0.0, 0.3), seed=st.integers(0, 2**32))
def test_rate_limit_holds_on_every_path_and_day_with_noise(rate, sd, seed):
    f = repricing_loop(
        1000.0, 0.9983, 1.270589, 30, max_daily_change=rate, noise_sd=sd, n_paths=20, seed=seed
    )
    for col in ("price_a_usd", "price_b_usd"):
        p = _prices(f, col)
        change = np.abs(p[:, 1:] / p[:, :-1] - 1)
        assert (change <= rate * (1 + 1e-12)).all()


def test_noise_bands_match_the_gaussian_random_walk_quantiles():
    """Without bounds, log A_d = log p0 + d log g + sd * (sum of 2d standard normals): the day-d
    quantile is p0 g**d exp(sd sqrt(2d) z_q); B_d has 2d + 1 terms."""
    sd, n, p0, m_a, m_b = 0.04, 6000, 100.0, 0.99, 1.02
    f = repricing_loop(p0, m_a, m_b, 30, noise_sd=sd, n_paths=n, seed=11)
    f["log_a"] = np.log(f["price_a_usd"])
    f["log_b"] = np.log(f["price_b_usd"])
    qs = (0.05, 0.25, 0.5, 0.75, 0.95)
    z = stats.norm.ppf(qs)
    for col, extra in (("log_a", 0), ("log_b", 1)):
        bands = projection_table(f, col, horizons=(10, 20, 30), quantiles=qs)
        for _, row in bands.iterrows():
            d = row["horizon_days"]
            scale = sd * np.sqrt(2 * d + extra)
            centre = np.log(p0) + d * np.log(m_a * m_b) + extra * np.log(m_b)
            # Standard error of a sample quantile: sqrt(q(1-q)/n) / density at the quantile.
            se = np.sqrt(np.array(qs) * (1 - np.array(qs)) / n) / stats.norm.pdf(z) * scale
            got = row[["q05", "q25", "q50", "q75", "q95"]].to_numpy(dtype=float)
            assert np.all(np.abs(got - (centre + scale * z)) < 4 * se)
    day30 = f.loc[f["day"] == 30, "log_a"].to_numpy()
    expected = stats.norm(np.log(p0) + 30 * np.log(m_a * m_b), sd * np.sqrt(60))
    assert stats.kstest(day30, expected.cdf).pvalue > 1e-3


def test_same_seed_same_frame_and_different_seed_different():
    kw = {"noise_sd": 0.05, "n_paths": 50}
    a = repricing_loop(100.0, 0.99, 1.02, 30, seed=3, **kw)
    assert a.equals(repricing_loop(100.0, 0.99, 1.02, 30, seed=3, **kw))
    assert not a.equals(repricing_loop(100.0, 0.99, 1.02, 30, seed=4, **kw))
    gen = repricing_loop(100.0, 0.99, 1.02, 30, seed=np.random.default_rng(3), **kw)
    assert a.equals(gen)
    assert list(a.columns) == ["path", "day", "price_a_usd", "price_b_usd"]
    assert len(a) == 50 * 31


def test_fan_matches_numpy_quantiles_per_day():
    f = repricing_loop(100.0, 0.99, 1.02, 10, noise_sd=0.1, n_paths=101, seed=0)
    bands = fan(f, "price_b_usd", quantiles=(0.05, 0.5, 0.975))
    p = _prices(f, "price_b_usd")
    np.testing.assert_allclose(bands["q05"], np.quantile(p, 0.05, axis=0), rtol=1e-12)
    np.testing.assert_allclose(bands["q50"], np.median(p, axis=0), rtol=1e-12)
    np.testing.assert_allclose(bands["q97.5"], np.quantile(p, 0.975, axis=0), rtol=1e-12)
    np.testing.assert_allclose(bands["mean"], p.mean(axis=0), rtol=1e-12)
    assert (bands["n_paths"] == 101).all()
    assert bands["day"].tolist() == list(range(11))


# -- adverse selection ------------------------------------------------------------------------------


def _closed_form(m, s, r, market: OfferMarket):
    """Acceptance rate and mean margins with no resale noise.

    Seller accepts when e - eta >= k, k = ln((1 - discount) / (1 - m)), e ~ N(0, s^2), eta ~ N(0, r^2).
    Margin = D exp(-e) / (1 - m) - 1 - c. Tilting by exp(-e) shifts e to N(-s^2, s^2) with weight
    exp(s^2 / 2), so E[exp(-e) 1{accept}] = exp(s^2 / 2) Phi((-s^2 - k) / S), S = sqrt(s^2 + r^2).
    """
    k = np.log((1 - market.seller_discount) / (1 - m))
    big_s = np.hypot(s, r)
    accept = stats.norm.cdf(-k / big_s)
    dee, c = market.drift_factor, market.cost_rate
    mean_all = dee * np.exp(s**2 / 2) / (1 - m) - 1 - c
    mean_acc = dee * np.exp(s**2 / 2) * stats.norm.cdf((-(s**2) - k) / big_s) / accept / (1 - m) - 1 - c
    return accept, mean_all, mean_acc


def test_no_estimate_error_means_no_winners_curse():
    market = OfferMarket(reservation_sd=0.05, cost_rate=0.07, market_drift_per_year=-0.1)
    f = binding_offers(20_000, estimate_sd=0.0, margin_of_safety=0.04, market=market, seed=5)
    planned = market.drift_factor / 0.96 - 1 - 0.07
    np.testing.assert_allclose(f["realised_margin"], planned, rtol=1e-12)
    s = offer_summary(f).iloc[0]
    assert s["winners_curse_gap"] == pytest.approx(0.0, abs=1e-12)
    assert s["mean_margin_accepted"] == pytest.approx(s["planned_margin"], rel=1e-12)
    accept = stats.norm.cdf(np.log(0.96) / 0.05)  # P(eta <= ln 0.96) = 0.207
    assert s["acceptance_rate"] == pytest.approx(accept, abs=5 * np.sqrt(accept * (1 - accept) / 20_000))


@settings(max_examples=25, deadline=None)
@given(
    m=st.floats(-0.05, 0.12),
    s=st.floats(0.01, 0.15),
    r=st.floats(0.0, 0.06),
    discount=st.floats(-0.03, 0.03),
    seed=st.integers(0, 2**32),
)
def test_simulated_offers_match_the_closed_form(m, s, r, discount, seed):
    market = OfferMarket(
        reservation_sd=r, seller_discount=discount, cost_rate=0.05, market_drift_per_year=-0.05
    )
    accept, mean_all, mean_acc = _closed_form(m, s, r, market)
    n = 40_000
    f = binding_offers(n, estimate_sd=s, margin_of_safety=m, market=market, seed=seed)
    got = offer_summary(f).iloc[0]
    assert abs(got["acceptance_rate"] - accept) < 5 * np.sqrt(accept * (1 - accept) / n) + 1e-9
    sd_margin = f["realised_margin"].std()
    assert abs(got["mean_margin_all_offers"] - mean_all) < 5 * sd_margin / np.sqrt(n)
    k = int(f["accepted"].sum())
    if k >= 200:
        sd_acc = f.loc[f["accepted"], "realised_margin"].std()
        assert abs(got["mean_margin_accepted"] - mean_acc) < 5 * sd_acc / np.sqrt(k)


def test_accepted_margin_against_numerical_integration_and_a_large_sample():
    """One configuration three ways: the library, scipy.integrate.quad, and a plain sample of 2 million."""
    m, s, r = 0.03, 0.08, 0.03
    k = np.log(1 / (1 - m))
    # E[exp(-e) 1{e - eta >= k}] = int phi(e; s) exp(-e) Phi((e - k) / r) de
    num, _ = integrate.quad(
        lambda e: stats.norm.pdf(e, 0, s) * np.exp(-e) * stats.norm.cdf((e - k) / r), -1, 1
    )
    den, _ = integrate.quad(lambda e: stats.norm.pdf(e, 0, s) * stats.norm.cdf((e - k) / r), -1, 1)
    by_quad = num / den / (1 - m) - 1
    rng = np.random.default_rng(2024)
    e, eta = s * rng.standard_normal(2_000_000), r * rng.standard_normal(2_000_000)
    accepted = e - eta >= k
    by_sample = (np.exp(-e[accepted]) / (1 - m) - 1).mean()
    got = offer_summary(
        binding_offers(
            200_000, estimate_sd=s, margin_of_safety=m, market=OfferMarket(reservation_sd=r), seed=9
        )
    ).iloc[0]
    assert by_sample == pytest.approx(by_quad, abs=5e-4)
    assert got["mean_margin_accepted"] == pytest.approx(by_quad, abs=2e-3)
    assert got["acceptance_rate"] == pytest.approx(den, abs=4e-3)
    assert by_quad < 0 < m / (1 - m)  # a 3% margin against 8% estimate error loses on accepted deals


def test_winners_curse_gap_grows_with_estimate_error_and_accepted_fall_below_planned():
    sds = [0.0, 0.02, 0.05, 0.1, 0.15]
    sweep = offer_sweep(
        [-0.02, 0.0, 0.03], sds, n_homes=40_000, market=OfferMarket(reservation_sd=0.03), seed=1
    )
    assert (sweep["n_accepted"] > 1000).all()
    for _, g in sweep.groupby("margin_of_safety"):
        gap = g.sort_values("estimate_sd")["winners_curse_gap"].to_numpy()
        assert gap[0] == pytest.approx(0.0, abs=1e-12)
        assert (np.diff(gap) > 0).all()
        noisy = g[g["estimate_sd"] > 0]
        assert (noisy["mean_margin_accepted"] < noisy["planned_margin"]).all()


def test_sweep_cells_equal_single_scenarios_with_the_same_seed():
    market = OfferMarket(cost_rate=0.06, resale_sd=0.04, market_drift_per_year=-0.08)
    sweep = offer_sweep([0.0, 0.05], [0.03, 0.09], n_homes=3000, market=market, seed=7)
    for _, row in sweep.iterrows():
        one = offer_summary(
            binding_offers(
                3000,
                estimate_sd=row["estimate_sd"],
                margin_of_safety=row["margin_of_safety"],
                market=market,
                seed=7,
            )
        ).iloc[0]
        for col in one.index:
            assert row[col] == pytest.approx(one[col], rel=1e-12, nan_ok=True)


def test_summary_figures_by_hand():
    f = pd.DataFrame(
        {
            "accepted": [True, True, False, True],
            "offer_usd": [100.0, 200.0, 300.0, 400.0],
            "profit_usd": [10.0, -20.0, 30.0, -60.0],
            "planned_margin": [0.05] * 4,
        }
    )
    f["realised_margin"] = f["profit_usd"] / f["offer_usd"]
    s = offer_summary(f).iloc[0]
    assert s["acceptance_rate"] == 0.75
    assert s["mean_margin_accepted"] == pytest.approx((0.1 - 0.1 - 0.15) / 3)
    assert s["mean_margin_all_offers"] == pytest.approx((0.1 - 0.1 + 0.1 - 0.15) / 4)
    assert s["loss_per_accepted_usd"] == pytest.approx(70 / 3)
    assert s["share_underwater"] == pytest.approx(2 / 3)
    assert s["profit_per_offer_usd"] == pytest.approx(-70 / 4)
    none = offer_summary(f.assign(accepted=False)).iloc[0]
    assert np.isnan(none["mean_margin_accepted"]) and none["n_accepted"] == 0


def test_inventory_projection_bands_match_the_lognormal_market():
    offers = binding_offers(
        5000, estimate_sd=0.06, margin_of_safety=0.02, market=OfferMarket(cost_rate=0.05), seed=3
    )
    acc = offers[offers["accepted"]]
    value, basis = acc["value_usd"].sum(), (acc["offer_usd"] + acc["cost_usd"]).sum()
    mu, sigma, n = -0.2, 0.15, 8000
    p = inventory_projection(
        offers, days=90, market_drift_per_year=mu, market_sd_per_year=sigma, n_paths=n, seed=4
    )
    day0 = p[p["day"] == 0]
    np.testing.assert_allclose(day0["unrealised_profit_usd"], value - basis, rtol=1e-10)
    assert value - basis < 0  # the winner's curse shows before the market has moved
    table = projection_table(p, "market_index", quantiles=(0.05, 0.5, 0.95))
    for _, row in table.iterrows():
        t = row["horizon_days"] / 365
        for q in (0.05, 0.5, 0.95):
            z = stats.norm.ppf(q)
            se = np.sqrt(q * (1 - q) / n) / stats.norm.pdf(z) * sigma * np.sqrt(t)
            assert abs(np.log(row[f"q{round(q * 100):02d}"]) - (mu * t + sigma * np.sqrt(t) * z)) < 4 * se
    np.testing.assert_allclose(p["unrealised_profit_usd"], value * p["market_index"] - basis, rtol=1e-9)


# -- bad inputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p0_a_usd": 0.0}, r"p0_a_usd: expected a price > 0, got 0.0"),
        ({"p0_a_usd": np.nan}, r"p0_a_usd: expected finite numbers, found nan at row 0"),
        ({"multiplier_b": -1.2}, r"multiplier_b: expected a multiplier > 0, got -1.2"),
        ({"days": 0}, r"days: expected a positive whole number, got 0"),
        ({"days": 2.5}, r"days: expected a positive whole number, got 2.5"),
        ({"cap_usd": -5.0}, r"cap_usd: expected a price >= 0, got -5.0"),
        ({"cap_usd": (1.0, 2.0, 3.0)}, r"cap_usd: expected one number or a pair \(seller A, seller B\)"),
        ({"floor_usd": 10.0, "cap_usd": 5.0}, r"floor_usd, cap_usd: expected floor <= cap for each seller"),
        ({"max_daily_change": 0.0}, r"max_daily_change: expected a share > 0, got 0.0"),
        ({"noise_sd": -0.1}, r"noise_sd: expected a number >= 0, got -0.1"),
        ({"noise_sd": 0.1}, r"seed: a simulation with noise_sd > 0 needs an explicit seed"),
        ({"noise_sd": 0.1, "seed": 1.5}, r"seed: expected a whole number or a numpy Generator, got 1.5"),
        ({"n_paths": 0}, r"n_paths: expected a positive whole number, got 0"),
    ],
)
def test_bad_repricing_inputs_are_named(kwargs, message):
    args = {"p0_a_usd": 100.0, "multiplier_a": 0.9, "multiplier_b": 1.2, "days": 10} | kwargs
    with pytest.raises(InputError, match=message):
        repricing_loop(**args)


def test_bad_fan_and_offer_inputs_are_named():
    f = repricing_loop(100.0, 0.9, 1.2, 10)
    with pytest.raises(
        InputError, match=r"price_c_usd: column not in frame; columns are path, day, price_a_usd"
    ):
        fan(f, "price_c_usd")
    with pytest.raises(InputError, match=r"frame: expected a pandas DataFrame, got dict"):
        fan({"day": [1]}, "x")
    with pytest.raises(InputError, match=r"frame: expected at least one row, got an empty frame"):
        fan(f.iloc[:0], "price_a_usd")
    with pytest.raises(
        InputError, match=r"quantiles: expected probabilities in \[0, 1\], found 1.5 at row 1"
    ):
        fan(f, "price_a_usd", quantiles=(0.5, 1.5))
    with pytest.raises(InputError, match=r"quantiles: expected distinct quantiles"):
        fan(f, "price_a_usd", quantiles=(0.5, 0.5))
    with pytest.raises(
        InputError, match=r"price_a_usd: expected finite numbers \(or missing\), found inf at row 3"
    ):
        fan(f.assign(price_a_usd=np.where(np.arange(11) == 3, np.inf, 1.0)), "price_a_usd")
    with pytest.raises(
        InputError, match=r"horizons: day 30 \(row 0\) is not in the frame, whose day runs 0 to 10"
    ):
        projection_table(f, "price_a_usd")
    with pytest.raises(InputError, match=r"margin_of_safety: expected a share < 1, got 1.0"):
        binding_offers(10, estimate_sd=0.1, margin_of_safety=1.0, seed=0)
    with pytest.raises(InputError, match=r"estimate_sd: expected a number >= 0, got -0.1"):
        binding_offers(10, estimate_sd=-0.1, margin_of_safety=0.0, seed=0)
    with pytest.raises(InputError, match=r"n_homes: expected a positive whole number, got 0"):
        binding_offers(0, estimate_sd=0.1, margin_of_safety=0.0, seed=0)
    with pytest.raises(InputError, match=r"market: expected an OfferMarket, got dict"):
        binding_offers(10, estimate_sd=0.1, margin_of_safety=0.0, market={}, seed=0)
    with pytest.raises(InputError, match=r"seller_discount: expected a share < 1, got 1.2"):
        OfferMarket(seller_discount=1.2)
    with pytest.raises(InputError, match=r"median_value_usd: expected a value > 0, got -1"):
        OfferMarket(median_value_usd=-1)
    with pytest.raises(InputError, match=r"margins_of_safety: expected shares < 1, found 1 at row 1"):
        offer_sweep([0.0, 1.0], [0.1], seed=0)
    with pytest.raises(InputError, match=r"estimate_sds: expected values >= 0, found -0.2 at row 0"):
        offer_sweep([0.0], [-0.2], seed=0)
    with pytest.raises(InputError, match=r"accepted: column not in frame"):
        offer_summary(f)
    with pytest.raises(InputError, match=r"market_sd_per_year: expected a number >= 0, got -0.1"):
        inventory_projection(
            binding_offers(10, estimate_sd=0.1, margin_of_safety=0.0, seed=0), market_sd_per_year=-0.1, seed=0
        )
