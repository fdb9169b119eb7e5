"""The segment drill: which segments may the agent settle alone, send to a person, or decline?

The generic signature drill of a case built by the segment generator (:mod:`nogo.cases.segments`), and
of any case whose decision log has a ``segment`` column. The learner fills a table, one action per
segment: **act** alone, **escalate** to a person, or **decline**. :func:`score_segment_policy` scores it
by the generator's own simulation: each decision's expected cost of the chosen action (its
:class:`~nogo.models.costs.DecisionCosts` at the planted ``p_true``, the truth the generator knows; at
the calibrated ``p`` where the log has no ``p_true``), averaged over the log, against the optimal table.

The optimal table respects the case's hard rules: in each segment, the cheapest action no rule forbids
there (ties to the first of act, escalate, decline). A table that picks a forbidden action is scored as
breaking the rule (``broken_rules``, never correct), and earns no credit for whatever the broken rule
saved: each segment's regret is its cost above the optimum's, floored at zero, so ``regret_usd >= 0``
always and is zero only for a table as cheap as the optimum.

:class:`SegmentDrill` is a thin ipywidgets shell (a dropdown per segment and a Submit button); the
optimal table is computed and shown only when the learner submits.

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
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nogo.cases.case import CaseData
from nogo.cases.segments import segment_codes, segment_summary
from nogo.errors import InputError
from nogo.formatting import format_percent, format_usd, math_safe_html
from nogo.models.costs import ACTIONS

__all__ = ["SEGMENT_CHOICES", "SegmentDrill", "SegmentPolicyResult", "score_segment_policy", "segment_costs"]

SEGMENT_CHOICES: dict[str, str] = {"act": "act alone", "escalate": "escalate", "decline": "decline"}
"""The three actions (:data:`nogo.ACTIONS`) and how the drill labels them."""
_ALIASES = {"act alone": "act", "block": "decline", **{a: a for a in ACTIONS}}


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
        action = _ALIASES.get(choices[name]) if isinstance(choices[name], str) else None
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
    table = segment_costs(data)
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
        regret_usd=per_decision * len(data.log),
        broken_rules=broken,
    )


def _card(data: CaseData) -> pd.DataFrame:
    """What the learner sees before choosing: the log's facts per segment, never the costs' optimum."""
    columns = ["segment", "decisions", "share", "mean_score", "right_rate", "median_value_usd"]
    card = segment_summary(data.log)[columns].rename(columns={"mean_score": "stated_confidence"})
    rules = segment_costs(data).set_index("segment")["rules"]
    card["hard_rules"] = ["; ".join(rules[s]) or "none" for s in card["segment"]]
    return card


class SegmentDrill:
    """The segment table as a widget: a dropdown per segment, Submit, then the scored table.

    Parameters
    ----------
    data
        The case's :class:`~nogo.cases.case.CaseData` (``nogo.open_case(case).build(params)``).

    :meth:`set` and :meth:`submit` do what the controls do, headless. Before submission the widget shows
    each segment's share, the agent's stated confidence, the observed right rate, the median value at
    stake and the hard rules, never the expected costs or the optimum.
    """

    def __init__(self, data: CaseData) -> None:
        import ipywidgets as w

        if not isinstance(data, CaseData):
            raise InputError(
                f"data: expected nogo.CaseData (open_case(...).build()), got {type(data).__name__}"
            )
        self.data = data
        self.card = _card(data)
        self.result: SegmentPolicyResult | None = None
        options = [(label, action) for action, label in SEGMENT_CHOICES.items()]
        self.dropdowns = {
            s: w.Dropdown(
                options=options, value="escalate", description=str(s), style={"description_width": "12em"}
            )
            for s in self.card["segment"]
        }
        self.submit_button = w.Button(description="Submit", button_style="primary")
        self.submit_button.on_click(lambda _: self.submit())
        self.card_html, self.result_html = w.HTML(self._card_html()), w.HTML()
        self.widget = w.VBox([self.card_html, *self.dropdowns.values(), self.submit_button, self.result_html])

    @property
    def choices(self) -> dict[str, str]:
        """The current table: segment to action."""
        return {s: d.value for s, d in self.dropdowns.items()}

    def set(self, choices: Mapping[str, str]) -> None:
        """Set some segments' actions (``act``, ``escalate``, ``decline``; ``block`` is ``decline``)."""
        for segment, action in choices.items():
            if segment not in self.dropdowns:
                raise InputError(f"choices: no segment {segment!r}; known: {', '.join(self.dropdowns)}")
            if _ALIASES.get(action) is None:
                raise InputError(f"choices[{segment!r}]: expected act, escalate or decline, got {action!r}")
            self.dropdowns[segment].value = _ALIASES[action]

    def submit(self) -> SegmentPolicyResult:
        """Score the current table and reveal the optimal one."""
        self.result = score_segment_policy(self.data, self.choices)
        self.result_html.value = math_safe_html("<pre>" + html.escape(self.result.to_text()) + "</pre>")
        return self.result

    def _card_html(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(r.segment))}</td><td>{format_percent(r.share)}</td>"
            f"<td>{format_percent(r.stated_confidence)}</td><td>{format_percent(r.right_rate)}</td>"
            f"<td>{format_usd(r.median_value_usd)}</td><td>{html.escape(r.hard_rules)}</td></tr>"
            for r in self.card.itertuples()
        )
        head = "".join(f"<th>{h}</th>" for h in (
            "segment", "share", "agent's stated confidence", "right in the log", "median value", "hard rules"
        ))  # fmt: skip
        return math_safe_html(f"<table><tr>{head}</tr>{rows}</table>")

    def summary_text(self) -> str:
        """Plain text: the segments, and the verdict once submitted (the optimum only then)."""
        lines = [f"Segment table: {len(self.card)} segments, {len(self.data.log):,} decisions"]
        if self.result is None:
            lines.append("Not submitted yet: choose act alone, escalate or decline for each segment.")
        else:
            lines.append(self.result.to_text())
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return self.summary_text()
