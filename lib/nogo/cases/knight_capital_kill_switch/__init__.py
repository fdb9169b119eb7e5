"""Knight Capital, 1 August 2012: which kill switches a trading system needs before a deployment
(``knight-capital-kill-switch``).

The record (shared/incidents.md section 6): new order-router code missing from one of eight servers woke a
retired function that sent child orders without noticing fills; in about 45 minutes after the open it sent
more than 4 million child orders for 212 parent orders and lost more than $460M; automated emails before the
open were not designed as alerts, and no control stopped order flow at a capital threshold.

The decision log comes from the case file's segments (the generic generator,
:class:`~nogo.cases.segments.SegmentCase`): the releases an automated pipeline puts in front of the order
router (routine releases, router releases, releases that reuse a retired flag, releases with a server on old
code, hotfixes in trading hours), with the case file's hard rules. What the case adds, all SYNTHETIC:

- :mod:`~nogo.cases.knight_capital_kill_switch.timeline`: :func:`errant_stream`, the 45 minutes second by
  second with the published totals planted and the loss's shape a parameter; :func:`switch_table` and
  :func:`halt_minute_table`, the loss each switch or halt lets through, beside the closed form of the
  planted path (:func:`closed_form_loss_usd`, :func:`closed_form_fire_second`);
- :mod:`~nogo.cases.knight_capital_kill_switch.drill`: :class:`KillSwitchTask`, the signature drill (a
  loss cap, an order-to-fill cap, where the alert goes) on the bad day and a seeded set of normal days
  (:func:`normal_days`);
- :mod:`~nogo.cases.knight_capital_kill_switch.alerts`: :func:`time_to_harm_table`, minutes to each level
  of loss against each alert route's latency;
- :mod:`~nogo.cases.knight_capital_kill_switch.charts`: :func:`loss_path_chart`, the cumulative loss with
  each switch's fire as a labelled rule;

and :data:`CASE`, the case through the case interface.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from nogo.cases.case import CaseData
from nogo.cases.casefile import CaseFile
from nogo.cases.knight_capital_kill_switch.alerts import ROUTE_LATENCY_MINUTES, time_to_harm_table
from nogo.cases.knight_capital_kill_switch.charts import loss_path_chart
from nogo.cases.knight_capital_kill_switch.drill import (
    EMAIL,
    HALT_RULE,
    LOSS_CAPS,
    PAGE_5,
    PAGE_15,
    RATIO_CAPS,
    ROUTES,
    KillSwitchTask,
    normal_days,
)
from nogo.cases.knight_capital_kill_switch.timeline import (
    OPEN,
    RATIO_COLUMN,
    closed_form_fire_second,
    closed_form_loss_usd,
    default_switches,
    errant_stream,
    halt_minute_table,
    switch_table,
    usd_label,
)
from nogo.cases.segments import SegmentCase

__all__ = [
    "CASE",
    "EMAIL",
    "HALT_RULE",
    "LOSS_CAPS",
    "OPEN",
    "PAGE_5",
    "PAGE_15",
    "RATIO_CAPS",
    "RATIO_COLUMN",
    "ROUTES",
    "ROUTE_LATENCY_MINUTES",
    "STEP_SECONDS",
    "KillSwitchTask",
    "KnightCapitalCase",
    "bad_day_stream",
    "closed_form_fire_second",
    "closed_form_loss_usd",
    "default_switches",
    "errant_stream",
    "halt_minute_table",
    "kill_switch_task",
    "loss_path_chart",
    "normal_days",
    "planted_totals",
    "switch_table",
    "time_to_harm_table",
    "usd_label",
]

STEP_SECONDS = 1
"""Seconds per row of the bad day's stream (2,700 rows for 45 minutes)."""


def planted_totals(case: CaseFile, params: dict[str, Any]) -> dict[str, Any]:
    """The closed form's arguments: the record's totals (the case file's figures) and the loss's shape.

    Examples
    --------
    >>> import nogo
    >>> case = nogo.Project.find().case("knight-capital-kill-switch")
    >>> planted_totals(case, case.defaults())["parent_orders"]
    212
    """
    fig = case.figure
    return {
        "loss_total_usd": fig("loss_usd").value,
        "minutes": fig("errant_minutes").value,
        "child_orders": int(fig("child_orders").value),
        "parent_orders": int(fig("parent_orders").value),
        "loss_power": float(params["loss_power"]),
    }


def bad_day_stream(case: CaseFile, params: dict[str, Any]) -> pd.DataFrame:
    """The planted stream of 1 August 2012 at a parameter set (:func:`errant_stream`, SYNTHETIC)."""
    return errant_stream(
        **planted_totals(case, params),
        shares=int(case.figure("shares").value),
        step_seconds=STEP_SECONDS,
        seed=int(params["seed"]),
    )


def kill_switch_task(case: CaseFile, params: dict[str, Any]) -> KillSwitchTask:
    """The signature task at a parameter set: the bad day's stream and the normal days' assumptions."""
    stream = bad_day_stream(case, params)
    signature = case.signature
    return KillSwitchTask(
        cum_loss_usd=stream["cum_loss_usd"],
        child_per_parent=stream[RATIO_COLUMN],
        step_seconds=STEP_SECONDS,
        n_normal_days=int(params["normal_days"]),
        drawdown_median_usd=float(params["drawdown_median_usd"]),
        ratio_median=float(params["ratio_median"]),
        session_profit_usd=float(params["session_profit_usd"]),
        alert_lead_minutes=float(params["alert_lead_minutes"]),
        seed=int(params["seed"]),
        question=None if signature is None else signature.question,
    )


class KnightCapitalCase(SegmentCase):
    """The case on the generic segment generator, with its own signature drill (:class:`KillSwitchTask`).

    Everything but :meth:`signature_task` is :class:`~nogo.cases.segments.SegmentCase`'s: the decision
    log, ``p``, the costs, the desk and the hard rules come from the case file's ``segments`` section.
    """

    def signature_task(self, data: CaseData) -> KillSwitchTask:
        """The loss cap, the order-to-fill cap and the alert's route, on the bad day and the normal days."""
        return kill_switch_task(self.file, dict(data.parameters))


CASE = KnightCapitalCase
