"""The dataset shift: alert volume rose 43% when COVID-19 arrived, and what a surge like it does to a desk.

Wong et al. (JAMA Network Open 2021) counted the alerts a day at 24 hospitals in the three weeks before
and after the first COVID-19 case: up 43%. Michigan paused the alerts in April 2020 (seen only in a news
summary of that paper). Here the same threshold meets a SYNTHETIC surge, with an ASSUMPTION the record
does not make: the extra alerts come from stays without sepsis (the score's inputs shifted, the sepsis did
not), so each alert is right less often while each nurse sees more (:func:`surge_table`).
:func:`daily_alerts` draws the days around the surge, and :func:`alert_rate_alarm` is the quiet-failure
metric that would catch it: the day's alerts above the baseline's mean plus ``k`` standard deviations, on
``run`` days in a row.

Examples
--------
>>> daily = daily_alerts(108.0, 0.43, days_before=21, days_after=21, seed=1)
>>> alert_rate_alarm(daily["alerts"].to_numpy(), baseline_days=21)
22
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nogo.cases.epic_sepsis_alerts.cohort import BinormalFit
from nogo.errors import InputError
from nogo.models.escalation import catch_rate

__all__ = ["alert_rate_alarm", "daily_alerts", "surge_table"]

_STREAM = 0xC0F1D  # the surge's own random stream beside the case's seed


def surge_table(
    fit: BinormalFit,
    hospitalisations_per_day: float,
    alert_increase: float,
    nurses: int,
    **fatigue: float,
) -> pd.DataFrame:
    """Before and during the surge at the fitted threshold: alerts a day, the share that were sepsis,
    alerts per nurse-hour and the nurse's catch rate (:func:`~nogo.models.escalation.catch_rate`).

    Returns
    -------
    pandas.DataFrame
        One row per period (``before``, ``surge``): ``alerts_per_day``, ``true_alerts_per_day``,
        ``ppv``, ``alerts_per_nurse_hour``, ``nurse_catch_rate``.
    """
    if nurses < 1:
        raise InputError(f"nurses: at least 1, got {nurses!r}")
    alerts = fit.alert_share * hospitalisations_per_day * np.array([1.0, 1.0 + alert_increase])
    true = np.full(2, fit.prevalence * fit.sensitivity * hospitalisations_per_day)
    ppv = true / alerts
    per_nurse = alerts / 24.0 / nurses
    return pd.DataFrame(
        {
            "period": ["before", "surge"],
            "alerts_per_day": alerts,
            "true_alerts_per_day": true,
            "ppv": ppv,
            "alerts_per_nurse_hour": per_nurse,
            "nurse_catch_rate": catch_rate(ppv, per_nurse, **fatigue),
        }
    )


def daily_alerts(
    alerts_per_day: float, alert_increase: float, *, days_before: int, days_after: int, seed: int
) -> pd.DataFrame:
    """SYNTHETIC alerts a day (Poisson, seeded) for ``days_before`` days, then ``days_after`` days at
    ``1 + alert_increase`` times the rate: ``day`` (0 is the first surge day), ``period`` and ``alerts``."""
    rng = np.random.default_rng([int(seed), _STREAM])
    day = np.arange(-int(days_before), int(days_after))
    rate = np.where(day < 0, alerts_per_day, alerts_per_day * (1 + alert_increase))
    return pd.DataFrame(
        {"day": day, "period": np.where(day < 0, "before", "surge"), "alerts": rng.poisson(rate)}
    )


def alert_rate_alarm(alerts: np.ndarray, baseline_days: int, k: float = 3.0, run: int = 2) -> int | None:
    """The first day (index into ``alerts``) closing a run of ``run`` days above the baseline's mean
    plus ``k`` standard deviations (the baseline: the first ``baseline_days``), or None."""
    a = np.asarray(alerts, dtype=float)
    base = a[: int(baseline_days)]
    high = a > base.mean() + k * base.std(ddof=1)
    high[: int(baseline_days)] = False
    streak = np.convolve(high.astype(int), np.ones(int(run), dtype=int), mode="full")[: a.size]
    hits = np.flatnonzero(streak >= run)
    return int(hits[0]) if hits.size else None
