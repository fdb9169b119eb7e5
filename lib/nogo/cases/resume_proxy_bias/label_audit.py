"""How far an audit of labelled resumes can vouch for a repaired label: the decision boundary of the case.

The guardrail "train on a label audited for bias, not on who was hired before" has a price and a limit.
People read ``n_audited`` resumes and label each one's qualification; among the qualified, the audit
compares how often the old label (``hired_before``) hired women and men, and the label is repaired by
that measured gap. What the audit cannot measure stays in the label: the 95% bound of the error of a log
odds ratio estimated from the audit's counts (Woolf's standard error, ``sqrt(1/a + 1/b + 1/c + 1/d)``,
at the counts the audit expects). The repaired label is **certified** when that bound is within the
four-fifths rule (29 CFR 1607.4(D)): a qualified woman hired at no less than four-fifths of a qualified
man's rate, even at the bound.

The fewer qualified women past hiring took, the fewer hired women an audit finds and the wider its bound:
past some ``label_bias`` no audit of a given size can certify the label. That boundary is where the
case's call flips (:func:`label_bias_boundary`), from the planted parameters alone, so it is the same for
every seed and pool size. **Everything here is synthetic and illustrative** (the pool's shares and the
hiring model of :func:`~nogo.cases.resume_proxy_bias.pool.applicant_pool`).

Examples
--------
>>> a = label_audit(2.0, 5_000)
>>> a.certified, round(a.residual_logodds, 2), round(a.bar_logodds, 2)
(True, 0.32, 0.41)
>>> label_audit(3.0, 5_000).certified
False
>>> round(label_bias_boundary(5_000), 2)
2.9
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass

from scipy.integrate import quad
from scipy.optimize import brentq
from scipy.special import expit, logit
from scipy.stats import norm

from nogo._validate import as_bounded_scalar as _scalar
from nogo.cases.resume_proxy_bias.pool import applicant_pool
from nogo.errors import InputError

__all__ = ["FOUR_FIFTHS", "LabelAudit", "label_audit", "label_bias_boundary"]

FOUR_FIFTHS = 0.8
"""The four-fifths rule of thumb of the Uniform Guidelines (29 CFR 1607.4(D), R1)."""

_POOL = {
    name: p.default
    for name, p in inspect.signature(applicant_pool).parameters.items()
    if name in ("share_women", "share_qualified", "hire_intercept", "hire_weight")
}
"""The planted parameters the audit depends on: the applicant pool's defaults (one source)."""
_Z95 = float(norm.ppf(0.975))


@dataclass(frozen=True)
class LabelAudit:
    """What an audit of ``n_audited`` labelled resumes can say about a label with ``label_bias``.

    Attributes
    ----------
    label_bias
        The planted bias of past hiring against equally qualified women (log-odds).
    n_audited
        Resumes people read and label for qualification.
    hire_rate_qualified_men, hire_rate_qualified_women
        How often the old label hired qualified men and women (expected, from the planted model).
    qualified_women_hired
        Hired qualified women the audit expects to find: the smallest of its four counts.
    residual_logodds
        The 95% bound of the gap left in the repaired label (log odds ratio among the qualified); with
        nothing audited, the label's whole gap, unrepaired.
    bar_logodds
        The largest gap the four-fifths rule tolerates: qualified women hired at 0.8 of the men's rate.
    """

    label_bias: float
    n_audited: int
    hire_rate_qualified_men: float
    hire_rate_qualified_women: float
    qualified_women_hired: float
    residual_logodds: float
    bar_logodds: float

    @property
    def certified(self) -> bool:
        """Whether the repaired label passes the four-fifths rule even at the audit's 95% bound."""
        return self.n_audited > 0 and self.residual_logodds <= self.bar_logodds


def _hire_rate_qualified(shift: float) -> float:
    """``E[expit(intercept + weight * q - shift) | q >= cut]`` for ``q ~ N(0, 1)`` (the planted label)."""
    cut = float(norm.ppf(1 - _POOL["share_qualified"]))
    a, w = _POOL["hire_intercept"], _POOL["hire_weight"]
    mass, _ = quad(lambda q: expit(a + w * q - shift) * norm.pdf(q), cut, math.inf)
    return mass / _POOL["share_qualified"]


def label_audit(label_bias: float, n_audited: int) -> LabelAudit:
    """The audit's view of a label with ``label_bias``, from ``n_audited`` labelled resumes.

    Expected counts in the audit: ``n_audited * share_women * share_qualified`` qualified women, of whom
    the label hired ``hire_rate_qualified_women``, and likewise for men; the bound is ``1.96`` times
    Woolf's standard error of the log odds ratio at those counts (nothing audited: the whole gap,
    ``logit(h_m) - logit(h_w)``, stays). The bar is
    ``logit(h_m) - logit(0.8 h_m)``, with ``h_m`` the qualified men's hire rate.

    Raises
    ------
    InputError
        ``label_bias`` below 0, or ``n_audited`` not a whole number >= 0 (named).

    Examples
    --------
    >>> a = label_audit(2.0, 0)
    >>> a.certified, round(a.hire_rate_qualified_men, 3), round(a.hire_rate_qualified_women, 3)
    (False, 0.511, 0.171)
    """
    b = _scalar("label_bias", label_bias, low=0.0, expected="a bias >= 0 (log-odds)")
    if isinstance(n_audited, bool) or not isinstance(n_audited, int) or n_audited < 0:
        raise InputError(f"n_audited: expected a whole number of resumes >= 0, got {n_audited!r}")
    h_m, h_w = _hire_rate_qualified(0.0), _hire_rate_qualified(b)
    gap = float(logit(h_m) - logit(h_w))
    women = n_audited * _POOL["share_women"] * _POOL["share_qualified"]
    men = n_audited * (1 - _POOL["share_women"]) * _POOL["share_qualified"]
    counts = (women * h_w, women * (1 - h_w), men * h_m, men * (1 - h_m))
    bound = gap if n_audited == 0 else _Z95 * math.sqrt(sum(1 / c for c in counts))
    bar = float(logit(h_m) - logit(FOUR_FIFTHS * h_m))
    return LabelAudit(b, n_audited, h_m, h_w, women * h_w, bound, bar)


def label_bias_boundary(n_audited: int) -> float:
    """The ``label_bias`` above which an audit of ``n_audited`` resumes can no longer certify the label.

    Found by root finding (:func:`scipy.optimize.brentq`) on the audit's bound minus the bar, between no
    bias and a bias of 10 log-odds (where qualified women were almost never hired).

    Examples
    --------
    >>> label_audit(label_bias_boundary(5_000) - 0.01, 5_000).certified
    True
    >>> label_audit(label_bias_boundary(5_000) + 0.01, 5_000).certified
    False
    """
    if isinstance(n_audited, bool) or not isinstance(n_audited, int) or n_audited <= 0:
        raise InputError(f"n_audited: expected a whole number of resumes > 0, got {n_audited!r}")

    def margin(b: float) -> float:
        a = label_audit(b, n_audited)
        return a.residual_logodds - a.bar_logodds

    if margin(1e-6) > 0:
        raise InputError(f"n_audited: {n_audited} resumes cannot certify even an unbiased label")
    return float(brentq(margin, 1e-6, 10.0, xtol=1e-6))
