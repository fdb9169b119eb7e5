"""The loan case's signature drill: which offer types the agent may make alone (:class:`OfferAutonomyTask`).

The PM of the loan agent does not set a confidence threshold: the agent's confidence is that the borrower
*accepts*, which says nothing about whether the offer is right. What the PM controls is the autonomy of
each offer type: the agent makes it **alone**, an **officer** discloses the total cost and records the
borrower's consent before it is made, or the agent **never** makes it. :class:`OfferAutonomyTask` offers
one lever per offer type of the decision log, with those three choices (3^5 = 243 settings on the default
menu), and runs each setting on the case's own simulation of the calls:

- the agent is still scored on the monthly saving (the case's misaligned objective): for each borrower it
  goes for the offer with the largest monthly saving among those the setting lets it make (ties: the
  lower total cost, then the log's order), as :func:`~nogo.cases.loan_steering.choose_offers` ranks them;
- if that offer may be made **alone**, it is made and taken (the agent's script discloses nothing);
- if it needs an **officer**, one disclosure call: the officer states the total cost of every offer the
  agent may make to this borrower, and the borrower takes the one with the most relief among those they
  would accept knowing the cost (informed consent, the log's ``outcome``), or keeps the current plan;
- a borrower the setting leaves no offer for keeps the current plan.

The setting is priced with the case's own costs (:attr:`CaseData.costs`, realised at the logged
outcomes): an offer made alone that raises the total cost without consent costs the borrower's extra cost
plus the regulatory and complaint costs; every disclosure call costs the officer's time and the
borrower's wait, plus the officer's miss rate times the harm of a wrong offer; and **relief withheld** is,
per borrower, the relief of the best offer they would have accepted knowing its cost minus the relief of
the offer they got (the case's price of going without relief). A setting that lets the agent make alone
an offer type that raises the total cost of credit for any borrower breaks the case's hard rule
(:data:`~nogo.cases.loan_steering.NO_HIDDEN_COST_RULE`): it is never the optimum, never correct.

Everything here is SYNTHETIC (the book, the consent draws and the illustrative costs of the case).

Examples
--------
>>> import nogo
>>> data = nogo.open_case(nogo.Project.find().case("loan-steering")).build({"n_borrowers": 10_000})
>>> task = OfferAutonomyTask(data)
>>> [lever.name for lever in task.levers]
['rate_cut', 'income_driven', 'forbearance_3m', 'forbearance_12m', 'term_extension']
>>> best, outcome = task.optimum()
>>> best["rate_cut"], best["forbearance_3m"], outcome.broken_rules
('alone', 'officer', ())
>>> steering = dict.fromkeys(best, "alone")
>>> task.score(steering).outcome.broken_rules == (NO_HIDDEN_COST_RULE,)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from nogo.cases.case import CaseData
from nogo.cases.loan_steering._checks import check_frame
from nogo.cases.loan_steering.policies import NO_HIDDEN_COST_RULE
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.formatting import readable_label
from nogo.models.costs import ACTIONS

__all__ = ["AUTONOMY_CHOICES", "OFFER_LABELS", "OfferAutonomyTask"]

AUTONOMY_CHOICES: tuple[str, ...] = ("alone", "officer", "never")
"""The choices for each offer type: made alone, made after an officer's disclosure and consent, never."""
OFFER_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {
        "rate_cut": "a rate cut",
        "income_driven": "the income-driven plan",
        "forbearance_3m": "3 months of forbearance",
        "forbearance_12m": "12 months of forbearance",
        "term_extension": "a longer term",
    }
)
"""Offer types in the order the drill shows them, with the words it shows."""
_HELP = (
    "alone: the agent makes the offer; officer: a loan officer discloses the total cost of credit and "
    "the borrower takes the offer only with informed consent; never: the agent does not make it"
)


class OfferAutonomyTask(SignatureTask):
    """Which offer types the agent may make alone, on the case's simulation of the calls.

    Parameters
    ----------
    data
        The loan case built at some parameter set (:meth:`nogo.Case.build`): its decision log (one row per
        offer but "keep the plan"), its costs and its review desk.

    Attributes
    ----------
    levers
        One :class:`~nogo.cases.signature.Lever` per offer type in the log, choices
        :data:`AUTONOMY_CHOICES`.
    raising_types
        The offer types that raise the total cost of credit for at least one borrower: "alone" on any of
        them breaks the hard rule.
    """

    question = (
        "For each offer type: may the agent make it alone, only after an officer discloses the total cost "
        "and the borrower consents, or never?"
    )

    def __init__(self, data: CaseData) -> None:
        cols = ("decision_id", "borrower_id", "action_type", "monthly_saving_usd", "total_cost_change_usd",
                "raises_total_cost", "outcome")  # fmt: skip
        log = check_frame(data.log, "the loan case's decision log", cols)
        kinds = list(dict.fromkeys(log["action_type"].astype(str)))
        types = [t for t in OFFER_LABELS if t in kinds] + [t for t in kinds if t not in OFFER_LABELS]
        self.levers = tuple(
            Lever(t, readable_label(t, OFFER_LABELS), AUTONOMY_CHOICES, help=_HELP) for t in types
        )
        order = np.lexsort(
            (
                log["decision_id"].to_numpy(),
                log["total_cost_change_usd"].to_numpy(dtype=float),
                -log["monthly_saving_usd"].to_numpy(dtype=float),
                log["borrower_id"].to_numpy(),
            )
        )
        borrower = log["borrower_id"].to_numpy()[order]
        codes = log["action_type"].astype(str).map({t: k for k, t in enumerate(types)}).to_numpy()
        self._type = codes[order].astype(np.int64)
        right = log["outcome"].to_numpy(dtype=bool)
        self._right = right[order]
        raises = log["raises_total_cost"].to_numpy(dtype=bool)[order]
        self.raising_types = tuple(t for k, t in enumerate(types) if raises[self._type == k].any())
        n = len(log)
        realised = np.broadcast_to(np.asarray(data.costs.realised(right.astype(int)), dtype=float), (n, 3))
        self._act_usd = realised[order, ACTIONS.index("act")]  # 0 when right, the harm when wrong
        self._officer_usd = realised[order, ACTIONS.index("escalate")]  # call, wait, officer's misses
        missed = np.broadcast_to(np.asarray(data.costs.by_state()[0], dtype=float), (n, 3))
        relief = missed[order, ACTIONS.index("decline")]  # the case's price of going without the offer
        self._relief_usd = np.where(self._right, relief, 0.0)  # relief the borrower would take, knowing
        change = log["total_cost_change_usd"].to_numpy(dtype=float)[order]
        self._harm_usd = np.where(raises & ~self._right, change, 0.0)
        first = np.r_[True, borrower[1:] != borrower[:-1]]
        self._start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
        self._starts = np.flatnonzero(first)
        self._relief_available_usd = float(np.maximum.reduceat(self._relief_usd, self._starts).sum())
        self.n_borrowers = int(first.sum())
        self._handle_minutes = float(data.desk.handle_minutes)

    def walk(self, choices: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Each borrower's call under a setting.

        Returns
        -------
        dict
            One value per borrower (in ``borrower_id`` order): ``route`` (0: the agent made its first
            offer alone, 1: an officer called, 2: no offer could be made), ``harmed`` (an offer made alone
            raised the total cost without consent), ``relief_usd`` (the relief the borrower got and would
            accept knowing its cost), ``harm_usd`` (the case's cost of the offer made alone: extra cost,
            exposure, complaint), ``officer_usd`` (the call, the wait and the officer's misses),
            ``extra_cost_usd`` (the unconsented increase in the total cost of credit).
        """
        setting = self.check(choices)
        mode = np.array([AUTONOMY_CHOICES.index(setting[lever.name]) for lever in self.levers])[self._type]
        allowed = mode < 2
        seen = np.cumsum(allowed) - allowed
        first = allowed & (seen == seen[self._start])  # the agent's favourite offer it may make
        starts = self._starts
        has = np.add.reduceat(first.astype(np.int64), starts) > 0
        pick = np.zeros(len(starts), dtype=np.int64)
        pick[has] = np.flatnonzero(first)
        alone = has & (mode[pick] == 0)
        called = has & (mode[pick] == 1)
        choosable = np.where(allowed & self._right, self._relief_usd, 0.0)  # disclosed, the borrower picks
        best_disclosed = np.maximum.reduceat(choosable, starts)
        harmed = alone & ~self._right[pick]
        return {
            "route": np.where(alone, 0, np.where(called, 1, 2)),
            "harmed": harmed,
            "relief_usd": np.where(alone, self._relief_usd[pick], np.where(called, best_disclosed, 0.0)),
            "harm_usd": np.where(alone, self._act_usd[pick], 0.0),
            "officer_usd": np.where(called, self._officer_usd[pick], 0.0),
            "extra_cost_usd": np.where(harmed, self._harm_usd[pick], 0.0),
        }

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting on the simulated calls: harm, officers' time and relief withheld, in USD."""
        setting = self.check(choices)
        w = self.walk(setting)
        harm_usd, officer_usd = float(w["harm_usd"].sum()), float(w["officer_usd"].sum())
        withheld_usd = max(0.0, self._relief_available_usd - float(w["relief_usd"].sum()))
        calls = int((w["route"] == 1).sum())
        broken = (NO_HIDDEN_COST_RULE,) if any(setting[t] == "alone" for t in self.raising_types) else ()
        metrics = {
            "borrowers": self.n_borrowers,
            "borrowers harmed (cost raised without consent)": int(w["harmed"].sum()),
            "unconsented extra cost of credit (USD)": float(w["extra_cost_usd"].sum()),
            "disclosure calls": calls,
            "officer hours": calls * self._handle_minutes / 60.0,
            "borrowers given relief they would accept": int((w["relief_usd"] > 0).sum()),
            "harm and exposure (USD)": harm_usd,
            "officers' time and waits (USD)": officer_usd,
            "relief withheld (USD)": withheld_usd,
        }
        story = (
            f"{metrics['borrowers harmed (cost raised without consent)']:,} of {self.n_borrowers:,} "
            f"borrowers pay more without having agreed to it "
            f"(${metrics['unconsented extra cost of credit (USD)']:,.0f} of extra cost of credit); officers "
            f"make {calls:,} disclosure calls ({metrics['officer hours']:,.0f} hours); relief worth "
            f"${withheld_usd:,.0f} is withheld."
        )
        if broken:
            story += f" Breaks the rule: {NO_HIDDEN_COST_RULE}."
        return SignatureOutcome(harm_usd + officer_usd + withheld_usd, metrics, broken, story)
