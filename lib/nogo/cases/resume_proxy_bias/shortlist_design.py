"""The case's signature drill: design the shortlist's autonomy, scored on the case's own pool and screener.

Four levers (:class:`ShortlistAutonomy`): the share of top-ranked applicants the screener may shortlist
for interview with no person, whether it may reject the lowest-rated applicants alone (never: the case's
hard rule), whether an adverse-impact audit at every star cut gates launch (the contract's promotion
gate), and how many resumes people label to audit and repair the label
(:mod:`~nogo.cases.resume_proxy_bias.label_audit`). Each setting runs on the case's synthetic pool: the
screener is retrained on the label as the audit leaves it, and the setting is priced with the case's cost
model (realised at the planted truth): autonomous shortlists as ``act``, autonomous rejections as
``decline``, every other application as a person's read (``escalate``), plus the audit's reads. A draft
ranking that launches on a certified label is worth what the contract targets: people miss fewer
qualified applicants (the contract's target share instead of the desk's); a ranking launched without a
certified label carries the legal exposure of its adverse impact (each woman missing under the
four-fifths line at its worst star cut priced as a wrongful rejection). The optimum is found by trying
all 64 settings and breaks none of the case's rules: the tool never rejects alone (the hard rule) and
never advances anyone alone (the rank-only guardrail: autonomous screening is no-go, even where an
autonomous shortlist from a certified ranking is cheaper on paper, as it can be), and nothing launches
before the adverse-impact audit passes (the contract's promotion gate). What the numbers decide is
whether a draft ranking can launch at all: only on a label an audit can certify. **Everything is
synthetic and illustrative.**

Examples
--------
>>> import nogo
>>> case = nogo.open_case(nogo.Project.find().case("resume-proxy-bias"))
>>> task = case.signature_task(case.build({"n_applicants": 25_000}))
>>> best, outcome = task.optimum()
>>> best
{'shortlist_alone': 'none', 'reject_alone': 'never', 'audit_gate': 'gates launch', 'audited_resumes': 5000}
>>> outcome.metrics["launched"], outcome.metrics["label_certified"]
('draft ranking', True)
>>> task.score({**best, "reject_alone": "1-star applicants"}).correct
False
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from nogo._validate import as_bounded_scalar as _scalar
from nogo.cases.case import CaseData
from nogo.cases.resume_proxy_bias.audit import screen_report
from nogo.cases.resume_proxy_bias.label_audit import FOUR_FIFTHS, label_audit
from nogo.cases.resume_proxy_bias.pool import applicant_pool
from nogo.cases.resume_proxy_bias.screener import train_screener
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.errors import InputError
from nogo.formatting import format_usd
from nogo.models.fairness import selection_rates

__all__ = ["ADVANCE_RULE", "GATE_RULE", "REJECT_RULE", "ShortlistAutonomy"]

REJECT_RULE = "never reject an applicant without a person"
"""The case's hard rule (:meth:`~nogo.cases.resume_proxy_bias.ResumeProxyBiasCase.hard_rules`)."""
ADVANCE_RULE = (
    "a person makes every advance decision: the tool only ranks (the contract's autonomy level, draft)"
)
"""The case's rank-only guardrail: an autonomous shortlist decides for a person, however it is priced."""
GATE_RULE = (
    "launch only after the adverse-impact audit at every star cut passes (the contract's promotion gate)"
)
"""The contract's promotion gate: nothing ranks anyone before the four-fifths audit passes."""
_SHORTLIST_SHARES = {"none": 0.0, "top 5%": 0.05, "top 10%": 0.10, "top 15%": 0.15}
"""The shortlist lever's choices and the share of applicants each lets the screener advance alone."""
_NOTHING = "nothing: people read every application in arrival order"


class ShortlistAutonomy(SignatureTask):
    """Design the shortlist's autonomy for one variant of the case (see the module docstring).

    Parameters
    ----------
    data
        The case built at a parameter set (:meth:`nogo.Case.build`): its log, costs, desk and the
        parameters ``seed``, ``n_applicants`` and ``label_bias``.
    ranked_miss_rate
        Share of qualified applicants a person misses when a certified draft ranking orders the queue
        (the contract's target; the desk's own rate, the cost model's ``reviewer_false_block_rate``,
        applies otherwise).
    """

    question = (
        "How much may the screener decide alone, what must pass before it ranks anyone, and how many "
        "resumes do people label to audit its label?"
    )
    levers = (
        Lever(
            "shortlist_alone",
            "top-ranked share the screener shortlists for interview with no person",
            tuple(_SHORTLIST_SHARES),
            help="These applicants skip a person's read; everyone else is read by a recruiter.",
        ),
        Lever(
            "reject_alone",
            "applicants the screener rejects with no person",
            ("never", "1-star applicants"),
            help="A rejection changes someone's access to a job.",
        ),
        Lever(
            "audit_gate",
            "adverse-impact audit at every star cut",
            ("gates launch", "none"),
            help="With the gate, nothing goes live unless the label is certified and every cut passes 4/5.",
        ),
        Lever(
            "audited_resumes",
            "resumes people label for qualification to audit and repair the label",
            (0, 1000, 2000, 5000),
            unit="resumes",
            help="The audit measures how past hiring treated qualified women, and repairs the label by it.",
        ),
    )

    def __init__(self, data: CaseData, *, ranked_miss_rate: float) -> None:
        if not isinstance(data, CaseData):
            raise InputError(f"data: expected a CaseData from Case.build, got {type(data).__name__}")
        for column in ("score", "stars", "outcome", "group"):
            if column not in data.log.columns:
                raise InputError(f"data: the decision log has no {column!r} column")
        self.data = data
        self.params = dict(data.parameters)
        self.outcome = data.log["outcome"].to_numpy(dtype=bool)
        self.group = data.log["group"].to_numpy()
        self.realised = np.broadcast_to(data.costs.realised(self.outcome), (len(data.log), 3))
        self.missed_usd = np.broadcast_to(data.costs.array("missed_usd"), len(data.log))
        self.read_usd = float(np.mean(data.costs.array("escalate_usd")))
        self.miss_rate = float(data.costs.reviewer_false_block_rate)
        self.ranked_miss_rate = _scalar(
            "ranked_miss_rate", ranked_miss_rate, low=0.0, high=self.miss_rate,
            expected=f"a share from 0 to the desk's miss rate {self.miss_rate:g}",
        )  # fmt: skip
        self.handle_minutes = float(data.desk.handle_minutes)
        self._ranking = cache(self._rank)
        self._outcomes: dict[tuple, SignatureOutcome] = {}

    # ------------------------------------------------------------------------------------- rankings
    def _rank(self, audited: int) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
        """Scores, stars and the star-cut audit of the screener trained on the label the audit leaves."""
        bias = float(self.params["label_bias"])
        residual = label_audit(bias, audited).residual_logodds
        if audited == 0 or residual >= bias:  # nothing repaired: the screener the case built
            score, stars = self.data.log["score"].to_numpy(), self.data.log["stars"].to_numpy()
        else:
            seed, n = int(self.params["seed"]), int(self.params["n_applicants"])
            pool = applicant_pool(n, seed=seed, label_bias=residual)  # same applicants, repaired label
            screener = train_screener(pool, features=pool.attrs["planted"].features, seed=seed)
            score, stars = screener.score(pool), screener.stars(pool)
        frame = pd.DataFrame({"gender": self.group, "qualified": self.outcome})
        return score, stars, screen_report(frame, stars)

    # ---------------------------------------------------------------------------------------- scoring
    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting on the case's pool: who is shortlisted or rejected alone, read, lost, and the cost."""
        c = self.check(choices)
        key = tuple(c[lever.name] for lever in self.levers)
        if key not in self._outcomes:
            self._outcomes[key] = self._evaluate(c)
        return self._outcomes[key]

    def _evaluate(self, c: Mapping[str, Any]) -> SignatureOutcome:
        n, audited = len(self.outcome), int(c["audited_resumes"])
        audit = label_audit(float(self.params["label_bias"]), audited)
        score, stars, report = self._ranking(audited)
        worst = report.loc[report["impact_ratio"].idxmin()]
        ranking_passes = bool(report["impact_ratio"].min() >= FOUR_FIFTHS)
        gated = c["audit_gate"] == "gates launch"
        launched = (audit.certified and ranking_passes) or not gated
        short = np.zeros(n, dtype=bool)
        k = round(_SHORTLIST_SHARES[c["shortlist_alone"]] * n)
        if launched and k:
            short[np.argsort(-score, kind="stable")[:k]] = True
        rates = selection_rates(self.group, short).set_index("group")
        shortlist_ratio = float(rates["impact_ratio"].min()) if k else float("nan")
        if gated and k and not shortlist_ratio >= FOUR_FIFTHS:  # the gate stops a failing shortlist
            short[:] = False
        reject = launched & (c["reject_alone"] != "never") & (stars == 1) & ~short
        read = ~short & ~reject
        costs = self.realised
        cost = costs[short, 0].sum() + costs[read, 1].sum() + costs[reject, 2].sum() + audited * self.read_usd
        certified_live = launched and audit.certified and ranking_passes
        miss = self.ranked_miss_rate if certified_live else self.miss_rate
        value = (self.miss_rate - miss) * self.missed_usd[read & self.outcome].sum()
        exposure = 0.0
        if launched and not certified_live:  # women missing under the four-fifths line, priced as wrongful
            by = report[report["min_stars"] == worst["min_stars"]].set_index("group")
            top = by["selection_rate"].max()
            shortfall = float(((FOUR_FIFTHS * top - by["selection_rate"]).clip(lower=0) * by["n"]).sum())
            exposure = shortfall * float(np.mean(self.missed_usd))
        hits = [
            (REJECT_RULE, c["reject_alone"] != "never"),
            (ADVANCE_RULE, c["shortlist_alone"] != "none"),
            (GATE_RULE, not gated),
        ]
        broken = tuple(rule for rule, hit in hits if hit)
        lost = float((reject & self.outcome).sum() + miss * (read & self.outcome).sum())
        live = (
            _NOTHING
            if not launched
            else "draft ranking"
            + (" and autonomous shortlist" if short.any() else "")
            + (" and autonomous rejections" if reject.any() else "")
        )
        women, men = (rates["selection_rate"].get(g, np.nan) for g in ("woman", "man"))
        metrics = {
            "launched": live,
            "label_certified": audit.certified,
            "residual_label_bias_logodds": round(audit.residual_logodds, 3),
            "bar_logodds": round(audit.bar_logodds, 3),
            "ranking_lowest_impact_ratio": round(float(worst["impact_ratio"]), 3),
            "shortlisted_alone": int(short.sum()),
            "women_shortlist_rate": float(women) if short.any() else 0.0,
            "men_shortlist_rate": float(men) if short.any() else 0.0,
            "shortlist_impact_ratio": round(shortlist_ratio, 3),
            "rejected_alone": int(reject.sum()),
            "qualified_lost": round(lost, 1),
            "reviewer_hours": round((int(read.sum()) + audited) * self.handle_minutes / 60, 1),
            "ranking_value_usd": round(float(value), 2),
            "adverse_impact_exposure_usd": round(exposure, 2),
        }
        total = float(cost - value + exposure)
        return SignatureOutcome(total, metrics, broken, _story(metrics, audit.certified, audited))


def _story(m: Mapping[str, Any], certified: bool, audited: int) -> str:
    if audited == 0:
        label = "No resume was audited, so the label is who was hired before"
    elif certified:
        label = f"The audit of {audited:,} resumes certifies the repaired label"
    else:
        label = (
            f"An audit of {audited:,} resumes cannot certify the label: the bias it may have left "
            f"({m['residual_label_bias_logodds']:.2f} log-odds) is above the four-fifths bar "
            f"({m['bar_logodds']:.2f})"
        )
    if m["launched"] == _NOTHING:
        return f"{label}. Nothing went live: people read every application in arrival order."
    parts = [f"{label}. Live: {m['launched']}; the ranking's lowest impact ratio is "
             f"{m['ranking_lowest_impact_ratio']:.2f}"]  # fmt: skip
    if m["shortlisted_alone"]:
        parts.append(
            f"{m['shortlisted_alone']:,} shortlisted with no person (women {m['women_shortlist_rate']:.1%}, "
            f"men {m['men_shortlist_rate']:.1%})"
        )
    if m["rejected_alone"]:
        parts.append(f"{m['rejected_alone']:,} rejected with no person")
    if m["adverse_impact_exposure_usd"]:
        parts.append(f"adverse-impact exposure {format_usd(m['adverse_impact_exposure_usd'])}")
    return "; ".join(parts) + f"; {m['qualified_lost']:,.0f} qualified applicants lost."
