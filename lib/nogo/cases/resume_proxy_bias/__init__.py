"""Hiring: a resume screener whose label is past hiring decisions, and why removing a word does not fix it.

The domain library of the ``resume-proxy-bias`` case (incidents sheet, section 3: Amazon's experimental
screener, 2014-2017, 1-5 stars, trained on about ten years of resumes submitted to the company, mostly
from men; it penalised "women's" and graduates of two all-women's colleges, favoured verbs such as
"executed" and "captured"; about 500 models of about 50,000 terms; scrapped). The reporting says what the
models were trained on, not what they were trained to predict: a label of past hiring decisions
("resembles the people we hired before") is the likely mechanism, an inference that this module plants
as ``hired_before``, not a reported fact. **No selection rates were published: everything here is a
synthetic, illustrative reconstruction** with a planted truth (a biased historical label, gender
proxies), never a reported figure.

One module per concept, every public name re-exported here:

* :mod:`~nogo.cases.resume_proxy_bias.pool`: the synthetic applicant pool and its planted truth;
* :mod:`~nogo.cases.resume_proxy_bias.screener`: the logistic-regression screener, its stars, the edit;
* :mod:`~nogo.cases.resume_proxy_bias.audit`: selection rates and impact ratios by group at each cut;
* :mod:`~nogo.cases.resume_proxy_bias.decisions`: the decision log, the cost model, the autonomy cap;
* :mod:`~nogo.cases.resume_proxy_bias.charts`: the coefficient and impact-ratio charts;
* :mod:`~nogo.cases.resume_proxy_bias.label_audit`: how far an audit of labelled resumes can vouch for a
  repaired label (the decision boundary of the case's call);
* :mod:`~nogo.cases.resume_proxy_bias.shortlist_design`: the signature drill, the shortlist's autonomy;
* :mod:`~nogo.cases.resume_proxy_bias.reading`: what the notebook shows a reader (tables in words and
  readable numbers, the brief, drill summaries, rubric and sources as rendered text);

and :data:`CASE`, the case through the case interface (:class:`nogo.cases.case.Case`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from nogo.cases.case import Case, CaseData, HardRule
from nogo.cases.resume_proxy_bias.audit import compare_feature_sets, screen_report
from nogo.cases.resume_proxy_bias.charts import KIND_COLOURS, coefficient_chart, impact_ratio_chart
from nogo.cases.resume_proxy_bias.decisions import (
    autonomy_report,
    decision_log,
    screening_cost_model,
    screening_surface,
)
from nogo.cases.resume_proxy_bias.label_audit import FOUR_FIFTHS, LabelAudit, label_audit, label_bias_boundary
from nogo.cases.resume_proxy_bias.pool import (
    EXPLICIT_TERMS,
    KNOWN_PROXIES,
    SKILLS,
    WOMENS_COLLEGES,
    HiringPlanted,
    applicant_pool,
)
from nogo.cases.resume_proxy_bias.reading import (
    audit_table,
    brief_prose,
    bullets_prose,
    expected_cost_table,
    fixed,
    percent,
    points,
    ratio,
    reader_table,
    rubric_prose,
    share,
    sources_prose,
    summary_prose,
)
from nogo.cases.resume_proxy_bias.screener import (
    STAR_QUANTILES,
    Screener,
    drop_explicit_terms,
    star_ratings,
    train_screener,
)
from nogo.cases.resume_proxy_bias.shortlist_design import REJECT_RULE, ShortlistAutonomy
from nogo.models.calibration import calibrate_out_of_fold
from nogo.models.costs import CostModel
from nogo.models.policy_inputs import PolicyFairness

# fmt: off
__all__ = [
    "CASE",
    "EXPLICIT_TERMS",
    "FOUR_FIFTHS",
    "KIND_COLOURS",
    "KNOWN_PROXIES",
    "SKILLS",
    "STAR_QUANTILES",
    "WOMENS_COLLEGES",
    "HiringPlanted",
    "LabelAudit",
    "ResumeProxyBiasCase",
    "Screener",
    "ShortlistAutonomy",
    "applicant_pool",
    "audit_table",
    "autonomy_report",
    "brief_prose",
    "bullets_prose",
    "coefficient_chart",
    "compare_feature_sets",
    "decision_log",
    "drop_explicit_terms",
    "expected_cost_table",
    "fixed",
    "impact_ratio_chart",
    "label_audit",
    "label_bias_boundary",
    "percent",
    "points",
    "ratio",
    "reader_table",
    "rubric_prose",
    "screen_report",
    "screening_cost_model",
    "screening_surface",
    "share",
    "sources_prose",
    "star_ratings",
    "summary_prose",
    "train_screener",
]
# fmt: on


class ResumeProxyBiasCase(Case):
    """The resume-proxy-bias case through the case interface (:class:`nogo.Case`).

    The decision log is :func:`decision_log` of a screener trained (:func:`train_screener`) on the
    synthetic pool (:func:`applicant_pool`, with the case's ``label_bias``); ``p`` is calibrated out of
    fold on the truth; the costs are :func:`screening_cost_model`; a quarter's applicants (90 days,
    illustrative); the adverse-impact ratio compares who is not declined; one hard rule: never reject an
    applicant without a person.

    Examples
    --------
    >>> from nogo.cases.project import Project
    >>> data = CASE(Project.find().case("resume-proxy-bias")).build({"n_applicants": 25_000})
    >>> len(data.log), data.days, data.desk.favourable
    (25000, 90.0, 'not_declined')
    >>> data.hard_rules[0].rule, bool((data.best_actions() == "decline").any())
    ('never reject an applicant without a person', False)
    """

    DESK = MappingProxyType({"favourable": "not_declined"})

    def decision_log(self, params: Mapping[str, Any]) -> pd.DataFrame:
        seed = int(params["seed"])
        pool = applicant_pool(params["n_applicants"], seed=seed, label_bias=params["label_bias"])
        screener = train_screener(pool, features=pool.attrs["planted"].features, seed=seed)
        return decision_log(pool, screener)

    def probability(self, log: pd.DataFrame, params: Mapping[str, Any]) -> np.ndarray:
        return calibrate_out_of_fold(log["score"], log["outcome"], seed=int(params["seed"]))

    def cost_model(self, log: pd.DataFrame, params: Mapping[str, Any]) -> CostModel:
        return screening_cost_model()

    def days(self, log: pd.DataFrame, params: Mapping[str, Any]) -> float:
        return 90.0

    def hard_rules(self, log: pd.DataFrame, params: Mapping[str, Any]) -> list[HardRule]:
        return [HardRule(REJECT_RULE, "decline", np.ones(len(log), bool))]

    def signature_task(self, data: CaseData) -> ShortlistAutonomy:
        """Design the shortlist's autonomy (:class:`ShortlistAutonomy`) on ``data``; a certified ranking
        brings the share of qualified applicants people miss to the contract's target."""
        contract = self.file.agent_impact_contract()
        outcomes = contract.customer_outcome
        missed = next(m for m in outcomes if m.name.startswith("qualified applicants missed"))
        return ShortlistAutonomy(data, ranked_miss_rate=missed.target / 100)

    def fairness(self, log: pd.DataFrame, params: Mapping[str, Any]) -> PolicyFairness:
        """The autonomous shortlist (who the agent advances alone) by group, against the four-fifths rule.

        What :func:`autonomy_report` audits; the desk's ``favourable`` ("not declined") would count
        applicants sent to a person as selected.
        """
        limit = self.desk(params).min_impact_ratio
        return PolicyFairness("autonomous shortlist", log["group"], "act", "ratio", limit)


CASE = ResumeProxyBiasCase
"""The case's class, found by :func:`nogo.open_case` from the id ``resume-proxy-bias``."""
