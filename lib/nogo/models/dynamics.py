"""Dynamics: what two repricing bots, or binding offers, do over 30/60/90 days.

Two models, both seeded and vectorised across simulated paths (or homes), and the fan-chart summaries
they share.

*Repricing loop* ("The Making of a Fly", April 2011). Two sellers each set their price as a multiple of
the other's. Seller A moves first each day, then seller B reacts to A's new price, so with multipliers
``m_a`` and ``m_b`` and no bounds, ``price_a[d] = p0 * g**d`` and ``price_b[d] = m_b * p0 * g**d`` with
loop gain ``g = m_a * m_b``: geometric growth when ``g > 1``, decay when ``g < 1``. Floors, caps and a
rate limit bound each seller's price; multiplicative lognormal jitter on the multipliers gives bands.

*Adverse selection in binding offers* (Zillow Offers, 2021). A buyer offers ``estimate * (1 - margin)``;
a seller accepts when the offer is at least their reservation value. Offers that overshoot the true
value are the ones accepted, so the accepted deals earn less than the offers did on average: the
winner's curse. :func:`offer_sweep` shows it across margins of safety and estimate errors;
:func:`inventory_projection` runs the accepted homes forward through a common market path.

:func:`fan` and :func:`projection_table` turn any path-by-day frame into quantile bands and the
30/60/90-day table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_bounded_scalar, as_float_array, as_rng, check_count
from nogo.errors import InputError

__all__ = [
    "OfferMarket",
    "binding_offers",
    "fan",
    "inventory_projection",
    "offer_summary",
    "offer_sweep",
    "paths_frame",
    "projection_table",
    "repricing_loop",
]

_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


# -- paths ---------------------------------------------------------------------------------------------


def paths_frame(arrays: dict[str, np.ndarray], day0: int = 0) -> pd.DataFrame:
    """Tidy frame from ``(days, paths)`` arrays: one row per path and day, path-major.

    The shape every simulation here returns (and :func:`fan` and :func:`projection_table` read):
    columns ``path``, ``day`` (numbered from ``day0``) and one column per array.

    Examples
    --------
    >>> paths_frame({"price_usd": np.array([[1.0, 2.0], [1.5, 2.5]])}, day0=1)
       path  day  price_usd
    0     0    1        1.0
    1     0    2        1.5
    2     1    1        2.0
    3     1    2        2.5
    """
    n_days, n_paths = next(iter(arrays.values())).shape
    out = {
        "path": np.repeat(np.arange(n_paths), n_days),
        "day": np.tile(np.arange(day0, day0 + n_days), n_paths),
    }
    out.update({k: v.T.ravel() for k, v in arrays.items()})
    return pd.DataFrame(out)


# -- repricing loop ----------------------------------------------------------------------------------------


def _pair(name: str, value: Any, default: float) -> tuple[float, float]:
    """A bound for seller A and seller B: None, one number for both, or a pair (None: unbounded)."""
    if value is None:
        return default, default
    items = list(value) if isinstance(value, tuple | list) else [value, value]
    if len(items) != 2:
        raise InputError(f"{name}: expected one number or a pair (seller A, seller B), got {value!r}")
    lo, hi = (
        default if v is None else as_bounded_scalar(name, v, low=0.0, expected="a price >= 0") for v in items
    )
    return lo, hi


def repricing_loop(
    p0_a_usd: float,
    multiplier_a: float,
    multiplier_b: float,
    days: int,
    *,
    floor_usd: float | tuple[float | None, float | None] | None = None,
    cap_usd: float | tuple[float | None, float | None] | None = None,
    max_daily_change: float | None = None,
    noise_sd: float = 0.0,
    n_paths: int = 1,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Two sellers pricing off each other, once a day each, for ``days`` days.

    Day 0 is the first sighting: seller A's price is ``p0_a_usd`` as observed, and seller B sets
    ``multiplier_b * p0_a_usd``. On every later day seller A moves first, to ``multiplier_a`` times B's
    price of the day before, then B moves to ``multiplier_b`` times A's new price. Each price a rule sets
    is bounded in this order: the rate limit (within ``max_daily_change`` of the seller's own price the
    day before; B's day-0 price has no day before), then the floor and the cap, which win over the rate
    limit. A's observed day-0 price is not bounded; when it lies within the floor and cap, every daily
    change of either seller stays within the rate limit.

    Parameters
    ----------
    p0_a_usd
        Seller A's price on day 0, in USD (> 0).
    multiplier_a, multiplier_b
        Each seller's multiple of the other's price (> 0). The loop gain is their product.
    days
        Days simulated after day 0.
    floor_usd, cap_usd
        Lowest and highest price a rule may set: one number for both sellers, or a pair
        ``(seller_a, seller_b)`` where ``None`` leaves that seller unbounded.
    max_daily_change
        Largest relative change of a seller's price from one day to the next (0.1: 10%), or ``None``.
    noise_sd
        Standard deviation of the multiplicative lognormal jitter on each multiplier, drawn per path,
        day and seller: the multiplier used is ``m * exp(noise_sd * Z)``, so the nominal multiplier is its
        median. Without bounds, ``log price_a[d]`` is then a Gaussian random walk with variance
        ``2 * d * noise_sd**2``.
    n_paths
        Simulated paths (all identical when ``noise_sd`` is 0).
    seed
        Seed or generator; required when ``noise_sd > 0``.

    Returns
    -------
    pandas.DataFrame
        ``path``, ``day`` (0 to ``days``), ``price_a_usd``, ``price_b_usd`` (each seller's price at the end
        of that day), one row per path and day.

    Examples
    --------
    >>> f = repricing_loop(100.0, 0.9, 1.2, 2)
    >>> f[["day", "price_a_usd", "price_b_usd"]].round(2).values.tolist()
    [[0.0, 100.0, 120.0], [1.0, 108.0, 129.6], [2.0, 116.64, 139.97]]
    >>> float(repricing_loop(100.0, 0.9, 1.2, 30, cap_usd=150.0)["price_b_usd"].iloc[-1])
    150.0
    """
    p0 = as_bounded_scalar("p0_a_usd", p0_a_usd, low=0.0, low_open=True, expected="a price > 0")
    m = np.array(
        [
            as_bounded_scalar(
                "multiplier_a", multiplier_a, low=0.0, low_open=True, expected="a multiplier > 0"
            ),
            as_bounded_scalar(
                "multiplier_b", multiplier_b, low=0.0, low_open=True, expected="a multiplier > 0"
            ),
        ]
    )
    n_days = check_count("days", days)
    floor = np.array(_pair("floor_usd", floor_usd, 0.0))
    cap = np.array(_pair("cap_usd", cap_usd, np.inf))
    if (floor > cap).any():
        raise InputError(
            f"floor_usd, cap_usd: expected floor <= cap for each seller, got {floor_usd!r} > {cap_usd!r}"
        )
    rate = None
    if max_daily_change is not None:
        rate = as_bounded_scalar(
            "max_daily_change", max_daily_change, low=0.0, low_open=True, expected="a share > 0"
        )
    sd = as_bounded_scalar("noise_sd", noise_sd, low=0.0)
    paths = check_count("n_paths", n_paths)
    jitter = np.ones((n_days + 1, 2, paths))
    if sd > 0:
        if seed is None:
            raise InputError("seed: a simulation with noise_sd > 0 needs an explicit seed")
        jitter = np.exp(sd * as_rng(seed).standard_normal((n_days + 1, 2, paths)))
    elif seed is not None:
        as_rng(seed)  # validate it all the same

    price = np.empty((n_days + 1, 2, paths))  # day, seller, path
    price[0, 0] = p0
    price[0, 1] = np.clip(m[1] * jitter[0, 1] * p0, floor[1], cap[1])
    for d in range(1, n_days + 1):
        for s, other, ref_day in ((0, 1, d - 1), (1, 0, d)):  # A reacts to B's yesterday, B to A's today
            target = m[s] * jitter[d, s] * price[ref_day, other]
            if rate is not None:
                prev = price[d - 1, s]
                target = np.clip(target, prev * (1 - rate), prev * (1 + rate))
            price[d, s] = np.clip(target, floor[s], cap[s])
    return paths_frame({"price_a_usd": price[:, 0], "price_b_usd": price[:, 1]})


# -- fan charts and the 30/60/90 table --------------------------------------------------------------------


def _qname(q: float) -> str:
    pct = q * 100
    return f"q{round(pct):02d}" if abs(pct - round(pct)) < 1e-9 else f"q{pct:g}"


def _check_frame(frame: Any, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame: expected a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise InputError("frame: expected at least one row, got an empty frame")
    for c in columns:
        if c not in frame.columns:
            raise InputError(f"{c}: column not in frame; columns are {', '.join(map(str, frame.columns))}")
    return frame


def fan(
    frame: pd.DataFrame,
    value_col: str,
    *,
    quantiles: tuple[float, ...] = _QUANTILES,
    time_col: str = "day",
) -> pd.DataFrame:
    """Quantile bands across paths, per day: the data of a fan chart.

    Quantiles are numpy's default (linear interpolation) over the paths' non-missing values.

    Returns
    -------
    pandas.DataFrame
        ``time_col``, ``n_paths`` (non-missing values that day), ``mean``, then one column per quantile
        named ``q05``, ``q25``, ``q50``, ... (``q97.5`` for a fractional percent).

    Examples
    --------
    >>> f = pd.DataFrame({"path": [0, 1, 2], "day": [1, 1, 1], "x": [1.0, 2.0, 6.0]})
    >>> fan(f, "x", quantiles=(0.5,)).to_dict("records")
    [{'day': 1, 'n_paths': 3, 'mean': 3.0, 'q50': 2.0}]
    """
    _check_frame(frame, (time_col, value_col))
    qs = as_float_array("quantiles", quantiles, unit_interval=True)
    names = [_qname(q) for q in qs]
    if len(set(names)) != len(names):
        raise InputError(f"quantiles: expected distinct quantiles, got {list(quantiles)!r}")
    try:
        values = frame[value_col].astype(np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{value_col}: expected a numeric column, got {frame[value_col].dtype}") from None
    if np.isinf(values).any():
        i = int(np.flatnonzero(np.isinf(values.to_numpy()))[0])
        raise InputError(f"{value_col}: expected finite numbers (or missing), found inf at row {i}")
    g = values.groupby(frame[time_col].to_numpy(), sort=True)
    out = pd.DataFrame({"n_paths": g.count(), "mean": g.mean()})
    table = g.quantile(list(qs)).unstack()
    table.columns = names
    out = out.join(table)
    out.index.name = time_col
    return out.reset_index()


def projection_table(
    frame: pd.DataFrame,
    value_col: str,
    *,
    horizons: tuple[int, ...] = (30, 60, 90),
    quantiles: tuple[float, ...] = _QUANTILES,
    time_col: str = "day",
) -> pd.DataFrame:
    """The fan at chosen horizons: the 30/60/90-day table.

    Returns
    -------
    pandas.DataFrame
        ``horizon_days``, ``n_paths``, ``mean`` and the quantile columns of :func:`fan`.

    Examples
    --------
    >>> f = repricing_loop(100.0, 1.0, 1.0, 60)
    >>> projection_table(f, "price_a_usd", horizons=(30, 60), quantiles=(0.5,))["q50"].tolist()
    [100.0, 100.0]
    """
    bands = fan(frame, value_col, quantiles=quantiles, time_col=time_col)
    h = as_float_array("horizons", horizons)
    missing = ~np.isin(h, bands[time_col].to_numpy())
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise InputError(
            f"horizons: day {h[i]:g} (row {i}) is not in the frame, whose {time_col} runs "
            f"{bands[time_col].min()} to {bands[time_col].max()}"
        )
    out = bands.set_index(time_col).loc[h.astype(bands[time_col].dtype)].reset_index()
    return out.rename(columns={time_col: "horizon_days"})


# -- adverse selection in binding offers ------------------------------------------------------------------


@dataclass(frozen=True)
class OfferMarket:
    """The homes, the sellers and the resale market behind a run of binding offers.

    Assumptions: true values are lognormal (``median_value_usd``, log sd ``value_sd``); a seller's
    reservation value is ``value * (1 - seller_discount) * exp(reservation_sd * Z)``; each accepted home
    costs ``cost_rate`` times the price paid (fees, repairs, holding); it resells after ``holding_days``
    at ``value * exp(market_drift_per_year * holding_days / 365 + resale_sd * Z)`` (a log drift, so a
    negative drift is a cooling market).

    Examples
    --------
    >>> OfferMarket(market_drift_per_year=-0.1).drift_factor > 0.97
    True
    """

    median_value_usd: float = 350_000.0
    value_sd: float = 0.35
    reservation_sd: float = 0.03
    seller_discount: float = 0.0
    cost_rate: float = 0.0
    holding_days: float = 90.0
    market_drift_per_year: float = 0.0
    resale_sd: float = 0.0

    def __post_init__(self) -> None:
        as_bounded_scalar(
            "median_value_usd", self.median_value_usd, low=0.0, low_open=True, expected="a value > 0"
        )
        for name in ("value_sd", "reservation_sd", "cost_rate", "holding_days", "resale_sd"):
            as_bounded_scalar(name, getattr(self, name), low=0.0)
        as_bounded_scalar(
            "seller_discount", self.seller_discount, high=1.0, high_open=True, expected="a share < 1"
        )
        as_bounded_scalar("market_drift_per_year", self.market_drift_per_year)

    @property
    def drift_factor(self) -> float:
        """Median resale value over true value after the holding period."""
        return float(np.exp(self.market_drift_per_year * self.holding_days / 365.0))


def _offer_arrays(
    z: np.ndarray, market: OfferMarket, estimate_sd: float, margin: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-home arrays from standard normals ``z`` (4, n); ``margin`` broadcasts against homes."""
    value = market.median_value_usd * np.exp(market.value_sd * z[0])
    estimate = value * np.exp(estimate_sd * z[1])
    offer = estimate * (1 - margin)
    reservation = value * (1 - market.seller_discount) * np.exp(market.reservation_sd * z[2])
    resale = value * market.drift_factor * np.exp(market.resale_sd * z[3])
    cost = market.cost_rate * offer
    profit = resale - offer - cost
    return {
        "value_usd": value,
        "estimate_usd": estimate,
        "offer_usd": offer,
        "reservation_usd": reservation,
        "accepted": offer >= reservation,
        "resale_usd": resale,
        "cost_usd": cost,
        "profit_usd": profit,
        "planned_margin": (estimate * market.drift_factor - offer - cost) / offer,
        "realised_margin": profit / offer,
    }


def _summarise(a: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Scenario summaries over the last (homes) axis."""
    acc = a["accepted"]
    n = acc.shape[-1]
    k = acc.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_acc = np.where(k > 0, (a["realised_margin"] * acc).sum(-1) / k, np.nan)
        mean_all = a["realised_margin"].mean(-1)
        return {
            "n_offers": np.full(k.shape, n),
            "n_accepted": k,
            "acceptance_rate": k / n,
            "planned_margin": a["planned_margin"].mean(-1),
            "mean_margin_all_offers": mean_all,
            "mean_margin_accepted": mean_acc,
            "winners_curse_gap": mean_all - mean_acc,
            "loss_per_accepted_usd": np.where(k > 0, -(a["profit_usd"] * acc).sum(-1) / k, np.nan),
            "share_underwater": np.where(k > 0, ((a["profit_usd"] < 0) & acc).sum(-1) / k, np.nan),
            "profit_per_offer_usd": (a["profit_usd"] * acc).sum(-1) / n,
        }


def binding_offers(
    n_homes: int,
    *,
    estimate_sd: float,
    margin_of_safety: float,
    market: OfferMarket | None = None,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """One binding offer per home, and whether the seller took it.

    The model's estimate is ``value * exp(estimate_sd * Z)`` (unbiased in the log); the offer is
    ``estimate * (1 - margin_of_safety)``; the seller accepts when ``offer >= reservation_usd``. Profit
    is ``resale - offer - cost``; the margins are shares of the offer. Every home's profit is computed,
    accepted or not, so the mean over all offers shows what the offers were worth before selection.

    Returns
    -------
    pandas.DataFrame
        ``home``, ``value_usd``, ``estimate_usd``, ``offer_usd``, ``reservation_usd``, ``accepted``,
        ``resale_usd``, ``cost_usd``, ``profit_usd``, ``planned_margin`` (what the model expects: its
        estimate taken as the truth), ``realised_margin`` (``profit_usd / offer_usd``).

    Examples
    --------
    >>> f = binding_offers(1000, estimate_sd=0.0, margin_of_safety=0.05, seed=0)
    >>> bool(np.allclose(f["realised_margin"], 0.05 / 0.95))  # no estimate error: no winner's curse
    True
    """
    market = OfferMarket() if market is None else market
    if not isinstance(market, OfferMarket):
        raise InputError(f"market: expected an OfferMarket, got {type(market).__name__}")
    n = check_count("n_homes", n_homes)
    sd = as_bounded_scalar("estimate_sd", estimate_sd, low=0.0)
    m = as_bounded_scalar(
        "margin_of_safety", margin_of_safety, high=1.0, high_open=True, expected="a share < 1"
    )
    arrays = _offer_arrays(as_rng(seed).standard_normal((4, n)), market, sd, np.asarray(m))
    return pd.DataFrame({"home": np.arange(n), **arrays})


def offer_summary(offers: pd.DataFrame) -> pd.DataFrame:
    """One row of scenario figures from a :func:`binding_offers` frame.

    Returns
    -------
    pandas.DataFrame
        ``n_offers``, ``n_accepted``, ``acceptance_rate``, ``planned_margin``, ``mean_margin_all_offers``,
        ``mean_margin_accepted``, ``winners_curse_gap`` (all minus accepted), ``loss_per_accepted_usd``
        (mean of ``offer + cost - resale`` over accepted deals), ``share_underwater`` (accepted deals
        that lost money), ``profit_per_offer_usd``. Figures over accepted deals are NaN when none were.

    Examples
    --------
    >>> s = offer_summary(binding_offers(20_000, estimate_sd=0.08, margin_of_safety=0.03, seed=1))
    >>> bool(s["mean_margin_accepted"].iloc[0] < s["planned_margin"].iloc[0])
    True
    """
    cols = ("accepted", "offer_usd", "profit_usd", "planned_margin", "realised_margin")
    _check_frame(offers, cols)
    arrays = {c: offers[c].to_numpy(dtype=bool if c == "accepted" else np.float64) for c in cols}
    return pd.DataFrame({k: np.atleast_1d(v) for k, v in _summarise(arrays).items()})


def offer_sweep(
    margins_of_safety: npt.ArrayLike,
    estimate_sds: npt.ArrayLike,
    *,
    n_homes: int = 20_000,
    market: OfferMarket | None = None,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """The :func:`offer_summary` figures over a grid of margins of safety and estimate errors.

    Every cell uses the same homes and the same standard normal draws (common random numbers), so the
    curves are smooth and the differences between cells are the policy's, not the sample's. Margins are
    broadcast against homes; a loop runs over the (few) estimate errors.

    Returns
    -------
    pandas.DataFrame
        ``margin_of_safety``, ``estimate_sd``, then the columns of :func:`offer_summary`.

    Examples
    --------
    >>> s = offer_sweep([0.0, 0.05], [0.02, 0.10], n_homes=5000, seed=0)
    >>> bool((s.groupby("estimate_sd")["winners_curse_gap"].mean().diff().dropna() > 0).all())
    True
    """
    market = OfferMarket() if market is None else market
    if not isinstance(market, OfferMarket):
        raise InputError(f"market: expected an OfferMarket, got {type(market).__name__}")
    margins = as_float_array("margins_of_safety", margins_of_safety)
    if (margins >= 1).any():
        i = int(np.flatnonzero(margins >= 1)[0])
        raise InputError(f"margins_of_safety: expected shares < 1, found {margins[i]:g} at row {i}")
    sds = as_float_array("estimate_sds", estimate_sds, nonnegative=True)
    z = as_rng(seed).standard_normal((4, check_count("n_homes", n_homes)))
    parts = []
    for sd in sds:
        summary = _summarise(_offer_arrays(z, market, float(sd), margins[:, None]))
        parts.append(pd.DataFrame({"margin_of_safety": margins, "estimate_sd": sd, **summary}))
    return pd.concat(parts, ignore_index=True)


def inventory_projection(
    offers: pd.DataFrame,
    *,
    days: int = 90,
    market_drift_per_year: float = 0.0,
    market_sd_per_year: float = 0.1,
    n_paths: int = 500,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """The accepted homes held for ``days`` days while one market index moves them all.

    The index is a geometric random walk in days: ``log index[d] = market_drift_per_year * d / 365 +
    market_sd_per_year * W(d / 365)``, one path per simulation, common to every home (the market moves
    together; home-by-home noise is :class:`OfferMarket`'s ``resale_sd``). Day 0 marks the inventory to
    its true value, so the winner's curse shows before the market has moved.

    Returns
    -------
    pandas.DataFrame
        ``path``, ``day`` (0 to ``days``), ``market_index``, ``inventory_value_usd`` (true value of the
        accepted homes times the index), ``cost_basis_usd`` (price paid plus costs),
        ``unrealised_profit_usd`` (value minus basis).

    Examples
    --------
    >>> offers = binding_offers(2000, estimate_sd=0.05, margin_of_safety=0.02, seed=0)
    >>> p = inventory_projection(offers, days=30, market_sd_per_year=0.0, n_paths=2, seed=0)
    >>> bool(p["unrealised_profit_usd"].nunique() == 1)  # no market noise, no drift: flat
    True
    """
    _check_frame(offers, ("accepted", "value_usd", "offer_usd", "cost_usd"))
    n_days = check_count("days", days)
    mu = as_bounded_scalar("market_drift_per_year", market_drift_per_year)
    sigma = as_bounded_scalar("market_sd_per_year", market_sd_per_year, low=0.0)
    paths = check_count("n_paths", n_paths)
    acc = offers["accepted"].to_numpy(dtype=bool)
    value = float(offers["value_usd"].to_numpy(dtype=np.float64)[acc].sum())
    basis = float((offers["offer_usd"] + offers["cost_usd"]).to_numpy(dtype=np.float64)[acc].sum())
    steps = mu / 365.0 + sigma * np.sqrt(1 / 365.0) * as_rng(seed).standard_normal((n_days, paths))
    index = np.exp(np.vstack([np.zeros((1, paths)), np.cumsum(steps, axis=0)]))
    worth = value * index
    return paths_frame(
        {
            "market_index": index,
            "inventory_value_usd": worth,
            "cost_basis_usd": np.full_like(worth, basis),
            "unrealised_profit_usd": worth - basis,
        }
    )
