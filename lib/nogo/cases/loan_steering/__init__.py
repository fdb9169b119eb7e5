"""Loans: a negotiation agent that saves money this month and costs more over the loan (``loan-steering``).

An agent scored on immediate savings (a lower payment now, a quick resolution) steers borrowers into
longer terms or forbearance: the headline saving looks excellent while the total cost of credit rises.
Anchors: incidents 8a (Navient: the CFPB alleged repeated forbearance instead of income-driven repayment)
and 8b (Ally: discretionary markup by group, settled with the CFPB and the DOJ). Everything generated
here is SYNTHETIC; the arithmetic is in :mod:`nogo.models.amortisation`.

- :func:`borrower_book` draws borrowers with a planted group markup; :func:`loan_offers` prices every offer
  an agent could make to them as a decision log (``score``, ``outcome``, ``value_usd``).
- :func:`choose_offers` applies the misaligned policy (largest saving this month) or the aligned one
  (lowest total cost of credit the borrower can afford); :func:`policy_summary` puts the headline beside
  the total cost; :func:`harm_by` shows who is harmed most.
- :func:`rate_gap_by_group` is the fairness layer (the rate gap in bps and the extra interest it costs).
- :func:`simulate_hardship_calls` and :func:`repeat_forbearance_rate`: the quiet-failure metric.
- :func:`loan_autonomy_surface`: "never raise the total cost of credit without disclosure and consent"
  (blocked) and "term-extending offers need a person" (approval), over the offers frame.

*Outcome.* Making an offer is right (``outcome``) when it does not raise the borrower's total cost of
credit (by more than half a cent), or when the borrower, told the increase, would still take it
(``informed_consent``). *Harmed* means the chosen offer raises the total cost without that consent.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from nogo._validate import as_float_array, check_choice, check_rate
from nogo._validate import as_months as _months
from nogo.cases.case import Case, HardRule
from nogo.errors import InputError
from nogo.models.amortisation import forbearance, income_driven, term_extension
from nogo.models.amortisation import level_payment_usd as _payment
from nogo.models.amortisation import two_phase_plan as _plan
from nogo.models.autonomy import AutonomySurface, Never, ValueCap, When
from nogo.models.calibration import calibrate_out_of_fold
from nogo.models.costs import CostComponent, CostModel
from nogo.models.fairness import selection_rates

__all__ = [
    "BOOK_DEFAULTS",
    "CASE",
    "DEFAULT_MARKUP_BPS",
    "ILLUSTRATIVE_SAVING_USD_PER_YEAR",
    "LOAN_POLICIES",
    "NO_HIDDEN_COST_RULE",
    "LoanSteeringCase",
    "borrower_book",
    "choose_offers",
    "consent_probability",
    "disclose",
    "harm_by",
    "loan_autonomy_surface",
    "loan_offers",
    "policy_summary",
    "rate_gap_by_group",
    "repeat_forbearance_chart",
    "repeat_forbearance_rate",
    "simulate_hardship_calls",
    "steering_book",
    "total_cost_chart",
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
LOAN_POLICIES: tuple[str, ...] = ("immediate_saving", "total_cost")
"""Offer policies: the misaligned objective (saving this month) and the aligned one (total cost)."""
NO_HIDDEN_COST_RULE = "never raise the total cost of credit without disclosure and consent"
_SCORE_LOGIT = (-1.0, 3.0, -1.0)  # intercept, x share saved now (assumed), income-driven paperwork (8a)
_CENT = 0.005


def _frame(frame: Any, who: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{who}: expected a pandas DataFrame, got {type(frame).__name__}")
    if len(frame) == 0:
        raise InputError(f"{who}: expected at least one row, got an empty frame")
    for col in columns:
        if col not in frame.columns:
            have = ", ".join(map(str, frame.columns))
            raise InputError(f"{who}: column {col!r} not found (columns: {have})")
    return frame


# -- the synthetic book and the offers ------------------------------------------------------------


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


_BOOK_COLUMNS = tuple(
    "borrower_id group balance_usd annual_rate remaining_term_months affordable_payment_usd hardship "
    "rate_cut_eligible consent_draw".split()
)


def loan_offers(
    book: pd.DataFrame,
    *,
    forbearance_months: tuple[int, ...] = (3, 12),
    extended_term_months: int = 240,
    rate_cut_bps: float = 50.0,
    idr_months: int = 12,
    consent_hardship: float | None = None,
    consent_other: float | None = None,
) -> pd.DataFrame:
    """The decision log: every offer the agent could make to each borrower of :func:`borrower_book`.

    Menu per borrower: ``keep_plan`` (no change); ``term_extension`` to ``extended_term_months`` (where
    that is longer); ``rate_cut`` by ``rate_cut_bps`` (eligible borrowers); and for borrowers in hardship
    ``forbearance_<k>m`` (each ``k``; capitalised, term extended) and ``income_driven`` (the affordable
    payment for ``idr_months``, unpaid interest waived, original end date kept). All offers are priced with
    :func:`forbearance`, :func:`term_extension` and :func:`income_driven`.

    Decision-log columns: ``score`` is the agent's SYNTHETIC confidence that the borrower accepts and the
    call resolves: ``logistic(-1 + 3 * saving_share - 1 * income_driven)``, with ``saving_share`` the
    monthly saving over the current payment. That the score rises with the monthly saving is this case's
    synthetic assumption (relief now sells), not something the record reports. The lower score of the
    income-driven plan echoes what the record does describe (incident 8a, N4): the CFPB alleged that
    forbearance took a call of a few minutes, where enrolling in income-driven repayment took paperwork.
    ``outcome`` (making this offer is right) is ``informed_consent``: True when the offer does not raise
    the total cost of credit by more than half a cent, or when the borrower, told the increase, would
    still take it: ``consent_draw < c * exp(-increase / (0.25 * balance))`` with ``c`` =
    ``consent_hardship`` in hardship, ``consent_other`` otherwise (defaults from the book's attrs).
    ``value_usd`` is ``|total_cost_change_usd|``, the borrower's money at stake.

    Returns
    -------
    pandas.DataFrame
        One row per (borrower, offer), by borrower: ``decision_id``, ``borrower_id``, ``group``,
        ``hardship``, ``action_type``, ``score``, ``outcome``, ``value_usd``, ``payment_usd``,
        ``payment_now_usd``, ``payment_after_usd``, ``monthly_saving_usd``, ``annual_saving_usd``,
        ``total_cost_change_usd``, ``raises_total_cost``, ``extends_term``, ``term_months_added``,
        ``relief_months``, ``affordable`` (payment now within the affordable payment),
        ``informed_consent`` and ``consent_recorded`` (False: the agent's script discloses nothing; see
        :func:`disclose`).

    Examples
    --------
    >>> offers = loan_offers(borrower_book(500, seed=3))
    >>> sorted(offers["action_type"].unique())[:3]
    ['forbearance_12m', 'forbearance_3m', 'income_driven']
    """
    book = _frame(book, "book", _BOOK_COLUMNS)
    fb = [int(k) for k in _months("forbearance_months", list(forbearance_months), low=1)]
    ext = int(_months("extended_term_months", extended_term_months, low=1)[0])
    cut = float(as_float_array("rate_cut_bps", rate_cut_bps, nonnegative=True)[0]) / 1e4
    idr = int(_months("idr_months", idr_months, low=1)[0])
    c_h, c_o = (
        check_rate(k, book.attrs.get(k, BOOK_DEFAULTS[k]) if v is None else v)
        for k, v in (("consent_hardship", consent_hardship), ("consent_other", consent_other))
    )
    b = as_float_array("book: column 'balance_usd'", book["balance_usd"], nonnegative=True)
    a = as_float_array("book: column 'annual_rate'", book["annual_rate"], unit_interval=True)
    n = _months("book: column 'remaining_term_months'", book["remaining_term_months"], low=1)
    hard = book["hardship"].to_numpy(dtype=bool)
    afford = book["affordable_payment_usd"].to_numpy(dtype=np.float64)
    zero = np.zeros_like(b)
    parts = [("keep_plan", np.ones_like(hard), _plan(b, a, n, zero, zero, n, _payment(b, a, n)))]
    parts.append(("term_extension", n < ext, term_extension(b, a, n, np.maximum(n, ext))))
    parts.append(
        (
            "rate_cut",
            book["rate_cut_eligible"].to_numpy(dtype=bool),
            term_extension(b, a, n, n, new_annual_rate=np.maximum(a - cut, 0.0)),
        )
    )
    parts += [(f"forbearance_{k}m", hard, forbearance(b, a, n, k)) for k in fb]
    short = hard & (n > idr)  # priced for every row (others on a dummy term), kept where offered
    n_idr = np.where(short, n, idr + 1)
    q = np.minimum(afford, _payment(b, a, n_idr))
    parts.append(("income_driven", short, income_driven(b, a, n_idr, q, idr)))
    frames = []
    for name, keep, plan in parts:  # a handful of offer types, each vectorised over the book
        plan = plan.assign(action_type=name, row=np.arange(len(b)), order=len(frames))[keep]
        frames.append(plan)
    o = pd.concat(frames, ignore_index=True).sort_values(["row", "order"], kind="stable", ignore_index=True)
    row = o["row"].to_numpy()
    bal, old = b[row], o["old_payment_usd"].to_numpy()
    change = o["total_cost_change_usd"].to_numpy()
    raises = change > _CENT
    c = np.where(hard[row], c_h, c_o) * np.exp(-np.maximum(change, 0.0) / (0.25 * np.maximum(bal, 1e-9)))
    consent = ~raises | (book["consent_draw"].to_numpy()[row] < c)
    share = np.where(old > 0, o["monthly_saving_usd"].to_numpy() / np.where(old > 0, old, 1.0), 0.0)
    logit = (
        _SCORE_LOGIT[0] + _SCORE_LOGIT[1] * share + _SCORE_LOGIT[2] * (o["action_type"] == "income_driven")
    )
    return pd.DataFrame(
        {
            "decision_id": np.arange(len(o)),
            "borrower_id": book["borrower_id"].to_numpy()[row],
            "group": book["group"].to_numpy()[row],
            "hardship": hard[row],
            "action_type": o["action_type"].to_numpy(),
            "score": 1.0 / (1.0 + np.exp(-logit.to_numpy(dtype=np.float64))),
            "outcome": consent,
            "value_usd": np.abs(change),
            "payment_usd": old,
            "payment_now_usd": o["relief_payment_usd"].to_numpy(),
            "payment_after_usd": o["new_payment_usd"].to_numpy(),
            "monthly_saving_usd": o["monthly_saving_usd"].to_numpy(),
            "annual_saving_usd": o["annual_saving_usd"].to_numpy(),
            "total_cost_change_usd": change,
            "raises_total_cost": raises,
            "extends_term": o["extends_term"].to_numpy(),
            "term_months_added": o["term_months_added"].to_numpy(),
            "relief_months": o["relief_months"].to_numpy(),
            "affordable": o["relief_payment_usd"].to_numpy() <= afford[row] + _CENT,
            "informed_consent": consent,
            "consent_recorded": np.zeros(len(o), dtype=bool),
        }
    )


# -- policies and who pays ------------------------------------------------------------------------


def choose_offers(offers: pd.DataFrame, policy: str) -> pd.DataFrame:
    """One offer per borrower under ``policy`` (one of :data:`LOAN_POLICIES`).

    ``"immediate_saving"`` (the misaligned objective): the largest ``monthly_saving_usd``; ties go to the
    lower total cost, then the first offer. ``"total_cost"`` (aligned): among the ``affordable`` offers,
    the lowest ``total_cost_change_usd`` (ties: larger saving); a borrower with no affordable offer gets
    the largest saving, as under the other policy. By construction, for every borrower, the misaligned
    pick saves at least as much now and costs at least as much over the loan: its pick has the lowest
    payment now, so it is affordable whenever any offer is. One sort, no loop over rows.

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``offers`` (all their columns), one per borrower in ``borrower_id`` order,
        with ``policy`` first.

    Examples
    --------
    >>> offers = loan_offers(borrower_book(1_000, seed=2))
    >>> bad, good = (choose_offers(offers, p) for p in LOAN_POLICIES)
    >>> bool(bad.monthly_saving_usd.mean() > good.monthly_saving_usd.mean())
    True
    >>> bool(bad.total_cost_change_usd.mean() > good.total_cost_change_usd.mean())
    True
    """
    check_choice("policy", policy, LOAN_POLICIES)
    cols = ("decision_id", "borrower_id", "monthly_saving_usd", "total_cost_change_usd", "affordable")
    offers = _frame(offers, "offers", cols)
    b = offers["borrower_id"].to_numpy()
    save = as_float_array("offers: column 'monthly_saving_usd'", offers["monthly_saving_usd"])
    cost = as_float_array("offers: column 'total_cost_change_usd'", offers["total_cost_change_usd"])
    did = offers["decision_id"].to_numpy()
    if policy == "immediate_saving":
        order = np.lexsort((did, cost, -save, b))
    else:
        ok = offers["affordable"].to_numpy(dtype=bool)
        has = pd.Series(ok).groupby(b).transform("any").to_numpy(dtype=bool)
        keys = (did, np.where(has, -save, cost), np.where(has, cost, -save), has & ~ok, b)
        order = np.lexsort(keys)
    first = order[np.r_[True, b[order][1:] != b[order][:-1]]]
    out = offers.iloc[first].reset_index(drop=True)
    out.insert(0, "policy", policy)
    return out


def disclose(offers: pd.DataFrame) -> pd.DataFrame:
    """The agent states each cost-raising offer's total cost change and records the borrower's answer.

    Returns a copy with ``consent_recorded`` = ``raises_total_cost & informed_consent`` (in the synthetic
    book, the answer is the borrower's ``informed_consent``). Offers that do not raise the cost need none.

    Examples
    --------
    >>> o = pd.DataFrame({"raises_total_cost": [True, True, False], "informed_consent": [True, False, True]})
    >>> disclose(o)["consent_recorded"].tolist()
    [True, False, False]
    """
    offers = _frame(offers, "offers", ("raises_total_cost", "informed_consent"))
    raises = offers["raises_total_cost"].to_numpy(dtype=bool)
    return offers.assign(consent_recorded=raises & offers["informed_consent"].to_numpy(dtype=bool))


def consent_probability(offers: pd.DataFrame, *, seed: int, n_folds: int = 5) -> np.ndarray:
    """A calibrated probability that making each offer is right, from what the agent can compute.

    The agent's ``score`` is its confidence that the borrower *accepts*: it is not the probability that
    acting is right (``outcome``: no hidden cost, or informed consent to it). This estimate uses what the
    agent knows exactly before it speaks: whether the offer raises the total cost of credit, by how many
    months of the current payment (``total_cost_change_usd / payment_usd``, 0 for offers that do not raise
    it), and whether the borrower is in hardship. Within each hardship stratum, isotonic regression of
    ``outcome`` on minus that increase, fitted out of fold (:func:`nogo.calibrate_out_of_fold`, shuffled
    with ``seed``), so no decision is scored by a model that saw it. A stratum whose outcomes are all the
    same gets that rate. Assumes consent does not rise with the increase (the isotonic shape).

    Returns
    -------
    numpy.ndarray
        One probability in [0, 1] per row of ``offers``.

    Examples
    --------
    >>> offers = loan_offers(borrower_book(2_000, seed=5))
    >>> p = consent_probability(offers, seed=5)
    >>> bool(abs(p.mean() - offers["outcome"].mean()) < 0.01)  # calibrated in the large
    True
    >>> bool(p[~offers["raises_total_cost"].to_numpy()].min() > 0.95)  # no hidden cost: right
    True
    """
    cols = ("hardship", "outcome", "payment_usd", "total_cost_change_usd", "raises_total_cost")
    offers = _frame(offers, "offers", cols)
    pay = as_float_array("offers: column 'payment_usd'", offers["payment_usd"], nonnegative=True)
    change = as_float_array("offers: column 'total_cost_change_usd'", offers["total_cost_change_usd"])
    raises = offers["raises_total_cost"].to_numpy(dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        months_added = np.where(raises, change / np.where(pay > 0, pay, 1.0), 0.0)
    y = offers["outcome"].to_numpy(dtype=bool)
    hard = offers["hardship"].to_numpy(dtype=bool)
    p = np.empty(len(offers))
    for stratum in (False, True):  # two strata, each vectorised
        m = hard == stratum
        if not m.any():
            continue
        if y[m].all() or not y[m].any() or m.sum() < 2 * n_folds:
            p[m] = y[m].mean()
        else:
            p[m] = calibrate_out_of_fold(-months_added[m], y[m], n_folds=n_folds, seed=seed)
    return p


def _harmed(frame: pd.DataFrame) -> np.ndarray:
    return frame["raises_total_cost"].to_numpy(dtype=bool) & ~frame["informed_consent"].to_numpy(dtype=bool)


_CHOSEN = (
    "monthly_saving_usd",
    "annual_saving_usd",
    "total_cost_change_usd",
    "raises_total_cost",
    "informed_consent",
)


def policy_summary(chosen: pd.DataFrame) -> pd.DataFrame:
    """The headline beside the total cost of credit, per ``policy`` (one row over all without the column).

    Returns
    -------
    pandas.DataFrame
        ``policy``, ``n_borrowers``, ``mean_monthly_saving_usd``, ``mean_annual_saving_usd`` (the
        headline: payments saved over the next 12 months), ``mean_score`` (the agent's acceptance
        confidence, a resolution-rate proxy), ``mean_total_cost_change_usd``, ``total_cost_change_usd``
        (sum), ``share_raising_cost``, ``share_extending_term`` and ``share_harmed`` (cost raised without
        informed consent).

    Examples
    --------
    >>> offers = loan_offers(borrower_book(1_000, seed=2))
    >>> both = pd.concat([choose_offers(offers, p) for p in LOAN_POLICIES])
    >>> policy_summary(both)["policy"].tolist()
    ['immediate_saving', 'total_cost']
    """
    chosen = _frame(chosen, "chosen", (*_CHOSEN, "extends_term", "score"))
    save = as_float_array("chosen: column 'monthly_saving_usd'", chosen["monthly_saving_usd"])
    work = pd.DataFrame(
        {
            "policy": chosen["policy"].to_numpy() if "policy" in chosen else "all",
            "save": save,
            "annual": as_float_array("chosen: column 'annual_saving_usd'", chosen["annual_saving_usd"]),
            "score": as_float_array("chosen: column 'score'", chosen["score"], unit_interval=True),
            "cost": as_float_array("chosen: column 'total_cost_change_usd'", chosen["total_cost_change_usd"]),
            "raises": chosen["raises_total_cost"].to_numpy(dtype=bool),
            "extends": chosen["extends_term"].to_numpy(dtype=bool),
            "harmed": _harmed(chosen),
        }
    )
    return (
        work.groupby("policy", sort=False)
        .agg(
            n_borrowers=("save", "size"),
            mean_monthly_saving_usd=("save", "mean"),
            mean_annual_saving_usd=("annual", "mean"),
            mean_score=("score", "mean"),
            mean_total_cost_change_usd=("cost", "mean"),
            total_cost_change_usd=("cost", "sum"),
            share_raising_cost=("raises", "mean"),
            share_extending_term=("extends", "mean"),
            share_harmed=("harmed", "mean"),
        )
        .reset_index()
    )


def harm_by(chosen: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """Who is harmed most: harm and benefit rates per value of the column ``by`` of the chosen offers.

    Rates come from :func:`nogo.models.fairness.selection_rates`. Harmed: the offer raises the total cost of
    credit without informed consent. Benefit: the offer lowers it; its impact ratio against the group
    most often given a cost-lowering offer, and the four-fifths check, are the fairness view.

    Returns
    -------
    pandas.DataFrame
        One row per value of ``by``, sorted: ``by``, ``n_borrowers``, ``n_harmed``, ``harm_rate``,
        ``mean_total_cost_change_usd``, ``p90_total_cost_change_usd``, ``unconsented_cost_usd`` (sum of
        the harmed borrowers' increases), ``mean_increase_if_harmed_usd``, ``benefit_rate``,
        ``benefit_impact_ratio``, ``benefit_passes_four_fifths``. ``attrs["most_harmed"]``: the value
        with the highest harm rate.

    Examples
    --------
    >>> chosen = choose_offers(loan_offers(borrower_book(2_000, seed=2)), "immediate_saving")
    >>> harm_by(chosen, "hardship")[["hardship", "n_borrowers"]].values.tolist()
    [[False, 1290], [True, 710]]
    """
    chosen = _frame(chosen, "chosen", (by, *_CHOSEN))
    cost = as_float_array("chosen: column 'total_cost_change_usd'", chosen["total_cost_change_usd"])
    harmed = _harmed(chosen)
    work = pd.DataFrame(
        {by: chosen[by].to_numpy(), "__harmed": harmed, "__benefit": cost < -_CENT, "__cost": cost}
    )
    work["__harm_usd"] = np.where(harmed, cost, 0.0)
    h = selection_rates(by, "__harmed", data=work)[["group", "n", "n_selected", "selection_rate"]]
    h.columns = [by, "n_borrowers", "n_harmed", "harm_rate"]
    ben = selection_rates(by, "__benefit", data=work)
    ben = ben[["group", "selection_rate", "impact_ratio", "passes_four_fifths"]]
    ben.columns = [by, "benefit_rate", "benefit_impact_ratio", "benefit_passes_four_fifths"]
    g = work.groupby(by)
    stats = pd.DataFrame(
        {
            "mean_total_cost_change_usd": g["__cost"].mean(),
            "p90_total_cost_change_usd": g["__cost"].quantile(0.9),
            "unconsented_cost_usd": g["__harm_usd"].sum(),
        }
    ).reset_index()
    out = h.merge(stats, on=by).merge(ben, on=by)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_harm = out["unconsented_cost_usd"] / out["n_harmed"].where(out["n_harmed"] > 0)
    out.insert(out.columns.get_loc("unconsented_cost_usd") + 1, "mean_increase_if_harmed_usd", mean_harm)
    out.attrs["most_harmed"] = out[by].iloc[int(np.argmax(out["harm_rate"].to_numpy()))]
    return out


# -- the fairness layer -------------------------------------------------------------------------------


def rate_gap_by_group(
    book: pd.DataFrame, *, reference: str = "A", control: str | None = "risk_tier"
) -> pd.DataFrame:
    """The rate gap by group in basis points, and the extra interest it costs each borrower (the Ally layer).

    With ``control`` (a column such as the risk tier), the gap compares similar borrowers: the difference
    from the ``reference`` group's mean rate within each level of ``control``, averaged with the group's own
    mix of levels (direct standardisation; levels the reference lacks are left out). Without it, the raw
    difference of mean rates. The extra interest re-prices each borrower's remaining loan at their rate
    minus their group's gap (floored at 0): ``total_interest(rate) - total_interest(rate - gap)``.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted: ``group``, ``n_borrowers``, ``mean_rate``, ``rate_gap_bps``,
        ``extra_interest_usd_per_borrower`` (mean), ``extra_interest_usd_total``.

    Examples
    --------
    >>> gap = rate_gap_by_group(borrower_book(20_000, seed=4))
    >>> bool((gap["rate_gap_bps"] - [0.0, 20.0, 30.0]).abs().max() < 2)  # the planted markup
    True
    """
    cols = ("group", "annual_rate", "balance_usd", "remaining_term_months")
    book = _frame(book, "book", cols + (() if control is None else (control,)))
    rate = as_float_array("book: column 'annual_rate'", book["annual_rate"], unit_interval=True)
    group = book["group"].to_numpy()
    if reference not in set(group):
        raise InputError(
            f"reference: group {reference!r} not in the book (groups: {sorted(set(map(str, group)))})"
        )
    s = pd.Series(rate)
    if control is None:
        means = s.groupby(group).mean()
        gap = means - means[reference]
    else:
        keys = [group, book[control].to_numpy()]
        cell = s.groupby(keys).mean().unstack()
        diff = cell - cell.loc[reference]
        w = s.groupby(keys).size().unstack().where(diff.notna(), 0.0).fillna(0.0)
        gap = (diff.fillna(0.0) * w).sum(axis=1) / w.sum(axis=1)
    gap_i = gap.reindex(group).to_numpy()
    b = as_float_array("book: column 'balance_usd'", book["balance_usd"], nonnegative=True)
    n = _months("book: column 'remaining_term_months'", book["remaining_term_months"], low=1)
    extra = n * (_payment(b, rate, n) - _payment(b, np.maximum(rate - gap_i, 0.0), n))
    g = pd.DataFrame({"group": group, "rate": rate, "extra": extra}).groupby("group")
    out = g.agg(n_borrowers=("rate", "size"), mean_rate=("rate", "mean")).reset_index()
    out["rate_gap_bps"] = gap.reindex(out["group"]).to_numpy() * 1e4
    out["extra_interest_usd_per_borrower"] = g["extra"].mean().to_numpy()
    out["extra_interest_usd_total"] = g["extra"].sum().to_numpy()
    out.attrs.update(reference=reference, control=control)
    return out


# -- the quiet failure --------------------------------------------------------------------------------


def simulate_hardship_calls(
    book: pd.DataFrame,
    *,
    months: int = 36,
    policy: str = "immediate_saving",
    seed: int,
    p_enter: float = 0.02,
    p_exit: float = 0.06,
    forbearance_months: int = 3,
    idr_months: int = 12,
) -> pd.DataFrame:
    """SYNTHETIC hardship calls over ``months`` months, and the arrangement each call ends in.

    Each borrower starts in the book's ``hardship`` state; every later month a borrower out of hardship
    enters it with probability ``p_enter`` and one in hardship leaves it with ``p_exit`` (a two-state
    Markov chain: mean spell ``1 / p_exit`` months). A borrower in hardship with no arrangement running
    calls. The ``"immediate_saving"`` agent grants ``forbearance_months`` of forbearance (the
    ``forbearance_3m`` its ranking picks in :func:`choose_offers`), so a borrower still in hardship calls
    again when it ends; the ``"total_cost"`` agent enrols the borrower in the income-driven plan for
    ``idr_months`` (renewed at recertification while hardship lasts). Stylised; the month loop is needed
    because each month's state depends on the last.

    Returns
    -------
    pandas.DataFrame
        One row per arrangement, by month then borrower: ``borrower_id``, ``group``, ``month`` (0-based),
        ``action_type`` (``"forbearance"`` or ``"income_driven"``), ``relief_months``,
        ``arrangement_number`` (1 for a borrower's first). ``attrs``: ``months``, ``policy``, ``seed``,
        ``p_enter``, ``p_exit``, ``synthetic=True``.

    Examples
    --------
    >>> calls = simulate_hardship_calls(borrower_book(500, seed=1), months=24, seed=1)
    >>> int(calls["arrangement_number"].max()) > 1
    True
    """
    book = _frame(book, "book", ("borrower_id", "group", "hardship"))
    check_choice("policy", policy, LOAN_POLICIES)
    if isinstance(months, bool) or not isinstance(months, int | np.integer) or months < 1:
        raise InputError(f"months: expected a whole number of months >= 1, got {months!r}")
    enter, leave = check_rate("p_enter", p_enter), check_rate("p_exit", p_exit)
    fb = int(_months("forbearance_months", forbearance_months, low=1)[0])
    k = fb if policy == "immediate_saving" else int(_months("idr_months", idr_months, low=1)[0])
    action = "forbearance" if policy == "immediate_saving" else "income_driven"
    rng = np.random.default_rng(seed)
    hard = book["hardship"].to_numpy(dtype=bool).copy()
    until = np.zeros(len(hard), dtype=np.int64)  # an arrangement runs while month < until
    rows, when = [], []
    for t in range(months):
        if t > 0:
            u = rng.random(len(hard))
            hard = np.where(hard, u >= leave, u < enter)
        idx = np.flatnonzero(hard & (until <= t))
        until[idx] = t + k
        rows.append(idx)
        when.append(np.full(len(idx), t, dtype=np.int64))
    idx = np.concatenate(rows)
    out = pd.DataFrame(
        {
            "borrower_id": book["borrower_id"].to_numpy()[idx],
            "group": book["group"].to_numpy()[idx],
            "month": np.concatenate(when),
            "action_type": action,
            "relief_months": k,
        }
    )
    out["arrangement_number"] = out.groupby("borrower_id").cumcount().to_numpy() + 1
    out.attrs.update(months=months, policy=policy, seed=seed, p_enter=enter, p_exit=leave, synthetic=True)
    return out


def repeat_forbearance_rate(
    events: pd.DataFrame,
    *,
    within_months: int = 6,
    months_observed: int | None = None,
    by: str | None = "month",
    action: str = "forbearance",
) -> pd.DataFrame:
    """Share of forbearance spells followed by another within ``within_months`` months of their end.

    A spell starting in month ``s`` with ``relief_months`` ``k`` ends at ``e = s + k`` (the first month
    due again); it is *repeated* when the borrower's next forbearance starts by ``e + within_months``. It
    is *observed* when that whole window lies in the log (``e + within_months <= months_observed - 1``);
    the rate counts observed spells only, so the last months do not look falsely healthy. Rows whose
    ``action_type`` starts with ``action`` are spells (``"income_driven"`` gives that plan's renewal
    rate instead); other rows are ignored.

    Parameters
    ----------
    events
        ``borrower_id``, ``month``, ``action_type``, ``relief_months`` (as :func:`simulate_hardship_calls`).
    months_observed
        Months the log covers (default: ``events.attrs["months"]``, else the last month + 1).
    by
        ``"month"`` (the spell's start month, a cohort), ``None`` (one row) or a column of ``events``.
    action
        Prefix of the ``action_type`` values that count as spells.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``n_spells``, ``n_observed``, ``n_repeat``, ``repeat_rate`` (NaN with none observed).

    Examples
    --------
    >>> log = pd.DataFrame({"borrower_id": [1, 1, 2], "month": [0, 3, 0],
    ...                     "action_type": "forbearance", "relief_months": 3})
    >>> repeat_forbearance_rate(log, within_months=2, months_observed=12, by=None).values.tolist()
    [['all', 3, 3, 1, 0.3333333333333333]]
    """
    events = _frame(events, "events", ("borrower_id", "month", "action_type", "relief_months"))
    w = float(_months("within_months", within_months)[0])
    start_all = _months("events: column 'month'", events["month"])
    total = (
        months_observed if months_observed is not None else events.attrs.get("months", start_all.max() + 1)
    )
    t_obs = float(_months("months_observed", total, low=1)[0])
    if by is not None and by != "month" and by not in events.columns:
        raise InputError(f"by: expected 'month', None or a column of events, got {by!r}")
    relief = _months("events: column 'relief_months'", events["relief_months"])
    spell = events["action_type"].astype(str).str.startswith(action).to_numpy()
    order = np.lexsort((start_all[spell], events["borrower_id"].to_numpy()[spell]))
    f = events[spell].iloc[order]
    b, start = f["borrower_id"].to_numpy(), start_all[spell][order]
    end = start + relief[spell][order]
    same = np.r_[b[1:] == b[:-1], False]
    nxt = np.r_[start[1:], np.inf]
    observed = end + w <= t_obs - 1
    repeat = observed & same & (nxt <= end + w)
    period = "all" if by is None else (f["month"].to_numpy() if by == "month" else f[by].to_numpy())
    work = pd.DataFrame({"period": period, "spell": 1, "observed": observed, "repeat": repeat})
    if by is None and len(f) == 0:  # one row saying so, rather than none
        work = pd.DataFrame({"period": ["all"], "spell": [0], "observed": [False], "repeat": [False]})
    g = work.groupby("period", sort=True)[["spell", "observed", "repeat"]].sum().reset_index()
    g.columns = ["period", "n_spells", "n_observed", "n_repeat"]
    with np.errstate(invalid="ignore", divide="ignore"):
        g["repeat_rate"] = g["n_repeat"] / g["n_observed"].where(g["n_observed"] > 0)
    return g


# -- the autonomy rules ---------------------------------------------------------------------------


def loan_autonomy_surface(*, value_cap_usd: float | None = None) -> AutonomySurface:
    """The constraint and the escalation rule over an offers frame, as :mod:`nogo.models.autonomy` rules.

    1. :data:`NO_HIDDEN_COST_RULE`: ``Never("raises_total_cost and not consent_recorded")``: blocked
       whatever the agent's confidence (``consent_recorded`` is set by :func:`disclose`).
    2. Term-extending offers escalate: ``When("extends_term", verdict="approval")``.
    3. Optionally ``ValueCap(value_cap_usd)`` on ``value_usd`` (the total cost change at stake): approval.

    Examples
    --------
    >>> o = pd.DataFrame({"raises_total_cost": [False, True, True], "consent_recorded": [False, False, True],
    ...                   "extends_term": [False, True, True]})
    >>> loan_autonomy_surface().evaluate(o)["verdict"].tolist()
    ['alone', 'blocked', 'approval']
    """
    rules: list[Any] = [
        Never("raises_total_cost and not consent_recorded", label=NO_HIDDEN_COST_RULE),
        When("extends_term", verdict="approval", label="term-extending offers: a person approves"),
    ]
    if value_cap_usd is not None:
        rules.append(ValueCap(value_cap_usd))
    return AutonomySurface(tuple(rules))


# -- charts ---------------------------------------------------------------------------------------------

_POLICY_COLOURS = {"immediate_saving": "#e76f51", "total_cost": "#264653"}


def total_cost_chart(
    chosen: pd.DataFrame,
    *,
    bins: int = 40,
    title: str = "Change in each borrower's total cost of credit",
) -> alt.VConcatChart:
    """Histogram of ``total_cost_change_usd`` per ``policy``, one panel each, zero and the mean marked.

    Bins are shared by the panels and span the 0.5th to 99.5th percentile of all rows; values beyond fall
    into the end bins (so a few huge balances do not squash the picture). Embeds ``bins`` rows per panel.

    Examples
    --------
    >>> offers = loan_offers(borrower_book(1_000, seed=2))
    >>> chart = total_cost_chart(pd.concat([choose_offers(offers, p) for p in LOAN_POLICIES]))
    >>> [c.layer[0].mark.type for c in chart.vconcat]
    ['bar', 'bar']
    """
    chosen = _frame(chosen, "chosen", ("policy", "total_cost_change_usd"))
    x = as_float_array("chosen: column 'total_cost_change_usd'", chosen["total_cost_change_usd"])
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise InputError(f"bins: expected a whole number of bins >= 1, got {bins!r}")
    lo, hi = np.quantile(x, [0.005, 0.995])
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    scale = alt.Scale(domain=[float(edges[0]), float(edges[-1])])
    panels = []
    for policy in pd.unique(chosen["policy"]):  # one panel per policy (two)
        m = (chosen["policy"] == policy).to_numpy()
        counts = np.bincount(np.clip(np.searchsorted(edges, x[m], side="right") - 1, 0, bins - 1), None, bins)
        data = pd.DataFrame({"from_usd": edges[:-1], "to_usd": edges[1:], "borrowers": counts})
        colour = _POLICY_COLOURS.get(str(policy), "#8d99ae")
        bars = (
            alt.Chart(data)
            .mark_bar(color=colour)
            .encode(
                x=alt.X("from_usd:Q", bin="binned", scale=scale, title="total cost change (USD)"),
                x2="to_usd:Q",
                y=alt.Y("borrowers:Q", title="borrowers"),
                tooltip=[
                    alt.Tooltip("from_usd:Q", format=",.0f"),
                    alt.Tooltip("to_usd:Q", format=",.0f"),
                    "borrowers:Q",
                ],
            )
        )
        marks = pd.DataFrame({"at_usd": [0.0, float(x[m].mean())], "mark": ["no change", "mean"]})
        rules = (
            alt.Chart(marks)
            .mark_rule(strokeDash=[4, 3])
            .encode(
                x=alt.X("at_usd:Q", scale=scale),
                color=alt.Color(
                    "mark:N",
                    scale=alt.Scale(domain=["mean", "no change"], range=["#333", "#999"]),
                    legend=None,
                ),
                tooltip=["mark:N", alt.Tooltip("at_usd:Q", format=",.0f")],
            )
        )
        label = f"policy: {policy}; mean {x[m].mean():+,.0f} USD (dark line), no change (grey line)"
        panels.append(alt.layer(bars, rules).properties(title=label, height=140))
    return alt.vconcat(*panels).properties(title=title)


def repeat_forbearance_chart(
    rates: pd.DataFrame,
    *,
    title: str = "Repeat forbearance: share of spells followed by another",
) -> alt.Chart:
    """The repeat rate by cohort month (:func:`repeat_forbearance_rate` with ``by="month"``), per ``series``.

    Months with no observed spell are left out. Add a ``series`` column to draw several lines (for
    example one per policy or arrangement).

    Examples
    --------
    >>> calls = simulate_hardship_calls(borrower_book(500, seed=1), months=24, seed=1)
    >>> rates = repeat_forbearance_rate(calls).assign(series="steering agent")
    >>> repeat_forbearance_chart(rates).to_dict()["mark"]["type"]
    'line'
    """
    rates = _frame(rates, "rates", ("period", "repeat_rate", "n_observed"))
    data = rates.assign(series=rates["series"] if "series" in rates else "all")
    data = data.loc[data["n_observed"] > 0, ["period", "repeat_rate", "n_observed", "series"]]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:Q", title="month the spell started"),
            y=alt.Y(
                "repeat_rate:Q",
                title="repeat rate",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400)),
            tooltip=["series:N", "period:Q", alt.Tooltip("repeat_rate:Q", format=".1%"), "n_observed:Q"],
        )
        .properties(title=title)
    )


class LoanSteeringCase(Case):
    """The loan-steering case through the case interface (:class:`nogo.Case`).

    The decision log is every offer but "keep the plan" (:func:`loan_offers` on the ``borrowers``
    dataset); ``p`` is :func:`consent_probability`; the costs are the illustrative components the notebook
    prices in "The cost of a wrong offer"; 30 days of calls on an 8-hour desk, 20 minutes a disclosure call,
    80% answered within 4 hours; one hard rule, :data:`NO_HIDDEN_COST_RULE`: the agent never makes an offer
    that raises the total cost of credit alone.
    """

    DESK = MappingProxyType({"handle_minutes": 20.0, "hours_per_day": 8.0, "sla_minutes": 240.0})

    def decision_log(self, params):
        offers = loan_offers(self.dataset("borrowers", params))
        return offers[offers["action_type"] != "keep_plan"].reset_index(drop=True)

    def probability(self, log, params):
        return consent_probability(log, seed=int(params["seed"]))

    def cost_model(self, log, params):
        relief_usd = np.where(
            log["raises_total_cost"], log["annual_saving_usd"].clip(lower=0), log["value_usd"]
        )
        return CostModel(
            [
                CostComponent("borrower's extra cost", "false_action", value_share=1.0, value_share_low=0.5),
                CostComponent(
                    "regulatory exposure", "false_action", "legal", base_usd=150, low_usd=0, high_usd=500
                ),
                CostComponent(
                    "complaint and lost trust",
                    "false_action",
                    "reputational",
                    base_usd=40,
                    low_usd=10,
                    high_usd=150,
                ),
                CostComponent(
                    "relief the borrower goes without",
                    "missed",
                    base_usd=0.5 * relief_usd,
                    low_usd=0.25 * relief_usd,
                    high_usd=relief_usd,
                ),
                CostComponent("officer's disclosure call", "review", base_usd=15, low_usd=8, high_usd=30),
                CostComponent(
                    "borrower waits for a call", "delay", "reputational", base_usd=5, low_usd=0, high_usd=20
                ),
            ],
            reviewer_miss_rate=0.05,
        )

    def days(self, log, params):
        return 30.0

    def hard_rules(self, log, params):
        return [HardRule(NO_HIDDEN_COST_RULE, "act", log["raises_total_cost"].to_numpy(dtype=bool))]


CASE = LoanSteeringCase
