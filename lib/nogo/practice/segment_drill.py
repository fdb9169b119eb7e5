"""The segment drill: which segments may the agent settle alone, send to a person, or decline?

The generic signature drill of a case built by the segment generator (:mod:`nogo.cases.segments`), and
of any case whose decision log has a ``segment`` column. The learner fills a table, one action per
segment: **act** alone, **escalate** to a person, or **decline**. :func:`score_segment_policy` (in the
cases layer, :mod:`nogo.cases.segment_policy`, re-exported here) scores it by the generator's own
simulation: each decision's expected cost of the chosen action (its
:class:`~nogo.models.costs.DecisionCosts` at the planted ``p_true``, the truth the generator knows; at
the calibrated ``p`` where the log has no ``p_true``), averaged over the log, against the optimal table.

The optimal table respects the case's hard rules: in each segment, the cheapest action no rule forbids
there (ties to the first of act, escalate, decline). A table that picks a forbidden action is scored as
breaking the rule (``broken_rules``, never correct), and earns no credit for whatever the broken rule
saved: each segment's regret is its cost above the optimum's, floored at zero, so ``regret_usd >= 0``
always and is zero only for a table as cheap as the optimum.

:class:`SegmentDrill` is a thin ipywidgets shell (a dropdown per segment and a Submit button); the
optimal table is computed and shown only when the learner submits.

(The worked example of the scoring is in :mod:`nogo.cases.segment_policy`.)
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from nogo.cases.case import CaseData
from nogo.cases.segment_policy import (
    ACTION_ALIASES,
    SEGMENT_CHOICES,
    SegmentPolicyResult,
    score_segment_policy,
    segment_card,
    segment_costs,
)
from nogo.errors import InputError
from nogo.formatting import format_percent, format_usd, math_safe_html
from nogo.practice.live import DRILL_TEXT, LiveDrill, card_html, chips, drill_view, status_html

__all__ = ["SEGMENT_CHOICES", "SegmentDrill", "SegmentPolicyResult", "score_segment_policy", "segment_costs"]


class SegmentDrill(LiveDrill):
    """The segment table as a widget: a dropdown per segment, Submit, then the scored table.

    Parameters
    ----------
    data
        The case's :class:`~nogo.cases.case.CaseData` (``nogo.open_case(case).build(params)``).

    :meth:`set` and :meth:`submit` do what the controls do, headless. Before submission the widget shows
    each segment's share, the agent's stated confidence, the observed right rate, the median value at
    stake and the hard rules, never the expected costs or the optimum. :attr:`widget` (also :attr:`view`)
    is the widget; its status line (:meth:`status_text`) says whether the table is submitted.
    """

    drill_key = "segments"

    def __init__(self, data: CaseData) -> None:
        import ipywidgets as w

        if not isinstance(data, CaseData):
            raise InputError(
                f"data: expected nogo.CaseData (open_case(...).build()), got {type(data).__name__}"
            )
        self.data = data
        self.card = segment_card(data)
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
        self.card_html, self.result_html, self.status_html = w.HTML(self._card_html()), w.HTML(), w.HTML()
        self.widget = drill_view(
            [
                self.card_html,
                *self.dropdowns.values(),
                self.submit_button,
                self.status_html,
                self.result_html,
            ],
            self,
        )
        self.status_html.value = status_html(self.status_text())

    @property
    def view(self) -> Any:
        """The widget (the same as :attr:`widget`, named as in the other drills)."""
        return self.widget

    @property
    def choices(self) -> dict[str, str]:
        """The current table: segment to action."""
        return {s: d.value for s, d in self.dropdowns.items()}

    def set(self, choices: Mapping[str, str]) -> None:
        """Set some segments' actions (``act``, ``escalate``, ``decline``; ``block`` is ``decline``)."""
        for segment, action in choices.items():
            if segment not in self.dropdowns:
                raise InputError(f"choices: no segment {segment!r}; known: {', '.join(self.dropdowns)}")
            if ACTION_ALIASES.get(action) is None:
                raise InputError(f"choices[{segment!r}]: expected act, escalate or decline, got {action!r}")
            self.dropdowns[segment].value = ACTION_ALIASES[action]

    def submit(self) -> SegmentPolicyResult:
        """Score the current table and reveal the optimal one."""
        self.result = score_segment_policy(self.data, self.choices)
        lines = self.result.to_text().splitlines()
        self.result_html.value = math_safe_html(
            f"<p>{html.escape(lines[0])}</p><ul>"
            + "".join(f"<li>{html.escape(line.removeprefix('- '))}</li>" for line in lines[1:])
            + "</ul>"
        )
        self.status_html.value = status_html(self.status_text())
        return self.result

    def status_text(self) -> str:
        """The widget's live status line: submitted (the regret) or not."""
        if self.result is None:
            n = len(self.card)
            return f"Not submitted yet: choose act, escalate or decline for each of the {n} segments."
        return "Submitted: your table beside the optimal one is below."

    def brief_text(self) -> str:
        """The segments and the choices, as plain text; never the optimum."""
        return "\n".join([
            f"Segment table: {len(self.card)} segments, {len(self.data.log):,} decisions",
            "Not submitted yet: choose act alone, escalate or decline for each segment.",
        ])  # fmt: skip

    def static_html(self) -> str:
        """The segments as the widget shows them before submission, and the choices; never the optimum."""
        options = f'<p class="nogo-options"><b>For each segment:</b> {chips(SEGMENT_CHOICES.values())}</p>'
        asks = html.escape(DRILL_TEXT[self.drill_key][1])
        return card_html(self.drill_key, asks, self._card_html() + options)

    def record_text(self) -> str:
        """The verdict once submitted, or that nothing is submitted yet."""
        return "no table submitted yet." if self.result is None else self.result.to_text()

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

    def __repr__(self) -> str:
        return self.summary_text()
