"""Proportion intervals against scipy's one-at-a-time implementation and textbook values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

import nogo
from nogo import InputError

METHOD = {"wilson": "wilson", "clopper-pearson": "exact"}


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 2000),
    st.data(),
    st.sampled_from(["wilson", "clopper-pearson"]),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_interval_matches_scipy_binomtest(n, data, method, level):
    k = data.draw(st.integers(0, n))
    lo, hi = nogo.proportion_interval(k, n, level=level, method=method)
    ref = binomtest(k, n).proportion_ci(confidence_level=level, method=METHOD[method])
    assert lo[0] == pytest.approx(ref.low, abs=1e-9)
    assert hi[0] == pytest.approx(ref.high, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 2000), st.data(), st.sampled_from([0.9, 0.95, 0.99]))
def test_upper_bound_matches_one_sided_binomtest(n, data, level):
    k = data.draw(st.integers(0, n))
    ub = nogo.proportion_upper_bound(k, n, level=level)
    ref = binomtest(k, n, alternative="less").proportion_ci(confidence_level=level, method="exact")
    assert ub[0] == pytest.approx(ref.high, abs=1e-9)


def test_rule_of_three():
    # Zero errors in n trials: the 95% upper bound is about 3/n (exactly 1 - 0.05**(1/n)).
    for n in [100, 300, 1000]:
        assert nogo.proportion_upper_bound(0, n)[0] == pytest.approx(1 - 0.05 ** (1 / n))
        assert nogo.proportion_upper_bound(0, n)[0] == pytest.approx(3 / n, rel=0.02)


def test_vectorised_over_counts():
    lo, hi = nogo.proportion_interval([0, 5, 10], [10, 10, 10])
    assert lo.shape == hi.shape == (3,)
    assert lo[0] == 0 and hi[2] == 1
    assert lo[1] < 0.5 < hi[1]


def test_bad_counts_are_named():
    with pytest.raises(InputError, match=r"k: expected k <= n, found k=7 > n=5 at row 1"):
        nogo.proportion_interval([1, 7], [5, 5])
    with pytest.raises(InputError, match=r"n: expected at least one trial, found 0 at row 0"):
        nogo.proportion_interval(0, 0)
    with pytest.raises(InputError, match=r"level: expected a confidence level strictly between 0 and 1"):
        nogo.proportion_upper_bound(1, 5, level=95)
    with pytest.raises(InputError, match=r"method: expected one of 'wilson', 'clopper-pearson'"):
        nogo.proportion_interval(1, 5, method="wald")


def test_counts_must_be_whole_numbers():
    with pytest.raises(InputError, match=r"k: expected a whole number of trials or successes, found 2\.5 at row 0"):
        nogo.proportion_interval(2.5, 10)
    with pytest.raises(InputError, match=r"n: expected a whole number of trials or successes, found 10\.5 at row 1"):
        nogo.proportion_upper_bound([2, 3], [10, 10.5])
    assert nogo.proportion_upper_bound(3.0, 100)[0] == nogo.proportion_upper_bound(3, 100)[0]  # 3.0 is whole
