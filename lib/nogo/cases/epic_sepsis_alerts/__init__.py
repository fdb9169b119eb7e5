"""Epic's sepsis alert: a vendor score switched on without an independent validation, validated only
afterwards (``epic-sepsis-alerts``).

The record (incidents.md, section 4): in a retrospective validation at Michigan Medicine the score's AUROC
was 0.63 on 38,455 hospitalisations (2,552 with sepsis), far below the 0.76-0.83 the vendor had reported
(seen only in a secondary source); at the threshold in use there (a score of 6) it flagged 18% of
hospitalised patients and caught 33% of sepsis; a follow-up found alerts a day up 43% at 24 hospitals when
COVID-19 arrived, and Michigan paused the alerts in April 2020 (seen only in a news summary of that
follow-up); in a later study of two county emergency departments the median alert came 0 minutes before
sepsis.

The decision log of the stream and policy drills comes from the case file's segments (the generic
generator, :class:`~nogo.cases.segments.SegmentCase`): stays with a high score on a ward, in the emergency
department, after surgery, a low score with rising lactate, and a low score with nothing else; each may be
acted on alone (a sepsis bundle ordered automatically: the case's hard rule forbids it), escalated (the
alert desk's nurse is paged) or declined (no alert). What the case adds, all SYNTHETIC:

- :mod:`~nogo.cases.epic_sepsis_alerts.cohort`: :func:`fit_binormal` (a binormal score fitted to the AUROC,
  the prevalence and the share alerted; the sensitivity then follows), :func:`synthetic_cohort`,
  :func:`operating_points`, :func:`vendor_stated_risk`;
- :mod:`~nogo.cases.epic_sepsis_alerts.desk`: :class:`AlertDeskTask`, the signature drill (the share
  alerted and the nurses per shift) on :func:`simulate_alert_desk`;
- :mod:`~nogo.cases.epic_sepsis_alerts.shift`: the surge (:func:`surge_table`, :func:`daily_alerts`,
  :func:`alert_rate_alarm`);
- :mod:`~nogo.cases.epic_sepsis_alerts.record`: :func:`reconstructed_figures`, :func:`empirical_auroc`;
- :mod:`~nogo.cases.epic_sepsis_alerts.charts`: :func:`operating_chart`, :func:`daily_alerts_chart`;

and :data:`CASE`, the case through the case interface.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nogo.cases.case import CaseData
from nogo.cases.epic_sepsis_alerts.charts import daily_alerts_chart, operating_chart
from nogo.cases.epic_sepsis_alerts.cohort import (
    BinormalFit,
    fit_binormal,
    operating_points,
    synthetic_cohort,
    vendor_stated_risk,
)
from nogo.cases.epic_sepsis_alerts.desk import (
    DESK_RULE,
    NURSE_CHOICES,
    SHARE_CHOICES,
    AlertDeskTask,
    DeskInputs,
    simulate_alert_desk,
)
from nogo.cases.epic_sepsis_alerts.record import empirical_auroc, reconstructed_figures
from nogo.cases.epic_sepsis_alerts.shift import alert_rate_alarm, daily_alerts, surge_table
from nogo.cases.segments import SegmentCase

__all__ = [
    "CASE",
    "DESK_RULE",
    "NURSE_CHOICES",
    "SHARE_CHOICES",
    "AlertDeskTask",
    "BinormalFit",
    "DeskInputs",
    "EpicSepsisAlertsCase",
    "alert_rate_alarm",
    "daily_alerts",
    "daily_alerts_chart",
    "desk_inputs",
    "empirical_auroc",
    "fit_binormal",
    "operating_chart",
    "operating_points",
    "reconstructed_figures",
    "simulate_alert_desk",
    "surge_table",
    "synthetic_cohort",
    "vendor_stated_risk",
]


def desk_inputs(data: CaseData, **override: Any) -> DeskInputs:
    """The desk simulation's numbers for a built case: its parameters, and the stays a day of its log."""
    params: Mapping[str, Any] = data.parameters
    per_day = float(len(data.log)) / float(data.days)
    return DeskInputs.from_parameters(params, hospitalisations_per_day=per_day, **override)


class EpicSepsisAlertsCase(SegmentCase):
    """The case on the generic segment generator, with its own signature drill (:class:`AlertDeskTask`).

    Everything but :meth:`signature_task` is :class:`~nogo.cases.segments.SegmentCase`'s: the decision log,
    ``p``, the costs, the desk and the hard rule come from the case file's ``segments`` section.
    """

    def signature_task(self, data: CaseData) -> AlertDeskTask:
        """The share of stays alerted and the nurses per shift, on :func:`simulate_alert_desk`."""
        return AlertDeskTask(desk_inputs(data))


CASE = EpicSepsisAlertsCase
