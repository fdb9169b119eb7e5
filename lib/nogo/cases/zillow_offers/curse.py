"""The winner's curse of a binding offer: closed form, and the same homes simulated.

A buyer's model estimates a home's value with a log error: ``estimate = value * exp(error_sd * Z1)``. The
buyer offers ``estimate * (1 - margin)``, binding. The seller has a price in mind,
``reservation = value * (1 - seller_discount) * exp(seller_sd * Z2)``, and accepts when the offer reaches
it. With ``X = error_sd * Z1`` and ``W = X - seller_sd * Z2`` (normal, sd ``s = hypot(error_sd,
seller_sd)``), the seller accepts when ``W >= c`` with ``c = log((1 - seller_discount) / (1 - margin))``,
and ``X`` and ``W`` are jointly normal with covariance ``error_sd**2``. So, among the accepted offers
(the textbook winner's curse, for lognormal errors):

* acceptance rate ``P(W >= c) = Q(c / s)`` (``Q`` the normal upper tail);
* mean price over value, with ``v = error_sd**2``:
  ``E[offer / value | accepted] = (1 - margin) exp(v / 2) Q((c - v) / s) / Q(c / s)``;
* mean value over price ``E[value / offer | accepted] = exp(v / 2) Q((c + v) / s) / ((1 - margin) Q(c / s))``;
* share bought above value ``P(X > -log(1 - margin) | W >= c)``, a bivariate normal tail with correlation
  ``error_sd / s``.

The estimate is unbiased in the log on every home offered for, yet the accepted ones were, on average,
priced above their value: sellers say yes most often to the offers that overshoot. :func:`winners_curse`
gives the closed form; :func:`simulate_offers` draws the same homes with :func:`nogo.binding_offers`, so
each can check the other.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import multivariate_normal, norm

from nogo._validate import as_bounded_scalar, as_float_array
from nogo.models.dynamics import OfferMarket, binding_offers

__all__ = ["MEDIAN_ABS_Z", "error_sd_from_median", "simulate_offers", "winners_curse"]

MEDIAN_ABS_Z = float(norm.ppf(0.75))
"""The median of ``|Z|`` for a standard normal ``Z`` (0.6745): a log error with sd ``s`` has a median
absolute size of ``0.6745 s``, the way the Zestimate's error is published (a median error)."""


def error_sd_from_median(median_error_share: float) -> float:
    """The log sd of a model error whose median absolute size is ``median_error_share``.

    Examples
    --------
    >>> round(error_sd_from_median(0.02), 4)   # the Zestimate's 2% median error on on-market homes
    0.0297
    """
    m = as_bounded_scalar("median_error_share", median_error_share, low=0.0, low_open=True, high=1.0,
                          expected="a share in (0, 1]")  # fmt: skip
    return m / MEDIAN_ABS_Z


def _tail_both(a: float, c: float, sd_x: float, s: float) -> float:
    """P(X > a, W >= c) for the jointly normal X (sd ``sd_x``) and W (sd ``s``), cov ``sd_x**2``."""
    rho = sd_x / s
    cov = np.array([[1.0, rho], [rho, 1.0]])
    return float(multivariate_normal(mean=[0.0, 0.0], cov=cov).cdf([-a / sd_x, -c / s]))


def winners_curse(
    margins_share: npt.ArrayLike,
    error_sd: float,
    *,
    seller_sd: float,
    seller_discount_share: float = 0.0,
) -> pd.DataFrame:
    """The closed form of the module docstring, one row per margin of safety.

    Parameters
    ----------
    margins_share
        Margins of safety: the offer is the estimate times ``1 - margin`` (0.05: 5% below the estimate).
    error_sd
        The model's log error sd (> 0); see :func:`error_sd_from_median`.
    seller_sd
        The log sd of the seller's price in mind around the value (> 0).
    seller_discount_share
        How far below the value sellers' prices in mind sit, at the median (the price of certainty).

    Returns
    -------
    pandas.DataFrame
        ``margin_share``, ``acceptance_rate``, ``price_over_value`` (mean over accepted offers),
        ``overpayment_share`` (``price_over_value - 1``: the winner's curse, a share of value),
        ``value_over_price``, ``markdown_share`` (``1 - value_over_price``: how far below the price
        paid the value sits, a share of the price), ``share_above_value``.

    Examples
    --------
    No margin, errors and sellers alike: half the offers are accepted, and those were priced above value.

    >>> w = winners_curse([0.0], 0.08, seller_sd=0.08)
    >>> round(float(w["acceptance_rate"].iloc[0]), 3), round(float(w["share_above_value"].iloc[0]), 3)
    (0.5, 0.75)
    """
    m = as_float_array("margins_share", margins_share)
    sd = as_bounded_scalar("error_sd", error_sd, low=0.0, low_open=True, expected="a log sd > 0")
    sr = as_bounded_scalar("seller_sd", seller_sd, low=0.0, low_open=True, expected="a log sd > 0")
    d = as_bounded_scalar("seller_discount_share", seller_discount_share, high=1.0, high_open=True,
                          expected="a share < 1")  # fmt: skip
    s = float(np.hypot(sd, sr))
    c = np.log((1 - d) / (1 - m))
    accept = norm.sf(c / s)
    price_over_value = (1 - m) * np.exp(sd**2 / 2) * norm.sf((c - sd**2) / s) / accept
    value_over_price = np.exp(sd**2 / 2) * norm.sf((c + sd**2) / s) / ((1 - m) * accept)
    above = np.array([_tail_both(-np.log(1 - mi), ci, sd, s) for mi, ci in zip(m, c, strict=True)]) / accept
    return pd.DataFrame(
        {
            "margin_share": m,
            "acceptance_rate": accept,
            "price_over_value": price_over_value,
            "overpayment_share": price_over_value - 1,
            "value_over_price": value_over_price,
            "markdown_share": 1 - value_over_price,
            "share_above_value": above,
        }
    )


def simulate_offers(
    margins_share: npt.ArrayLike,
    error_sd: float,
    *,
    seller_sd: float,
    seller_discount_share: float = 0.0,
    resale_sd: float = 0.0,
    n_homes: int = 40_000,
    seed: int,
) -> pd.DataFrame:
    """The same figures as :func:`winners_curse`, from homes drawn by :func:`nogo.binding_offers`.

    Every margin uses the same homes (the same seed: common random numbers). With ``resale_sd > 0``
    each home also resells at its value times a lognormal factor (median 1), which the columns
    ``resale_over_price`` (mean over accepted homes of resale over price, the realised margin plus 1)
    and ``resale_over_price_sd`` (its spread from home to home) carry; the other columns do not use it.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`winners_curse`, plus ``n_accepted``, ``resale_over_price`` and
        ``resale_over_price_sd``.

    Examples
    --------
    >>> s = simulate_offers([0.0, 0.05], 0.08, seller_sd=0.08, n_homes=20_000, seed=1)
    >>> bool(s["acceptance_rate"].iloc[1] < s["acceptance_rate"].iloc[0])
    True
    """
    market = OfferMarket(
        reservation_sd=seller_sd, seller_discount=seller_discount_share, cost_rate=0.0, holding_days=0.0,
        market_drift_per_year=0.0, resale_sd=resale_sd,
    )  # fmt: skip
    rows = []
    for m in as_float_array("margins_share", margins_share):
        homes = binding_offers(
            n_homes, estimate_sd=error_sd, margin_of_safety=float(m), market=market, seed=seed
        )
        acc = homes["accepted"].to_numpy(dtype=bool)
        ratio = homes["offer_usd"].to_numpy()[acc] / homes["value_usd"].to_numpy()[acc]
        resale = homes["resale_usd"].to_numpy()[acc] / homes["offer_usd"].to_numpy()[acc]
        rows.append(
            {
                "margin_share": float(m),
                "n_accepted": int(acc.sum()),
                "acceptance_rate": float(acc.mean()),
                "price_over_value": float(ratio.mean()),
                "overpayment_share": float(ratio.mean() - 1),
                "value_over_price": float((1 / ratio).mean()),
                "markdown_share": float(1 - (1 / ratio).mean()),
                "share_above_value": float((ratio > 1).mean()),
                "resale_over_price": float(resale.mean()),
                "resale_over_price_sd": float(resale.std()),
            }
        )
    return pd.DataFrame(rows)
