"""The SYNTHETIC book of borrowers calling the loan agent, with the Ally markup planted by group.

:func:`borrower_book` draws it (every parameter in :data:`BOOK_DEFAULTS`, none a published figure);
:func:`steering_book` is the same with the planted markups as flat arguments, the case file's generator.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from nogo._validate import as_float_array
from nogo.errors import InputError
from nogo.models.amortisation import level_payment_usd as _payment

__all__ = [
    "BOOK_DEFAULTS",
    "DEFAULT_MARKUP_BPS",
    "ILLUSTRATIVE_SAVING_USD_PER_YEAR",
    "borrower_book",
    "steering_book",
]

ILLUSTRATIVE_SAVING_USD_PER_YEAR = 1200.0
"""ILLUSTRATIVE, not a reported figure: the "about $1,200 a year" of an interview prompt (frameworks.md,
item 9). :data:`BOOK_DEFAULTS` put the misaligned policy's headline near it; never cite it as a fact."""
DEFAULT_MARKUP_BPS: MappingProxyType[str, float] = MappingProxyType({"A": 0.0, "B": 20.0, "C": 30.0})
"""Discretionary markup by SYNTHETIC group, in basis points. The sizes echo the SEEN Ally figures
(incidents 8b, source L4: ~30 bps and ~20 bps over similar white borrowers); the groups are labels only."""
BOOK_DEFAULTS: MappingProxyType[str, Any] = MappingProxyType(
    {
        "group_shares": {"A": 0.6, "B": 0.25, "C": 0.15},
        "tier_shares": {"low": 0.3, "mid": 0.5, "high": 0.2},
        "tier_rates": {"low": 0.045, "mid": 0.065, "high": 0.085},  # risk-based annual rate per tier
        "rate_noise_sd": 0.004,  # within-tier spread of the risk-based rate
        "median_balance_usd": 12_000.0,
        "balance_sigma": 0.7,  # lognormal shape of balances, clipped to [1,000, 150,000]
        "remaining_term_months": (36, 120),  # uniform whole months, inclusive
        "median_income_usd_per_month": 3_000.0,
        "income_sigma": 0.5,
        "affordability_share": 0.10,  # affordable payment = this share of monthly income
        "rate_cut_share": 0.3,  # share of borrowers eligible for a negotiated rate cut
        "consent_hardship": 0.7,  # P(informed consent to a small cost increase), in hardship ...
        "consent_other": 0.1,  # ... and otherwise; it decays as exp(-increase / (0.25 * balance))
    }
)
"""Parameters of the SYNTHETIC book (stylised; none is a published figure)."""


def borrower_book(
    n: int,
    *,
    seed: int,
    markup_bps: dict[str, float] | MappingProxyType[str, float] = DEFAULT_MARKUP_BPS,
    **overrides: Any,
) -> pd.DataFrame:
    """A SYNTHETIC book of borrowers calling a loan agent, with the group markup planted.

    Each borrower: a group (``group_shares``) and, independently, a risk tier (``tier_shares``) whose
    risk-based rate is ``tier_rates[tier]`` plus Normal(0, ``rate_noise_sd``) noise, clipped to [0.5%, 30%];
    the discretionary markup ``markup_bps[group]`` is added on top (the Ally layer). Balance lognormal
    around ``median_balance_usd``, remaining term uniform on ``remaining_term_months``, monthly income
    lognormal; the affordable payment is ``affordability_share`` of income, and a borrower whose current
    payment exceeds it is in ``hardship``. Parameters default to :data:`BOOK_DEFAULTS` (any of them can be
    overridden by keyword), chosen so the misaligned policy's headline lands near the ILLUSTRATIVE
    $1,200 a year (:data:`ILLUSTRATIVE_SAVING_USD_PER_YEAR`); nothing here is a published figure.

    Returns
    -------
    pandas.DataFrame
        One row per borrower: ``borrower_id``, ``group``, ``risk_tier``, ``balance_usd``, ``annual_rate``,
        ``remaining_term_months``, ``monthly_income_usd``, ``payment_usd`` (current level payment),
        ``affordable_payment_usd``, ``payment_to_income``, ``hardship``, ``rate_cut_eligible``,
        ``consent_draw`` (uniform; the borrower gives informed consent to a cost increase when it falls
        below the consent probability, see :func:`loan_offers`). ``attrs``: the planted truth
        (``markup_bps`` and every parameter, ``seed``, ``synthetic=True``).

    Examples
    --------
    >>> book = borrower_book(2_000, seed=1)
    >>> book.attrs["markup_bps"], bool(book.equals(borrower_book(2_000, seed=1)))
    ({'A': 0.0, 'B': 20.0, 'C': 30.0}, True)
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(f"n: expected a whole number of borrowers >= 1, got {n!r}")
    unknown = sorted(set(overrides) - set(BOOK_DEFAULTS))
    if unknown:
        raise InputError(f"{unknown[0]}: not a book parameter; expected one of {', '.join(BOOK_DEFAULTS)}")
    p = {**BOOK_DEFAULTS, **overrides}
    groups, tiers = list(p["group_shares"]), list(p["tier_shares"])
    markup = {str(k): float(v) for k, v in dict(markup_bps).items()}
    if set(markup) != set(groups):
        raise InputError(f"markup_bps: expected one markup per group {groups}, got groups {sorted(markup)}")
    for name in ("group_shares", "tier_shares"):
        share = as_float_array(name, list(p[name].values()), nonnegative=True)
        if abs(share.sum() - 1.0) > 1e-9:
            raise InputError(f"{name}: expected shares summing to 1, got {share.sum():g}")
    rng = np.random.default_rng(seed)
    group = rng.choice(np.array(groups), size=n, p=list(p["group_shares"].values()))
    tier = rng.choice(np.array(tiers), size=n, p=list(p["tier_shares"].values()))
    base = pd.Series(tier).map(p["tier_rates"]).to_numpy(dtype=np.float64)
    base = np.clip(base + rng.normal(0.0, p["rate_noise_sd"], n), 0.005, 0.30)
    rate = base + pd.Series(group).map(markup).to_numpy(dtype=np.float64) / 1e4
    balance = np.clip(p["median_balance_usd"] * np.exp(rng.normal(0.0, p["balance_sigma"], n)), 1e3, 1.5e5)
    lo, hi = p["remaining_term_months"]
    term = rng.integers(lo, hi + 1, size=n).astype(np.float64)
    income = p["median_income_usd_per_month"] * np.exp(rng.normal(0.0, p["income_sigma"], n))
    payment = _payment(balance, rate, term)
    affordable = p["affordability_share"] * income
    book = pd.DataFrame(
        {
            "borrower_id": np.arange(n),
            "group": group.astype(str),
            "risk_tier": tier.astype(str),
            "balance_usd": balance,
            "annual_rate": rate,
            "remaining_term_months": term.astype(np.int64),
            "monthly_income_usd": income,
            "payment_usd": payment,
            "affordable_payment_usd": affordable,
            "payment_to_income": payment / income,
            "hardship": payment > affordable,
            "rate_cut_eligible": rng.random(n) < p["rate_cut_share"],
            "consent_draw": rng.random(n),
        }
    )
    book.attrs = {"synthetic": True, "seed": seed, "markup_bps": markup, **p}
    return book


def steering_book(
    n_borrowers: int,
    *,
    seed: int,
    markup_group_b_bps: float = DEFAULT_MARKUP_BPS["B"],
    markup_group_c_bps: float = DEFAULT_MARKUP_BPS["C"],
    **overrides: Any,
) -> pd.DataFrame:
    """:func:`borrower_book` with the planted markups as flat arguments: the case file's data generator.

    Group ``A`` is the reference (no markup); ``B`` and ``C`` carry ``markup_group_b_bps`` and
    ``markup_group_c_bps``. Other book parameters pass through ``overrides`` (for example a SYNTHETIC
    auto-loan book: ``median_balance_usd``, ``balance_sigma``, ``remaining_term_months``).

    Examples
    --------
    >>> book = steering_book(500, seed=1, markup_group_b_bps=0.0, markup_group_c_bps=45.0)
    >>> book.attrs["markup_bps"]
    {'A': 0.0, 'B': 0.0, 'C': 45.0}
    """
    b = float(as_float_array("markup_group_b_bps", markup_group_b_bps)[0])
    c = float(as_float_array("markup_group_c_bps", markup_group_c_bps)[0])
    return borrower_book(n_borrowers, seed=seed, markup_bps={"A": 0.0, "B": b, "C": c}, **overrides)
