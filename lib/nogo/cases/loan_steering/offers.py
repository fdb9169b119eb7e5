"""The decision log: every offer the agent could make to each borrower, and what it can know of them.

:func:`loan_offers` prices the menu (keep the plan, a longer term, a rate cut, forbearance, the
income-driven plan) with :mod:`nogo.models.amortisation`; :func:`consent_probability` is the calibrated
probability that making an offer is right; :func:`disclose` records the borrower's informed answer.

*Outcome.* Making an offer is right (``outcome``) when it does not raise the borrower's total cost of
credit (by more than half a cent), or when the borrower, told the increase, would still take it
(``informed_consent``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nogo._validate import as_float_array, check_rate
from nogo._validate import as_months as _months
from nogo.cases.loan_steering._checks import HALF_CENT_USD, check_frame
from nogo.cases.loan_steering.book import BOOK_DEFAULTS
from nogo.models.amortisation import forbearance, income_driven, term_extension
from nogo.models.amortisation import level_payment_usd as _payment
from nogo.models.amortisation import two_phase_plan as _plan
from nogo.models.calibration import calibrate_out_of_fold

__all__ = ["consent_probability", "disclose", "loan_offers"]

_SCORE_LOGIT = (-1.0, 3.0, -1.0)  # intercept, x share saved now (assumed), income-driven paperwork (8a)


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
    >>> from nogo.cases.loan_steering import borrower_book
    >>> offers = loan_offers(borrower_book(500, seed=3))
    >>> sorted(offers["action_type"].unique())[:3]
    ['forbearance_12m', 'forbearance_3m', 'income_driven']
    """
    book = check_frame(book, "book", _BOOK_COLUMNS)
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
    raises = change > HALF_CENT_USD
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
            "affordable": o["relief_payment_usd"].to_numpy() <= afford[row] + HALF_CENT_USD,
            "informed_consent": consent,
            "consent_recorded": np.zeros(len(o), dtype=bool),
        }
    )


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
    offers = check_frame(offers, "offers", ("raises_total_cost", "informed_consent"))
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
    >>> from nogo.cases.loan_steering import borrower_book
    >>> offers = loan_offers(borrower_book(2_000, seed=5))
    >>> p = consent_probability(offers, seed=5)
    >>> bool(abs(p.mean() - offers["outcome"].mean()) < 0.01)  # calibrated in the large
    True
    >>> bool(p[~offers["raises_total_cost"].to_numpy()].min() > 0.95)  # no hidden cost: right
    True
    """
    cols = ("hardship", "outcome", "payment_usd", "total_cost_change_usd", "raises_total_cost")
    offers = check_frame(offers, "offers", cols)
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
