"""The alert threshold and the alert desk's nurses: the case's signature drill.

What the PM deploying a vendor's sepsis alert controls is not the model but two numbers: how many
hospitalisations the alert fires on (the threshold, read as the share alerted) and how many nurses answer
the alerts on each shift. :class:`AlertDeskTask` offers both as levers and prices every setting on one
seeded simulation of the days after go-live (:func:`simulate_alert_desk`), all SYNTHETIC:

- each day, hospitalisations arrive (Poisson, ``hospitalisations_per_day``) and a share ``prevalence``
  has sepsis (binomial); the alert fires on a septic stay with the score's sensitivity at that share and
  on a stay without sepsis with its false alert rate (:func:`~.cohort.operating_points` on the fitted
  binormal score, at this variant's local AUROC);
- for the last ``surge_days`` of the horizon the alert volume rises by ``surge_alert_increase`` (the
  +43% seen at 24 hospitals when COVID-19 arrived), from stays without sepsis (an assumption: the record
  counts the alerts, not what they were): the same threshold now fires more often and is right less often
  (a dataset shift);
- each alert is a queue item for the desk (Erlang C, :mod:`nogo.models.escalation`), 24 hours a day.
  A nurse catches a true alert with :func:`~nogo.models.escalation.catch_rate`: lower when alerts are
  rarely right and when each nurse sees more of them an hour (alert fatigue). The catch counts only if
  the nurse's answer comes before harm: the alert's lead time before sepsis (median 0 minutes in a
  study of two county emergency departments) plus a treatment window
  (:func:`~nogo.models.escalation.share_too_late`);
- clinicians catch a share of sepsis in time on their own, alert or no alert; a septic stay caught by
  neither costs ``missed_sepsis_usd``; a false alert costs ``false_alert_usd`` at the bedside; nurses cost
  their hourly rate around the clock.

The draws are common to every setting (the same arrivals and the same uniform draw behind each day's
counts), so two settings differ only by what the PM chose. A setting whose desk is staffed below its
arrival rate on any day (or has no nurse and alerts) breaks the case's rule (:data:`DESK_RULE`): alerts
nobody answers are not an escalation. It is never the optimum.

Every price, the clinicians' share, the fatigue curve, the lead-time spread and the treatment window are
ILLUSTRATIVE assumptions (the case file's parameters), not figures from the record.

Examples
--------
>>> task = AlertDeskTask(DeskInputs(local_auroc=0.63))
>>> task.optimum()[0]
{'share_alerted': 'no alerts', 'nurses': 0}
>>> task.evaluate({"share_alerted": "30%", "nurses": 1}).broken_rules == (DESK_RULE,)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from scipy.stats import binom, norm, poisson

from nogo.cases.epic_sepsis_alerts.cohort import fit_binormal, operating_points
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.errors import InputError
from nogo.formatting import format_count, format_percent, format_usd
from nogo.models.escalation import catch_rate, share_too_late

__all__ = [
    "DESK_RULE",
    "NURSE_CHOICES",
    "SHARE_CHOICES",
    "AlertDeskTask",
    "DeskInputs",
    "simulate_alert_desk",
]

SHARE_CHOICES: dict[str, float] = {"no alerts": 0.0, "5%": 0.05, "10%": 0.10, "18%": 0.18, "30%": 0.30}
"""The threshold, as the share of hospitalisations it alerts on (18%: a score of 6 at Michigan)."""
NURSE_CHOICES: tuple[int, ...] = (0, 1, 2, 4, 8)
"""Nurses on the alert desk on every shift (0: no desk)."""
DESK_RULE = "every alert is answered by a nurse: the desk is staffed above its arrival rate"
"""The signature drill's hard rule: a desk below its arrival rate breaks it."""
_STREAM = 0xDE5C  # the desk simulation's own random stream beside the case's seed
_LEADS = norm.ppf((np.arange(101) + 0.5) / 101)  # quantiles of the lead time's standard normal


@dataclass(frozen=True)
class DeskInputs:
    """The numbers the desk simulation runs on (the case file's parameters; defaults are the case's).

    Attributes
    ----------
    local_auroc, prevalence
        The score's discrimination on this hospital's patients, and the share of stays with sepsis.
    hospitalisations_per_day
        Stays a day across the hospitals the desk serves.
    nurse_minutes_per_alert, nurse_cost_per_hour_usd
        A nurse's minutes per alert (chart review and a call to the bedside), and cost per hour.
    missed_sepsis_usd, false_alert_usd
        Cost of a septic stay caught neither by the alert nor by clinicians in time; of a false alert.
    clinician_timely_rate
        Share of septic stays clinicians catch in time on their own.
    fatigue_half_volume_per_hour, fatigue_max_catch_rate, fatigue_precision_exponent
        The fatigue curve (:func:`~nogo.models.escalation.catch_rate`).
    lead_median_minutes, lead_spread_minutes, treatment_window_minutes
        The alert's lead time before sepsis (normal: median and standard deviation), and the minutes
        after onset within which treatment still counts as timely.
    surge_alert_increase, surge_days, horizon_days
        The rise in alert volume in the surge, the days it lasts (at the end), the days simulated.
    seed
        Seed of the arrivals.
    """

    local_auroc: float = 0.63
    prevalence: float = 2552 / 38455
    hospitalisations_per_day: float = 600.0
    nurse_minutes_per_alert: float = 10.0
    nurse_cost_per_hour_usd: float = 60.0
    missed_sepsis_usd: float = 20000.0
    false_alert_usd: float = 100.0
    clinician_timely_rate: float = 0.8
    fatigue_half_volume_per_hour: float = 3.0
    fatigue_max_catch_rate: float = 0.95
    fatigue_precision_exponent: float = 0.5
    lead_median_minutes: float = 0.0
    lead_spread_minutes: float = 180.0
    treatment_window_minutes: float = 60.0
    surge_alert_increase: float = 0.43
    surge_days: int = 21
    horizon_days: int = 90
    seed: int = 20210621

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "lead_median_minutes" and (not np.isfinite(value) or value < 0):
                raise InputError(f"alert desk: {f.name} must be a finite number >= 0, got {value!r}")
        for name in ("prevalence", "clinician_timely_rate", "fatigue_max_catch_rate"):
            if getattr(self, name) > 1:
                raise InputError(f"alert desk: {name} is a share, at most 1, got {getattr(self, name)!r}")
        if not 0.5 <= self.local_auroc < 1:
            raise InputError(f"alert desk: local_auroc must be in [0.5, 1), got {self.local_auroc!r}")
        if self.horizon_days < 1 or self.surge_days > self.horizon_days or self.nurse_minutes_per_alert <= 0:
            raise InputError(
                "alert desk: horizon_days >= 1, surge_days <= horizon_days, minutes per alert > 0"
            )

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any], **override: Any) -> DeskInputs:
        """From a case's parameter set: every field the parameters name, the rest at the defaults."""
        names = {f.name for f in fields(cls)}
        given = {k: v for k, v in params.items() if k in names}
        return cls(**{**given, **override})

    def with_(self, **changes: Any) -> DeskInputs:
        """A copy with some fields changed (for what-if tables)."""
        return replace(self, **changes)


def simulate_alert_desk(inputs: DeskInputs, share_alerted: float, nurses: int) -> dict[str, float]:
    """One setting of the threshold (share alerted, 0 for none) and the desk over the horizon.

    Returns
    -------
    dict
        Counts: ``septic``, ``alerts``, ``true_alerts``, ``false_alerts``, ``caught_by_alert`` (caught in
        time by the alert path), ``missed`` (caught by nobody in time), ``unstable_days``; shares:
        ``precision`` (of the alerts), ``nurse_catch_rate`` (mean over true alerts), ``in_time_share``,
        ``peak_alerts_per_nurse_hour``, ``peak_utilisation``; costs: ``missed_usd``, ``false_alerts_usd``,
        ``nurses_usd`` and ``total_usd``.
    """
    p, days = inputs, int(inputs.horizon_days)
    if share_alerted < 0 or share_alerted >= 1:
        raise InputError(f"share alerted: expected a share in [0, 1), got {share_alerted!r}")
    if int(nurses) < 0:
        raise InputError(f"nurses: expected 0 or more, got {nurses!r}")
    rng = np.random.default_rng([int(p.seed), _STREAM])
    u = rng.random((4, days))  # common random numbers: the same draws behind every setting
    stays = poisson.ppf(u[0], p.hospitalisations_per_day)
    septic = binom.ppf(u[1], stays, p.prevalence)
    surge = np.arange(days) >= days - int(p.surge_days)
    if share_alerted > 0:
        fit = fit_binormal(p.local_auroc, p.prevalence, share_alerted)
        point = operating_points(fit, [share_alerted]).iloc[0]
        sens, fpr = float(point["sensitivity"]), float(point["false_alert_rate"])
        surge_fpr = min(
            ((1 + p.surge_alert_increase) * share_alerted - p.prevalence * sens) / (1 - p.prevalence), 1
        )
        rate = np.where(surge, surge_fpr, fpr)
        true_alerts = binom.ppf(u[2], septic, sens)
        false_alerts = binom.ppf(u[3], stays - septic, rate)
    else:
        true_alerts = false_alerts = np.zeros(days)
    alerts = true_alerts + false_alerts
    per_hour = alerts / 24.0
    c = max(int(nurses), 1)
    utilisation = np.where(alerts > 0, per_hour * p.nurse_minutes_per_alert / 60.0 / c, 0.0)
    unstable = (utilisation >= 1) | ((alerts > 0) & (int(nurses) == 0))
    precision = np.divide(true_alerts, alerts, out=np.zeros(days), where=alerts > 0)
    catch = catch_rate(
        precision, per_hour / c, max_catch_rate=p.fatigue_max_catch_rate,
        precision_exponent=p.fatigue_precision_exponent, half_volume_per_hour=p.fatigue_half_volume_per_hour,
    )  # fmt: skip
    deadline = np.maximum(
        p.lead_median_minutes + p.lead_spread_minutes * _LEADS + p.treatment_window_minutes, 0.0
    )
    rates = np.repeat(np.where(unstable, 0.0, per_hour), deadline.size)  # one row per (day, lead quantile)
    late = share_too_late(rates, p.nurse_minutes_per_alert, c, np.tile(deadline, days))
    late = late.reshape(days, deadline.size).mean(axis=1)
    in_time = np.where(unstable, 0.0, 1.0 - late)
    caught = true_alerts * catch * in_time * (1 - p.clinician_timely_rate)  # caught only thanks to the alert
    missed = septic * (1 - p.clinician_timely_rate) - caught
    out = {
        "septic": float(septic.sum()),
        "alerts": float(alerts.sum()),
        "true_alerts": float(true_alerts.sum()),
        "false_alerts": float(false_alerts.sum()),
        "caught_by_alert": float(caught.sum()),
        "missed": float(missed.sum()),
        "unstable_days": float(unstable.sum()),
        "precision": float(true_alerts.sum() / alerts.sum()) if alerts.sum() else 0.0,
        "nurse_catch_rate": float((catch * true_alerts).sum() / true_alerts.sum())
        if true_alerts.sum()
        else 0.0,
        "in_time_share": float((in_time * true_alerts).sum() / true_alerts.sum())
        if true_alerts.sum()
        else 0.0,
        "peak_alerts_per_nurse_hour": float(per_hour.max() / c),
        "peak_utilisation": float(utilisation.max()),
        "missed_usd": float(missed.sum()) * p.missed_sepsis_usd,
        "false_alerts_usd": float(false_alerts.sum()) * p.false_alert_usd,
        "nurses_usd": int(nurses) * 24.0 * days * p.nurse_cost_per_hour_usd,
    }
    out["total_usd"] = out["missed_usd"] + out["false_alerts_usd"] + out["nurses_usd"]
    return out


class AlertDeskTask(SignatureTask):
    """The share of stays the alert fires on and the nurses on the alert desk (see the module docstring).

    Parameters
    ----------
    inputs
        The simulation's numbers (:meth:`DeskInputs.from_parameters`).

    Attributes
    ----------
    levers
        ``share_alerted`` (:data:`SHARE_CHOICES`) and ``nurses`` (:data:`NURSE_CHOICES`): 25 settings.
    """

    question = (
        "Where do you set the alert's threshold (the share of hospitalisations it fires on, or no alerts), "
        "and how many nurses answer the alerts on each shift?"
    )
    levers = (
        Lever("share_alerted", "share of hospitalisations alerted (the threshold)", tuple(SHARE_CHOICES),
              help="a lower threshold alerts more stays: more sepsis flagged, more false alerts"),
        Lever("nurses", "nurses on the alert desk, every shift", NURSE_CHOICES, unit="nurses",
              help="each reviews alerts around the clock; more alerts per nurse, more missed"),
    )  # fmt: skip

    def __init__(self, inputs: DeskInputs) -> None:
        self.inputs = inputs

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting on the simulated days: missed sepsis, false alerts and nurses, in USD."""
        setting = self.check(choices)
        share, nurses = SHARE_CHOICES[str(setting["share_alerted"])], int(setting["nurses"])
        sim = simulate_alert_desk(self.inputs, share, nurses)
        broken = (DESK_RULE,) if sim["unstable_days"] > 0 else ()
        metrics = {
            "alerts": round(sim["alerts"]),
            "share of alerts that were sepsis": sim["precision"],
            "septic stays caught only thanks to the alert": round(sim["caught_by_alert"], 1),
            "septic stays caught by nobody in time": round(sim["missed"], 1),
            "nurse's catch rate on true alerts": sim["nurse_catch_rate"],
            "true alerts answered before harm": sim["in_time_share"],
            "busiest hour's alerts per nurse": sim["peak_alerts_per_nurse_hour"],
            "days the queue grows without end": int(sim["unstable_days"]),
            "missed sepsis (USD)": sim["missed_usd"],
            "false alerts (USD)": sim["false_alerts_usd"],
            "nurses (USD)": sim["nurses_usd"],
        }
        if share == 0:
            story = (
                f"No alerts: clinicians alone; {format_count(round(sim['missed']))} septic stays caught by "
                f"nobody in time ({format_usd(sim['missed_usd'])})"
                + (f", and {nurses} nurses paid for an empty desk." if nurses else ".")
            )
        else:
            story = (
                f"{format_count(round(sim['alerts']))} alerts, "
                f"{format_percent(sim['precision'])} of them sepsis; "
                f"nurses catch {format_percent(sim['nurse_catch_rate'])} of the true ones, "
                f"{format_percent(sim['in_time_share'])} before harm: "
                f"{format_count(round(sim['caught_by_alert']))} stays caught only thanks to the alert."
            )
            if broken:
                story += (
                    f" On {int(sim['unstable_days'])} days the queue grows without end: "
                    f"breaks the rule, {DESK_RULE}."
                )
        return SignatureOutcome(sim["total_usd"], metrics, broken, story)
