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
  costs); :func:`markup_cost_usd` and :func:`markup_no_go_bps`, where the launch call turns (a markup
  costing each marked-up borrower what Ally's paid on average); :func:`loan_autonomy_surface`: "never
  raise the total cost of credit without disclosure and consent" (blocked) and "term-extending offers
  need a person" (approval), over the offers frame;
- :mod:`~nogo.cases.loan_steering.hardship`: :func:`simulate_hardship_calls` and
  :func:`repeat_forbearance_rate`, the quiet-failure metric;
- :mod:`~nogo.cases.loan_steering.charts`: :func:`total_cost_chart` and :func:`repeat_forbearance_chart`;
- :mod:`~nogo.cases.loan_steering.tables`: :func:`readable`, any of the case's tables as a reader reads it
  (numbers in their units, headers in words), and :func:`record_table`, the check against the record
  (each figure in its unit);
- :mod:`~nogo.cases.loan_steering.signature`: :class:`OfferAutonomyTask`, the signature drill (which offer
  types the agent may make alone, with an officer's disclosure and consent, or never);

and :data:`CASE`, the case through the case interface (:class:`nogo.cases.case.Case`).

*Outcome.* Making an offer is right (``outcome``) when it does not raise the borrower's total cost of
credit (by more than half a cent), or when the borrower, told the increase, would still take it
(``informed_consent``). *Harmed* means the chosen offer raises the total cost without that consent.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from nogo.cases.case import Case, CaseData, HardRule
from nogo.cases.casefile import CaseFile
from nogo.cases.loan_steering._checks import HALF_CENT_USD
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
    markup_cost_usd,
    markup_no_go_bps,
    policy_summary,
    rate_gap_by_group,
)
from nogo.cases.loan_steering.signature import AUTONOMY_CHOICES, OFFER_LABELS, OfferAutonomyTask
from nogo.cases.loan_steering.tables import readable, record_table
from nogo.errors import InputError
from nogo.models.costs import CostComponent, CostModel
from nogo.models.policy_inputs import PolicyFairness

__all__ = [
    "AUTONOMY_CHOICES",
    "BOOK_DEFAULTS",
    "CASE",
    "DEFAULT_MARKUP_BPS",
    "ILLUSTRATIVE_SAVING_USD_PER_YEAR",
    "LOAN_POLICIES",
    "NO_HIDDEN_COST_RULE",
    "OFFER_LABELS",
    "LoanSteeringCase",
    "OfferAutonomyTask",
    "borrower_book",
    "choose_offers",
    "consent_probability",
    "disclose",
    "harm_by",
    "loan_autonomy_surface",
    "loan_offers",
    "markup_cost_usd",
    "markup_no_go_bps",
    "policy_summary",
    "rate_gap_by_group",
    "readable",
    "record_table",
    "repeat_forbearance_chart",
    "repeat_forbearance_rate",
    "simulate_hardship_calls",
    "steering_book",
    "total_cost_chart",
]


class LoanSteeringCase(Case):
    """The loan-steering case through the case interface (:class:`nogo.Case`).

    The decision log is every offer but "keep the plan" (:func:`loan_offers` on the ``borrowers`` dataset;
    :meth:`offers` is the whole menu, priced once with it); ``p`` is :func:`consent_probability`; the costs
    are the illustrative components the notebook prices in "The cost of a wrong offer"; 30 days of calls on an
    8-hour desk, 20 minutes a disclosure call, 80% answered within 4 hours; one hard rule,
    :data:`NO_HIDDEN_COST_RULE`: the agent never makes an offer that raises the total cost of credit alone;
    its signature drill is :class:`OfferAutonomyTask`. Its stream card (:meth:`card`) shows the borrower's
    hardship and what the offer does to what they owe, and names each offer as the signature drill does
    (:data:`OFFER_LABELS`: "a rate cut", not ``rate_cut``).
    """

    DESK = MappingProxyType({"handle_minutes": 20.0, "hours_per_day": 8.0, "sla_minutes": 240.0})
    CARD_LABELS = OFFER_LABELS

    def __init__(self, file: CaseFile, data_root: str | Path | None = None) -> None:
        super().__init__(file, data_root)
        self._menu: tuple[tuple[tuple[str, str], ...], pd.DataFrame] | None = None

    def _priced_menu(self, params: Mapping[str, Any]) -> pd.DataFrame:
        """The menu at ``params`` (checked), priced on the first call for that parameter set only."""
        key = tuple(sorted((str(k), repr(v)) for k, v in params.items()))
        if self._menu is None or self._menu[0] != key:
            self._menu = (key, loan_offers(self.dataset("borrowers", params)))
        return self._menu[1]

    def offers(self, values: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Every offer the agent could make to each borrower, "keep the plan" included (a copy).

        :func:`loan_offers` on the ``borrowers`` dataset at parameter set ``values`` (the defaults when
        None): the menu the notebook's story reads (the offers by type, the policies' choices) and the
        decision log is cut from. The case prices it once per parameter set, so :meth:`build` and this
        method at the same parameters share one pricing.

        >>> from nogo.cases.project import Project
        >>> case = CASE(Project.find().case("loan-steering"))
        >>> menu, data = case.offers(), case.build()
        >>> len(menu) - len(data.log) == case.parameters()["n_borrowers"]  # one "keep the plan" each
        True
        """
        return self._priced_menu(self.parameters(values)).copy()

    def decision_log(self, params: Mapping[str, Any]) -> pd.DataFrame:
        offers = self._priced_menu(params)
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

    def card(self, data: CaseData) -> pd.DataFrame:
        """What an officer sees of an offer in production, in a handful of words per column.

        ``group`` and ``action_type`` (the log's); ``borrower``: "in hardship" or "not in hardship";
        ``what_the_borrower_owes``: "rises by the value at stake", "falls by the value at stake" or
        "unchanged" (``value_usd`` is the size of the change to the total cost of credit); ``term``:
        "unchanged", "extended by up to a year", "extended by 1 to 5 years" or "extended by more than 5
        years". Categories, not amounts: the reliability table a learner builds from the log groups by
        them. Never the calibrated probability, the outcome or the borrower's consent.

        >>> from nogo.cases.project import Project
        >>> case = CASE(Project.find().case("loan-steering"))
        >>> card = case.card(case.build())
        >>> card.columns.tolist()
        ['group', 'borrower', 'action_type', 'what_the_borrower_owes', 'term']
        >>> print(*card.iloc[0], sep=" | ")
        A | not in hardship | term_extension | rises by the value at stake | extended by more than 5 years
        """
        log = data.log
        change = log["total_cost_change_usd"].to_numpy(dtype=float)
        months = log["term_months_added"].to_numpy(dtype=float)
        owes = np.select(
            [log["raises_total_cost"].to_numpy(dtype=bool), change < -HALF_CENT_USD],
            ["rises by the value at stake", "falls by the value at stake"],
            "unchanged",
        )
        term = np.select(
            [months <= 0, months <= 12, months <= 60],
            ["unchanged", "extended by up to a year", "extended by 1 to 5 years"],
            "extended by more than 5 years",
        )
        hardship = np.where(log["hardship"].to_numpy(dtype=bool), "in hardship", "not in hardship")
        return pd.DataFrame(
            {
                "group": log["group"].to_numpy(),
                "borrower": hardship,
                "action_type": log["action_type"].to_numpy(),
                "what_the_borrower_owes": owes,
                "term": term,
            },
            index=log.index,
        )

    def hard_rules(self, log: pd.DataFrame, params: Mapping[str, Any]) -> list[HardRule]:
        return [HardRule(NO_HIDDEN_COST_RULE, "act", log["raises_total_cost"].to_numpy(dtype=bool))]

    def fairness(self, log: pd.DataFrame, params: Mapping[str, Any]) -> PolicyFairness:
        """The rate gap the agent's own discretion opens between groups: Ally's lesson, on this log.

        The log holds offers, not rates: the rate an offer changes is a rate cut's (``loan_offers``'
        ``rate_cut_bps``). Each group's rate is the rate relief the agent grants alone, in basis points a
        borrower of the group (borrowers with an offer in the log); the gap between the groups must stay
        within the contract's target for the "rate gap between groups at equal risk". Not controlled for
        risk: the rate cut is the same for every eligible borrower.
        """
        cut_bps = float(inspect.signature(loan_offers).parameters["rate_cut_bps"].default)
        weight = np.where(log["action_type"].to_numpy() == "rate_cut", cut_bps, 0.0)
        sizes = log.groupby("group")["borrower_id"].nunique()
        metrics = [m for m in self.file.agent_impact_contract().metrics if m.name.startswith("rate gap")]
        if not metrics:
            raise InputError(f"casebook/{self.id}.yaml: contract: no 'rate gap ...' metric to bound the gap")
        return PolicyFairness(
            "rate cut granted alone",
            log["group"],
            "act",
            "gap",
            metrics[0].target,
            weight=weight,
            sizes={str(k): float(v) for k, v in sizes.items()},
            unit="bps a borrower",
        )

    def signature_task(self, data: CaseData) -> OfferAutonomyTask:
        """Which offer types the agent may make alone: :class:`OfferAutonomyTask` on ``data``."""
        return OfferAutonomyTask(data)


CASE = LoanSteeringCase
