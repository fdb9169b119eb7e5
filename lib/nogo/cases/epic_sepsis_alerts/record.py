"""What the notebook checks against the case file's published figures, each reconstruction named.

Three figures are **fitted** (the AUROC, the prevalence and the share alerted at a score of 6): they come
back from the synthetic cohort as drawn (``kind: input``). The sensitivity at that threshold is not
fitted: it **follows** from the binormal score (``kind: reproduced``), and so do the septic stays it
misses, the true alerts and the share of alerts that were sepsis, which restate the same check in other
units. The alert increase under COVID-19 and the median lead time are used as given (``input``).

Examples
--------
>>> from nogo.cases.project import Project
>>> from nogo.cases.epic_sepsis_alerts.cohort import fit_binormal, synthetic_cohort
>>> case = Project.find().case("epic-sepsis-alerts")
>>> fit = fit_binormal(0.63, 2552 / 38455, 0.18)
>>> figures = reconstructed_figures(case, fit, synthetic_cohort(fit, 38455, 2552, seed=1))
>>> round(figures["sensitivity_at_score_6"], 3)
0.315
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from nogo.cases.epic_sepsis_alerts.cohort import BinormalFit

__all__ = ["empirical_auroc", "reconstructed_figures"]


def empirical_auroc(score: Any, outcome: Any) -> float:
    """The AUROC of a score on outcomes, by ranks (Mann-Whitney): ties count half.

    Examples
    --------
    >>> empirical_auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    0.75
    """
    s = np.asarray(score, dtype=float)
    y = np.asarray(outcome, dtype=bool)
    ranks = rankdata(s)
    n1, n0 = int(y.sum()), int((~y).sum())
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def reconstructed_figures(case: Any, fit: BinormalFit, cohort: pd.DataFrame) -> dict[str, float]:
    """Each published figure of the case file (``case``: its CaseFile) as the reconstruction gives it.

    ``cohort`` is :func:`~.cohort.synthetic_cohort` drawn from ``fit``: the inputs are read back from it;
    the reproduced figures come from the fit's closed form at the cohort's size.
    """
    given = {f.name: f.value for f in case.published_figures}
    n, septic = len(cohort), int(cohort["sepsis"].sum())
    return {
        "hospitalisations": float(n),
        "septic_hospitalisations": float(septic),
        "auroc": empirical_auroc(cohort["score"], cohort["sepsis"]),
        "share_alerted_at_score_6": float(cohort["alerted"].mean()),
        "alerted_hospitalisations": float(cohort["alerted"].sum()),
        "sensitivity_at_score_6": fit.sensitivity,
        "septic_missed_at_score_6": (1 - fit.sensitivity) * septic,
        "true_alerts_at_score_6": fit.sensitivity * septic,
        "ppv_at_score_6": fit.ppv,
        "vendor_reported_auroc_low": given["vendor_reported_auroc_low"],
        "vendor_reported_auroc_high": given["vendor_reported_auroc_high"],
        "covid_alert_increase": given["covid_alert_increase"],
        "median_lead_minutes": given["median_lead_minutes"],
    }
