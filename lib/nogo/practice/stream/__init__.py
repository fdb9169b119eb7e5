"""The decision-stream drill: one agent decision at a time; act, escalate or block; the cost revealed.

Vocabulary. The drill speaks the interview's words, **act**, **escalate**, **block**; the cost models
speak :data:`nogo.ACTIONS`, where ``block`` is called ``decline`` (:data:`MODEL_ACTION`). Every column,
answer and stored attempt here uses the drill's words; ``"decline"`` is accepted as ``"block"``.

Two kinds of cost, never mixed up. **Expected** cost (USD), from the calibrated probability ``p`` that
acting is right (:meth:`nogo.DecisionCosts.expected`), picks the cost-optimal action (the argmin: what a
policy can know before the outcome) and measures ``regret_usd``: judgement with luck removed, never
negative. **Realised** cost (USD), once the outcome is known (:meth:`nogo.DecisionCosts.realised`), is
what happened: the running score and the stored attempts use it, so a lucky wrong call can cost less
than the optimal one on a single item (``realised_regret_usd < 0``).

The naive rule is the one in :func:`nogo.naive_policy`: act when the agent's own ``score`` is at least
``naive_confidence``, else escalate (hold back where escalation is unavailable, ``escalate_usd = inf``).

The case's hard rules bind: an action a rule forbids on a decision (:meth:`nogo.CaseData.allowed`) is
never the optimum, is disabled on the card and refused; the naive rule escalates instead (a person
decides). The card shows the stated confidence, never the calibrated ``p`` (that is in the reveal), and
the items are drawn so that no constant answer and no confidence cut does well
(:func:`~nogo.practice.stream.draw.draw_stream`).

The drill is three modules: :mod:`~nogo.practice.stream.draw` (the items),
:mod:`~nogo.practice.stream.score` (feedback, totals, chart, text) and
:mod:`~nogo.practice.stream.widget` (:class:`DecisionStream`).
"""

from __future__ import annotations

from nogo.practice.stream.draw import MODEL_ACTION, STREAM_CHOICES, STREAM_KINDS, draw_stream
from nogo.practice.stream.score import (
    ANSWER_COLUMNS,
    POLICIES,
    StreamFeedback,
    reveal,
    stream_chart,
    stream_disagreements,
    stream_summary,
    stream_text,
)
from nogo.practice.stream.widget import DecisionStream

__all__ = [
    "ANSWER_COLUMNS", "MODEL_ACTION", "POLICIES", "STREAM_CHOICES", "STREAM_KINDS", "DecisionStream",
    "StreamFeedback", "draw_stream", "reveal", "stream_chart", "stream_disagreements", "stream_summary",
    "stream_text",
]  # fmt: skip
