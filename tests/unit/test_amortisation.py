"""Amortisation and relief offers against published values, month-by-month (and day-by-day) simulation
loops written here, and high-precision Decimal arithmetic."""

from __future__ import annotations

from decimal import Decimal, getcontext

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nogo.models.amortisation as am
from nogo.errors import InputError

principals = st.floats(0.0, 1e6)
rates = st.one_of(st.just(0.0), st.floats(1e-6, 0.30))
terms = st.integers(1, 480)


def _simulate(balance: float, annual_rate: float, payments: list[float]) -> tuple[list[float], list[float]]:
    """Month by month: interest on the opening balance, then the payment. Returns interest and closing balance."""
    r = annual_rate / 12.0
    interest, closing = [], []
    for pay in payments:
        i = balance * r
        balance = balance + i - pay
        interest.append(i)
        closing.append(balance)
    return interest, closing


# -- published values ------------------------------------------------------------------------------


def test_textbook_payments():
    # $200,000 at 6% over 360 months: $1,199.10 a month (the standard 30-year mortgage example).
    assert round(am.monthly_payment_usd(200_000, 0.06, 360), 2) == 1199.10
    # numpy.pmt documentation (NumPy 1.x reference, "numpy.pmt", Examples): $200,000 over 15 years at
    # 7.5% a year needs a monthly payment of 1854.0247200054619.
    assert am.monthly_payment_usd(200_000, 0.075, 180) == pytest.approx(1854.0247200054619, rel=1e-12)


def test_schedule_matches_the_numpy_financial_ipmt_example():
    # numpy_financial.ipmt documentation, Examples: the amortisation schedule of a 1-year $2,500 loan at
    # 8.24% compounded monthly, printed as (period, principal part, interest part, balance); total
    # interest -112.98.
    published = [
        (200.58, 17.17, 2299.42), (201.96, 15.79, 2097.46), (203.35, 14.40, 1894.11),
        (204.74, 13.01, 1689.37), (206.15, 11.60, 1483.22), (207.56, 10.18, 1275.66),
        (208.99, 8.76, 1066.67), (210.42, 7.32, 856.25), (211.87, 5.88, 644.38),
        (213.32, 4.42, 431.05), (214.79, 2.96, 216.26), (216.26, 1.49, 0.00),
    ]  # fmt: skip
    s = am.amortisation_schedule(2_500.0, 0.0824, 12)
    assert s["month"].tolist() == list(range(1, 13))
    got = s[["principal_usd", "interest_usd", "balance_usd"]].round(2).to_numpy()
    np.testing.assert_allclose(got, np.array(published), atol=0.005)
    assert round(s["interest_usd"].sum(), 2) == 112.98
    assert s["balance_usd"].iloc[-1] == 0.0


# -- against a month-by-month loop -------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(principals, rates, terms, st.data())
def test_payment_amortises_to_zero_and_balances_match_a_loop(principal, rate, term, data):
    pay = am.monthly_payment_usd(principal, rate, term)
    interest, closing = _simulate(principal, rate, [pay] * term)
    tol = 1e-9 * max(principal, 1.0)
    assert abs(closing[-1]) <= tol  # fully amortised at the term
    assert am.total_interest_usd(principal, rate, term) == pytest.approx(sum(interest), abs=tol)
    assert am.total_interest_usd(principal, rate, term) == pytest.approx(term * pay - principal, abs=tol)
    k = data.draw(st.integers(0, term))
    expected = principal if k == 0 else closing[k - 1]
    assert am.remaining_balance_usd(principal, rate, term, k) == pytest.approx(expected, abs=tol)
    sched = am.amortisation_schedule(principal, rate, term)
    np.testing.assert_allclose(sched["interest_usd"], interest, atol=tol)
    np.testing.assert_allclose(sched["balance_usd"], closing, atol=tol)
    np.testing.assert_allclose(sched["principal_usd"] + sched["interest_usd"], pay, rtol=1e-12)


def test_vectorised_calls_equal_scalar_calls():
    rng = np.random.default_rng(7)
    p, r, n = rng.uniform(0, 5e5, 50), rng.uniform(0, 0.2, 50), rng.integers(1, 400, 50)
    r[:5] = 0.0
    k = np.floor(rng.uniform(0, 1, 50) * n)
    vec = am.remaining_balance_usd(p, r, n, k)
    assert vec.tolist() == [am.remaining_balance_usd(*args) for args in zip(p, r, n, k, strict=True)]
    assert am.monthly_payment_usd(p, 0.05, n).shape == (50,)  # scalars broadcast


def test_zero_rate_is_exact_and_the_limit_is_continuous():
    assert am.monthly_payment_usd(1_200.0, 0.0, 12) == 100.0
    assert am.total_interest_usd(1_200.0, 0.0, 12) == 0.0
    assert am.remaining_balance_usd(1_200.0, 0.0, 12, 5) == 700.0
    for tiny in (1e-15, 1e-12, 1e-9):
        assert am.monthly_payment_usd(1_200.0, tiny, 12) == pytest.approx(100.0, rel=1e-8)
        assert am.remaining_balance_usd(1_200.0, tiny, 12, 5) == pytest.approx(700.0, rel=1e-8)


@pytest.mark.parametrize("rate", [1e-12, 1e-8, 1e-4, 0.06, 0.3, 1.0])
@pytest.mark.parametrize("term", [1, 12, 360, 1200])
def test_payment_and_balance_match_50_digit_decimal_arithmetic(rate, term):
    getcontext().prec = 50
    L, r, n, k = Decimal(250_000), Decimal(rate) / 12, term, term // 3
    pay = L * r / (1 - (1 + r) ** -n)
    bal = L * ((1 + r) ** n - (1 + r) ** k) / ((1 + r) ** n - 1)
    assert am.monthly_payment_usd(250_000, rate, term) == pytest.approx(float(pay), rel=1e-12)
    assert am.remaining_balance_usd(250_000, rate, term, k) == pytest.approx(float(bal), rel=1e-10, abs=1e-9)


# -- offers: forbearance, term extension, income-driven --------------------------------------------


def _first_year(payments: list[float]) -> float:
    return sum(payments[:12])


@settings(max_examples=120, deadline=None)
@given(st.floats(100.0, 2e5), rates, st.integers(2, 360), st.integers(0, 36), st.booleans(), st.booleans())
def test_forbearance_matches_a_monthly_accrual_loop(balance, rate, n, k, capitalise, extend):
    if not extend and k >= n:
        return
    f = am.forbearance(balance, rate, n, k, capitalise=capitalise, extend_term=extend).iloc[0]
    accrued = 0.0
    for _ in range(k):  # no payments; simple interest on the unchanged principal
        accrued += balance * rate / 12.0
    n2 = n if extend else n - k
    assert f["accrued_interest_usd"] == pytest.approx(accrued, rel=1e-12, abs=1e-9)
    if capitalise:
        principal, extra = balance + accrued, 0.0
    else:
        principal, extra = balance, accrued / n2  # a non-interest-bearing bucket repaid in equal parts
    pay = f["new_payment_usd"]
    _, closing = _simulate(principal, rate, [pay - extra] * n2)
    tol = 1e-9 * balance
    assert abs(closing[-1]) <= tol
    stream_old = [am.monthly_payment_usd(balance, rate, n)] * n
    stream_new = [0.0] * k + [pay] * n2
    assert f["total_cost_change_usd"] == pytest.approx(sum(stream_new) - sum(stream_old), abs=tol)
    assert f["annual_saving_usd"] == pytest.approx(_first_year(stream_old) - _first_year(stream_new), abs=tol)
    assert f["monthly_saving_usd"] == pytest.approx(stream_old[0] - stream_new[0], abs=1e-9)
    assert f["new_term_months"] == k + n2 and f["extends_term"] == (extend and k > 0)
    if rate > 0 and k > 0:
        assert f["total_cost_change_usd"] > 0  # a pause at a positive rate always costs more in total


@pytest.mark.parametrize("years", [1, 2])
def test_forbearance_accrual_equals_a_daily_accrual_loop(years):
    # Federal student loans accrue simple interest daily (annual rate / 365 on the principal);
    # over whole years of 365 days that equals the monthly accrual the model uses.
    balance, rate = 27_500.0, 0.0654
    accrued = 0.0
    for _ in range(365 * years):
        accrued += balance * rate / 365.0
    f = am.forbearance(balance, rate, 120, 12 * years)
    assert f["accrued_interest_usd"].iloc[0] == pytest.approx(accrued, rel=1e-12)
    assert f["new_balance_usd"].iloc[0] == pytest.approx(balance + accrued, rel=1e-12)


@settings(max_examples=120, deadline=None)
@given(st.floats(100.0, 2e5), rates, st.integers(1, 360), st.integers(1, 480), st.one_of(st.none(), rates))
def test_term_extension_matches_a_loop(balance, rate, n, n2, new_rate):
    t = am.term_extension(balance, rate, n, n2, new_annual_rate=new_rate).iloc[0]
    r2 = rate if new_rate is None else new_rate
    _, closing = _simulate(balance, r2, [t["new_payment_usd"]] * n2)
    tol = 1e-9 * balance
    assert abs(closing[-1]) <= tol
    old = am.monthly_payment_usd(balance, rate, n)
    assert t["total_cost_change_usd"] == pytest.approx(n2 * t["new_payment_usd"] - n * old, abs=tol)
    old_year = old * min(n, 12)
    assert t["annual_saving_usd"] == pytest.approx(old_year - t["new_payment_usd"] * min(n2, 12), abs=tol)
    if new_rate is None and rate > 0 and n2 > n:
        assert t["monthly_saving_usd"] > 0 and t["total_cost_change_usd"] > 0 and t["extends_term"]
    if new_rate is not None and new_rate < rate and n2 == n:
        assert t["monthly_saving_usd"] > 0 and t["total_cost_change_usd"] < 0


@settings(max_examples=150, deadline=None)
@given(
    st.floats(100.0, 2e5),
    rates,
    st.integers(2, 360),
    st.data(),
    st.floats(0.0, 1.0),
    st.sampled_from([0.0, 0.5, 1.0]),
    st.booleans(),
)
def test_income_driven_matches_a_loop_with_the_waiver_rule(balance, rate, n, data, q_share, subsidy, extend):
    m = data.draw(st.integers(0, n - 1))
    old = am.monthly_payment_usd(balance, rate, n)
    q = q_share * old
    d = am.income_driven(balance, rate, n, q, m, interest_subsidy=subsidy, extend_term=extend).iloc[0]
    b, r = balance, rate / 12.0
    for _ in range(m):
        interest = b * r
        b = b + interest - q if q >= interest else b + (1.0 - subsidy) * (interest - q)
    tol = 1e-9 * balance
    assert d["balance_after_relief_usd"] == pytest.approx(b, abs=tol)
    n2 = n if extend else n - m
    _, closing = _simulate(b, rate, [d["new_payment_usd"]] * n2)
    # rounding in the payment grows with the balance's compounding over the term: 28% a year for 351
    # months multiplies it by about 3,300 (a closing residual of 1.0e-7 on a $100 loan, seen)
    assert abs(closing[-1]) <= tol * (1.0 + r) ** n2
    new = [q] * m + [d["new_payment_usd"]] * n2
    assert d["total_cost_change_usd"] == pytest.approx(sum(new) - old * n, abs=tol)
    assert d["annual_saving_usd"] == pytest.approx(_first_year([old] * n) - _first_year(new), abs=tol)


def test_income_driven_with_full_waiver_can_cost_less_than_forbearance():
    # $10,000 at 6%: interest is $50 a month; paying $40 for 12 months with the excess waived keeps the
    # balance at $10,000, whereas 12 months of forbearance capitalises $600.
    d = am.income_driven(10_000, 0.06, 120, 40.0, 12).iloc[0]
    f = am.forbearance(10_000, 0.06, 120, 12).iloc[0]
    assert d["balance_after_relief_usd"] == pytest.approx(10_000.0)
    assert d["total_cost_change_usd"] < f["total_cost_change_usd"]


# -- bad inputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: am.monthly_payment_usd(-1.0, 0.05, 12),
            r"principal_usd: expected values >= 0, found -1.0 at row 0",
        ),
        (
            lambda: am.monthly_payment_usd(1e3, 1.5, 12),
            r"annual_rate: expected probabilities in \[0, 1\], found 1.5",
        ),
        (
            lambda: am.monthly_payment_usd(1e3, [0.05, np.nan], 12),
            r"annual_rate: expected finite numbers, found nan at row 1",
        ),
        (
            lambda: am.monthly_payment_usd(1e3, 0.05, 0),
            r"term_months: expected whole months >= 1, found 0 at row 0",
        ),
        (
            lambda: am.total_interest_usd(1e3, 0.05, [12, 12.5]),
            r"term_months: expected whole months >= 1, found 12.5 at row 1",
        ),
        (
            lambda: am.monthly_payment_usd([1e3, 2e3], [0.05, 0.05, 0.05], 12),
            r"annual_rate: expected 2 values to match principal_usd, got 3",
        ),
        (
            lambda: am.remaining_balance_usd(1e3, 0.05, 12, 13),
            r"months_paid: expected at most term_months \(12\), found 13 at row 0",
        ),
        (
            lambda: am.amortisation_schedule([1e3, 2e3], 0.05, 12),
            r"principal_usd: expected one loan \(scalars\), got 2 values",
        ),
        (
            lambda: am.forbearance(1e4, 0.05, 12, 12, extend_term=False),
            r"months_forborne: with extend_term=False expected fewer than remaining_term_months \(12\), found 12 at row 0",
        ),
        (
            lambda: am.forbearance(-5.0, 0.05, 12, 3),
            r"balance_usd: expected values >= 0, found -5.0 at row 0",
        ),
        (
            lambda: am.term_extension(1e4, 0.05, 60, 120, new_annual_rate=-0.01),
            r"new_annual_rate: expected probabilities in \[0, 1\], found -0.01",
        ),
        (
            lambda: am.income_driven(1e4, 0.05, 60, 1e4, 12),
            r"reduced_payment_usd: expected at most the current payment, found 10000 at row 0",
        ),
        (
            lambda: am.income_driven(1e4, 0.05, 60, 10.0, 60),
            r"months_reduced: expected fewer than remaining_term_months, found 60 at row 0",
        ),
        (
            lambda: am.income_driven(1e4, 0.05, 60, 10.0, 6, interest_subsidy=2.0),
            r"interest_subsidy: expected probabilities in \[0, 1\], found 2.0",
        ),
    ],
)
def test_bad_inputs_name_the_argument_and_row(call, match):
    with pytest.raises(InputError, match=match):
        call()


def test_offer_frames_are_tidy():
    f = am.forbearance([1e4, 2e4], [0.05, 0.07], [60, 120], [3, 12])
    assert isinstance(f, pd.DataFrame) and len(f) == 2
    assert {"total_cost_change_usd", "monthly_saving_usd", "annual_saving_usd", "extends_term"} <= set(
        f.columns
    )


# -- the month-by-month forbearance ledger -----------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.floats(100.0, 2e5), rates, st.integers(1, 240), st.integers(0, 36))
def test_forbearance_schedule_matches_an_independent_loop_and_the_closed_form(balance, rate, n, k):
    s = am.forbearance_schedule(balance, rate, n, k)
    # an independent loop: k months of simple interest on the principal, then capitalise, then repay
    accrued = sum(balance * rate / 12.0 for _ in range(k))
    pay = am.monthly_payment_usd(balance + accrued, rate, n)
    interest, closing = _simulate(balance + accrued, rate, [pay] * n)
    assert len(s) == k + n and s["month"].tolist() == list(range(1, k + n + 1))
    assert (s["phase"].iloc[:k] == "forbearance").all() and (s["phase"].iloc[k:] == "repayment").all()
    assert (s["payment_usd"].iloc[:k] == 0).all()
    np.testing.assert_allclose(s["interest_usd"].iloc[:k], balance * rate / 12.0, rtol=1e-12)
    np.testing.assert_allclose(s["interest_usd"].iloc[k:], interest, rtol=1e-9, atol=1e-9 * balance)
    np.testing.assert_allclose(s["balance_usd"].iloc[k:], closing, rtol=1e-9, atol=1e-9 * balance)
    assert s["capitalised_usd"].sum() == pytest.approx(accrued, rel=1e-12, abs=1e-12)
    if k:  # the interest joins the principal at the end of the last forborne month, not before
        assert s["capitalised_usd"].iloc[k - 1] == pytest.approx(accrued, rel=1e-12, abs=1e-12)
        assert (s["capitalised_usd"].iloc[: k - 1] == 0).all() and s["unpaid_interest_usd"].iloc[k - 1] == 0
    if k > 1:
        unpaid = s["unpaid_interest_usd"].iloc[k - 2]
        assert unpaid == pytest.approx(balance * rate / 12.0 * (k - 1), rel=1e-12, abs=1e-12)
    closed = am.forbearance(balance, rate, n, k).iloc[0]
    assert s["interest_usd"].sum() == pytest.approx(closed["new_total_interest_usd"], rel=1e-9, abs=1e-6)
    assert abs(s["balance_usd"].iloc[-1]) <= 1e-8 * balance


def test_forbearance_schedule_without_forbearance_is_the_amortisation_schedule():
    s = am.forbearance_schedule(2_500.0, 0.0824, 12, 0)
    plain = am.amortisation_schedule(2_500.0, 0.0824, 12)
    np.testing.assert_allclose(s[["payment_usd", "interest_usd"]], plain[["payment_usd", "interest_usd"]])
    np.testing.assert_allclose(s["balance_usd"], plain["balance_usd"], atol=1e-9)
    assert round(s["interest_usd"].sum(), 2) == 112.98  # numpy_financial.ipmt example, as above


def test_forbearance_schedule_rejects_several_loans_and_bad_months():
    with pytest.raises(InputError, match=r"balance_usd: expected one loan \(scalars\), got 2 values"):
        am.forbearance_schedule([1e4, 2e4], 0.05, 60, 3)
    with pytest.raises(InputError, match=r"months_forborne: expected whole months >= 0, found 1.5 at row 0"):
        am.forbearance_schedule(1e4, 0.05, 60, 1.5)
