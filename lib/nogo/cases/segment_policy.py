"""The per-segment table, scored by the segment generator's own simulation: a case's signature task.

Many agent failures are segments of work with different stakes, and the PM's lever is a table: for each
segment, may the agent **act** alone, must it **escalate** to a person, or should it **decline**?
:func:`score_segment_policy` scores such a table: each decision's expected cost of the chosen action
(its :class:`~nogo.models.costs.DecisionCosts` at the planted ``p_true``, the truth the generator knows;
at the calibrated ``p`` where the log has no ``p_true``), averaged over the log, against the optimal
table.

The optimal table respects the case's hard rules: in each segment, the cheapest action no rule forbids
there (ties to the first of act, escalate, decline). A table that picks a forbidden action is scored as
breaking the rule (``broken_rules``, never correct), and earns no credit for whatever the broken rule
saved: each segment's regret is its cost above the optimum's, floored at zero, so ``regret_usd >= 0``
always and is zero only for a table as cheap as the optimum.

:class:`SegmentTask` is the same table as a :class:`~nogo.cases.signature.SignatureTask`, one lever per
segment, so :class:`nogo.SignatureDrill` drills it like any case's own lever; it is what
:meth:`nogo.SegmentCase.signature_task` returns. (The practice layer's ``SegmentDrill`` is the older
table widget over the same scoring.)

Examples
--------
Small refunds ($10 at stake) and large ones ($900); a wrong payout costs the value, a refused fair one
a fifth of it, a review $5:

>>> from nogo.cases.case import CaseData
>>> from nogo.models.costs import DecisionCosts
>>> from nogo.models.policy_model import PolicyAssumptions
>>> log = pd.DataFrame({"segment": ["small", "small", "large", "large"], "score": 0.97,
...                     "outcome": [1, 1, 1, 0], "value_usd": [10.0, 10.0, 900.0, 900.0],
...                     "p_true": [0.95, 0.95, 0.9, 0.9]})
>>> costs = DecisionCosts(log["value_usd"], missed_usd=0.2 * log["value_usd"], escalate_usd=5.0)
>>> data = CaseData(log, log["p_true"].to_numpy(), costs, None, 30.0, PolicyAssumptions())
>>> result = score_segment_policy(data, {"small": "act", "large": "act"})
>>> result.table[["segment", "choice", "optimal"]].to_numpy().tolist()
[['small', 'act', 'act'], ['large', 'act', 'escalate']]
>>> round(result.regret_per_decision_usd, 6), round(result.regret_usd, 6)  # (0.1 x $900 - $5) x half
(42.5, 170.0)
>>> task = SegmentTask(data)
>>> [lever.name for lever in task.levers], task.optimum()[0]
(['small', 'large'], {'small': 'act', 'large': 'escalate'})
>>> round(task.score({"small": "act", "large": "act"}).regret_usd, 6)  # the same regret
170.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nogo.cases.case import CaseData
from nogo.cases.segments import segment_codes, segment_summary
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.errors import InputError
from nogo.formatting import format_percent, format_usd
from nogo.models.costs import ACTIONS

__all__ = [
    "ACTION_ALIASES", "SEGMENT_CHOICES", "SegmentPolicyResult", "SegmentTask", "score_segment_policy",
    "segment_card", "segment_costs",
]  # fmt: skip

SEGMENT_CHOICES: dict[str, str] = {"act": "act alone", "escalate": "escalate", "decline": "decline"}
"""The three actions (:data:`nogo.ACTIONS`) and how the drill labels them."""
_DONE = {"act": "the agent settles alone", "escalate": "sent to a person", "decline": "declined"}
ACTION_ALIASES: dict[str, str] = {"act alone": "act", "block": "decline", **{a: a for a in ACTIONS}}
"""The names a table may use for an action: the three, plus ``act alone`` and ``block`` (decline)."""


def _truth(data: CaseData) -> np.ndarray:
    return data.log["p_true"].to_numpy(dtype=float) if "p_true" in data.log.columns else data.p


def segment_costs(data: CaseData) -> pd.DataFrame:
    """Per segment: decisions, share, the mean expected cost of each action and what the rules forbid.

    Columns ``segment``, ``decisions``, ``share``, ``act_usd``, ``escalate_usd``, ``decline_usd`` (mean
    expected cost per decision of the segment, at ``p_true``, else ``p``; ``inf`` where escalation is
    unavailable), ``forbidden`` (the actions a hard rule forbids on any of its decisions, a tuple),
    ``rules`` (the rules that bind it) and ``optimal`` (the cheapest action no rule forbids); in the case
    file's order (:func:`nogo.cases.segments.segment_codes`).
    """
    if "segment" not in data.log.columns:
        raise InputError("case data: the decision log has no 'segment' column (a segment drill needs one)")
    cost = np.asarray(data.costs.expected(_truth(data)), dtype=float)
    cost = np.broadcast_to(cost, (len(data.log), len(ACTIONS)))
    codes, names = segment_codes(data.log)
    n = np.bincount(codes, minlength=len(names))
    frame = pd.DataFrame({"segment": names, "decisions": n, "share": n / len(codes)})
    for k, action in enumerate(ACTIONS):
        with np.errstate(invalid="ignore"):
            frame[f"{action}_usd"] = np.bincount(codes, weights=cost[:, k], minlength=len(names)) / n
        frame.loc[~np.isfinite(frame[f"{action}_usd"]), f"{action}_usd"] = np.inf
    allowed = data.allowed()
    blocked = np.zeros((len(names), len(ACTIONS)), dtype=bool)
    np.logical_or.at(blocked, codes, ~allowed)
    frame["forbidden"] = [tuple(a for a, b in zip(ACTIONS, row, strict=True) if b) for row in blocked]
    frame["rules"] = [
        tuple(r.rule for r in data.hard_rules if r.applies[codes == k].any()) for k in range(len(names))
    ]
    options = np.where(blocked, np.inf, frame[[f"{a}_usd" for a in ACTIONS]].to_numpy())
    frame["optimal"] = np.asarray(ACTIONS, dtype=object)[np.argmin(options, axis=1)]
    return frame


@dataclass(frozen=True)
class SegmentPolicyResult:
    """A scored segment table: per segment, the choice beside the optimum; the cost, regret and rules.

    Attributes
    ----------
    table
        :func:`segment_costs` plus ``choice``, ``breaks_rule`` and ``regret_per_decision_usd`` (the
        segment's own, per decision of the segment).
    cost_per_decision_usd, optimal_cost_per_decision_usd
        Mean expected cost per decision of the learner's table and of the optimal one.
    regret_per_decision_usd, regret_usd
        The regret (never negative) per decision of the log, and over the whole log.
    broken_rules
        ``"segment: rule"`` for each segment whose choice a hard rule forbids.
    """

    table: pd.DataFrame
    cost_per_decision_usd: float
    optimal_cost_per_decision_usd: float
    regret_per_decision_usd: float
    regret_usd: float
    broken_rules: tuple[str, ...]

    @property
    def correct(self) -> bool:
        """No regret and no broken rule."""
        return self.regret_usd <= 1e-9 * max(1.0, abs(self.optimal_cost_per_decision_usd)) and not (
            self.broken_rules
        )

    def to_text(self) -> str:
        """The verdict and the table, in plain text."""
        head = (
            f"Your table: {format_usd(self.cost_per_decision_usd)} per decision; the optimal table "
            f"{format_usd(self.optimal_cost_per_decision_usd)}; regret {format_usd(self.regret_usd)} over "
            f"the log ({format_usd(self.regret_per_decision_usd)} per decision)."
        )
        lines = [head, *(f"Breaks a hard rule: {b}" for b in self.broken_rules)]
        for row in self.table.itertuples():
            mark = "breaks a rule" if row.breaks_rule else ("optimal" if row.choice == row.optimal else "")
            lines.append(
                f"- {row.segment} ({format_percent(row.share)}): you {SEGMENT_CHOICES[row.choice]}, optimal "
                f"{SEGMENT_CHOICES[row.optimal]}; regret {format_usd(row.regret_per_decision_usd)} a decision"
                + (f" [{mark}]" if mark else "")
            )
        return "\n".join(lines)


def _choices(table: pd.DataFrame, choices: Mapping[str, str]) -> list[str]:
    if not isinstance(choices, Mapping):
        raise InputError(f"choices: expected a mapping of segment to action, got {type(choices).__name__}")
    names = list(table["segment"])
    unknown = [s for s in choices if s not in names]
    missing = [s for s in names if s not in choices]
    if unknown or missing:
        raise InputError(
            f"choices: one action per segment; missing: {', '.join(missing) or 'none'}; "
            f"unknown: {', '.join(map(str, unknown)) or 'none'}"
        )
    out = []
    for name in names:
        action = ACTION_ALIASES.get(choices[name]) if isinstance(choices[name], str) else None
        if action is None:
            raise InputError(f"choices[{name!r}]: expected act, escalate or decline, got {choices[name]!r}")
        out.append(action)
    return out


def score_segment_policy(data: CaseData, choices: Mapping[str, str]) -> SegmentPolicyResult:
    """Score a per-segment table (segment name to ``act``, ``escalate`` or ``decline``) against the optimum.

    Raises
    ------
    InputError
        A segment missing or unknown, an action that is not one of the three, or escalation chosen where
        the case has no escalation path (``escalate_usd`` infinite).
    """
    return _score(segment_costs(data), choices, len(data.log))


def _score(table: pd.DataFrame, choices: Mapping[str, Any], n: int) -> SegmentPolicyResult:
    picked = _choices(table, choices)
    costs = table[[f"{a}_usd" for a in ACTIONS]].to_numpy()
    k = np.array([ACTIONS.index(a) for a in picked])
    rows = np.arange(len(table))
    mine = costs[rows, k]
    if not np.isfinite(mine).all():
        i = int(np.flatnonzero(~np.isfinite(mine))[0])
        raise InputError(f"choices[{table['segment'][i]!r}]: {picked[i]} is not available in this case")
    best = costs[rows, [ACTIONS.index(a) for a in table["optimal"]]]
    regret = np.maximum(mine - best, 0.0)
    breaks = np.array([a in f for a, f in zip(picked, table["forbidden"], strict=True)])
    table = table.assign(choice=picked, breaks_rule=breaks, regret_per_decision_usd=regret)
    share = table["share"].to_numpy()
    broken = tuple(f"{row.segment}: {'; '.join(row.rules)}" for row in table.itertuples() if row.breaks_rule)
    per_decision = float(share @ regret)
    return SegmentPolicyResult(
        table=table,
        cost_per_decision_usd=float(share @ mine),
        optimal_cost_per_decision_usd=float(share @ best),
        regret_per_decision_usd=per_decision,
        regret_usd=per_decision * n,
        broken_rules=broken,
    )


def segment_card(data: CaseData) -> pd.DataFrame:
    """What the learner sees before choosing: the log's facts per segment, never the costs' optimum.

    Columns ``segment``, ``decisions``, ``share``, ``stated_confidence`` (the agent's mean score),
    ``right_rate`` (observed in the log), ``median_value_usd`` and ``hard_rules`` (text, ``"none"``).
    """
    columns = ["segment", "decisions", "share", "mean_score", "right_rate", "median_value_usd"]
    card = segment_summary(data.log)[columns].rename(columns={"mean_score": "stated_confidence"})
    rules = segment_costs(data).set_index("segment")["rules"]
    card["hard_rules"] = ["; ".join(rules[s]) or "none" for s in card["segment"]]
    return card


class SegmentTask(SignatureTask):
    """The per-segment table as a signature task: one lever per segment (act alone, escalate, decline).

    A setting's ``cost_usd`` is the table's expected cost over the whole log, except that a segment
    whose choice breaks a hard rule is counted at no less than the optimum's cost there (no credit for
    what the broken rule saved, as in :func:`score_segment_policy`), so :meth:`score`'s regret is
    :attr:`SegmentPolicyResult.regret_usd`. Escalation is offered only where the case has a desk
    (``escalate_usd`` finite). :meth:`optimum` reads the optimal table (the search is per segment, as
    the cost adds up segment by segment); it equals the exhaustive search.
    """

    question = "Which segments may the agent settle alone, which go to a person, and which does it decline?"

    def __init__(self, data: CaseData) -> None:
        if not isinstance(data, CaseData):
            raise InputError(
                f"data: expected nogo.CaseData (open_case(...).build()), got {type(data).__name__}"
            )
        self.data = data
        self.table = segment_costs(data)
        card = segment_card(data).set_index("segment")
        levers = []
        for row in self.table.itertuples():
            c = card.loc[row.segment]
            choices = tuple(a for a in ACTIONS if np.isfinite(getattr(row, f"{a}_usd")))
            levers.append(
                Lever(
                    str(row.segment),
                    str(row.segment),
                    choices,
                    help=(
                        f"{format_percent(c.share)} of decisions; the agent states "
                        f"{format_percent(c.stated_confidence)} confidence, "
                        f"{format_percent(c.right_rate)} were right in the log; median value "
                        f"{format_usd(c.median_value_usd)}; hard rules: "
                        f"{c.hard_rules}"
                    ),
                )
            )
        self.levers = tuple(levers)

    def result(self, choices: Mapping[str, Any]) -> SegmentPolicyResult:
        """The table ``choices`` scored by :func:`score_segment_policy` (on the table computed once)."""
        return _score(self.table, choices, len(self.data.log))

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The table on the generator's simulation: its cost, what share acts, escalates, declines."""
        r = self.result(choices)
        share = r.table.groupby("choice")["share"].sum()
        shares = {a: float(share.get(a, 0.0)) for a in ACTIONS}
        metrics = {
            "expected cost per decision": format_usd(r.cost_per_decision_usd),
            **{f"decisions {_DONE[a]}": format_percent(shares[a]) for a in ACTIONS},
        }
        story = (
            f"The agent acts alone on {format_percent(shares['act'])} of decisions, sends "
            f"{format_percent(shares['escalate'])} to a person and declines "
            f"{format_percent(shares['decline'])}: "
            f"an expected {format_usd(r.cost_per_decision_usd)} per decision."
        )
        n = len(self.data.log)
        cost = (r.optimal_cost_per_decision_usd + r.regret_per_decision_usd) * n
        return SignatureOutcome(cost, metrics, r.broken_rules, story)

    def optimum(self) -> tuple[dict[str, Any], SignatureOutcome]:
        """The optimal table (per segment, the cheapest action no hard rule forbids) and its outcome."""
        best = {str(s): a for s, a in zip(self.table["segment"], self.table["optimal"], strict=True)}
        return best, self.evaluate(best)
