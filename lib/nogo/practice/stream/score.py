"""Scoring a decision stream: what one answer revealed, the running totals, the chart and the summary text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from nogo._validate import check_choice
from nogo.errors import InputError
from nogo.practice.stream.draw import STREAM_CHOICES, usd_text

__all__ = [
    "ANSWER_COLUMNS", "DISAGREEMENT_HEADERS", "POLICIES", "StreamFeedback", "as_choice", "reveal",
    "stream_chart", "stream_disagreements", "stream_summary", "stream_text", "totals_lines",
]  # fmt: skip

POLICIES: tuple[str, ...] = ("you", "cost-optimal", "naive")
_COLOURS = ("#e9c46a", "#264653", "#e76f51")  # you; cost-optimal (charts._OPTIMAL); naive (charts._HIGHLIGHT)


@dataclass(frozen=True)
class StreamFeedback:
    """What one answer revealed. ``*_cost_usd`` are realised (what happened); ``*_expected_*`` expected.

    ``regret_usd`` is the expected regret of the choice (its expected cost minus the optimum's, >= 0):
    the judgement. ``realised_regret_usd`` is ``cost_usd - optimal_cost_usd``: judgement plus luck.
    """

    item: int
    decision_id: int
    kind: str
    choice: str
    optimal: str
    naive: str
    outcome: bool
    cost_usd: float
    optimal_cost_usd: float
    naive_cost_usd: float
    expected_cost_usd: float
    optimal_expected_cost_usd: float
    naive_expected_cost_usd: float
    regret_usd: float
    realised_regret_usd: float
    reason: str

    @property
    def correct(self) -> bool:
        """Whether the choice was the cost-optimal one."""
        return self.choice == self.optimal

    def to_text(self) -> str:
        """Two lines of plain text: what happened and why the optimum is what it is."""
        happened = "acting was right" if self.outcome else "acting was wrong"
        verdict = "the cost-optimal call" if self.correct else f"the cost-optimal call was {self.optimal}"
        return (
            f"Item {self.item}: you chose {self.choice} ({verdict}); {happened}. Your cost "
            f"{usd_text(self.cost_usd)}, optimal {usd_text(self.optimal_cost_usd)}, naive "
            f"{usd_text(self.naive_cost_usd)}; expected regret {usd_text(self.regret_usd)}.\n"
            f"Why: {self.reason}"
        )


_ITEM_COLUMNS = (
    "item", "decision_id", "kind", "outcome", "optimal", "naive", "reason",
    *(f"{w}_{c}_usd" for w in ("expected", "realised") for c in STREAM_CHOICES),
)  # fmt: skip


def as_choice(choice: Any) -> str:
    if choice == "decline":
        return "block"
    return check_choice("choice", choice, STREAM_CHOICES)


def reveal(item: Mapping[str, Any] | pd.Series, choice: str) -> StreamFeedback:
    """Score one answer: the realised outcome and costs, and the expected regret of the choice.

    Parameters
    ----------
    item
        One row of :func:`draw_stream`.
    choice
        ``"act"``, ``"escalate"`` or ``"block"`` (``"decline"`` is accepted and recorded as ``"block"``).
        An action the case's hard rule forbids on the item (``{choice}_allowed`` false) is refused: its
        expected cost is no measure of a breach, so it has no regret to score.

    Examples
    --------
    >>> item = {"item": 1, "decision_id": 7, "kind": "easy", "outcome": False, "optimal": "escalate",
    ...         "naive": "act", "reason": "...", "expected_act_usd": 300.0, "expected_escalate_usd": 25.0,
    ...         "expected_block_usd": 40.0, "realised_act_usd": 3000.0, "realised_escalate_usd": 25.0,
    ...         "realised_block_usd": 0.0}
    >>> f = reveal(item, "block")
    >>> f.cost_usd, f.optimal_cost_usd, f.naive_cost_usd, f.regret_usd, f.realised_regret_usd
    (0.0, 25.0, 3000.0, 15.0, -25.0)
    """
    choice = as_choice(choice)
    gone = [c for c in _ITEM_COLUMNS if c not in item]
    if gone:
        raise InputError(f"item: missing {gone[0]!r}; expected a row of draw_stream")
    if not bool(item.get(f"{choice}_allowed", True)):
        raise InputError(
            f"choice: {choice!r} is not available for this decision: the case's hard rule "
            f"({item.get('rule', '')}) forbids the agent to {choice} alone"
        )
    exp = {c: float(item[f"expected_{c}_usd"]) for c in STREAM_CHOICES}
    real = {c: float(item[f"realised_{c}_usd"]) for c in STREAM_CHOICES}
    who = {"": choice, "optimal_": str(item["optimal"]), "naive_": str(item["naive"])}
    priced = {f"{k}cost_usd": real[a] for k, a in who.items()}
    priced |= {f"{k}expected_cost_usd": exp[a] for k, a in who.items()}
    opt = who["optimal_"]
    return StreamFeedback(
        int(item["item"]), int(item["decision_id"]), str(item["kind"]), choice, opt, who["naive_"],
        bool(item["outcome"]), **priced, regret_usd=exp[choice] - exp[opt],
        realised_regret_usd=real[choice] - real[opt], reason=str(item["reason"]),
    )  # fmt: skip


ANSWER_COLUMNS: tuple[str, ...] = (*(f.name for f in fields(StreamFeedback)), "correct", "time_taken_seconds")


_PRICED = ("cost_usd", "expected_cost_usd")
DISAGREEMENT_HEADERS = {
    "item": "item", "decision_id": "decision", "kind": "kind", "choice": "you", "optimal": "optimum",
    "cost_usd": "your cost", "optimal_cost_usd": "optimal cost", "regret_usd": "expected regret",
    "reason": "why",
}  # fmt: skip


def _answers(answers: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    if not isinstance(answers, pd.DataFrame):
        raise InputError(f"answers: expected a pandas DataFrame, got {type(answers).__name__}")
    for c in (c for c in columns if c not in answers.columns):
        raise InputError(f"answers: missing column {c!r}; expected the frame of DecisionStream.answers")
    return answers


def stream_summary(answers: pd.DataFrame) -> pd.DataFrame:
    """Running totals for you, the cost-optimal policy and the naive rule, over the answered items.

    Parameters
    ----------
    answers
        One row per answer with the fields of :class:`StreamFeedback` (``DecisionStream.answers``).

    Returns
    -------
    pandas.DataFrame
        Long format, three rows per item: ``item``, ``policy`` (``you``, ``cost-optimal``, ``naive``),
        ``cost_usd`` (realised), ``cumulative_cost_usd``, ``expected_cost_usd``,
        ``cumulative_expected_cost_usd``.

    Examples
    --------
    >>> a = pd.DataFrame({"item": [1, 2], "cost_usd": [0.0, 10.0], "optimal_cost_usd": [0.0, 0.0],
    ...     "naive_cost_usd": [5.0, 5.0], "expected_cost_usd": 1.0, "optimal_expected_cost_usd": 1.0,
    ...     "naive_expected_cost_usd": 5.0})
    >>> s = stream_summary(a)
    >>> s[s["item"] == 2].set_index("policy")["cumulative_cost_usd"].to_dict()
    {'you': 10.0, 'cost-optimal': 0.0, 'naive': 10.0}
    """
    a = _answers(answers, ["item", *(f"{w}{c}" for w in ("", "optimal_", "naive_") for c in _PRICED)])
    n, k = len(a), len(POLICIES)
    out = pd.DataFrame({"item": np.repeat(a["item"].to_numpy(), k), "policy": np.tile(POLICIES, n)})
    for c in _PRICED:  # (n, 3) matrices, one column per policy, flattened row by row
        m = np.column_stack([a[f"{w}{c}"].to_numpy(dtype=float) for w in ("", "optimal_", "naive_")])
        out[c], out[f"cumulative_{c}"] = m.ravel(), np.cumsum(m, axis=0).ravel()
    return out


def stream_chart(summary: pd.DataFrame, *, title: str = "Cumulative realised cost") -> alt.Chart:
    """Cumulative realised cost of you, the cost-optimal policy and the naive rule, item by item.

    Parameters
    ----------
    summary
        The frame of :func:`stream_summary`.

    Examples
    --------
    >>> s = pd.DataFrame({"item": [1, 1, 1], "policy": ["you", "cost-optimal", "naive"],
    ...     "cumulative_cost_usd": [0.0, 5.0, 0.0], "cumulative_expected_cost_usd": [1.0, 1.0, 4.0]})
    >>> stream_chart(s).to_dict()["layer"][0]["mark"]["type"]
    'line'
    """
    need = ["item", "policy", "cumulative_cost_usd", "cumulative_expected_cost_usd"]
    if not isinstance(summary, pd.DataFrame) or any(c not in summary.columns for c in need):
        raise InputError(f"summary: expected the frame of stream_summary with columns {', '.join(need)}")
    colour = alt.Color("policy:N", scale=alt.Scale(domain=list(POLICIES), range=list(_COLOURS)))
    tips = [alt.Tooltip(f"{c}:Q", format=",.2f", title=f"{c[11:-4]} (USD)") for c in need[2:]]
    base = alt.Chart(summary[need]).encode(
        x=alt.X("item:Q", title="item", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("cumulative_cost_usd:Q", title="cumulative realised cost (USD)"),
        color=colour,
        tooltip=["policy:N", "item:Q", *tips],
    )
    layers = alt.layer(base.mark_line(strokeWidth=2.5), base.mark_point(filled=True, size=50))
    return layers.properties(title=title)


def stream_disagreements(answers: pd.DataFrame) -> pd.DataFrame:
    """The items where your choice was not the cost-optimal one, costliest judgement first.

    Returns columns ``item``, ``decision_id``, ``kind``, ``choice``, ``optimal``, ``cost_usd``,
    ``optimal_cost_usd`` (realised), ``regret_usd`` (expected) and ``reason``.

    Examples
    --------
    >>> a = pd.DataFrame({"item": [1, 2], "decision_id": [4, 9], "kind": "easy", "choice": ["act", "act"],
    ...     "optimal": ["act", "block"], "cost_usd": [0.0, 0.0], "optimal_cost_usd": [0.0, 3.0],
    ...     "regret_usd": [0.0, 2.5], "reason": ["", "blocking is cheapest"]})
    >>> stream_disagreements(a)["item"].tolist()
    [2]
    """
    a = _answers(answers, DISAGREEMENT_HEADERS)
    out = a.loc[a["choice"] != a["optimal"], list(DISAGREEMENT_HEADERS)]
    out = out.sort_values(["regret_usd", "item"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def totals_lines(a: pd.DataFrame) -> list[str]:
    """Two lines: realised and expected totals of you, the cost-optimal policy and the naive rule."""
    t = {c: usd_text(float(a[c].sum())) for c in a.columns if c.endswith("cost_usd")}
    return [
        f"Realised cost (what happened): you {t['cost_usd']}, cost-optimal {t['optimal_cost_usd']}, "
        f"naive rule {t['naive_cost_usd']}.",
        f"Expected cost (the judgement, luck removed): you {t['expected_cost_usd']}, cost-optimal "
        f"{t['optimal_expected_cost_usd']}, naive rule {t['naive_expected_cost_usd']}.",
    ]


def stream_text(answers: pd.DataFrame, n_items: int | None = None) -> str:
    """A plain-text summary of the answers: totals beside the optimum and the naive rule, disagreements.

    Examples
    --------
    >>> print(stream_text(pd.DataFrame(columns=list(ANSWER_COLUMNS)), n_items=12))
    Decision stream: 0 of 12 items answered.
    """
    a = _answers(answers, ANSWER_COLUMNS[:-2])
    head = f"Decision stream: {len(a)} of {n_items if n_items is not None else len(a)} items answered."
    if a.empty:
        return head
    match = int((a["choice"] == a["optimal"]).sum())
    lines = [head, *totals_lines(a), f"You made the cost-optimal call on {match} of {len(a)}."]
    dis = stream_disagreements(a)
    if not dis.empty:
        lines.append("Where you and the optimum disagreed:")
        lines += [
            f"- item {r.item} (decision {r.decision_id}, {r.kind}): you chose {r.choice}, the optimum "
            f"{r.optimal} (expected regret {usd_text(r.regret_usd)}). {r.reason}"
            for r in dis.itertuples()
        ]
    return "\n".join(lines)
