"""Klarna's AI assistant (``klarna-assistant``): tiering by intent, the human queue, quiet failure, unit cost.

The case runs on the generic segment generator (:class:`nogo.cases.segments.SegmentCase`): its decision
log is the case file's intents. This package adds only what the generator does not model:

- :mod:`~nogo.cases.klarna_assistant.tiers`: the intents grouped in tiers (:data:`INTENT_TIERS`, an
  assumption: which intents Klarna's assistant handled is not public) and :func:`intent_costs`, what a
  contact of each intent costs on each path;
- :mod:`~nogo.cases.klarna_assistant.queue`: the on-demand team as an Erlang C queue
  (:func:`team_table`, :func:`largest_rate_held`, :func:`queue_cost_per_hour_usd`);
- :mod:`~nogo.cases.klarna_assistant.economics`: the model's cost per contact and each tier's blend
  against people (:func:`model_cost_per_contact_usd`, :func:`tier_economics`);
- :mod:`~nogo.cases.klarna_assistant.contacts`: a synthetic contact log in which the headline rises while
  the hard tail's repeat contacts climb (:func:`contact_log`, :func:`weekly_metrics`);
- :mod:`~nogo.cases.klarna_assistant.charts`: :func:`quiet_failure_chart`;
- :mod:`~nogo.cases.klarna_assistant.reading`: :func:`record_table`, the check against the record;
- :mod:`~nogo.cases.klarna_assistant.signature`: :class:`TieringTask`, the signature drill (the tier the
  assistant resolves alone and the team's size);

and :data:`CASE`. Everything generated here is SYNTHETIC; every price, wage and volume is an assumption
of the case file, never a Klarna figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from nogo.cases.case import CaseData
from nogo.cases.klarna_assistant.charts import quiet_failure_chart
from nogo.cases.klarna_assistant.contacts import contact_log, weekly_metrics
from nogo.cases.klarna_assistant.economics import model_cost_per_contact_usd, model_prices, tier_economics
from nogo.cases.klarna_assistant.queue import largest_rate_held, queue_cost_per_hour_usd, team_table
from nogo.cases.klarna_assistant.reading import record_table
from nogo.cases.klarna_assistant.signature import TEAM_SIZES, TieringTask
from nogo.cases.klarna_assistant.tiers import (
    INTENT_TIERS,
    TIER_CHOICES,
    intent_costs,
    max_tier,
    tier_of_intent,
)
from nogo.cases.segments import SegmentCase

__all__ = [
    "CASE",
    "INTENT_TIERS",
    "TEAM_SIZES",
    "TIER_CHOICES",
    "KlarnaAssistantCase",
    "TieringTask",
    "contact_log",
    "intent_costs",
    "largest_rate_held",
    "max_tier",
    "model_cost_per_contact_usd",
    "model_prices",
    "queue_cost_per_hour_usd",
    "quiet_failure_chart",
    "record_table",
    "team_table",
    "tier_economics",
    "tier_of_intent",
    "weekly_metrics",
]


class KlarnaAssistantCase(SegmentCase):
    """The Klarna case: the generic segment case, with the log's days set by its traffic an hour, and
    its own signature drill.

    Examples
    --------
    >>> import nogo
    >>> case = nogo.open_case(nogo.Project.find().case("klarna-assistant"))
    >>> data = case.build()
    >>> round(len(data.log) / (data.days * data.desk.hours_per_day), 6)  # contacts an hour on shift
    40.0
    """

    def days(self, log: pd.DataFrame, params: Mapping[str, Any]) -> float:
        """Days of traffic the log covers: ``n_contacts / (contacts_per_hour * hours_per_day)``."""
        return float(params["n_contacts"]) / (
            float(params["contacts_per_hour"]) * float(params["hours_per_day"])
        )

    def signature_task(self, data: CaseData) -> TieringTask:
        """The tier the assistant resolves alone and the on-demand team's size: :class:`TieringTask`."""
        return TieringTask(data)


CASE = KlarnaAssistantCase
