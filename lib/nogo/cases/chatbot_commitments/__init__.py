"""Customer-facing bots that said what the business could not stand behind (``chatbot-commitments``).

The case (shared/incidents.md section 10: the $1 Tahoe, NYC's MyCity, DPD after an update) runs on the
generic segment generator: its decision log is the case file's intents (product questions, price quotes,
price commitments, legal or regulatory advice, off-topic or abuse), built by
:class:`nogo.cases.segments.SegmentCase`, with the case file's hard rules (a person commits every price; a
legal rule is never stated alone). Only its signature drill is its own, in :mod:`.red_team`:
:class:`RedTeamTask` sizes the red team before launch and after every update (the rule of three as a
promotion gate) and chooses what takes a bad version off the air (a disclaimer, a kill switch, a rollback
trigger), on a seeded, vectorised simulation of a quarter. :func:`red_team_sizes_table` gives the attempts
a budget needs three ways (3 / budget, the exact binomial, :func:`nogo.decisions_needed`);
:func:`update_stream` and :func:`switch_comparison` replay an update that regresses against the kill switch
and the rollback trigger of :mod:`nogo.models.killswitch`; :func:`bound_chart` draws the red team's bound.
"""

from __future__ import annotations

from typing import Any

from nogo.cases.case import CaseData
from nogo.cases.chatbot_commitments.charts import bound_chart, bound_frame
from nogo.cases.chatbot_commitments.red_team import (
    DISCLAIMER,
    KILL_SWITCH,
    RED_TEAM_SIZES,
    RESPONSES,
    ROLLBACK,
    RedTeamTask,
    red_team_sizes_table,
    rollback_threshold,
)
from nogo.cases.chatbot_commitments.update import switch_comparison, update_stream
from nogo.cases.segments import SegmentCase

__all__ = [
    "CASE",
    "DISCLAIMER",
    "GATE_BUDGET",
    "KILL_SWITCH",
    "RED_TEAM_SIZES",
    "RESPONSES",
    "ROLLBACK",
    "ChatbotCommitmentsCase",
    "RedTeamTask",
    "bound_chart",
    "bound_frame",
    "red_team_sizes_table",
    "red_team_task",
    "rollback_threshold",
    "switch_comparison",
    "update_stream",
]

GATE_BUDGET = 0.003
"""The promotion gate's budget: commitments per adversarial attempt (the contract's ``error_budget``)."""


def red_team_task(params: dict[str, Any], *, rule: str, question: str | None = None) -> RedTeamTask:
    """The signature task at a parameter set (the case's drill parameters, its seed and the gate's budget)."""
    return RedTeamTask(
        attacks_per_day=params["attacks_per_day"],
        commitment_rate=params["commitment_rate"],
        public_failure_usd=params["public_failure_usd"],
        false_reports_per_day=params["false_reports_per_day"],
        red_team_usd_per_attempt=params["red_team_usd_per_attempt"],
        bot_value_usd_per_day=params["bot_value_usd_per_day"],
        seed=params["seed"],
        rollback_rate=GATE_BUDGET,
        rule=rule,
        question=question,
    )


class ChatbotCommitmentsCase(SegmentCase):
    """The case on the generic segment generator, with the red-team drill as its signature task.

    The decision log, the calibrated ``p``, the costs, the desk and the hard rules all come from the case
    file's ``segments`` section (:class:`SegmentCase`); :meth:`signature_task` is :class:`RedTeamTask` at
    the parameter set, whose disclaimer setting breaks the case's first hard rule.
    """

    def signature_task(self, data: CaseData) -> RedTeamTask:
        """The red-team size and the off-air response, scored by :class:`RedTeamTask`'s simulation."""
        rules = [r.rule for r in data.hard_rules] or ["a price or an offer is committed only by a person"]
        signature = self.file.signature
        return red_team_task(dict(data.parameters), rule=rules[0],
                             question=None if signature is None else signature.question)  # fmt: skip


CASE = ChatbotCommitmentsCase
