"""Loans: a negotiation agent that saves money this month and costs more over the loan (``loan-steering``).

An agent scored on immediate savings (a lower payment now, a quick resolution) steers borrowers into
longer terms or forbearance: the headline saving looks excellent while the total cost of credit rises.
Anchors: incidents 8a (Navient: the CFPB alleged repeated forbearance instead of income-driven repayment)
and 8b (Ally: discretionary markup by group, settled with the CFPB and the DOJ). Everything generated
here is SYNTHETIC; the arithmetic is in :mod:`nogo.models.amortisation`.

One module per concept, every public name re-exported here:

- :mod:`~nogo.cases.loan_steering.book`: :func:`borrower_book` draws borrowers with a planted group
  markup (:func:`steering_book`, the case file's generator, takes the markups as flat arguments);
- :mod:`~nogo.cases.loan_steering.offers`: :func:`loan_offers` prices every offer an agent could make to
  them as a decision log (``score``, ``outcome``, ``value_usd``); :func:`consent_probability` is the
  calibrated probability that an offer is right; :func:`disclose` records the borrower's answer;
- :mod:`~nogo.cases.loan_steering.policies`: :func:`choose_offers` applies the misaligned policy (largest
  saving this month) or the aligned one (lowest total cost of credit the borrower can afford);
  :func:`policy_summary` puts the headline beside the total cost; :func:`harm_by` shows who is harmed
  most; :func:`rate_gap_by_group` is the fairness layer (the rate gap in bps and the extra interest it
  costs); :func:`loan_autonomy_surface`: "never raise the total cost of credit without disclosure and
  consent" (blocked) and "term-extending offers need a person" (approval), over the offers frame;
- :mod:`~nogo.cases.loan_steering.hardship`: :func:`simulate_hardship_calls` and
  :func:`repeat_forbearance_rate`, the quiet-failure metric;
- :mod:`~nogo.cases.loan_steering.charts`: :func:`total_cost_chart` and :func:`repeat_forbearance_chart`;

and :data:`CASE`, the case through the case interface (:class:`nogo.cases.case.Case`).

*Outcome.* Making an offer is right (``outcome``) when it does not raise the borrower's total cost of
credit (by more than half a cent), or when the borrower, told the increase, would still take it
(``informed_consent``). *Harmed* means the chosen offer raises the total cost without that consent.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from nogo.cases.case import Case, HardRule
from nogo.cases.loan_steering.book import (
    BOOK_DEFAULTS,
    DEFAULT_MARKUP_BPS,
    ILLUSTRATIVE_SAVING_USD_PER_YEAR,
    borrower_book,
    steering_book,
)
from nogo.cases.loan_steering.charts import repeat_forbearance_chart, total_cost_chart
from nogo.cases.loan_steering.hardship import repeat_forbearance_rate, simulate_hardship_calls
from nogo.cases.loan_steering.offers import consent_probability, disclose, loan_offers
from nogo.cases.loan_steering.policies import (
    LOAN_POLICIES,
    NO_HIDDEN_COST_RULE,
    choose_offers,
    harm_by,
    loan_autonomy_surface,
    policy_summary,
    rate_gap_by_group,
)
from nogo.models.costs import CostComponent, CostModel

__all__ = [
    "BOOK_DEFAULTS",
    "CASE",
    "DEFAULT_MARKUP_BPS",
    "ILLUSTRATIVE_SAVING_USD_PER_YEAR",
    "LOAN_POLICIES",
    "NO_HIDDEN_COST_RULE",
    "LoanSteeringCase",
    "borrower_book",
    "choose_offers",
    "consent_probability",
    "disclose",
    "harm_by",
    "loan_autonomy_surface",
    "loan_offers",
    "policy_summary",
    "rate_gap_by_group",
    "repeat_forbearance_chart",
    "repeat_forbearance_rate",
    "simulate_hardship_calls",
    "steering_book",
    "total_cost_chart",
]


class LoanSteeringCase(Case):
    """The loan-steering case through the case interface (:class:`nogo.Case`).

    The decision log is every offer but "keep the plan" (:func:`loan_offers` on the ``borrowers``
    dataset); ``p`` is :func:`consent_probability`; the costs are the illustrative components the notebook
    prices in "The cost of a wrong offer"; 30 days of calls on an 8-hour desk, 20 minutes a disclosure call,
    80% answered within 4 hours; one hard rule, :data:`NO_HIDDEN_COST_RULE`: the agent never makes an offer
    that raises the total cost of credit alone.
    """

    DESK = MappingProxyType({"handle_minutes": 20.0, "hours_per_day": 8.0, "sla_minutes": 240.0})

    def decision_log(self, params: Mapping[str, Any]) -> pd.DataFrame:
        offers = loan_offers(self.dataset("borrowers", params))
        return offers[offers["action_type"] != "keep_plan"].reset_index(drop=True)

    def probability(self, log: pd.DataFrame, params: Mapping[str, Any]) -> np.ndarray:
        return consent_probability(log, seed=int(params["seed"]))

    def cost_model(self, log: pd.DataFrame, params: Mapping[str, Any]) -> CostModel:
        relief_usd = np.where(
            log["raises_total_cost"], log["annual_saving_usd"].clip(lower=0), log["value_usd"]
        )
        return CostModel(
            [
                CostComponent("borrower's extra cost", "false_action", value_share=1.0, value_share_low=0.5),
                CostComponent(
                    "regulatory exposure", "false_action", "legal", base_usd=150, low_usd=0, high_usd=500
                ),
                CostComponent(
                    "complaint and lost trust",
                    "false_action",
                    "reputational",
                    base_usd=40,
                    low_usd=10,
                    high_usd=150,
                ),
                CostComponent(
                    "relief the borrower goes without",
                    "missed",
                    base_usd=0.5 * relief_usd,
                    low_usd=0.25 * relief_usd,
                    high_usd=relief_usd,
                ),
                CostComponent("officer's disclosure call", "review", base_usd=15, low_usd=8, high_usd=30),
                CostComponent(
                    "borrower waits for a call", "delay", "reputational", base_usd=5, low_usd=0, high_usd=20
                ),
            ],
            reviewer_miss_rate=0.05,
        )

    def days(self, log: pd.DataFrame, params: Mapping[str, Any]) -> float:
        return 30.0

    def hard_rules(self, log: pd.DataFrame, params: Mapping[str, Any]) -> list[HardRule]:
        return [HardRule(NO_HIDDEN_COST_RULE, "act", log["raises_total_cost"].to_numpy(dtype=bool))]


CASE = LoanSteeringCase
