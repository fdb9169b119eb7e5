"""A synthetic score fitted to three figures of the external validation, and the cohort drawn from it.

The Michigan validation (Wong et al., JAMA Internal Medicine 2021) published the discrimination (AUROC
0.63), the prevalence (2,552 of 38,455 hospitalisations) and, in the follow-up (JAMA Network Open 2021),
the share of hospitalisations alerted at the threshold in use (18% at a score of 6) and the sensitivity
there (33%). The reconstruction is a **binormal** score, the textbook model of a diagnostic score:

* the score of a hospitalisation without sepsis is ``N(0, 1)``, with sepsis ``N(d, 1)``;
* the AUROC of a binormal score is ``Phi(d / sqrt(2))``, so the AUROC **fixes** the separation:
  ``d = sqrt(2) * Phi^-1(AUROC)``;
* the share alerted at a cut ``z`` is ``(1 - prevalence) * (1 - Phi(z)) + prevalence * (1 - Phi(z - d))``;
  the 18% alerted **fixes** the cut;
* the sensitivity at that cut, ``1 - Phi(z - d)``, then **follows**: it is not fitted, and comparing it
  with the published 33% is the reconstruction's independent check (``kind: reproduced``).

:func:`fit_binormal` does the fit in closed form (one root-find for the cut); :func:`synthetic_cohort`
draws one SYNTHETIC hospitalisation per row (the planted sepsis count exact, the scores seeded and
vectorised); :func:`operating_points` reads sensitivity, specificity, PPV and alerts at any share
alerted. A stated risk (:func:`vendor_stated_risk`) turns the score into the probability it would be if
the vendor's reported discrimination held, so the notebook can show what a local calibration finds.

Examples
--------
>>> fit = fit_binormal(auroc=0.63, prevalence=2552 / 38455, alert_share=0.18)
>>> round(fit.separation, 3), round(fit.cut, 3)
(0.469, 0.952)
>>> round(fit.sensitivity, 3), round(fit.ppv, 3)
(0.315, 0.116)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit
from scipy.stats import norm

from nogo.errors import InputError

__all__ = ["BinormalFit", "fit_binormal", "operating_points", "synthetic_cohort", "vendor_stated_risk"]

_STREAM = 0x5E951  # the cohort's own random stream beside the case's seed


@dataclass(frozen=True)
class BinormalFit:
    """A binormal score fitted to an AUROC, a prevalence and a share alerted.

    Attributes
    ----------
    auroc, prevalence, alert_share
        The three figures it was fitted to (inputs).
    separation
        ``d``: how far the septic scores sit above the others, in standard deviations.
    cut
        ``z``: the cut on the score that alerts ``alert_share`` of hospitalisations.
    """

    auroc: float
    prevalence: float
    alert_share: float
    separation: float
    cut: float

    @property
    def sensitivity(self) -> float:
        """Share of septic hospitalisations alerted at the fitted cut (follows from the fit)."""
        return float(norm.sf(self.cut - self.separation))

    @property
    def specificity(self) -> float:
        """Share of hospitalisations without sepsis not alerted at the fitted cut."""
        return float(norm.cdf(self.cut))

    @property
    def ppv(self) -> float:
        """Share of alerted hospitalisations that had sepsis: ``prevalence * sensitivity / alert_share``."""
        return self.prevalence * self.sensitivity / self.alert_share

    def cut_for_share(self, share: npt.ArrayLike) -> np.ndarray:
        """The cut on the score that alerts each ``share`` of hospitalisations (vectorised root-finds)."""
        s = np.atleast_1d(np.asarray(share, dtype=float))
        if ((s <= 0) | (s >= 1)).any():
            raise InputError(f"share alerted: expected values in (0, 1), got {s.tolist()}")
        return np.array([_cut(self.prevalence, self.separation, float(x)) for x in s])


def _alerted(z: float, prevalence: float, d: float) -> float:
    return (1 - prevalence) * norm.sf(z) + prevalence * norm.sf(z - d)


def _cut(prevalence: float, d: float, share: float) -> float:
    return float(brentq(lambda z: _alerted(z, prevalence, d) - share, -10.0, 10.0 + d, xtol=1e-12))


def fit_binormal(auroc: float, prevalence: float, alert_share: float) -> BinormalFit:
    """The binormal score with this AUROC, alerting ``alert_share`` at a prevalence of ``prevalence``.

    Raises
    ------
    InputError
        An AUROC outside [0.5, 1), or a prevalence or share outside (0, 1).
    """
    if not 0.5 <= auroc < 1:
        raise InputError(f"auroc: expected a value in [0.5, 1), got {auroc!r}")
    for name, x in (("prevalence", prevalence), ("alert_share", alert_share)):
        if not 0 < x < 1:
            raise InputError(f"{name}: expected a share in (0, 1), got {x!r}")
    d = float(np.sqrt(2.0) * norm.ppf(auroc))
    return BinormalFit(
        float(auroc), float(prevalence), float(alert_share), d, _cut(prevalence, d, alert_share)
    )


def operating_points(fit: BinormalFit, shares: npt.ArrayLike, hospitalisations: float = 1.0) -> pd.DataFrame:
    """What the score does at each share of hospitalisations alerted (closed form, no sampling).

    Returns
    -------
    pandas.DataFrame
        ``share_alerted``, ``cut``, ``sensitivity``, ``specificity``, ``ppv``, ``false_alert_rate``
        (share of hospitalisations without sepsis alerted), and for ``hospitalisations`` stays:
        ``alerted``, ``true_alerts``, ``missed`` (septic and not alerted).
    """
    s = np.atleast_1d(np.asarray(shares, dtype=float))
    z = fit.cut_for_share(s)
    sens = norm.sf(z - fit.separation)
    fpr = norm.sf(z)
    septic = fit.prevalence * float(hospitalisations)
    return pd.DataFrame(
        {
            "share_alerted": s,
            "cut": z,
            "sensitivity": sens,
            "specificity": 1 - fpr,
            "ppv": fit.prevalence * sens / s,
            "false_alert_rate": fpr,
            "alerted": s * hospitalisations,
            "true_alerts": sens * septic,
            "missed": (1 - sens) * septic,
        }
    )


def synthetic_cohort(fit: BinormalFit, hospitalisations: int, septic: int, seed: int) -> pd.DataFrame:
    """One SYNTHETIC hospitalisation per row: ``sepsis`` (exactly ``septic`` of them), ``score`` (binormal,
    seeded) and ``alerted`` (score at or above the fitted cut).

    Examples
    --------
    >>> fit = fit_binormal(0.63, 0.07, 0.18)
    >>> cohort = synthetic_cohort(fit, 1000, 70, seed=1)
    >>> int(cohort["sepsis"].sum()), len(cohort)
    (70, 1000)
    """
    if not 0 < septic < hospitalisations:
        raise InputError(
            f"septic: expected 0 < septic < hospitalisations, got {septic} of {hospitalisations}"
        )
    rng = np.random.default_rng([int(seed), _STREAM])
    sepsis = np.zeros(int(hospitalisations), dtype=np.int64)
    sepsis[rng.choice(int(hospitalisations), size=int(septic), replace=False)] = 1
    score = rng.standard_normal(int(hospitalisations)) + fit.separation * sepsis
    return pd.DataFrame(
        {
            "hospitalisation_id": np.arange(1, int(hospitalisations) + 1),
            "sepsis": sepsis,
            "score": score,
            "alerted": (score >= fit.cut).astype(np.int64),
        }
    )


def vendor_stated_risk(score: npt.ArrayLike, prevalence: float, vendor_auroc: float) -> np.ndarray:
    """The chance of sepsis a score would mean if the vendor's discrimination held (an ASSUMPTION).

    The posterior of a binormal score whose separation is ``sqrt(2) * Phi^-1(vendor_auroc)``:
    ``logit = log(prevalence / (1 - prevalence)) + d * score - d**2 / 2``. Read against the local
    outcomes (a reliability table), it shows how far a score's promise is from what it does here.

    Examples
    --------
    >>> vendor_stated_risk([0.0, 2.0], 0.07, 0.63).round(3).tolist()
    [0.063, 0.147]
    """
    z = np.asarray(score, dtype=float)
    d = float(np.sqrt(2.0) * norm.ppf(vendor_auroc))
    return expit(np.log(prevalence / (1 - prevalence)) + d * z - d * d / 2)
