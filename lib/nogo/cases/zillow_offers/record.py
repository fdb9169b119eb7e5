"""The 2021 book: one unknown fitted to the published write-down, two published figures it then reproduces.

What the record gives (shared/incidents.md section 2): a Q3 2021 write-down of about $304M on more than
9,800 homes in inventory (Bisnow, SEEN), so about $31,020 a home (DERIVED: our arithmetic, not the loss per
home in Zillow's Q3 2021 shareholder letter, which is still to confirm); a portfolio of about 7,000 homes
pitched to investors for about $2.8B (a secondary source), so about $400,000 a home; and, from secondary
sources, that about two thirds of the homes were worth less than Zillow paid and that listed homes were
priced on average 4.5% below their purchase price. From February 2021 the Zestimate itself could serve
as the initial offer: a margin of safety of zero.

The reconstruction (SYNTHETIC; every other number is an assumption): the homes of :mod:`.curse`, offered
for at the estimate (margin 0), with sellers' prices in mind spread ``seller_sd`` around the value and no
market move between purchase and the Q3 mark. The accounts mark a home at its value less the cost of
selling it (``selling_cost_share``), so the write-down of an accepted home is
``max(0, price - (1 - selling_cost_share) * value)``. Its mean over the accepted homes, as a share of their
mean price, has a closed form (:func:`writedown_share`); :func:`fit_error_sd` finds the one unknown, the
model's error on the homes it bid for, that gives the published write-down per home. The share of homes
worth less than their price and the mean markdown then follow from :func:`.curse.winners_curse` with no
further fitting: those two are the reproduction. :func:`reproduction_grid` shows how both move with the
two assumptions, and :func:`book_2021` draws the homes, so the closed form can be checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.stats import multivariate_normal, norm

from nogo._validate import as_bounded_scalar
from nogo.cases.zillow_offers.curse import MEDIAN_ABS_Z, winners_curse
from nogo.models.dynamics import OfferMarket, binding_offers

__all__ = ["BookFit", "book_2021", "fit_error_sd", "reproduction_grid", "writedown_share"]


def _both_above(u: float, v: float, rho: float) -> float:
    """P(Z1 > u, Z2 > v) for standard normals with correlation ``rho``."""
    cov = np.array([[1.0, rho], [rho, 1.0]])
    return float(multivariate_normal(mean=[0.0, 0.0], cov=cov).cdf([-u, -v]))


def writedown_share(
    error_sd: float,
    *,
    seller_sd: float,
    selling_cost_share: float,
    margin_share: float = 0.0,
    market_move: float = 1.0,
) -> float:
    """Mean write-down of the accepted homes over their mean price, in closed form.

    With ``r = price / value = (1 - margin) exp(X) / market_move`` and ``k = 1 - selling_cost_share``, the
    write-down per home over the price per home is ``E[(r - k) 1{r > k} | accepted] / E[r | accepted]``
    (the value is independent of ``r``, so it cancels). ``E[exp(X) 1{X > a, W >= c}]`` is
    ``exp(error_sd**2 / 2)`` times the same bivariate normal tail with both means shifted by
    ``error_sd**2`` (the exponential tilt); see :mod:`.curse` for ``X``, ``W`` and ``c``.

    Examples
    --------
    >>> round(writedown_share(0.0770, seller_sd=0.07, selling_cost_share=0.03), 4)
    0.0776
    """
    sd = as_bounded_scalar("error_sd", error_sd, low=0.0, low_open=True, expected="a log sd > 0")
    sr = as_bounded_scalar("seller_sd", seller_sd, low=0.0, low_open=True, expected="a log sd > 0")
    k = 1 - as_bounded_scalar("selling_cost_share", selling_cost_share, low=0.0, high=1.0, high_open=True,
                              expected="a share in [0, 1)")  # fmt: skip
    m = as_bounded_scalar("margin_share", margin_share, high=1.0, high_open=True, expected="a share < 1")
    move = as_bounded_scalar("market_move", market_move, low=0.0, low_open=True, expected="a factor > 0")
    s, rho = float(np.hypot(sd, sr)), sd / float(np.hypot(sd, sr))
    c = -np.log(1 - m)  # sellers at the value: accept when W >= c
    a = np.log(k * move / (1 - m))  # r > k exactly when X > a
    scale = (1 - m) / move
    accept = norm.sf(c / s)
    above = scale * np.exp(sd**2 / 2) * _both_above((a - sd**2) / sd, (c - sd**2) / s, rho)
    shortfall = above - k * _both_above(a / sd, c / s, rho)
    mean_r = scale * np.exp(sd**2 / 2) * norm.sf((c - sd**2) / s)
    return float(shortfall / mean_r) if accept > 0 else float("nan")


def fit_error_sd(target_share: float, *, seller_sd: float, selling_cost_share: float) -> float:
    """The model's log error sd at which :func:`writedown_share` (margin 0) equals ``target_share``.

    Examples
    --------
    >>> sd = fit_error_sd(0.0776, seller_sd=0.07, selling_cost_share=0.03)
    >>> round(sd, 3), round(sd * 0.6745, 3)   # and its median absolute error
    (0.077, 0.052)
    """
    target = as_bounded_scalar("target_share", target_share, low=0.0, low_open=True, high=1.0,
                               expected="a share in (0, 1)")  # fmt: skip

    def gap(sd: float) -> float:
        return writedown_share(sd, seller_sd=seller_sd, selling_cost_share=selling_cost_share) - target

    return float(brentq(gap, 1e-3, 1.0, xtol=1e-7))


@dataclass(frozen=True)
class BookFit:
    """The 2021 book at one pair of assumptions: the fitted error and what it reproduces.

    Attributes
    ----------
    error_sd, median_error_share
        The fitted log error sd of the model on the homes it bid for, and its median absolute size.
    writedown_share
        The write-down per home over the price per home it was fitted to.
    share_underwater
        Accepted homes worth less than the price paid (reproduced).
    markdown_share
        Mean of ``(price - value) / price`` over the accepted homes (reproduced).
    acceptance_rate
        Share of offers accepted at the estimate.
    """

    error_sd: float
    median_error_share: float
    writedown_share: float
    share_underwater: float
    markdown_share: float
    acceptance_rate: float

    @classmethod
    def fit(cls, target_share: float, *, seller_sd: float, selling_cost_share: float) -> BookFit:
        """Fit the error to ``target_share`` and read the reproduced figures from the closed form."""
        sd = fit_error_sd(target_share, seller_sd=seller_sd, selling_cost_share=selling_cost_share)
        w = winners_curse([0.0], sd, seller_sd=seller_sd).iloc[0]
        return cls(
            error_sd=sd,
            median_error_share=sd * MEDIAN_ABS_Z,
            writedown_share=writedown_share(sd, seller_sd=seller_sd, selling_cost_share=selling_cost_share),
            share_underwater=float(w["share_above_value"]),
            markdown_share=float(w["markdown_share"]),
            acceptance_rate=float(w["acceptance_rate"]),
        )


def reproduction_grid(
    target_share: float,
    seller_sds: tuple[float, ...] = (0.05, 0.10, 0.15),
    selling_costs_share: tuple[float, ...] = (0.02, 0.03, 0.05),
) -> pd.DataFrame:
    """:class:`BookFit` at every pair of assumptions: how the reproduction depends on them.

    Returns
    -------
    pandas.DataFrame
        ``seller_sd``, ``selling_cost_share``, then the fields of :class:`BookFit`.

    Examples
    --------
    >>> g = reproduction_grid(0.0776, seller_sds=(0.07,), selling_costs_share=(0.03,))
    >>> round(float(g["markdown_share"].iloc[0]), 3)
    0.043
    """
    rows = []
    for sr in seller_sds:
        for cost in selling_costs_share:
            fit = BookFit.fit(target_share, seller_sd=sr, selling_cost_share=cost)
            rows.append({"seller_sd": sr, "selling_cost_share": cost, **fit.__dict__})
    return pd.DataFrame(rows)


def book_2021(
    error_sd: float,
    *,
    seller_sd: float,
    selling_cost_share: float,
    median_value_usd: float,
    n_offers: int = 40_000,
    seed: int,
) -> pd.DataFrame:
    """The accepted homes of a run of offers at the estimate (margin 0), drawn home by home.

    Returns
    -------
    pandas.DataFrame
        One row per accepted home: ``value_usd``, ``estimate_usd``, ``price_usd`` (the offer),
        ``underwater`` (worth less than the price), ``markdown_share`` (``(price - value) / price``),
        ``writedown_usd`` (``max(0, price - (1 - selling_cost_share) * value)``).

    Examples
    --------
    >>> b = book_2021(0.088, seller_sd=0.10, selling_cost_share=0.03, median_value_usd=400_000.0,
    ...               n_offers=4_000, seed=1)
    >>> bool(0.6 < b["underwater"].mean() < 0.85)
    True
    """
    market = OfferMarket(median_value_usd=median_value_usd, reservation_sd=seller_sd, cost_rate=0.0,
                         holding_days=0.0)  # fmt: skip
    homes = binding_offers(n_offers, estimate_sd=error_sd, margin_of_safety=0.0, market=market, seed=seed)
    homes = homes[homes["accepted"]]
    value, price = homes["value_usd"].to_numpy(), homes["offer_usd"].to_numpy()
    return pd.DataFrame(
        {
            "value_usd": value,
            "estimate_usd": homes["estimate_usd"].to_numpy(),
            "price_usd": price,
            "underwater": value < price,
            "markdown_share": (price - value) / price,
            "writedown_usd": np.maximum(0.0, price - (1 - selling_cost_share) * value),
        }
    )
