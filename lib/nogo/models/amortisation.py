"""Amortisation: payments, balances and the total cost of credit, and what relief offers do to them.

Fixed-rate loans with level monthly payments: nominal ``annual_rate`` compounded monthly
(``r = annual_rate / 12``), payments at the end of each month, amounts not rounded to cents (a servicer
rounds and trues up the last payment). Payment ``L r / (1 - (1 + r)**-n)`` (``L / n`` at a zero rate);
balance after ``k`` payments ``L ((1 + r)**n - (1 + r)**k) / ((1 + r)**n - 1)``; both through ``expm1`` and
``log1p`` so a tiny rate loses no digits.

The *total cost of credit* is the interest the borrower pays over the life of the loan, in nominal
dollars (undiscounted, like the finance charge of a US Truth in Lending disclosure). An offer's
``total_cost_change_usd`` is that total under the offer minus under the current plan, on the same
remaining balance. Offers (:func:`forbearance`, :func:`term_extension`, :func:`income_driven`) are
two-phase plans, a relief period and then a level payment, so every figure has a closed form. Forbearance
accrues simple interest and capitalises it at the end, as US federal student loans do; the income-driven
plan is a stylised model, not the real IDR rules. The case that uses them is in
:mod:`nogo.cases.loan_steering`.

*Plan columns*, returned by every offer function, one row per loan: ``old_payment_usd``,
``relief_months``, ``relief_payment_usd`` (the payment now: during relief, or the new payment when there
is no relief period), ``new_payment_usd`` (after relief), ``new_term_months`` (relief plus repayment
months), ``term_months_added``, ``extends_term``, ``monthly_saving_usd`` (old payment minus the payment
now), ``annual_saving_usd`` (payments due in the next 12 months under the current plan minus under the
offer: the "saves $X a year" headline), ``old_total_interest_usd``, ``new_total_interest_usd`` and
``total_cost_change_usd`` (new minus old total cost of credit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, as_months, check_rate, check_same_length
from nogo.errors import InputError

__all__ = [
    "amortisation_schedule",
    "forbearance",
    "forbearance_schedule",
    "income_driven",
    "level_payment_usd",
    "monthly_payment_usd",
    "remaining_balance_usd",
    "term_extension",
    "total_interest_usd",
    "two_phase_plan",
]


# -- boundary checks ----------------------------------------------------------------------------------


def _loans(**arrays: np.ndarray) -> list[np.ndarray]:
    check_same_length(arrays)
    return list(np.broadcast_arrays(*arrays.values()))


def _out(values: np.ndarray, *inputs: Any) -> Any:
    return float(values[0]) if all(np.ndim(x) == 0 for x in inputs) else values


# -- amortisation -------------------------------------------------------------------------------------


def _growth(r: np.ndarray, months: np.ndarray) -> np.ndarray:
    """``(1 + r)**months - 1``, accurate for tiny ``r``."""
    return np.expm1(months * np.log1p(r))


def _accumulation(r: np.ndarray, months: np.ndarray) -> np.ndarray:
    """``((1 + r)**months - 1) / r``, and ``months`` at ``r = 0``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(r > 0, _growth(r, months) / np.where(r > 0, r, 1.0), months)


def level_payment_usd(principal: np.ndarray, annual_rate: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The level monthly payment of validated loan arrays (no checks: :func:`monthly_payment_usd` checks).

    For code that has already validated ``principal`` (USD), ``annual_rate`` and ``n`` (months >= 1),
    e.g. a case pricing a whole loan book.

    Examples
    --------
    >>> level_payment_usd(np.array([1200.0]), np.array([0.0]), np.array([12.0])).tolist()
    [100.0]
    """
    r = annual_rate / 12.0
    with np.errstate(invalid="ignore", divide="ignore"):
        level = principal * r / -np.expm1(-n * np.log1p(r))
        return np.where(r > 0, level, principal / n)


def _balance(principal: np.ndarray, annual_rate: np.ndarray, n: np.ndarray, k: np.ndarray) -> np.ndarray:
    r = annual_rate / 12.0
    with np.errstate(invalid="ignore", divide="ignore"):
        level = principal * np.expm1((k - n) * np.log1p(r)) / np.expm1(-n * np.log1p(r))
        return np.where(r > 0, level, principal * (n - k) / n) + 0.0  # no -0.0 at the term


def _basic(principal_usd: Any, annual_rate: Any, term_months: Any) -> list[np.ndarray]:
    return _loans(
        principal_usd=as_float_array("principal_usd", principal_usd, nonnegative=True),
        annual_rate=as_float_array("annual_rate", annual_rate, unit_interval=True),
        term_months=as_months("term_months", term_months, low=1),
    )


def monthly_payment_usd(
    principal_usd: npt.ArrayLike, annual_rate: npt.ArrayLike, term_months: npt.ArrayLike
) -> Any:
    """Level monthly payment that repays ``principal_usd`` in ``term_months`` (the annuity formula).

    ``annual_rate`` is nominal, compounded monthly, in [0, 1]; at zero the payment is exactly
    ``principal / term``. Returns a float for scalar inputs, an array otherwise (inputs broadcast).

    Examples
    --------
    >>> round(monthly_payment_usd(200_000, 0.06, 360), 2)
    1199.1
    >>> monthly_payment_usd([1200, 1200], [0.0, 0.12], 12).round(2).tolist()
    [100.0, 106.62]
    """
    p, a, n = _basic(principal_usd, annual_rate, term_months)
    return _out(level_payment_usd(p, a, n), principal_usd, annual_rate, term_months)


def total_interest_usd(
    principal_usd: npt.ArrayLike, annual_rate: npt.ArrayLike, term_months: npt.ArrayLike
) -> Any:
    """Interest paid over the life of the loan: ``term * payment - principal`` (the total cost of credit).

    Examples
    --------
    >>> round(total_interest_usd(200_000, 0.06, 360), 2)
    231676.38
    >>> total_interest_usd(5_000, 0.0, 24)
    0.0
    """
    p, a, n = _basic(principal_usd, annual_rate, term_months)
    return _out(n * level_payment_usd(p, a, n) - p, principal_usd, annual_rate, term_months)


def remaining_balance_usd(
    principal_usd: npt.ArrayLike,
    annual_rate: npt.ArrayLike,
    term_months: npt.ArrayLike,
    months_paid: npt.ArrayLike,
) -> Any:
    """Balance left after ``months_paid`` level payments (closed form; 0 exactly at the term).

    Examples
    --------
    >>> round(remaining_balance_usd(200_000, 0.06, 360, 120), 2)
    167371.45
    >>> remaining_balance_usd(1_200, 0.0, 12, [0, 3, 12]).tolist()
    [1200.0, 900.0, 0.0]
    """
    p, a, n = _basic(principal_usd, annual_rate, term_months)
    k = as_months("months_paid", months_paid)
    p, a, n, k = _loans(principal_usd=p, annual_rate=a, term_months=n, months_paid=k)
    if (k > n).any():
        i = int(np.flatnonzero(k > n)[0])
        raise InputError(f"months_paid: expected at most term_months ({n[i]:g}), found {k[i]:g} at row {i}")
    return _out(_balance(p, a, n, k), principal_usd, annual_rate, term_months, months_paid)


def amortisation_schedule(principal_usd: float, annual_rate: float, term_months: int) -> pd.DataFrame:
    """Month-by-month schedule of one loan, for display.

    Returns
    -------
    pandas.DataFrame
        One row per month 1..term: ``month``, ``payment_usd``, ``interest_usd`` (on the opening
        balance), ``principal_usd`` (payment minus interest), ``balance_usd`` (closing balance).

    Examples
    --------
    >>> amortisation_schedule(2_500, 0.0824, 12).iloc[[0, -1]].round(2).values.tolist()
    [[1.0, 217.75, 17.17, 200.58, 2299.42], [12.0, 217.75, 1.49, 216.26, 0.0]]
    """
    p, a, n = _basic(principal_usd, annual_rate, term_months)
    if p.size != 1:
        raise InputError(f"principal_usd: expected one loan (scalars), got {p.size} values")
    month = np.arange(1, int(n[0]) + 1, dtype=np.float64)
    pay = level_payment_usd(p, a, n)
    opening = _balance(p, a, n, month - 1)
    interest = opening * a / 12.0
    return pd.DataFrame(
        {
            "month": month.astype(np.int64),
            "payment_usd": np.broadcast_to(pay, month.shape),
            "interest_usd": interest,
            "principal_usd": pay - interest,
            "balance_usd": _balance(p, a, n, month),
        }
    )


# -- offers ---------------------------------------------------------------------------------------------


def two_phase_plan(
    balance: np.ndarray,
    rate: np.ndarray,
    n: np.ndarray,
    relief_months: np.ndarray,
    relief_payment: np.ndarray,
    repay_months: np.ndarray,
    repay_payment: np.ndarray,
) -> pd.DataFrame:
    """The plan columns (module docstring) of a two-phase plan against the current level plan.

    Validated arrays, one value per loan: the ``balance`` (USD), ``rate`` (annual) and ``n`` remaining
    months of the current plan; ``relief_months`` at ``relief_payment`` (USD a month), then
    ``repay_months`` at ``repay_payment``. The offer functions and the loan-steering case build on it.

    Examples
    --------
    >>> one = lambda x: np.array([float(x)])
    >>> plan = two_phase_plan(one(1200), one(0), one(12), one(0), one(0), one(24), one(50))
    >>> plan[["old_payment_usd", "new_term_months", "monthly_saving_usd", "total_cost_change_usd"]]
       old_payment_usd  new_term_months  monthly_saving_usd  total_cost_change_usd
    0            100.0               24                50.0                    0.0
    """
    old = level_payment_usd(balance, rate, n)
    new_total = relief_months * relief_payment + repay_months * repay_payment
    now = np.where(relief_months > 0, relief_payment, repay_payment)
    added = relief_months + repay_months - n
    year_new = (
        relief_months.clip(max=12) * relief_payment
        + (12 - relief_months).clip(0, repay_months) * repay_payment
    )
    return pd.DataFrame(
        {
            "old_payment_usd": old,
            "relief_months": relief_months.astype(np.int64),
            "relief_payment_usd": now,
            "new_payment_usd": repay_payment,
            "new_term_months": (relief_months + repay_months).astype(np.int64),
            "term_months_added": added.astype(np.int64),
            "extends_term": added > 0,
            "monthly_saving_usd": old - now,
            "annual_saving_usd": old * np.minimum(n, 12) - year_new,
            "old_total_interest_usd": n * old - balance,
            "new_total_interest_usd": new_total - balance,
            "total_cost_change_usd": new_total - n * old,
        }
    )


def _offer_inputs(
    balance_usd: Any, annual_rate: Any, remaining_term_months: Any, **months: tuple[Any, int]
) -> list[np.ndarray]:
    arrays = {
        "balance_usd": as_float_array("balance_usd", balance_usd, nonnegative=True),
        "annual_rate": as_float_array("annual_rate", annual_rate, unit_interval=True),
        "remaining_term_months": as_months("remaining_term_months", remaining_term_months, low=1),
    }
    arrays.update({k: as_months(k, v, low=low) for k, (v, low) in months.items()})
    return _loans(**arrays)


def forbearance(
    balance_usd: npt.ArrayLike,
    annual_rate: npt.ArrayLike,
    remaining_term_months: npt.ArrayLike,
    months_forborne: npt.ArrayLike,
    *,
    capitalise: bool = True,
    extend_term: bool = True,
) -> pd.DataFrame:
    """Pause payments for ``months_forborne`` months, then repay; against carrying on with the plan.

    Model (as US federal student loans): no payments during forbearance while *simple* interest accrues,
    ``balance * annual_rate / 12`` a month (a daily accrual at ``annual_rate / 365`` over ``k * 365 / 12``
    days gives the same amount). With ``capitalise`` the accrued interest joins the principal at the end
    and bears interest from then on; without it, it stays a separate non-interest-bearing amount repaid in
    equal parts with the new payments (stylised: real servicers apply payments to it first). With
    ``extend_term`` the repayment months left are unchanged, so the loan ends ``k`` months later;
    otherwise the loan keeps its end date and the payment rises (``k`` must be below the remaining term).

    Returns
    -------
    pandas.DataFrame
        One row per loan: ``accrued_interest_usd``, ``new_balance_usd`` (balance bearing interest after
        forbearance), then the plan columns (see the module docstring).

    Examples
    --------
    >>> f = forbearance(10_000, 0.06, 120, 12)
    >>> f[["accrued_interest_usd", "new_balance_usd", "monthly_saving_usd"]].round(2).values.tolist()
    [[600.0, 10600.0, 111.02]]
    >>> round(float(f["total_cost_change_usd"].iloc[0]), 2)  # 600 accrued, plus interest on it
    799.35
    """
    b, a, n, k = _offer_inputs(
        balance_usd, annual_rate, remaining_term_months, months_forborne=(months_forborne, 0)
    )
    if not extend_term and (k >= n).any():
        i = int(np.flatnonzero(k >= n)[0])
        raise InputError(
            f"months_forborne: with extend_term=False expected fewer than remaining_term_months "
            f"({n[i]:g}), found {k[i]:g} at row {i}"
        )
    accrued = b * a / 12.0 * k
    n2 = n if extend_term else n - k
    principal = b + accrued if capitalise else b
    pay = level_payment_usd(principal, a, n2) + (0.0 if capitalise else accrued / n2)
    out = two_phase_plan(b, a, n, k, np.zeros_like(b), n2, pay)
    out.insert(0, "new_balance_usd", principal)
    out.insert(0, "accrued_interest_usd", accrued)
    return out


def forbearance_schedule(
    balance_usd: float, annual_rate: float, remaining_term_months: int, months_forborne: int
) -> pd.DataFrame:
    """Month-by-month ledger of one loan through forbearance, capitalisation and repayment, for display.

    The mechanism of :func:`forbearance` (capitalised, term extended) written as a recurrence, one month
    at a time, so a reader can watch the unpaid interest pile up and join the principal: during the
    ``months_forborne`` months no payment is due and simple interest ``principal * annual_rate / 12``
    accrues on the principal only; at the end of the last forborne month the accrued interest is
    capitalised; then the new principal is repaid with level payments over the ``remaining_term_months``
    that were left. The interest column sums to the offer's ``new_total_interest_usd`` (the closed form),
    up to rounding. With ``months_forborne = 0`` it is the current plan.

    Returns
    -------
    pandas.DataFrame
        One row per month 1..(forborne + remaining): ``month``, ``phase`` (``"forbearance"`` or
        ``"repayment"``), ``payment_usd``, ``interest_usd`` (accrued that month), ``unpaid_interest_usd``
        (accrued and not yet capitalised, at month end), ``capitalised_usd`` (added to the principal this
        month), ``balance_usd`` (interest-bearing principal at month end; the last is 0 up to rounding).

    Examples
    --------
    >>> s = forbearance_schedule(10_000, 0.06, 120, 12)
    >>> cols = ["phase", "interest_usd", "capitalised_usd", "balance_usd"]
    >>> for row in s.loc[[0, 11, 12], cols].round(2).values.tolist():
    ...     print(row)
    ['forbearance', 50.0, 0.0, 10000.0]
    ['forbearance', 50.0, 600.0, 10600.0]
    ['repayment', 53.0, 0.0, 10535.32]
    >>> closed_form = forbearance(10_000, 0.06, 120, 12)["new_total_interest_usd"].iloc[0]
    >>> round(float(s["interest_usd"].sum()), 6) == round(float(closed_form), 6)
    True
    """
    b, a, n, k = _offer_inputs(
        balance_usd, annual_rate, remaining_term_months, months_forborne=(months_forborne, 0)
    )
    if b.size != 1:
        raise InputError(f"balance_usd: expected one loan (scalars), got {b.size} values")
    principal, rate, n_left, k_months = float(b[0]), float(a[0]) / 12.0, int(n[0]), int(k[0])
    rows, unpaid = [], 0.0
    for month in range(1, k_months + 1):  # one loan, month by month: each month needs the last
        interest = principal * rate
        unpaid += interest
        cap = unpaid if month == k_months else 0.0
        principal, unpaid = principal + cap, unpaid - cap
        rows.append(("forbearance", 0.0, interest, unpaid, cap, principal))
    pay = float(
        level_payment_usd(np.array([principal]), np.array([float(a[0])]), np.array([float(n_left)]))[0]
    )
    for _ in range(n_left):
        interest = principal * rate
        principal = principal + interest - pay
        rows.append(("repayment", pay, interest, 0.0, 0.0, principal))
    cols = ["phase", "payment_usd", "interest_usd", "unpaid_interest_usd", "capitalised_usd", "balance_usd"]
    out = pd.DataFrame(rows, columns=cols)
    out.insert(0, "month", np.arange(1, len(out) + 1, dtype=np.int64))
    return out


def term_extension(
    balance_usd: npt.ArrayLike,
    annual_rate: npt.ArrayLike,
    remaining_term_months: npt.ArrayLike,
    new_term_months: npt.ArrayLike,
    *,
    new_annual_rate: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Re-amortise the balance over ``new_term_months`` at the same rate or ``new_annual_rate``.

    A longer term lowers the payment and raises the total cost of credit at any positive rate; the same
    term at a lower rate (a rate cut) lowers both.

    Returns
    -------
    pandas.DataFrame
        One row per loan: the plan columns (see the module docstring).

    Examples
    --------
    >>> t = term_extension(10_000, 0.06, 120, 240)
    >>> t[["new_payment_usd", "monthly_saving_usd", "total_cost_change_usd"]].round(2).values.tolist()
    [[71.64, 39.38, 3871.89]]
    >>> cut = term_extension(10_000, 0.06, 120, 120, new_annual_rate=0.05)  # a rate cut
    >>> round(float(cut["total_cost_change_usd"].iloc[0]), 2)
    -594.6
    """
    b, a, n, n2 = _offer_inputs(
        balance_usd, annual_rate, remaining_term_months, new_term_months=(new_term_months, 1)
    )
    a2 = (
        a
        if new_annual_rate is None
        else as_float_array("new_annual_rate", new_annual_rate, unit_interval=True)
    )
    b, a, n, n2, a2 = _loans(
        balance_usd=b, annual_rate=a, remaining_term_months=n, new_term_months=n2, new_annual_rate=a2
    )
    zero = np.zeros_like(b)
    return two_phase_plan(b, a, n, zero, zero, n2, level_payment_usd(b, a2, n2))  # old plan at the old rate


def income_driven(
    balance_usd: npt.ArrayLike,
    annual_rate: npt.ArrayLike,
    remaining_term_months: npt.ArrayLike,
    reduced_payment_usd: npt.ArrayLike,
    months_reduced: npt.ArrayLike,
    *,
    interest_subsidy: float = 1.0,
    extend_term: bool = False,
) -> pd.DataFrame:
    """A stylised income-driven plan: a lower payment for a while, then re-amortise. Not the real IDR rules.

    For ``months_reduced`` months the borrower pays ``reduced_payment_usd`` (at most the current payment).
    Interest accrues monthly; when the payment covers it the balance amortises as usual; when it does not,
    the share ``interest_subsidy`` of the shortfall is waived and the rest is added to the balance (a
    stylised unpaid-interest benefit; 0 gives plain negative amortisation). The regime is fixed by the
    first month (the balance only moves away from the boundary), so the balance has a closed form. Then the
    balance is re-amortised over the months left to the original end date, or with ``extend_term`` over the
    whole remaining term again. ``months_reduced`` must be below the remaining term.

    Returns
    -------
    pandas.DataFrame
        One row per loan: ``balance_after_relief_usd``, then the plan columns (see the module docstring).

    Examples
    --------
    >>> d = income_driven(10_000, 0.06, 120, 40.0, 12)  # pays less than the $50 monthly interest
    >>> d[["balance_after_relief_usd", "monthly_saving_usd"]].round(2).values.tolist()
    [[10000.0, 71.02]]
    """
    b, a, n, m = _offer_inputs(
        balance_usd, annual_rate, remaining_term_months, months_reduced=(months_reduced, 0)
    )
    q = as_float_array("reduced_payment_usd", reduced_payment_usd, nonnegative=True)
    b, a, n, m, q = _loans(
        balance_usd=b, annual_rate=a, remaining_term_months=n, months_reduced=m, reduced_payment_usd=q
    )
    s = check_rate("interest_subsidy", interest_subsidy)
    old = level_payment_usd(b, a, n)
    for name, value, bad, what in (
        ("reduced_payment_usd", q, q > old * (1 + 1e-12), "at most the current payment"),
        ("months_reduced", m, m >= n, "fewer than remaining_term_months"),
    ):
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"{name}: expected {what}, found {value[i]:g} at row {i}")
    r = a / 12.0
    s_eff = np.where(q < r * b, s, 0.0)
    g = (1.0 - s_eff) * r
    after = b * (1.0 + _growth(g, m)) - (1.0 - s_eff) * q * _accumulation(g, m)
    after = np.maximum(after, 0.0)
    n2 = n if extend_term else n - m
    out = two_phase_plan(b, a, n, m, q, n2, level_payment_usd(after, a, n2))
    out.insert(0, "balance_after_relief_usd", after)
    return out
