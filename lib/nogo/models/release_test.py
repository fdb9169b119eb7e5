"""How many contacts a release test needs to see a change: a two-proportion test's size and power.

Sample sizes use the normal approximation for a pooled two-proportion z test (pooled variance under H0,
unpooled under H1; Fleiss, Levin & Paik, *Statistical Methods for Rates and Proportions*, 3rd ed., 2003,
chapter 4), with Fleiss's continuity correction as an option. The metrics such a test watches are in
:mod:`nogo.models.metrics`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from nogo._validate import as_scalar, check_choice
from nogo.errors import InputError

__all__ = ["SampleSize", "minimum_detectable_effect", "power_two_proportions", "sample_size_two_proportions"]


@dataclass(frozen=True)
class SampleSize:
    """Sample size for a two-proportion release test; ``n_*_exact`` before rounding up."""

    p_baseline: float
    p_treatment: float
    alpha: float
    power: float
    two_sided: bool
    ratio: float
    continuity_correction: bool
    n_control_exact: float
    n_control: int
    n_treatment: int

    @property
    def n_total(self) -> int:
        """Both arms."""
        return self.n_control + self.n_treatment

    def as_dict(self) -> dict[str, Any]:
        """A flat record for a results table."""
        return {**asdict(self), "n_total": self.n_total}


def _design(alpha: Any, power: Any, ratio: Any) -> tuple[float, float, float]:
    a = as_scalar("alpha", alpha)
    if not 0 < a < 1:
        raise InputError(f"alpha: expected a significance level strictly between 0 and 1, got {alpha!r}")
    pw = as_scalar("power", power)
    if not 0.5 <= pw < 1:
        raise InputError(f"power: expected a power in [0.5, 1), got {power!r}")
    r = as_scalar("ratio", ratio)
    if not r > 0:
        raise InputError(f"ratio: expected n_treatment / n_control > 0, got {ratio!r}")
    return a, pw, r


def _parts(p1: float, p2: float, alpha: float, two_sided: bool, r: float) -> tuple[float, float, float]:
    """``z_alpha * sd_H0`` and ``sd_H1`` (per sqrt(n_control)), and |delta|."""
    z_a = stats.norm.ppf(1 - alpha / 2) if two_sided else stats.norm.ppf(1 - alpha)
    p_bar = (p1 + r * p2) / (1 + r)
    sd0 = np.sqrt((1 + 1 / r) * p_bar * (1 - p_bar))
    sd1 = np.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / r)
    return z_a * sd0, sd1, abs(p2 - p1)


def _n_exact(p1: float, p2: float, alpha: float, power: float, two_sided: bool, r: float, cc: bool) -> float:
    za_sd0, sd1, d = _parts(p1, p2, alpha, two_sided, r)
    n = ((za_sd0 + stats.norm.ppf(power) * sd1) / d) ** 2
    if cc:  # Fleiss's continuity correction, for unequal arms (Fleiss, Levin & Paik 2003, ch. 4)
        n = n / 4 * (1 + np.sqrt(1 + 2 * (r + 1) / (r * n * d))) ** 2
    return float(n)


def power_two_proportions(
    p_baseline: float,
    p_treatment: float,
    n_per_arm: float,
    *,
    alpha: float = 0.05,
    two_sided: bool = True,
    ratio: float = 1.0,
    continuity_correction: bool = False,
) -> float:
    """Power of the pooled two-proportion z test: ``n_per_arm`` controls, ``ratio`` times as many treated.

    Normal approximation; the far tail of a two-sided test is ignored (negligible at any useful
    power). With the continuity correction the difference is reduced by
    ``(1/n_control + 1/n_treatment) / 2``, the test Fleiss's corrected sample size is built for.

    Examples
    --------
    >>> round(power_two_proportions(0.10, 0.15, 686), 3)
    0.8
    """
    p1 = as_scalar("p_baseline", p_baseline, unit_interval=True)
    p2 = as_scalar("p_treatment", p_treatment, unit_interval=True)
    n = as_scalar("n_per_arm", n_per_arm)
    if not n > 0:
        raise InputError(f"n_per_arm: expected a positive number of contacts, got {n_per_arm!r}")
    a, _, r = _design(alpha, 0.5, ratio)
    za_sd0, sd1, d = _parts(p1, p2, a, two_sided, r)
    if continuity_correction:
        d = d - (1 + 1 / r) / (2 * n)
    if sd1 == 0:
        return 1.0 if d * np.sqrt(n) > za_sd0 else 0.0
    return float(stats.norm.cdf((d * np.sqrt(n) - za_sd0) / sd1))


def sample_size_two_proportions(
    p_baseline: float,
    p_treatment: float | None = None,
    *,
    mde_abs: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
    ratio: float = 1.0,
    continuity_correction: bool = False,
) -> SampleSize:
    """Contacts per arm to detect ``p_baseline`` -> ``p_treatment`` with a two-proportion z test.

    ``n_control = (z_a * sqrt((1 + 1/r) p_bar q_bar) + z_b * sqrt(p1 q1 + p2 q2 / r))**2 / delta**2``,
    with ``p_bar = (p1 + r p2) / (1 + r)`` and ``r = ratio = n_treatment / n_control`` (Fleiss, Levin
    & Paik 2003, ch. 4); the continuity-corrected size multiplies by
    ``(1 + sqrt(1 + 2 (r + 1) / (r n delta)))**2 / 4``. Give ``p_treatment`` or ``mde_abs``
    (``p_treatment = p_baseline + mde_abs``; negative for a decrease).

    Examples
    --------
    >>> s = sample_size_two_proportions(0.10, 0.15)
    >>> s.n_control, s.n_treatment, round(s.n_control_exact, 1)
    (686, 686, 685.6)
    >>> sample_size_two_proportions(0.10, mde_abs=0.05, continuity_correction=True).n_control
    726
    """
    p1 = as_scalar("p_baseline", p_baseline, unit_interval=True)
    if (p_treatment is None) == (mde_abs is None):
        raise InputError("p_treatment, mde_abs: give exactly one (the treated rate, or the change to detect)")
    if p_treatment is None:
        p2 = p1 + as_scalar("mde_abs", mde_abs)
        if not 0 <= p2 <= 1:
            raise InputError(f"mde_abs: p_baseline + mde_abs = {p2:g} is not a rate in [0, 1]")
    else:
        p2 = as_scalar("p_treatment", p_treatment, unit_interval=True)
    if p1 == p2:
        raise InputError("p_treatment: equals p_baseline; there is no effect to detect")
    a, pw, r = _design(alpha, power, ratio)
    n = _n_exact(p1, p2, a, pw, bool(two_sided), r, bool(continuity_correction))
    n_c = int(np.ceil(n - 1e-9))
    return SampleSize(
        p_baseline=p1,
        p_treatment=p2,
        alpha=a,
        power=pw,
        two_sided=bool(two_sided),
        ratio=r,
        continuity_correction=bool(continuity_correction),
        n_control_exact=n,
        n_control=n_c,
        n_treatment=int(np.ceil(r * n - 1e-9)),
    )


def minimum_detectable_effect(
    p_baseline: float,
    n_per_arm: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
    ratio: float = 1.0,
    continuity_correction: bool = False,
    direction: str = "increase",
) -> float:
    """The smallest absolute change from ``p_baseline`` a test with ``n_per_arm`` controls detects.

    Solves :func:`power_two_proportions` = ``power`` for the treated rate with
    :func:`scipy.optimize.brentq`, above the baseline (``direction="increase"``) or below it; the
    inverse of :func:`sample_size_two_proportions` before rounding. Raises when no change up to a
    rate of 1 (or down to 0) reaches the power.

    Examples
    --------
    >>> round(minimum_detectable_effect(0.10, 685.6), 4)
    0.05
    """
    check_choice("direction", direction, ("increase", "decrease"))
    p1 = as_scalar("p_baseline", p_baseline, unit_interval=True)
    a, pw, r = _design(alpha, power, ratio)
    n = as_scalar("n_per_arm", n_per_arm)
    if not n > 0:
        raise InputError(f"n_per_arm: expected a positive number of contacts, got {n_per_arm!r}")
    far = 1.0 if direction == "increase" else 0.0
    if p1 == far:
        raise InputError(f"p_baseline: {p1:g} leaves no room for an {direction}")

    def gap(p2: float) -> float:
        return (
            power_two_proportions(
                p1, p2, n, alpha=a, two_sided=two_sided, ratio=r, continuity_correction=continuity_correction
            )
            - pw
        )

    if gap(far) < 0:
        raise InputError(
            f"n_per_arm: {n:g} per arm cannot detect any {direction} from {p1:g} with power {pw:g} "
            f"at alpha {a:g}; more contacts are needed"
        )
    near = p1 + (1e-12 if direction == "increase" else -1e-12)
    p2 = optimize.brentq(gap, near, far, xtol=1e-14, rtol=1e-12)
    return abs(p2 - p1)
