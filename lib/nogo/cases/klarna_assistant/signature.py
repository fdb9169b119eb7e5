"""The Klarna case's signature drill: which tier the assistant resolves alone, and the human team's size.

The PM of the assistant does not set a confidence threshold; the PM sets the **tier** of intents the
assistant resolves alone (people only, tier 1, tiers 1 and 2, everything), with a guaranteed path to a
person for the rest, and the size of the **on-demand team** that path needs (2, 5, 10, 20 or 40 agents;
the pilot had 2). :class:`TieringTask` scores each of the 20 settings on the case's own model, per day on
shift (``hours_per_day``) at the case's ``contacts_per_hour``:

- the assistant's wrong answers on the intents it resolves alone (the case's cost of a wrong action at
  the planted truth, :func:`~nogo.cases.klarna_assistant.intent_costs`);
- a person's mistakes on the escalated contacts that are answered (the case's reviewer miss rate);
- the queue (:func:`~nogo.cases.klarna_assistant.queue_cost_per_hour_usd`, Erlang C): the team's pay,
  the customers' wait, and the customers never answered when the team is too small (each priced as a
  contact declined: the customer goes without help);
- the model's cost on every contact the assistant sees (none with people only).

A setting that lets the assistant resolve alone an intent a hard rule keeps with a person (the hard
tail) breaks that rule: never the optimum, never correct. Everything is SYNTHETIC and every price an
assumption of the case file.

Examples
--------
>>> import nogo
>>> case = nogo.open_case(nogo.Project.find().case("klarna-assistant"))
>>> task = case.signature_task(case.build())
>>> [lever.name for lever in task.levers]
['tier', 'agents']
>>> best, outcome = task.optimum()
>>> best["tier"], outcome.broken_rules
('tier 1', ())
>>> bool(task.score({"tier": "everything", "agents": 2}).outcome.broken_rules)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nogo.cases.case import CaseData
from nogo.cases.klarna_assistant.economics import model_cost_per_contact_usd
from nogo.cases.klarna_assistant.queue import queue_cost_per_hour_usd
from nogo.cases.klarna_assistant.tiers import TIER_CHOICES, intent_costs, max_tier
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.formatting import format_count, format_percent, format_usd

__all__ = ["TEAM_SIZES", "TieringTask"]

TEAM_SIZES: tuple[int, ...] = (2, 5, 10, 20, 40)
"""The on-demand team sizes the drill offers (the pilot's 2 first)."""
_TIER_HELP = (
    "tier 1: payment and account status; tier 2: payment-plan changes; everything adds "
    "disputes, hardship and fraud (the hard tail)"
)
_TEAM_HELP = "agents on shift for the contacts the assistant hands over (answered first come, first served)"


class TieringTask(SignatureTask):
    """Which tier the assistant resolves alone, and the on-demand team's size, on the case's model.

    Parameters
    ----------
    data
        The Klarna case built at some parameter set (:meth:`nogo.Case.build`): its log, costs, hard
        rules, desk (handling minutes, hours a day, an agent's hourly cost, the SLA) and parameters
        (``contacts_per_hour``, ``wait_usd_per_minute``, ``patience_minutes`` and the model prices).
    """

    question = (
        "Which tier of intents does the assistant resolve alone, and how many agents does the on-demand "
        "team have for the rest?"
    )
    levers = (
        Lever("tier", "the assistant resolves alone", TIER_CHOICES, help=_TIER_HELP),
        Lever("agents", "on-demand team", TEAM_SIZES, unit="agents", help=_TEAM_HELP),
    )

    def __init__(self, data: CaseData) -> None:
        params = data.parameters
        self.intents = intent_costs(data)
        self.rate_per_hour = float(params["contacts_per_hour"])
        self.hours_per_day = float(data.desk.hours_per_day)
        self.handle_minutes = float(data.desk.handle_minutes)
        self.hourly_usd = float(data.desk.reviewer_cost_per_hour_usd)
        self.sla_minutes = float(data.desk.sla_minutes or 5.0)
        self.wait_usd_per_minute = float(params["wait_usd_per_minute"])
        self.patience_minutes = float(params["patience_minutes"])
        self.model_usd = float(model_cost_per_contact_usd(params)[0])
        self._rules = {
            rule.rule: set(data.log.loc[rule.applies, "segment"])
            for rule in data.hard_rules
            if rule.forbids == "act"
        }

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting on the case's model: a day's cost in USD and what a reader sees of it."""
        setting = self.check(choices)
        tier, agents = setting["tier"], int(setting["agents"])
        t = self.intents
        share = t["share"].to_numpy(dtype=float)
        alone = t["tier"].to_numpy() <= max_tier(tier)
        rate = self.rate_per_hour
        handed = float(share[~alone].sum())
        esc_rate = rate * handed
        lost_usd = float((share * t["unanswered_usd"].to_numpy())[~alone].sum() / handed) if handed else 0.0
        q = queue_cost_per_hour_usd(
            esc_rate,
            self.handle_minutes,
            [agents],
            hourly_usd=self.hourly_usd,
            wait_usd_per_minute=self.wait_usd_per_minute,
            patience_minutes=self.patience_minutes,
            unanswered_usd=lost_usd,
        ).iloc[0]
        answered = float(q["answered_share"])
        hours = self.hours_per_day
        errors_alone = rate * float((share * t["alone_usd"].to_numpy())[alone].sum()) * hours
        errors_people = (
            rate * answered * float((share * t["person_error_usd"].to_numpy())[~alone].sum()) * hours
        )
        model = (rate * self.model_usd if tier != "people only" else 0.0) * hours
        staff, wait, lost = (float(q[k]) * hours for k in ("staff_usd", "wait_usd", "unanswered_usd"))
        names = set(t.loc[alone, "intent"])
        broken = tuple(rule for rule, intents in self._rules.items() if intents & names)
        wait_minutes = float(q["mean_wait_minutes"])
        metrics = {
            "contacts a day": rate * hours,
            "resolved by the assistant alone": 1.0 - handed,
            "handed to people, an hour": esc_rate,
            "offered load (agents' worth of work)": float(q["offered_load_erlangs"]),
            "mean wait for a person (minutes)": wait_minutes,
            "answered by a person": answered,
            "assistant's wrong answers (USD a day)": errors_alone,
            "people's mistakes (USD a day)": errors_people,
            "team pay (USD a day)": staff,
            "customers' waiting (USD a day)": wait,
            "customers never answered (USD a day)": lost,
            "model calls (USD a day)": model,
        }
        waits = (
            f"the team of {agents} answers everyone, after {wait_minutes:,.1f} minutes on average"
            if np.isfinite(wait_minutes)
            else f"the team of {agents} is too small: {format_percent(1 - answered, decimals=0)} of those "
            "handed over never reach a person"
        )
        story = (
            f"The assistant resolves {format_percent(1 - handed, decimals=0)} of "
            f"{format_count(round(rate * hours))} contacts a day alone ({tier}); {waits}. Its wrong "
            f"answers cost {format_usd(errors_alone)} a day, the team {format_usd(staff)}."
        )
        if broken:
            story += " Breaks the rule: " + "; ".join(broken) + "."
        total = errors_alone + errors_people + model + staff + wait + lost
        return SignatureOutcome(total, metrics, broken, story)
